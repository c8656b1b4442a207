//! Sessions the hub opens for a person at one kiosk: a learner's after her PIN. A learner's own
//! records (enrollments, history, certificates) are answered only inside one, so a kiosk — or a
//! script in its window — cannot read another learner's by naming her id. The kiosk's shell keeps
//! the token; the window never sees it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::device::{bearer, bearer_from_random};
use crate::protocol::hex;
use crate::value_error::ValueError;

/// The header a session's token travels in, beside the device credential.
pub const SESSION_HEADER: &str = "baeum-session";

/// A session ends this long after its last use…
pub const SESSION_IDLE_MINUTES: i64 = 10;
/// …and this long after it opened, however busy.
pub const SESSION_MAX_MINUTES: i64 = 60;

const PREFIX: &str = "bs1_";

/// A session's bearer token (256 random bits; the hub keeps only its digest).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn from_random(bytes: [u8; 32]) -> Self {
        Self(bearer_from_random(PREFIX, bytes))
    }

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        bearer(raw, PREFIX).map(Self).ok_or(ValueError::SessionToken)
    }

    /// The token itself, for the header (never logged).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the hub stores and looks the session up by.
    pub fn digest(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// The digest as a staff stamp names it.
    pub fn stamp_digest(&self) -> crate::staff::SessionDigest {
        crate::staff::SessionDigest::parse(&self.digest()).unwrap_or_else(|_| unreachable!("a SHA-256 in hex"))
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

/// A session the hub opened: its token (given out this once) and when it ends if unused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionGrant {
    /// Send it back in the `baeum-session` header.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^bs1_[A-Za-z0-9_-]{43}$"))]
    pub token: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: DateTime<Utc>,
}

/// When a session used at `now` ends: [`SESSION_IDLE_MINUTES`] later, never past
/// [`SESSION_MAX_MINUTES`] after `opened_at`.
pub fn session_end(opened_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    (now + chrono::Duration::minutes(SESSION_IDLE_MINUTES))
        .min(opened_at + chrono::Duration::minutes(SESSION_MAX_MINUTES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_only_in_their_own_shape_and_never_print() {
        let t = SessionToken::from_random([9; 32]);
        assert_eq!(SessionToken::parse(t.expose()).unwrap(), t);
        assert!(
            SessionToken::parse("bk1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").is_err(),
            "a device credential is not a session"
        );
        assert!(SessionToken::parse("bs1_short").is_err());
        assert!(!format!("{t:?}").contains(&t.expose()[4..]));
        assert_eq!(t.digest().len(), 64);
    }

    #[test]
    fn a_session_slides_with_use_up_to_its_limit() {
        let opened: DateTime<Utc> = "2026-12-07T01:00:00Z".parse().unwrap();
        assert_eq!(session_end(opened, opened), opened + chrono::Duration::minutes(10));
        let late = opened + chrono::Duration::minutes(55);
        assert_eq!(session_end(opened, late), opened + chrono::Duration::minutes(60));
    }
}
