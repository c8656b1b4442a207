//! The intent envelope (DESIGN.md §4), the same for every service. A kiosk records what a person
//! asked for as an [`Intent`]: a dense per-kiosk sequence number, a unique op id and one service's
//! body. The hub applies each intent once, in its own arrival order, and answers with an
//! [`Outcome`] of that service. Outcomes such as "waitlisted" or "rejected" are normal answers,
//! never errors.
//!
//! Wire form (protocol 3): a body is the service's own tagged body with `service` beside its
//! `type`, `{"service":"enrollment","type":"apply",…}`; an outcome likewise,
//! `{"service":"enrollment","outcome":"confirmed",…}`, except a rejection, which every service
//! answers the same way, `{"outcome":"rejected","reason":…}` (the intent says whose it was).
//!
//! Adding a service means a variant in [`Service`], [`IntentBody`] and [`Outcome`] (and the
//! `match`es here that the compiler points at); ARCHITECTURE.md walks through the rest.

use serde::{Deserialize, Serialize};

use crate::attendance::{AttendanceIntent, AttendanceOutcome};
use crate::certificate::{CertificateIntent, CertificateOutcome};
use crate::club::{ClubIntent, ClubOutcome};
use crate::enrollment::{EnrollmentIntent, EnrollmentOutcome};
use crate::error_code::ErrorCode;
use crate::hello::{HelloIntent, HelloOutcome};
use crate::ids::OpId;
use crate::learner::{LearnerIntent, LearnerOutcome};
use crate::rental::{RentalIntent, RentalOutcome};
use crate::rules::RejectReason;
use crate::subsidy::{SubsidyIntent, SubsidyOutcome};

/// The services whose intents go through the outbox.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Service {
    /// 학습자 등록
    Learner,
    /// 수강신청, 취소, 창구 결제
    Enrollment,
    /// 출석
    Attendance,
    /// 수료증 (임시 발급 확인)
    Certificate,
    /// 광명시민 평생학습지원금
    Subsidy,
    /// 시설 대관
    Rental,
    Club,
    /// 점검용 인사: the worked example of a service (see [`crate::hello`]).
    Hello,
}

impl Service {
    /// The wire name (`enrollment`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What a person (or staff on their behalf) asked the kiosk for, by service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "service", rename_all = "snake_case")]
pub enum IntentBody {
    Learner(LearnerIntent),
    Enrollment(EnrollmentIntent),
    Attendance(AttendanceIntent),
    Certificate(CertificateIntent),
    Subsidy(SubsidyIntent),
    Rental(RentalIntent),
    Club(ClubIntent),
    Hello(HelloIntent),
}

impl IntentBody {
    pub fn service(&self) -> Service {
        match self {
            IntentBody::Learner(_) => Service::Learner,
            IntentBody::Enrollment(_) => Service::Enrollment,
            IntentBody::Attendance(_) => Service::Attendance,
            IntentBody::Certificate(_) => Service::Certificate,
            IntentBody::Subsidy(_) => Service::Subsidy,
            IntentBody::Rental(_) => Service::Rental,
            IntentBody::Club(_) => Service::Club,
            IntentBody::Hello(_) => Service::Hello,
        }
    }

    /// The service's body as JSON, without the envelope: what the hub's replay digest covers.
    /// Protocol 2 sent exactly this (the bodies were not yet grouped by service), so a digest the
    /// hub recorded before an upgrade still matches the same intent resent after it — an intent
    /// whose answer was lost is replayed, never refused as a conflict.
    pub fn digest_form(&self) -> String {
        let json = match self {
            IntentBody::Learner(b) => serde_json::to_string(b),
            IntentBody::Enrollment(b) => serde_json::to_string(b),
            IntentBody::Attendance(b) => serde_json::to_string(b),
            IntentBody::Certificate(b) => serde_json::to_string(b),
            IntentBody::Subsidy(b) => serde_json::to_string(b),
            IntentBody::Rental(b) => serde_json::to_string(b),
            IntentBody::Club(b) => serde_json::to_string(b),
            IntentBody::Hello(b) => serde_json::to_string(b),
        };
        // Serialising plain data to a string cannot fail; an empty digest form would only make a
        // replay look like a conflict, which is refused, never applied twice.
        json.unwrap_or_default()
    }
}

impl From<LearnerIntent> for IntentBody {
    fn from(b: LearnerIntent) -> Self {
        IntentBody::Learner(b)
    }
}
impl From<EnrollmentIntent> for IntentBody {
    fn from(b: EnrollmentIntent) -> Self {
        IntentBody::Enrollment(b)
    }
}
impl From<AttendanceIntent> for IntentBody {
    fn from(b: AttendanceIntent) -> Self {
        IntentBody::Attendance(b)
    }
}
impl From<CertificateIntent> for IntentBody {
    fn from(b: CertificateIntent) -> Self {
        IntentBody::Certificate(b)
    }
}
impl From<SubsidyIntent> for IntentBody {
    fn from(b: SubsidyIntent) -> Self {
        IntentBody::Subsidy(b)
    }
}
impl From<RentalIntent> for IntentBody {
    fn from(b: RentalIntent) -> Self {
        IntentBody::Rental(b)
    }
}

impl From<ClubIntent> for IntentBody {
    fn from(b: ClubIntent) -> Self {
        IntentBody::Club(b)
    }
}
impl From<HelloIntent> for IntentBody {
    fn from(b: HelloIntent) -> Self {
        IntentBody::Hello(b)
    }
}

/// Every intent type of every service (`apply`, `mark_attendance`, …): the staff screen names
/// each waiting intent by its type, and the UI's list of them is generated from this one.
pub fn intent_kinds() -> Vec<&'static str> {
    use strum::VariantNames;
    [
        LearnerIntent::VARIANTS,
        EnrollmentIntent::VARIANTS,
        AttendanceIntent::VARIANTS,
        CertificateIntent::VARIANTS,
        SubsidyIntent::VARIANTS,
        RentalIntent::VARIANTS,
        ClubIntent::VARIANTS,
        HelloIntent::VARIANTS,
    ]
    .concat()
}

/// One outbox entry as uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Intent {
    /// Dense per kiosk: 1, 2, 3, …
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 9_223_372_036_854_775_807_i64))]
    pub seq: u64,
    pub op_id: OpId,
    pub body: IntentBody,
    /// The staff member who did it, for what only staff may do (a desk payment, attendance, a
    /// registration with the ID card checked). Outside the body: the replay digest covers what
    /// was done, and the hub checks the stamp when it first applies the intent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<crate::staff::StaffStamp>,
}

/// The hub's answer to one intent: the rules said no (any service), or the service's own answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "OutcomeWire", try_from = "OutcomeWire")]
pub enum Outcome {
    Rejected { reason: RejectReason },
    Learner(LearnerOutcome),
    Enrollment(EnrollmentOutcome),
    Attendance(AttendanceOutcome),
    Certificate(CertificateOutcome),
    Subsidy(SubsidyOutcome),
    Rental(RentalOutcome),
    Club(ClubOutcome),
    Hello(HelloOutcome),
}

impl Outcome {
    pub fn rejected(reason: RejectReason) -> Self {
        Outcome::Rejected { reason }
    }

    /// The reason, when the rules said no.
    pub fn rejection(&self) -> Option<RejectReason> {
        match self {
            Outcome::Rejected { reason } => Some(*reason),
            _ => None,
        }
    }

    /// The service that answered (None for a rejection, which any service gives).
    pub fn service(&self) -> Option<Service> {
        match self {
            Outcome::Rejected { .. } => None,
            Outcome::Learner(_) => Some(Service::Learner),
            Outcome::Enrollment(_) => Some(Service::Enrollment),
            Outcome::Attendance(_) => Some(Service::Attendance),
            Outcome::Certificate(_) => Some(Service::Certificate),
            Outcome::Subsidy(_) => Some(Service::Subsidy),
            Outcome::Rental(_) => Some(Service::Rental),
            Outcome::Club(_) => Some(Service::Club),
            Outcome::Hello(_) => Some(Service::Hello),
        }
    }
}

impl From<LearnerOutcome> for Outcome {
    fn from(o: LearnerOutcome) -> Self {
        Outcome::Learner(o)
    }
}
impl From<EnrollmentOutcome> for Outcome {
    fn from(o: EnrollmentOutcome) -> Self {
        Outcome::Enrollment(o)
    }
}
impl From<AttendanceOutcome> for Outcome {
    fn from(o: AttendanceOutcome) -> Self {
        Outcome::Attendance(o)
    }
}
impl From<CertificateOutcome> for Outcome {
    fn from(o: CertificateOutcome) -> Self {
        Outcome::Certificate(o)
    }
}
impl From<SubsidyOutcome> for Outcome {
    fn from(o: SubsidyOutcome) -> Self {
        Outcome::Subsidy(o)
    }
}
impl From<RentalOutcome> for Outcome {
    fn from(o: RentalOutcome) -> Self {
        Outcome::Rental(o)
    }
}

impl From<ClubOutcome> for Outcome {
    fn from(o: ClubOutcome) -> Self {
        Outcome::Club(o)
    }
}
impl From<HelloOutcome> for Outcome {
    fn from(o: HelloOutcome) -> Self {
        Outcome::Hello(o)
    }
}

/// [`Outcome`] as it travels: a service's answer carries `service`; a rejection does not.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Outcome))]
#[serde(untagged)]
enum OutcomeWire {
    Answered(ServiceOutcome),
    Rejected(Rejection),
}

/// A service's own answer, tagged with the service.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "service", rename_all = "snake_case")]
enum ServiceOutcome {
    Learner(LearnerOutcome),
    Enrollment(EnrollmentOutcome),
    Attendance(AttendanceOutcome),
    Certificate(CertificateOutcome),
    Subsidy(SubsidyOutcome),
    Rental(RentalOutcome),
    Club(ClubOutcome),
    Hello(HelloOutcome),
}

/// `{"outcome":"rejected","reason":…}`: the programme rules said no.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
struct Rejection {
    outcome: RejectedTag,
    reason: RejectReason,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
enum RejectedTag {
    Rejected,
}

impl From<Outcome> for OutcomeWire {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Rejected { reason } => OutcomeWire::Rejected(Rejection { outcome: RejectedTag::Rejected, reason }),
            Outcome::Learner(o) => OutcomeWire::Answered(ServiceOutcome::Learner(o)),
            Outcome::Enrollment(o) => OutcomeWire::Answered(ServiceOutcome::Enrollment(o)),
            Outcome::Attendance(o) => OutcomeWire::Answered(ServiceOutcome::Attendance(o)),
            Outcome::Certificate(o) => OutcomeWire::Answered(ServiceOutcome::Certificate(o)),
            Outcome::Subsidy(o) => OutcomeWire::Answered(ServiceOutcome::Subsidy(o)),
            Outcome::Rental(o) => OutcomeWire::Answered(ServiceOutcome::Rental(o)),
            Outcome::Club(o) => OutcomeWire::Answered(ServiceOutcome::Club(o)),
            Outcome::Hello(o) => OutcomeWire::Answered(ServiceOutcome::Hello(o)),
        }
    }
}

impl From<OutcomeWire> for Outcome {
    fn from(w: OutcomeWire) -> Self {
        match w {
            OutcomeWire::Rejected(r) => Outcome::Rejected { reason: r.reason },
            OutcomeWire::Answered(ServiceOutcome::Learner(o)) => Outcome::Learner(o),
            OutcomeWire::Answered(ServiceOutcome::Enrollment(o)) => Outcome::Enrollment(o),
            OutcomeWire::Answered(ServiceOutcome::Attendance(o)) => Outcome::Attendance(o),
            OutcomeWire::Answered(ServiceOutcome::Certificate(o)) => Outcome::Certificate(o),
            OutcomeWire::Answered(ServiceOutcome::Subsidy(o)) => Outcome::Subsidy(o),
            OutcomeWire::Answered(ServiceOutcome::Rental(o)) => Outcome::Rental(o),
            OutcomeWire::Answered(ServiceOutcome::Club(o)) => Outcome::Club(o),
            OutcomeWire::Answered(ServiceOutcome::Hello(o)) => Outcome::Hello(o),
        }
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Outcome {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <OutcomeWire as utoipa::PartialSchema>::schema()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Outcome {
    fn name() -> std::borrow::Cow<'static, str> {
        "Outcome".into()
    }

    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        <OutcomeWire as utoipa::ToSchema>::schemas(schemas);
    }
}

/// `POST /v1/intents`: a kiosk's next intents, in sequence order. Which kiosk sent them is
/// the hub's to know from the credential, so the batch does not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntentBatch {
    pub intents: Vec<Intent>,
}

/// The outcome of one applied intent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntentResult {
    pub seq: u64,
    pub op_id: OpId,
    pub outcome: Outcome,
}

/// Answer to an intent batch: outcomes of every intent applied (including ones applied before
/// and now replayed), then, if the hub stopped, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntentBatchAnswer {
    pub results: Vec<IntentResult>,
    /// Highest sequence number the hub has applied for this kiosk.
    pub applied_through: u64,
    pub refused: Option<IntentRefusal>,
}

/// A protocol refusal: the kiosk's outbox is inconsistent with what the hub holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntentRefusal {
    pub seq: u64,
    /// `sequence_gap` or `op_conflict`
    pub code: ErrorCode,
    pub message: String,
}

/// `GET /v1/intents/outcomes?after=…` (the kiosk is the one whose credential asks): stored outcomes, to recover after a crash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntentOutcomes {
    pub results: Vec<IntentResult>,
    pub applied_through: u64,
}

#[cfg(test)]
mod tests {
    use strum::VariantNames;

    use super::*;
    use crate::enrollment::EnrollmentStatus;
    use crate::ids::{CourseId, LearnerId};

    fn apply() -> IntentBody {
        IntentBody::Enrollment(EnrollmentIntent::Apply {
            learner_id: LearnerId::parse("l-1").unwrap(),
            course_id: CourseId::parse("c-1").unwrap(),
            claims: vec![],
        })
    }

    #[test]
    fn a_body_names_its_service_beside_its_type() {
        let json = serde_json::to_string(&apply()).unwrap();
        assert_eq!(json, r#"{"service":"enrollment","type":"apply","learner_id":"l-1","course_id":"c-1","claims":[]}"#);
        assert_eq!(serde_json::from_str::<IntentBody>(&json).unwrap(), apply());
        // The same keys in another order (how SQLite's json_set leaves a migrated body).
        let reordered = r#"{"type":"apply","learner_id":"l-1","course_id":"c-1","claims":[],"service":"enrollment"}"#;
        assert_eq!(serde_json::from_str::<IntentBody>(reordered).unwrap(), apply());
        assert_eq!(apply().service(), Service::Enrollment);
    }

    #[test]
    fn the_digest_form_is_what_protocol_2_sent() {
        assert_eq!(
            apply().digest_form(),
            r#"{"type":"apply","learner_id":"l-1","course_id":"c-1","claims":[]}"#,
            "a digest recorded by a protocol-2 hub must match the resent intent"
        );
    }

    #[test]
    fn outcomes_read_as_plain_tagged_json() {
        let o = Outcome::Enrollment(EnrollmentOutcome::Waitlisted { position: 3 });
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            r#"{"service":"enrollment","outcome":"waitlisted","position":3}"#
        );
        let r: Outcome = serde_json::from_str(r#"{"outcome":"rejected","reason":"term_limit_reached"}"#).unwrap();
        assert_eq!(r, Outcome::Rejected { reason: RejectReason::TermLimitReached });
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"outcome":"rejected","reason":"term_limit_reached"}"#);
        assert_eq!(r.rejection(), Some(RejectReason::TermLimitReached));
        assert_eq!(EnrollmentStatus::Waitlisted { position: 2 }.label_ko(), "대기 2번");
    }

    #[test]
    fn an_outcome_without_its_service_or_of_another_service_is_refused() {
        for bad in [
            r#"{"outcome":"waitlisted","position":3}"#,
            r#"{"service":"learner","outcome":"waitlisted","position":3}"#,
            r#"{"outcome":"rejected","reason":"no_such_reason"}"#,
            r#"{"service":"enrollment","outcome":"rejected"}"#,
        ] {
            assert!(serde_json::from_str::<Outcome>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn intent_types_are_unique_across_services() {
        // The kiosk migration from protocol 2 and the staff screen find a body's service by its type.
        let kinds = intent_kinds();
        let mut unique = kinds.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), kinds.len(), "{kinds:?}");
        assert!(kinds.contains(&"apply") && kinds.contains(&"provisional_certificate"));
    }

    #[test]
    fn outcome_names_are_unique_across_services() {
        // The kiosk and hub migrations from protocol 2 find an outcome's service by its name.
        let names = [
            LearnerOutcome::VARIANTS,
            EnrollmentOutcome::VARIANTS,
            AttendanceOutcome::VARIANTS,
            CertificateOutcome::VARIANTS,
            SubsidyOutcome::VARIANTS,
            RentalOutcome::VARIANTS,
            ClubOutcome::VARIANTS,
            HelloOutcome::VARIANTS,
            &["rejected"],
        ]
        .concat();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
    }
}
