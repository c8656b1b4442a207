//! A kiosk's place in the hub's trust: the one-time invite staff hand to a new kiosk, the
//! provisioning exchange, and the device credential every later request carries. The hub takes
//! a kiosk's identity from that credential only, never from a body or a query.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ids::{InstitutionId, KioskId};
use crate::protocol::hex;
use crate::value_error::ValueError;

/// Letters of an invite code: Crockford's base32 without the ones people misread (0/O, 1/I/L,
/// U), so a code read off a screen or over the phone is typed right.
const INVITE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Twelve letters in three groups: 30^12 ≈ 5·10^17 codes, for a code that lives hours and is used once.
const INVITE_LETTERS: usize = 12;

/// A one-time invite code (`baeum-hub kiosk invite`), e.g. `K7QD-M3XH-29VA`. Read in any case,
/// with or without hyphens or spaces.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct InviteCode(String);

impl InviteCode {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let letters: String =
            raw.chars().filter(|c| !matches!(c, '-' | ' ' | '\t')).map(|c| c.to_ascii_uppercase()).collect();
        if letters.chars().count() != INVITE_LETTERS || !letters.bytes().all(|b| INVITE_ALPHABET.contains(&b)) {
            return Err(ValueError::InviteCode);
        }
        Ok(Self(letters))
    }

    /// A code from 12 random bytes (the caller's randomness: the domain does no IO).
    pub fn from_random(bytes: [u8; INVITE_LETTERS]) -> Self {
        // 256 is not a multiple of 30: the first 30·8 = 240 values map evenly, the rest fold
        // back with a small bias, which costs well under a bit of the code's ~59.
        Self(bytes.iter().map(|b| INVITE_ALPHABET[usize::from(*b) % INVITE_ALPHABET.len()] as char).collect())
    }

    /// What the hub stores: the code's SHA-256, so its database does not hold usable codes.
    pub fn digest(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }
}

impl std::fmt::Display for InviteCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}-{}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }
}

impl std::fmt::Debug for InviteCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InviteCode(…)")
    }
}

const CREDENTIAL_PREFIX: &str = "bk1_";

/// The device credential: a random bearer token the hub hands out once, at provisioning, and
/// keeps only as a digest. It goes in `Authorization: Bearer …` on every kiosk request.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceCredential(String);

impl DeviceCredential {
    /// A credential from 32 random bytes (256 bits: a fast digest is enough to store it).
    pub fn from_random(bytes: [u8; 32]) -> Self {
        Self(bearer_from_random(CREDENTIAL_PREFIX, bytes))
    }

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        bearer(raw, CREDENTIAL_PREFIX).map(Self).ok_or(ValueError::DeviceCredential)
    }

    /// The token itself (for the `Authorization` header and the keyring; never logged).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the hub stores and looks the kiosk up by.
    pub fn digest(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }
}

/// 32 random bytes as a bearer token: `prefix` and 43 base64url letters.
pub(crate) fn bearer_from_random(prefix: &str, bytes: [u8; 32]) -> String {
    use base64::Engine;
    format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// `raw` (trimmed) if it is a bearer token with this prefix.
pub(crate) fn bearer(raw: &str, prefix: &str) -> Option<String> {
    let raw = raw.trim();
    let body = raw.strip_prefix(prefix)?;
    (body.len() == 43 && body.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')))
        .then(|| raw.to_owned())
}

impl std::fmt::Debug for DeviceCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceCredential(…)")
    }
}

/// A device key's fingerprint as staff read it off the kiosk's screen and type it at the hub:
/// the 16 hex digits of [`crate::certificate::key_id`] in four groups (`3f9a 07c2 …`).
pub fn fingerprint_text(key_id: &str) -> String {
    key_id.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// A fingerprint as typed (any case, spaces or hyphens between groups) back to the key id.
pub fn parse_fingerprint(raw: &str) -> Result<String, ValueError> {
    let id: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | ':')).map(|c| c.to_ascii_lowercase()).collect();
    if id.len() != 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ValueError::Fingerprint);
    }
    Ok(id)
}

/// `POST /v1/kiosks/provision`: a new kiosk presents its invite code, the id it chose for itself
/// and the public half of the device key it just made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvisionRequest {
    /// The one-time code from `baeum-hub kiosk invite` (XXXX-XXXX-XXXX).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[2-9A-Za-z\- ]{12,20}$", example = "K7QD-M3XH-29VA"))]
    pub code: String,
    pub kiosk_id: KioskId,
    /// Ed25519 public key, base64url (32 bytes that must be a point on the curve).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9_-]{43}$"))]
    pub public_key: String,
}

/// The hub's answer: who the kiosk now is, and its credential (given out this once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvisionAnswer {
    pub kiosk_id: KioskId,
    pub institution_id: InstitutionId,
    /// The bearer token for every later request. Keep it in the OS keyring.
    pub credential: String,
    /// The device key's id (its fingerprint), which staff endorse at the hub.
    pub key_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_codes_read_as_people_type_them() {
        let code = InviteCode::from_random([7, 200, 33, 0, 255, 91, 12, 64, 128, 30, 59, 240]);
        let shown = code.to_string();
        assert_eq!(shown.len(), 14, "{shown}");
        assert_eq!(InviteCode::parse(&shown), Ok(code.clone()));
        assert_eq!(InviteCode::parse(&shown.to_lowercase().replace('-', " ")), Ok(code.clone()));
        assert_eq!(InviteCode::parse(&shown.replace('-', "")).map(|c| c.digest()), Ok(code.digest()));
        // Letters people misread are not in any code, so a code with them was mistyped.
        assert!(InviteCode::parse("K7QD-M3XH-29V0").is_err());
        assert!(InviteCode::parse("K7QD-M3XH-29V").is_err());
        assert!(InviteCode::parse("").is_err());
        assert!(!format!("{code:?}").contains(&shown[..4]), "a code is never logged");
    }

    #[test]
    fn credentials_have_one_shape_and_are_stored_as_digests() {
        let credential = DeviceCredential::from_random([42; 32]);
        assert_eq!(DeviceCredential::parse(credential.expose()), Ok(credential.clone()));
        assert_eq!(credential.digest().len(), 64);
        assert_ne!(credential.digest(), DeviceCredential::from_random([43; 32]).digest());
        assert!(DeviceCredential::parse("bk1_short").is_err());
        assert!(DeviceCredential::parse(&credential.expose().replace("bk1_", "bk2_")).is_err());
        assert!(DeviceCredential::parse(&format!("{}!", &credential.expose()[..46])).is_err());
        assert_eq!(format!("{credential:?}"), "DeviceCredential(…)");
    }

    #[test]
    fn fingerprints_are_grouped_for_reading_and_read_back_however_typed() {
        assert_eq!(fingerprint_text("3f9a07c21b44d0e8"), "3f9a 07c2 1b44 d0e8");
        assert_eq!(parse_fingerprint("3F9A-07C2 1b44:d0e8"), Ok("3f9a07c21b44d0e8".into()));
        assert!(parse_fingerprint("3f9a 07c2").is_err());
        assert!(parse_fingerprint("zz9a07c21b44d0e8").is_err());
    }
}
