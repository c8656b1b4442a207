//! Enrollment intents and their outcomes (DESIGN.md §4). A kiosk records what a person asked for
//! as an intent with a dense per-kiosk sequence number and a unique op id; the hub applies each
//! intent once, in its own arrival order, and answers with a business outcome. Outcomes such as
//! "waitlisted" or "rejected" are normal answers, never errors.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CourseId, KioskId, LearnerId, OpId};
use crate::learner::Learner;
use crate::money::Won;
use crate::refund::Refund;
use crate::rules::{Price, ReductionKind, RejectReason};

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// 현금 at the front desk.
    Cash,
    /// 카드 at the front desk's terminal.
    Card,
    /// Online on the learner's phone through the hub's payment page.
    Online,
}

impl PaymentMethod {
    pub fn label_ko(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "현금",
            PaymentMethod::Card => "카드",
            PaymentMethod::Online => "온라인 결제",
        }
    }
}

/// What a person (or staff on their behalf) asked the kiosk for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum IntentBody {
    RegisterLearner {
        learner: Learner,
    },
    /// 수강신청
    Apply {
        learner_id: LearnerId,
        course_id: CourseId,
        /// Reductions the person claims; the hub checks them against the rules.
        #[serde(default)]
        claims: Vec<ReductionKind>,
    },
    /// 수강취소 (refund per 별표3, computed by the hub at arrival)
    Cancel {
        learner_id: LearnerId,
        course_id: CourseId,
    },
    /// Staff recorded a payment at the desk.
    RecordPayment {
        learner_id: LearnerId,
        course_id: CourseId,
        method: PaymentMethod,
        /// 영수증 번호 from the card terminal or the cash book.
        receipt: String,
        amount: Won,
    },
    /// Staff marked attendance for one session (출석).
    MarkAttendance {
        learner_id: LearnerId,
        course_id: CourseId,
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        session: chrono::NaiveDate,
        present: bool,
    },
    /// A certificate this kiosk issued while offline (provisional, signed with its device key):
    /// the hub checks the signature and the completion itself, then confirms or revokes it.
    ProvisionalCertificate {
        learner_id: LearnerId,
        course_id: CourseId,
        /// The QR text as printed (`BAEUM1.<payload>.<signature>`).
        qr_text: String,
    },
}

/// One outbox entry as uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Intent {
    /// Dense per kiosk: 1, 2, 3, …
    pub seq: u64,
    pub op_id: OpId,
    pub body: IntentBody,
}

/// The hub's answer to one intent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Registered,
    /// 수강 확정. `payment_due` is set while a paid seat waits for payment.
    Confirmed {
        price: Price,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
        payment_due: Option<DateTime<Utc>>,
    },
    /// 대기 n번
    Waitlisted {
        position: u32,
    },
    /// 추첨 대기: entered in the draw held after the application window closes.
    Entered {
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        draw_at: DateTime<Utc>,
    },
    Rejected {
        reason: RejectReason,
    },
    Cancelled {
        refund: Refund,
    },
    Paid {
        amount: Won,
    },
    /// Attendance so far, and whether it reaches completion.
    AttendanceRecorded {
        attended: u32,
        sessions: u32,
        completed: bool,
    },
    /// A provisional certificate checked by the hub: valid under its own serial, or the hub had
    /// already issued one for this completion (`serial` names that one; the provisional is superseded).
    CertificateConfirmed {
        serial: String,
    },
}

/// Where an enrollment stands now, as the hub knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum EnrollmentStatus {
    /// 결제 대기: the seat is held until `due`.
    AwaitingPayment {
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        due: DateTime<Utc>,
    },
    /// 수강 확정 (paid or free).
    Confirmed,
    /// 대기
    Waitlisted { position: u32 },
    /// 추첨 대기
    Entered,
    /// 취소 (by the learner)
    Cancelled,
    /// 미결제 자동취소: the payment deadline passed.
    Released,
    /// 폐강: the course was cancelled; refunded in full.
    CourseCancelled,
}

impl EnrollmentStatus {
    /// Holds or waits for a seat (counts towards the per-term limit).
    pub fn is_live(self) -> bool {
        matches!(
            self,
            EnrollmentStatus::AwaitingPayment { .. }
                | EnrollmentStatus::Confirmed
                | EnrollmentStatus::Waitlisted { .. }
                | EnrollmentStatus::Entered
        )
    }

    pub fn holds_seat(self) -> bool {
        matches!(self, EnrollmentStatus::AwaitingPayment { .. } | EnrollmentStatus::Confirmed)
    }

    /// The words the screen and the receipt use.
    pub fn label_ko(self) -> String {
        match self {
            EnrollmentStatus::AwaitingPayment { .. } => "결제 대기".into(),
            EnrollmentStatus::Confirmed => "수강 확정".into(),
            EnrollmentStatus::Waitlisted { position } => format!("대기 {position}번"),
            EnrollmentStatus::Entered => "추첨 대기".into(),
            EnrollmentStatus::Cancelled => "취소".into(),
            EnrollmentStatus::Released => "미결제 자동취소".into(),
            EnrollmentStatus::CourseCancelled => "폐강 (전액 환불)".into(),
        }
    }
}

/// One enrollment as the hub holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrollment {
    pub learner_id: LearnerId,
    pub course_id: CourseId,
    pub status: EnrollmentStatus,
    pub price: Price,
    pub paid: Won,
    pub refunded: Won,
    /// Order of arrival at the hub (the only order that decides anything).
    pub arrival: u64,
    /// The kiosk intent that applied.
    pub op_id: OpId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: DateTime<Utc>,
}

/// `POST /v1/intents`: a kiosk's next intents, in sequence order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntentBatch {
    pub kiosk_id: KioskId,
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
    pub code: String,
    pub message: String,
}

/// `GET /v1/intents/outcomes?kiosk_id=…&after=…`: stored outcomes, to recover after a crash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntentOutcomes {
    pub results: Vec<IntentResult>,
    pub applied_through: u64,
}

/// `POST /v1/enrollments/lookup`: current enrollments of these learners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollmentLookup {
    pub learner_ids: Vec<LearnerId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollmentList {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub as_of: DateTime<Utc>,
    pub enrollments: Vec<Enrollment>,
}

/// `POST /v1/learners/find`: a returning learner at any kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LearnerFind {
    pub mobile: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub birth_date: chrono::NaiveDate,
    pub pin: String,
}

/// The learner found: the record (for the kiosk's local copy) and their enrollments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LearnerFound {
    pub learner: Learner,
    pub enrollments: EnrollmentList,
}

/// Seats of a course, with the time they were true ("14:05 기준").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Seats {
    pub course_id: CourseId,
    pub capacity: u32,
    pub taken: u32,
    pub waiting: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_read_as_plain_tagged_json() {
        let o = Outcome::Waitlisted { position: 3 };
        assert_eq!(serde_json::to_string(&o).unwrap(), r#"{"outcome":"waitlisted","position":3}"#);
        let r: Outcome = serde_json::from_str(r#"{"outcome":"rejected","reason":"term_limit_reached"}"#).unwrap();
        assert_eq!(r, Outcome::Rejected { reason: RejectReason::TermLimitReached });
        assert_eq!(EnrollmentStatus::Waitlisted { position: 2 }.label_ko(), "대기 2번");
    }
}

/// `POST /v1/certificates`: issue (or fetch) the certificate of a completed course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateRequest {
    pub learner_id: LearnerId,
    pub course_id: CourseId,
}

/// A certificate as the hub issued it: the QR text carries the signed payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedCertificate {
    pub serial: String,
    pub qr_text: String,
    pub verification_code: String,
    pub payload: crate::certificate::CertificatePayload,
}

/// `POST /v1/certificates/history`: a learner's learning history (학습이력).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryRequest {
    pub learner_id: LearnerId,
}

/// Every course a learner completed, each with its certificate, oldest first — what a
/// learning-history statement (학습이력 확인서) lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LearningHistory {
    pub learner_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub birth_date: chrono::NaiveDate,
    pub completed: Vec<IssuedCertificate>,
}

impl LearningHistory {
    /// Total teaching time of the completed courses, in minutes.
    pub fn total_minutes(&self) -> u32 {
        self.completed.iter().map(|c| c.payload.minutes).sum()
    }
}

/// `POST /v1/certificates/class`: certificates for a whole class (staff's batch print).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassRequest {
    pub course_id: CourseId,
}

/// A confirmed learner who has not reached the completion threshold (name masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotCompleted {
    pub learner_masked: String,
    pub attended: u32,
    pub sessions: u32,
}

/// The certificates of every confirmed learner who completed, in enrollment order, and who did not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassCertificates {
    pub course_id: CourseId,
    pub issued: Vec<IssuedCertificate>,
    pub not_completed: Vec<NotCompleted>,
}

/// `POST /v1/courses/roster`: a class list for staff taking attendance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterRequest {
    pub course_id: CourseId,
}

/// One confirmed learner of a class and the sessions they were marked present at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterLine {
    pub learner_id: LearnerId,
    /// Name masked (홍*동) and the last four digits of the mobile number, enough to call the roll.
    pub name_masked: String,
    pub mobile_last4: String,
    pub present: Vec<chrono::NaiveDate>,
    pub absent: Vec<chrono::NaiveDate>,
}

/// Every confirmed learner of a course in enrollment order, with the course's session dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Roster {
    pub course_id: CourseId,
    pub sessions: Vec<chrono::NaiveDate>,
    pub learners: Vec<RosterLine>,
    pub as_of: chrono::DateTime<chrono::Utc>,
}

/// `POST /v1/kiosks/keys`: a kiosk registers the device key it signs provisional certificates
/// with. The hub publishes it only after staff endorsed it (`baeum-hub kiosk endorse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskKeyRegistration {
    pub kiosk_id: KioskId,
    /// Ed25519 public key, base64url.
    pub public_key: String,
}

/// The hub's answer: the key's id and whether staff have endorsed it yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskKeyStatus {
    pub key_id: String,
    pub endorsed: bool,
}
