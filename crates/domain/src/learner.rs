//! A learner (학습자) as a kiosk registers them: name, birth date, mobile number, a PIN to find
//! them again, a guardian under 14 and the PIPA consents they gave. Never a 주민등록번호.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ids::LearnerId;
use crate::text::{Label, clean};
use crate::validation::{Checker, ValidationErrors};
use crate::value_error::ValueError;

/// Children under this age need a guardian and the guardian's consent (개인정보 보호법 제22조의2).
pub const GUARDIAN_AGE: u32 = 14;

/// A person's name as written on their ID card: 1–40 characters, letters and spaces only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
#[serde(try_from = "String", into = "String")]
pub struct LearnerName(String);

/// 홍*동, 김*, J*** K**: a name as a screen, a receipt or a public page shows it.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 | 1 => name.to_owned(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut out = String::new();
            out.push(chars[0]);
            for c in &chars[1..n - 1] {
                out.push(if *c == ' ' { ' ' } else { '*' });
            }
            out.push(chars[n - 1]);
            out
        }
    }
}

impl LearnerName {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let label = Label::<40>::parse(raw)?;
        if label.as_str().chars().any(|c| !(c.is_alphabetic() || c == ' ' || c == '.' || c == '-')) {
            return Err(ValueError::NameCharacters);
        }
        Ok(Self(label.as_str().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 홍*동, 김*, J*** K** — what a screen or receipt shows to anyone passing by.
    pub fn masked(&self) -> String {
        mask_name(&self.0)
    }
}

impl TryFrom<String> for LearnerName {
    type Error = ValueError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<LearnerName> for String {
    fn from(value: LearnerName) -> Self {
        value.0
    }
}

/// A Korean mobile number, kept as 11 (or 10) digits: 01012345678.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
#[serde(try_from = "String", into = "String")]
pub struct MobileNumber(String);

impl MobileNumber {
    /// Accepts `010-1234-5678`, `010 1234 5678` or `01012345678`.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, '-' | ' ' | '.')).collect();
        let ok = digits.bytes().all(|b| b.is_ascii_digit())
            && (digits.len() == 11 || digits.len() == 10)
            && digits.starts_with("01")
            && matches!(digits.as_bytes().get(2), Some(b'0' | b'1' | b'6' | b'7' | b'8' | b'9'));
        if ok { Ok(Self(digits)) } else { Err(ValueError::Mobile) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last four digits, enough for staff calling the roll (5678).
    pub fn last4(&self) -> &str {
        &self.0[self.0.len().saturating_sub(4)..]
    }

    /// 010-****-5678
    pub fn masked(&self) -> String {
        let d = &self.0;
        format!("{}-****-{}", &d[..3], &d[d.len() - 4..])
    }
}

impl fmt::Display for MobileNumber {
    /// 010-1234-5678
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        let mid = d.len() - 4;
        write!(f, "{}-{}-{}", &d[..3], &d[3..mid], &d[mid..])
    }
}

impl TryFrom<String> for MobileNumber {
    type Error = ValueError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<MobileNumber> for String {
    fn from(value: MobileNumber) -> Self {
        value.0
    }
}

/// The 4–6 digit PIN a learner chooses at registration. Only its hash ever leaves the screen.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl Pin {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let t = raw.trim();
        if !(4..=6).contains(&t.len()) || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValueError::PinShape);
        }
        if t.bytes().all(|b| b == t.as_bytes()[0]) {
            return Err(ValueError::PinRepeated);
        }
        Ok(Self(t.to_owned()))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(****)")
    }
}

/// Age in full years on `on` (만 나이, the legal age in Korea since 2023).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

/// What a consent is for. Each is asked separately with a plain yes/no (PIPA 제22조).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsentPurpose {
    /// 수강신청·수료 관리 (required to apply).
    CourseAdministration,
    /// 강좌 안내 문자 (optional).
    CourseNews,
}

impl ConsentPurpose {
    pub const ALL: &'static [ConsentPurpose] = &[ConsentPurpose::CourseAdministration, ConsentPurpose::CourseNews];

    pub fn required(self) -> bool {
        matches!(self, ConsentPurpose::CourseAdministration)
    }
}

/// One answer to one consent question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consent {
    pub purpose: ConsentPurpose,
    pub agreed: bool,
    /// Version of the notice text the person saw.
    pub notice_version: u32,
}

/// The version of the consent notice texts the kiosk shows (ui/src/lib/messages.ts, `consent.*`:
/// purpose, items, retention and the right to refuse, as PIPA 제15조 requires). Bump both together.
pub const CONSENT_NOTICE_VERSION: u32 = 1;

/// Parent or legal guardian of a learner under 14.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Guardian {
    pub name: LearnerName,
    pub mobile: MobileNumber,
    /// The guardian agreed on the learner's behalf.
    pub consented: bool,
}

/// How the learner's identity was established at registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentityCheck {
    /// The learner typed their own details.
    SelfDeclared,
    /// Front-desk staff looked at an ID card (assisted registration of elderly learners).
    StaffChecked,
}

/// A registered learner as the kiosk sends it to the hub. The PIN is only here as a salted hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "LearnerDraft")]
pub struct Learner {
    pub id: LearnerId,
    pub name: LearnerName,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub birth_date: NaiveDate,
    pub mobile: MobileNumber,
    /// Lives in Gwangmyeong (광명시민): some courses open to residents first.
    pub resident: bool,
    pub guardian: Option<Guardian>,
    pub consents: Vec<Consent>,
    pub identity: IdentityCheck,
    /// `salt$hex(sha256(salt || pin))`, see `pin_hash` in the kiosk.
    pub pin_hash: String,
    /// Kiosk-local date of registration; only used for the age check of the guardian rule.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub registered_on: NaiveDate,
}

/// Unchecked learner as typed on the kiosk or read from the wire.
#[derive(Debug, Clone, Deserialize)]
pub struct LearnerDraft {
    pub id: String,
    pub name: String,
    pub birth_date: NaiveDate,
    pub mobile: String,
    #[serde(default)]
    pub resident: bool,
    #[serde(default)]
    pub guardian: Option<GuardianDraft>,
    pub consents: Vec<Consent>,
    pub identity: IdentityCheck,
    pub pin_hash: String,
    pub registered_on: NaiveDate,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GuardianDraft {
    pub name: String,
    pub mobile: String,
    pub consented: bool,
}

impl TryFrom<LearnerDraft> for Learner {
    type Error = ValidationErrors;

    fn try_from(d: LearnerDraft) -> Result<Self, Self::Error> {
        let mut c = Checker::default();
        let id = c.check("id", LearnerId::parse(&d.id));
        let name = c.check("name", LearnerName::parse(&d.name));
        let mobile = c.check("mobile", MobileNumber::parse(&d.mobile));
        if d.birth_date > d.registered_on || d.birth_date.year() < 1900 {
            c.fail("birth_date", "생년월일을 확인해 주세요");
        }
        let age = age_on(d.birth_date, d.registered_on);
        let guardian = match d.guardian {
            None if age < GUARDIAN_AGE => {
                c.fail("guardian", "만 14세 미만은 보호자 정보와 보호자 동의가 필요합니다");
                None
            }
            None => Some(None),
            Some(g) => {
                let name = c.check("guardian.name", LearnerName::parse(&g.name));
                let mobile = c.check("guardian.mobile", MobileNumber::parse(&g.mobile));
                if age < GUARDIAN_AGE && !g.consented {
                    c.fail("guardian.consented", "만 14세 미만은 보호자가 직접 동의해야 합니다");
                }
                match (name, mobile) {
                    (Some(name), Some(mobile)) => Some(Some(Guardian { name, mobile, consented: g.consented })),
                    _ => None,
                }
            }
        };
        for purpose in ConsentPurpose::ALL {
            let answers = d.consents.iter().filter(|k| k.purpose == *purpose).count();
            if answers != 1 {
                c.fail("consents", format!("동의 항목마다 한 번씩 답해야 합니다 ({purpose:?}: {answers}번)"));
            }
        }
        if d.consents.iter().any(|k| k.purpose.required() && !k.agreed) {
            c.fail("consents", "수강신청에 필요한 개인정보 수집·이용에 동의하셔야 신청할 수 있습니다");
        }
        let pin_hash = c.check("pin_hash", clean(&d.pin_hash, 200, true, false));
        c.finish(|| {
            Some(Learner {
                id: id?,
                name: name?,
                birth_date: d.birth_date,
                mobile: mobile?,
                resident: d.resident,
                guardian: guardian?,
                consents: d.consents,
                identity: d.identity,
                pin_hash: pin_hash?,
                registered_on: d.registered_on,
            })
        })
    }
}

impl Learner {
    pub fn age_on(&self, on: NaiveDate) -> u32 {
        age_on(self.birth_date, on)
    }
}

/// The learner service: a kiosk registered someone (the record goes to the hub in the outbox).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum LearnerIntent {
    RegisterLearner {
        #[cfg_attr(feature = "openapi", schema(value_type = Learner))]
        learner: LearnerOnWire,
    },
}

/// A registration's learner as it came over the wire: checked, or refused with the JSON kept as
/// sent. A learner the hub's rules refuse (a rule a newer hub checks and an older kiosk did not)
/// is then one intent's `rejected` outcome, not a `400` that would refuse the kiosk's whole batch
/// and hold its queue up for good; kept as sent, its replay digest is the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LearnerOnWire {
    Valid(Learner),
    Refused(serde_json::Value),
}

impl LearnerOnWire {
    pub fn valid(&self) -> Option<&Learner> {
        match self {
            LearnerOnWire::Valid(l) => Some(l),
            LearnerOnWire::Refused(_) => None,
        }
    }
}

impl From<Learner> for LearnerOnWire {
    fn from(l: Learner) -> Self {
        LearnerOnWire::Valid(l)
    }
}

impl Serialize for LearnerOnWire {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            LearnerOnWire::Valid(l) => l.serialize(s),
            LearnerOnWire::Refused(sent) => sent.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for LearnerOnWire {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let sent = serde_json::Value::deserialize(d)?;
        // The shape the API document states (fields and their types, the learner's id) is the
        // batch's to get right; the rules on the values are the hub's to decide, per intent.
        let draft = LearnerDraft::deserialize(&sent).map_err(D::Error::custom)?;
        LearnerId::try_from(draft.id.clone()).map_err(D::Error::custom)?;
        Ok(match Learner::try_from(draft) {
            Ok(l) => LearnerOnWire::Valid(l),
            Err(_) => LearnerOnWire::Refused(sent),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum LearnerOutcome {
    Registered,
}

/// `POST /v1/learners/find`: a returning learner at any kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LearnerFind {
    /// 010-1234-5678, 01012345678 or with spaces or dots.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^01[016789](?:[-. ]?[0-9]){7,8}$", example = "010-1234-5678"))]
    pub mobile: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub birth_date: chrono::NaiveDate,
    /// 4 to 6 digits, not one digit repeated.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^(?!(\d)\1*$)\d{4,6}$", example = "4821"))]
    pub pin: String,
}

/// What the hub puts in `pin_hash` of a learner it sends: it never sends a PIN verifier (the
/// kiosk keeps its own, made from the PIN the person just typed).
pub const PIN_WITHHELD: &str = "withheld";

/// The learner found: the record (for the kiosk's local copy, `pin_hash` always
/// [`PIN_WITHHELD`]), their enrollments, and the session the hub opened for her at this kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LearnerFound {
    pub learner: Learner,
    pub enrollments: crate::enrollment::EnrollmentList,
    pub session: crate::session::SessionGrant,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_value_says_why_as_a_variant_and_in_korean() {
        assert_eq!(Pin::parse("1111").err(), Some(ValueError::PinRepeated));
        assert_eq!(Pin::parse("12a4").err(), Some(ValueError::PinShape));
        assert_eq!(MobileNumber::parse("02-123-4567").err(), Some(ValueError::Mobile));
        assert_eq!(LearnerName::parse("김배움1").err(), Some(ValueError::NameCharacters));
        assert_eq!(ValueError::PinRepeated.to_string(), "같은 숫자만 반복한 비밀번호(예: 1111)는 쓸 수 없습니다");
    }

    fn draft(birth: &str) -> LearnerDraft {
        LearnerDraft {
            id: "l-1".into(),
            name: "홍길동".into(),
            birth_date: birth.parse().unwrap(),
            mobile: "010-1234-5678".into(),
            resident: true,
            guardian: None,
            consents: vec![
                Consent { purpose: ConsentPurpose::CourseAdministration, agreed: true, notice_version: 1 },
                Consent { purpose: ConsentPurpose::CourseNews, agreed: false, notice_version: 1 },
            ],
            identity: IdentityCheck::SelfDeclared,
            pin_hash: "s$h".into(),
            registered_on: "2026-11-26".parse().unwrap(),
        }
    }

    #[test]
    fn names_and_numbers_are_masked_for_the_screen() {
        assert_eq!(LearnerName::parse("홍길동").unwrap().masked(), "홍*동");
        assert_eq!(LearnerName::parse("김솔").unwrap().masked(), "김*");
        assert_eq!(MobileNumber::parse("010-2345-6789").unwrap().last4(), "6789");
        assert_eq!(LearnerName::parse("남궁민수").unwrap().masked(), "남**수");
        let m = MobileNumber::parse("010 1234 5678").unwrap();
        assert_eq!(m.masked(), "010-****-5678");
        assert_eq!(m.to_string(), "010-1234-5678");
        assert!(MobileNumber::parse("02-123-4567").is_err());
        assert!(LearnerName::parse("홍길동1").is_err());
    }

    #[test]
    fn pins_are_four_to_six_digits_and_never_printed() {
        assert!(Pin::parse("1234").is_ok());
        assert!(Pin::parse("123").is_err());
        assert!(Pin::parse("1234567").is_err());
        assert!(Pin::parse("12a4").is_err());
        assert!(Pin::parse("0000").is_err());
        assert_eq!(format!("{:?}", Pin::parse("4821").unwrap()), "Pin(****)");
    }

    #[test]
    fn age_is_counted_in_full_years() {
        let b: NaiveDate = "1961-11-27".parse().unwrap();
        assert_eq!(age_on(b, "2026-11-26".parse().unwrap()), 64);
        assert_eq!(age_on(b, "2026-11-27".parse().unwrap()), 65);
    }

    #[test]
    fn a_child_needs_a_guardian_who_consented() {
        let err = Learner::try_from(draft("2016-03-01")).unwrap_err().to_string();
        assert!(err.contains("보호자"), "{err}");
        let mut d = draft("2016-03-01");
        d.guardian = Some(GuardianDraft { name: "홍부모".into(), mobile: "01099998888".into(), consented: false });
        assert!(Learner::try_from(d.clone()).unwrap_err().to_string().contains("보호자가 직접"));
        d.guardian.as_mut().unwrap().consented = true;
        assert!(Learner::try_from(d).is_ok());
        assert!(Learner::try_from(draft("1950-01-01")).is_ok());
    }

    #[test]
    fn refusing_the_required_consent_refuses_registration_but_the_optional_one_does_not() {
        let mut d = draft("1950-01-01");
        d.consents[0].agreed = false;
        assert!(Learner::try_from(d).unwrap_err().to_string().contains("동의하셔야"));
        let mut d = draft("1950-01-01");
        d.consents.pop();
        assert!(Learner::try_from(d).is_err(), "every consent must be answered");
    }
}

/// `salt$hex(sha256(salt ‖ pin))`: what is stored and sent instead of the PIN. A PIN has at most a
/// million values, so the real protection is the hub's lockout after repeated failures; the salt
/// keeps two learners' equal PINs from looking equal.
pub fn pin_hash(pin: &Pin, salt: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{salt}{}", pin.digits()).as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{salt}${hex}")
}

/// Wrong PINs before a learner's lookups are locked, and for how long — at the hub, and at a
/// kiosk that checks a PIN by itself while the hub cannot answer.
pub const PIN_ATTEMPTS: u32 = 5;
pub const PIN_LOCK_MINUTES: i64 = 30;

/// Until when lookups are locked after the `failures`-th wrong PIN at `now` (none below the limit).
pub fn pin_lock_after(failures: u32, now: chrono::DateTime<chrono::Utc>) -> Option<chrono::DateTime<chrono::Utc>> {
    (failures >= PIN_ATTEMPTS).then(|| now + chrono::Duration::minutes(PIN_LOCK_MINUTES))
}

/// Whether `pin` matches a stored [`pin_hash`].
pub fn pin_matches(stored: &str, pin: &Pin) -> bool {
    match stored.split_once('$') {
        Some((salt, _)) => pin_hash(pin, salt) == stored,
        None => false,
    }
}

#[cfg(test)]
mod pin_tests {
    use super::*;

    #[test]
    fn a_pin_matches_its_own_hash_only() {
        let pin = Pin::parse("4821").unwrap();
        let stored = pin_hash(&pin, "a1b2");
        assert!(pin_matches(&stored, &pin));
        assert!(!pin_matches(&stored, &Pin::parse("4822").unwrap()));
        assert_ne!(pin_hash(&pin, "ffff"), stored, "salted");
        assert!(!stored.contains("4821"));
    }
}
