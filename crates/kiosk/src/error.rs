//! Kiosk errors with stable codes. The UI branches on `code()` and shows its own translated
//! text; `Display` is plain Korean for staff reading the admin command line.

use serde::Serialize;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    #[error("중앙 서버(허브) 주소가 올바르지 않습니다: {0}")]
    BadHubUrl(String),
    #[error("설정 파일 {path}을(를) 읽을 수 없습니다: {problem}")]
    Config { path: String, problem: String },
    #[error("중앙 서버에 연결할 수 없습니다 ({0}). 네트워크 연결을 확인해 주세요")]
    HubUnreachable(String),
    #[error("중앙 서버가 제때 응답하지 않습니다")]
    HubTimeout,
    #[error("중앙 서버에 문제가 생겼습니다 (HTTP {status})")]
    HubServerError { status: u16 },
    #[error("중앙 서버의 응답을 이해할 수 없습니다: {0}")]
    HubBadAnswer(String),
    #[error("중앙 서버가 요청을 거절했습니다 (HTTP {status}, {code}): {message}")]
    HubRefused { status: u16, code: String, message: String },
    #[error("입력하신 내용을 확인해 주세요: {0}")]
    InvalidInput(baeum_domain::ValidationErrors),
    #[error("강좌 정보를 찾을 수 없습니다: {0}")]
    CourseNotFound(String),
    #[error("학습자 정보를 찾을 수 없습니다")]
    LearnerNotFound,
    #[error("이미 신청하신 강좌입니다")]
    AlreadyApplied,
    #[error("신청 내역이 없거나 이미 끝난 신청입니다")]
    NotEnrolled,
    #[error("{0}")]
    PinLocked(String),
    #[error("지금은 중앙 서버에 연결할 수 없어 본인 확인을 할 수 없습니다. 직원에게 신분증을 보여 주세요")]
    NeedsStaff,
    #[error("중앙 서버가 이 키오스크의 요청 목록을 받지 않습니다 ({code}): {message}")]
    OutboxRefused { code: String, message: String },
    #[error("수료 기준을 채우지 못해 수료증을 발급할 수 없습니다: {0}")]
    NotCompleted(String),
    #[error("수료증을 만들 수 없습니다: {0}")]
    Certificate(String),
    #[error("아직 수료한 과정이 없어 학습이력 확인서를 발급할 수 없습니다")]
    NoCompletedCourses,
    #[error("프린터 설정이 올바르지 않습니다: {0}")]
    BadPrinter(String),
    #[error("중앙 서버에 연결할 수 없어 수료증을 임시 발급하려 했으나 할 수 없습니다: {0}")]
    OfflineCertificateUnavailable(String),
    #[error("직원 PIN이 아직 설정되지 않았습니다. 관리 명령 `baeum-kiosk staff-pin`으로 정해 주세요")]
    StaffPinNotSet,
    #[error("직원 PIN이 맞지 않습니다 (남은 기회 {remaining}번)")]
    StaffPinWrong { remaining: u32 },
    #[error("직원 PIN을 여러 번 틀려 {}까지 직원 메뉴를 쓸 수 없습니다", crate::staff::locked_until_text(*until))]
    StaffLocked { until: chrono::DateTime<chrono::Utc> },
    #[error("직원 메뉴입니다. 직원 PIN을 먼저 입력해 주세요")]
    StaffRequired,
    #[error(transparent)]
    Voice(#[from] crate::voice::VoiceError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl KioskError {
    /// Stable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            KioskError::BadHubUrl(_) => "hub_url_invalid",
            KioskError::Config { .. } => "config_invalid",
            KioskError::HubUnreachable(_) => "hub_unreachable",
            KioskError::HubTimeout => "hub_timeout",
            KioskError::HubServerError { .. } => "hub_server_error",
            KioskError::HubBadAnswer(_) => "hub_bad_answer",
            KioskError::HubRefused { .. } => "hub_refused",
            KioskError::InvalidInput(_) => "input_invalid",
            KioskError::CourseNotFound(_) => "course_not_found",
            KioskError::LearnerNotFound => "learner_not_found",
            KioskError::AlreadyApplied => "already_applied",
            KioskError::NotEnrolled => "not_enrolled",
            KioskError::PinLocked(_) => "pin_locked",
            KioskError::NeedsStaff => "needs_staff",
            KioskError::OutboxRefused { .. } => "outbox_refused",
            KioskError::NotCompleted(_) => "not_completed",
            KioskError::Certificate(_) => "certificate_failed",
            KioskError::NoCompletedCourses => "no_completed_courses",
            KioskError::BadPrinter(_) => "printer_invalid",
            KioskError::OfflineCertificateUnavailable(_) => "offline_certificate_unavailable",
            KioskError::StaffPinNotSet => "staff_pin_not_set",
            KioskError::StaffPinWrong { .. } => "staff_pin_wrong",
            KioskError::StaffLocked { .. } => "staff_locked",
            KioskError::StaffRequired => "staff_required",
            KioskError::Voice(_) => "voice_unavailable",
            KioskError::Store(_) => "store_failed",
        }
    }

    /// "Check what you typed" about one field, with the reason in Korean.
    pub fn invalid(field: &'static str, problem: impl Into<String>) -> KioskError {
        KioskError::InvalidInput(baeum_domain::ValidationErrors(vec![baeum_domain::FieldError::new(field, problem)]))
    }

    pub fn view(&self) -> ErrorView {
        ErrorView { code: self.code().to_owned(), message: self.to_string() }
    }
}

/// `{code, message}` as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorView {
    pub code: String,
    pub message: String,
}

impl From<rusqlite::Error> for KioskError {
    fn from(e: rusqlite::Error) -> Self {
        KioskError::Store(StoreError::from(e))
    }
}
