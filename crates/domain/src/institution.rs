//! Institutions that run programmes and the places where sessions are held.

use serde::{Deserialize, Serialize};

use crate::ids::{InstitutionId, PlaceId};
use crate::text::{Label, clean};
use crate::validation::{Checker, ValidationErrors};

macro_rules! kind_vocabulary {
    ($($variant:ident = $code:literal / $label:literal,)+) => {
        /// What sort of body runs a programme; kiosks group and filter by it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum InstitutionKind {
            $(#[serde(rename = $code)] #[cfg_attr(feature = "openapi", schema(rename = $code))] $variant,)+
        }

        impl InstitutionKind {
            pub const ALL: &'static [InstitutionKind] = &[$(InstitutionKind::$variant,)+];
            pub fn code(self) -> &'static str { match self { $(InstitutionKind::$variant => $code,)+ } }
            pub fn label_ko(self) -> &'static str { match self { $(InstitutionKind::$variant => $label,)+ } }
            pub fn parse(raw: &str) -> Result<Self, crate::ValueError> {
                let t = raw.trim();
                $(if t == $code || t == $label { return Ok(InstitutionKind::$variant); })+
                Err(crate::ValueError::Unknown { what: "기관 유형", value: t.to_owned(), known: [$($label,)+].join(", ") })
            }
        }
    };
}

kind_vocabulary! {
    LifelongLearningCenter = "lifelong_learning_center" / "평생학습기관",
    PublicBody = "public_body" / "공공기관",
    Library = "library" / "도서관",
    DongCenter = "dong_center" / "행정복지센터",
}

/// A body that offers courses: the city Lifelong Learning Center, an affiliated public body,
/// a public library or a 동 행정복지센터.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "InstitutionDraft")]
pub struct Institution {
    pub id: InstitutionId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "광명시평생학습원"))]
    pub name: Label<60>,
    pub kind: InstitutionKind,
    /// Administrative 동 the institution sits in (e.g. 철산3동), used for "near me" filters.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "철산3동"))]
    pub dong: Label<20>,
    pub address: String,
    /// Public phone number as printed (e.g. 02-2680-6789).
    pub phone: String,
}

/// Unchecked institution as it arrives from a feed or the wire.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InstitutionDraft {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub dong: String,
    pub address: String,
    pub phone: String,
}

/// Accepts Korean numbers as printed: digits with optional hyphens, 8–12 digits.
pub fn parse_phone(raw: &str) -> Result<String, crate::ValueError> {
    let t = raw.trim();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if !t.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ') || !(8..=12).contains(&digits) {
        return Err(crate::ValueError::Phone(t.to_owned()));
    }
    Ok(t.to_owned())
}

impl TryFrom<InstitutionDraft> for Institution {
    type Error = ValidationErrors;

    fn try_from(d: InstitutionDraft) -> Result<Self, Self::Error> {
        let mut c = Checker::default();
        let id = c.check("id", InstitutionId::parse(&d.id));
        let name = c.check("name", Label::parse(&d.name));
        let kind = c.check("kind", InstitutionKind::parse(&d.kind));
        let dong = c.check("dong", Label::parse(&d.dong));
        let address = c.check("address", clean(&d.address, 200, true, false));
        let phone = c.check("phone", parse_phone(&d.phone));
        c.finish(|| {
            Some(Institution { id: id?, name: name?, kind: kind?, dong: dong?, address: address?, phone: phone? })
        })
    }
}

/// A room or hall where sessions are held (강의실, 다목적실, 문화교실 …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "PlaceDraft")]
pub struct Place {
    pub id: PlaceId,
    pub institution_id: InstitutionId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "3층 제1강의실"))]
    pub name: Label<60>,
    /// Seats in the room; rentals and capacity checks use it later.
    pub seats: u32,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlaceDraft {
    pub id: String,
    pub institution_id: String,
    pub name: String,
    pub seats: i64,
}

impl TryFrom<PlaceDraft> for Place {
    type Error = ValidationErrors;

    fn try_from(d: PlaceDraft) -> Result<Self, Self::Error> {
        let mut c = Checker::default();
        let id = c.check("id", PlaceId::parse(&d.id));
        let institution_id = c.check("institution_id", InstitutionId::parse(&d.institution_id));
        let name = c.check("name", Label::parse(&d.name));
        let seats = c.check(
            "seats",
            u32::try_from(d.seats).ok().filter(|s| (1..=2000).contains(s)).ok_or("좌석 수는 1~2000 사이여야 합니다"),
        );
        c.finish(|| Some(Place { id: id?, institution_id: institution_id?, name: name?, seats: seats? }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> InstitutionDraft {
        InstitutionDraft {
            id: "gm-llc".into(),
            name: "광명시평생학습원".into(),
            kind: "평생학습기관".into(),
            dong: "철산3동".into(),
            address: "경기도 광명시 시청로 20".into(),
            phone: "02-2680-0000".into(),
        }
    }

    #[test]
    fn a_complete_institution_is_accepted() {
        let inst = Institution::try_from(draft()).map_err(|e| e.to_string());
        assert_eq!(inst.map(|i| i.kind), Ok(InstitutionKind::LifelongLearningCenter));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut d = draft();
        d.kind = "학교".into();
        d.phone = "전화 없음".into();
        let errors = Institution::try_from(d).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["kind", "phone"]);
    }

    #[test]
    fn places_need_a_sensible_seat_count() {
        let d = PlaceDraft { id: "r1".into(), institution_id: "gm-llc".into(), name: "강의실".into(), seats: -3 };
        assert_eq!(Place::try_from(d).unwrap_err().0[0].field, "seats");
    }
}
