//! Identifiers of catalog records. Institutions assign them; we only accept a safe ASCII shape
//! (`a-z`, `0-9`, `-`, `_`, `.`; 1–64 characters) so they can go in URLs, file names and logs.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("비어 있습니다")]
    Empty,
    #[error("64자를 넘습니다")]
    TooLong,
    #[error("영문 소문자, 숫자, '-', '_', '.'만 쓸 수 있습니다: {0:?}")]
    BadCharacter(String),
}

fn check_id(raw: &str) -> Result<String, IdError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(IdError::Empty);
    }
    if raw.len() > 64 {
        return Err(IdError::TooLong);
    }
    if !raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')) {
        return Err(IdError::BadCharacter(raw.to_owned()));
    }
    Ok(raw.to_owned())
}

macro_rules! catalog_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(
            feature = "openapi",
            derive(utoipa::ToSchema),
            schema(value_type = String, pattern = r"^[a-z0-9._-]{1,64}$")
        )]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                check_id(raw).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        /// On the wire an id is exactly its shape: no spaces around it (`parse` trims what a
        /// person or a feed typed).
        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                if value.trim() != value {
                    return Err(IdError::BadCharacter(value));
                }
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

catalog_id!(
    /// An institution (평생학습원, a library, a 동 행정복지센터, …).
    InstitutionId
);
catalog_id!(
    /// A place or room where sessions are held.
    PlaceId
);
catalog_id!(
    /// A course (강좌) offered in one term.
    CourseId
);
catalog_id!(
    /// A learner (학습자). Made by the kiosk that registers them (`l-` + random hex), so a learner
    /// registered offline has a stable id before the hub has heard of them.
    LearnerId
);
catalog_id!(
    /// One intent in a kiosk's outbox, unique across all kiosks (random hex), so a replayed
    /// sequence number with a different body is caught.
    OpId
);
catalog_id!(
    /// A kiosk, chosen once when its database is created (`k-` + random hex).
    KioskId
);
catalog_id!(
    /// A yearly subsidy programme (`gm-2026`), named by the city in its configuration file.
    ProgrammeId
);
catalog_id!(
    /// A room an institution rents out (`gm-llc.room-301`).
    RoomId
);
catalog_id!(
    /// One room booking, named by the kiosk that took it (`b-` + random hex), so it has a
    /// stable id before the hub has heard of it.
    BookingId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_safe_ascii_and_refuse_the_rest() {
        assert_eq!(CourseId::parse(" gm-llc.2027-001 ").map(|c| c.to_string()), Ok("gm-llc.2027-001".into()));
        assert_eq!(CourseId::parse(""), Err(IdError::Empty));
        assert!(matches!(CourseId::parse("요가"), Err(IdError::BadCharacter(_))));
        assert!(matches!(CourseId::parse("A1"), Err(IdError::BadCharacter(_))));
        assert_eq!(CourseId::parse(&"a".repeat(65)), Err(IdError::TooLong));
    }

    #[test]
    fn ids_are_validated_when_deserialised() {
        let bad: Result<InstitutionId, _> = serde_json::from_str("\"../etc\"");
        assert!(bad.is_err());
    }
}
catalog_id!(
    /// A learning club (학습동아리), named by the kiosk its leader registered it at (`club-` +
    /// random hex), so it has a stable id before the hub has heard of it.
    ClubId
);
catalog_id!(
    /// One activity record of a club (`act-` + random hex), named by the kiosk that filed it.
    ActivityId
);
