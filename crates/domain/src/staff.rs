//! Staff at the hub: who they are (직원 번호, role, institution), how a kiosk signs one in (the
//! number and a 6-digit PIN, checked only at the hub), and the stamp a staff action carries in
//! the outbox so the hub can tell it was done inside a staff session it opened.

use serde::{Deserialize, Serialize};

use crate::ids::InstitutionId;
use crate::session::SessionGrant;
use crate::value_error::ValueError;

/// A staff member's number (직원 번호): 4 to 8 digits, typed on the kiosk's number pad.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]{4,8}$", example = "1001"))]
pub struct StaffNumber(String);

impl StaffNumber {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let raw = raw.trim();
        if !(4..=8).contains(&raw.len()) || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValueError::StaffNumber);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for StaffNumber {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<StaffNumber> for String {
    fn from(n: StaffNumber) -> Self {
        n.0
    }
}

impl std::fmt::Display for StaffNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a staff member may do.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantNames,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StaffRole {
    /// 시스템 관리자: everything, every institution.
    SystemAdmin,
    /// 기관 담당자: their own institution's courses only.
    InstitutionOfficer,
    /// 데스크 직원: the front desk — payments, attendance, class lists, registering learners.
    Desk,
}

impl StaffRole {
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            StaffRole::SystemAdmin => "시스템 관리자",
            StaffRole::InstitutionOfficer => "기관 담당자",
            StaffRole::Desk => "데스크 직원",
        }
    }
}

/// `POST /v1/staff/sessions`: a staff member signs in at a kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSignIn {
    pub staff_number: StaffNumber,
    /// 6 digits, not one digit repeated.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^(?!(\d)\1*$)\d{6}$", example = "975312"))]
    pub pin: String,
}

/// A staff member as a kiosk may show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffProfile {
    pub staff_number: StaffNumber,
    pub name: String,
    pub role: StaffRole,
    /// The institution a 기관 담당자 or desk clerk belongs to (none for a 시스템 관리자).
    pub institution_id: Option<InstitutionId>,
}

/// The hub's answer to a sign-in: who, and their session at this kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSignedIn {
    pub staff: StaffProfile,
    pub session: SessionGrant,
}

/// Who did a staff action, carried with the intent: the staff member and the digest of the
/// session the hub opened for them at this kiosk (never the token itself). The hub accepts the
/// action only if that session is this kiosk's and this staff member's — recorded while it was
/// open, even if the intent reaches the hub after it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffStamp {
    pub staff_number: StaffNumber,
    /// SHA-256 of the session token, hex.
    pub session: SessionDigest,
}

/// The SHA-256 of a session token, 64 lowercase hex digits: how a staff stamp names a session
/// (see [`crate::session::SessionToken::digest`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9a-f]{64}$"))]
pub struct SessionDigest(String);

impl SessionDigest {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        if raw.len() != 64 || !raw.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(ValueError::SessionToken);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SessionDigest {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<SessionDigest> for String {
    fn from(d: SessionDigest) -> Self {
        d.0
    }
}

/// The digits of a staff PIN (exactly 6), as a [`crate::learner::Pin`] for hashing.
pub fn staff_pin(raw: &str) -> Result<crate::learner::Pin, ValueError> {
    let pin = crate::learner::Pin::parse(raw)?;
    if pin.digits().len() != 6 {
        return Err(ValueError::StaffPin);
    }
    Ok(pin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_pins_in_their_shapes_only() {
        assert_eq!(StaffNumber::parse(" 1001 ").unwrap().as_str(), "1001");
        for bad in ["", "12", "123456789", "10a1", "-100"] {
            assert!(StaffNumber::parse(bad).is_err(), "{bad}");
        }
        assert!(staff_pin("246810").is_ok());
        assert!(staff_pin("2468").is_err(), "a staff PIN is 6 digits");
        assert!(serde_json::from_str::<StaffNumber>("\"12\"").is_err(), "parsed at the edge");
        assert_eq!(serde_json::to_string(&StaffRole::InstitutionOfficer).unwrap(), "\"institution_officer\"");
    }
}
