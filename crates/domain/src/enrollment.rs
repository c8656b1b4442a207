//! The enrollment service (수강신청, 취소, 결제): its intents and outcomes (in the envelope of
//! [`crate::intent`]), an enrollment's status as the hub holds it, and the lookups kiosks make.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CourseId, LearnerId, OpId};
use crate::money::Won;
use crate::refund::Refund;
use crate::rules::{Price, ReductionKind};

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// What a person (or staff on their behalf) asked about a seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EnrollmentIntent {
    /// 수강신청
    Apply {
        learner_id: LearnerId,
        course_id: CourseId,
        /// Reductions the person claims; the hub checks them against the rules.
        #[serde(default)]
        claims: Vec<ReductionKind>,
    },
    /// 수강취소 (refund per 별표3, computed by the hub at arrival)
    Cancel { learner_id: LearnerId, course_id: CourseId },
    /// Staff recorded a payment at the desk.
    RecordPayment {
        learner_id: LearnerId,
        course_id: CourseId,
        method: PaymentMethod,
        /// 영수증 번호 from the card terminal or the cash book.
        receipt: String,
        amount: Won,
    },
}

impl EnrollmentIntent {
    /// Whose seat in which course the intent is about.
    pub fn seat(&self) -> (&LearnerId, &CourseId) {
        match self {
            EnrollmentIntent::Apply { learner_id, course_id, .. }
            | EnrollmentIntent::Cancel { learner_id, course_id }
            | EnrollmentIntent::RecordPayment { learner_id, course_id, .. } => (learner_id, course_id),
        }
    }
}

/// The hub's answer about a seat (a rejection is [`crate::intent::Outcome::Rejected`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EnrollmentOutcome {
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
    Cancelled {
        refund: Refund,
    },
    Paid {
        amount: Won,
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

/// Seats of a course, with the time they were true ("14:05 기준").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Seats {
    pub course_id: CourseId,
    pub capacity: u32,
    pub taken: u32,
    pub waiting: u32,
}
