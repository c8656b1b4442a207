//! The certificate service (수료증): a provisional certificate a kiosk issued offline goes through
//! the outbox for the hub to confirm; issuing, learning history and class batches are requests.

use serde::{Deserialize, Serialize};

use crate::ids::{CourseId, LearnerId};

/// A certificate this kiosk issued while offline (provisional, signed with its device key): the
/// hub checks the signature and the completion itself, then confirms or revokes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CertificateIntent {
    ProvisionalCertificate {
        learner_id: LearnerId,
        course_id: CourseId,
        /// The QR text as printed (`BAEUM1.<payload>.<signature>`).
        qr_text: String,
    },
}

/// A provisional certificate checked by the hub: valid under its own serial, or the hub had
/// already issued one for this completion (`serial` names that one; the provisional is superseded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CertificateOutcome {
    CertificateConfirmed { serial: String },
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
    pub payload: super::CertificatePayload,
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
    /// 학습동아리 she belongs to, with the hours of meetings she attended (older hubs: none).
    #[serde(default)]
    pub clubs: Vec<ClubRecord>,
}

/// One club on a learning record, in the 평생학습계좌제 manner: the activity, its field (the six
/// national fields), since when, and the hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClubRecord {
    pub club_name: String,
    pub field: crate::vocabulary::Field,
    /// 대표 (else 회원).
    pub leader: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub since: chrono::NaiveDate,
    /// Minutes of meetings attended, all years.
    pub minutes: u32,
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
