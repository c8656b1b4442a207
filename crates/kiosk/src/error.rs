//! Kiosk errors with stable codes. The UI branches on `code()` and shows its own translated
//! text; `Display` is plain Korean for staff reading the admin command line. A library's English
//! words (SQLite, TOML, URL parsing, the OS) never go into `Display`: they stay the error's
//! `source`, and [`KioskError::view`] writes them to the log beside the code.

use baeum_domain::ErrorCode;
use serde::Serialize;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    #[error("중앙 서버(허브) 주소가 올바르지 않습니다: {why}")]
    BadHubUrl {
        why: String,
        #[source]
        detail: Option<Detail>,
    },
    #[error("설정 파일 {path}을(를) 읽을 수 없습니다: {problem}")]
    Config {
        path: String,
        problem: String,
        #[source]
        detail: Option<Detail>,
    },
    #[error("중앙 서버에 연결할 수 없습니다 ({0}). 네트워크 연결을 확인해 주세요")]
    HubUnreachable(String),
    #[error("중앙 서버가 제때 응답하지 않습니다")]
    HubTimeout,
    #[error("중앙 서버에 문제가 생겼습니다 (HTTP {status})")]
    HubServerError { status: u16 },
    #[error("중앙 서버의 응답을 이해할 수 없습니다: {0}")]
    HubBadAnswer(String),
    #[error("중앙 서버가 요청을 거절했습니다: {message}")]
    HubRefused { status: u16, code: String, message: String },
    #[error("중앙 서버에 요청이 몰려 {retry_after_secs}초 뒤에 다시 보냅니다")]
    HubBusy { retry_after_secs: u64 },
    #[error(
        "이 키오스크는 중앙 서버에 등록되지 않았습니다. 관리자에게 초대 코드를 받아 `baeum-kiosk provision --code`로 등록해 주세요"
    )]
    DeviceUnregistered,
    #[error("이 키오스크는 중앙 서버에서 사용이 중지되었습니다. 관리자에게 문의해 주세요")]
    KioskRevoked,
    #[error("본인 확인이 필요합니다. 휴대전화 번호와 비밀번호로 다시 확인해 주세요")]
    SessionRequired,
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
    #[error("지금은 중앙 서버에 연결할 수 없어 본인 확인을 할 수 없습니다. 직원에게 신분증을 보여 주세요")]
    NeedsStaff,
    #[error("중앙 서버가 이 키오스크의 요청 목록을 받지 않습니다: {message}")]
    OutboxRefused { code: ErrorCode, message: String },
    #[error("수료 기준을 채우지 못해 수료증을 발급할 수 없습니다: {0}")]
    NotCompleted(String),
    #[error("수료증을 만들 수 없습니다: {what}")]
    Certificate {
        what: String,
        #[source]
        detail: Option<Detail>,
    },
    #[error("아직 수료한 과정이 없어 학습이력 확인서를 발급할 수 없습니다")]
    NoCompletedCourses,
    #[error("프린터 설정이 올바르지 않습니다: {0}")]
    BadPrinter(String),
    #[error("중앙 서버에 연결할 수 없어 수료증을 임시 발급하려 했으나 할 수 없습니다: {why}")]
    OfflineCertificateUnavailable {
        why: String,
        #[source]
        detail: Option<Detail>,
    },
    #[error("직원 PIN이 아직 설정되지 않았습니다. 관리 명령 `baeum-kiosk staff-pin`으로 정해 주세요")]
    StaffPinNotSet,
    #[error("직원 PIN이 맞지 않습니다 (남은 기회 {remaining}번)")]
    StaffPinWrong { remaining: u32 },
    #[error("직원 PIN을 여러 번 틀려 {}까지 직원 메뉴를 쓸 수 없습니다", crate::staff::locked_until_text(*until))]
    StaffLocked { until: chrono::DateTime<chrono::Utc> },
    #[error("직원 메뉴입니다. 직원 PIN을 먼저 입력해 주세요")]
    StaffRequired,
    #[error("중앙 서버에 직원 번호로 로그인해야 할 수 있는 일입니다. 연결된 뒤 직원 번호와 비밀번호로 로그인해 주세요")]
    StaffSignInNeeded,
    #[error("{0}")]
    StaffSignInFailed(String),
    #[error("{0}")]
    SubsidyNotEligible(String),
    #[error("{0}")]
    RoomUnavailable(String),
    #[error("동영상 강좌를 찾을 수 없습니다")]
    VideoNotFound,
    #[error("실시간 수업 안내는 중앙 서버와 연결되어 있을 때만 볼 수 있습니다")]
    LiveClassesOffline,
    #[error("동아리 정보를 찾을 수 없습니다")]
    ClubNotFound,
    #[error("프린터가 준비되지 않아 인쇄하지 못했습니다. 직원에게 알려 주세요")]
    PrinterNotReady,
    #[error("{0}")]
    ClubNotPossible(String),
    #[error(transparent)]
    Voice(#[from] crate::voice::VoiceError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl KioskError {
    /// Stable code for the UI and scripts.
    pub fn code(&self) -> ErrorCode {
        match self {
            KioskError::BadHubUrl { .. } => ErrorCode::HubUrlInvalid,
            KioskError::Config { .. } => ErrorCode::ConfigInvalid,
            KioskError::HubUnreachable(_) => ErrorCode::HubUnreachable,
            KioskError::HubTimeout => ErrorCode::HubTimeout,
            KioskError::HubServerError { .. } => ErrorCode::HubServerError,
            KioskError::HubBadAnswer(_) => ErrorCode::HubBadAnswer,
            KioskError::HubRefused { .. } => ErrorCode::HubRefused,
            KioskError::HubBusy { .. } => ErrorCode::HubBusy,
            KioskError::DeviceUnregistered => ErrorCode::DeviceUnregistered,
            KioskError::KioskRevoked => ErrorCode::KioskRevoked,
            KioskError::SessionRequired => ErrorCode::SessionRequired,
            KioskError::InvalidInput(_) => ErrorCode::InputInvalid,
            KioskError::CourseNotFound(_) => ErrorCode::CourseNotFound,
            KioskError::LearnerNotFound => ErrorCode::LearnerNotFound,
            KioskError::AlreadyApplied => ErrorCode::AlreadyApplied,
            KioskError::NotEnrolled => ErrorCode::NotEnrolled,
            KioskError::NeedsStaff => ErrorCode::NeedsStaff,
            KioskError::OutboxRefused { .. } => ErrorCode::OutboxRefused,
            KioskError::NotCompleted(_) => ErrorCode::NotCompleted,
            KioskError::Certificate { .. } => ErrorCode::CertificateFailed,
            KioskError::NoCompletedCourses => ErrorCode::NoCompletedCourses,
            KioskError::BadPrinter(_) => ErrorCode::PrinterInvalid,
            KioskError::OfflineCertificateUnavailable { .. } => ErrorCode::OfflineCertificateUnavailable,
            KioskError::StaffPinNotSet => ErrorCode::StaffPinNotSet,
            KioskError::StaffPinWrong { .. } => ErrorCode::StaffPinWrong,
            KioskError::StaffLocked { .. } => ErrorCode::StaffLocked,
            KioskError::StaffRequired => ErrorCode::StaffRequired,
            KioskError::StaffSignInNeeded => ErrorCode::StaffSignInNeeded,
            KioskError::StaffSignInFailed(_) => ErrorCode::StaffSignInFailed,
            KioskError::SubsidyNotEligible(_) => ErrorCode::SubsidyNotEligible,
            KioskError::RoomUnavailable(_) => ErrorCode::RoomUnavailable,
            KioskError::VideoNotFound => ErrorCode::VideoNotFound,
            KioskError::LiveClassesOffline => ErrorCode::LiveClassesOffline,
            KioskError::ClubNotFound => ErrorCode::ClubNotFound,
            KioskError::PrinterNotReady => ErrorCode::PrinterNotReady,
            KioskError::ClubNotPossible(_) => ErrorCode::ClubNotPossible,
            KioskError::Voice(_) => ErrorCode::VoiceUnavailable,
            KioskError::Store(_) => ErrorCode::StoreFailed,
        }
    }

    /// The hub could not be reached or did not answer usefully just now (what the kiosk works
    /// on without it), as opposed to a refusal.
    pub fn is_offline(&self) -> bool {
        matches!(
            self,
            KioskError::HubUnreachable(_)
                | KioskError::HubTimeout
                | KioskError::HubBusy { .. }
                | KioskError::HubServerError { .. }
        )
    }

    /// A certificate, receipt or statement that could not be made: `what` in Korean, `detail`
    /// (a library's words) for the log.
    pub fn certificate(what: impl Into<String>, detail: impl std::fmt::Display) -> KioskError {
        KioskError::Certificate { what: what.into(), detail: Detail::of(detail) }
    }

    /// Why a provisional certificate cannot be issued here, in Korean (no library detail).
    pub fn offline_unavailable(why: impl Into<String>) -> KioskError {
        KioskError::OfflineCertificateUnavailable { why: why.into(), detail: None }
    }

    /// The library's words behind this error (the whole `source` chain), for the log only.
    pub fn detail(&self) -> Option<String> {
        let mut parts = Vec::new();
        match self {
            KioskError::Store(StoreError::Corrupt { problem, .. }) => parts.push(problem.clone()),
            // What the hub said, for matching with its log (the message shows only its words).
            KioskError::HubRefused { status, code, .. } => parts.push(format!("HTTP {status}, code {code:?}")),
            KioskError::OutboxRefused { code, .. } => parts.push(format!("code {code}")),
            _ => {}
        }
        let mut source = std::error::Error::source(self);
        while let Some(e) = source {
            parts.push(e.to_string());
            source = e.source();
        }
        (!parts.is_empty()).then(|| parts.join(": "))
    }

    /// Writes the code and the library detail (if any) to the log. Called wherever an error is
    /// handed to a person, so what they were told can be matched with what went wrong.
    pub fn log(&self) {
        match self.detail() {
            Some(detail) => tracing::warn!(code = self.code().as_str(), detail, "{self}"),
            None => tracing::info!(code = self.code().as_str(), "{self}"),
        }
    }

    /// "Check what you typed" about one field, with the reason in Korean.
    pub fn invalid(field: &'static str, problem: impl std::fmt::Display) -> KioskError {
        KioskError::InvalidInput(baeum_domain::ValidationErrors(vec![baeum_domain::FieldError::new(field, problem)]))
    }

    /// What the UI receives; the detail goes to the log first.
    pub fn view(&self) -> ErrorView {
        self.log();
        let fields = match self {
            KioskError::InvalidInput(errors) => errors
                .0
                .iter()
                .map(|e| FieldProblem { field: e.field.to_owned(), problem: e.problem.clone() })
                .collect(),
            _ => Vec::new(),
        };
        ErrorView { code: self.code(), message: self.to_string(), fields }
    }
}

/// A library's own (English) words about a failure: kept as an error's `source` for the log,
/// never part of the Korean message a person reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Detail(pub String);

impl Detail {
    pub fn of(e: impl std::fmt::Display) -> Option<Detail> {
        Some(Detail(e.to_string()))
    }
}

impl From<String> for Detail {
    fn from(s: String) -> Self {
        Detail(s)
    }
}

impl From<&str> for Detail {
    fn from(s: &str) -> Self {
        Detail(s.to_owned())
    }
}

impl From<crate::certificate_pdf::CertificateError> for KioskError {
    fn from(e: crate::certificate_pdf::CertificateError) -> Self {
        let detail = std::error::Error::source(&e).map(|s| Detail(s.to_string()));
        KioskError::Certificate { what: e.to_string(), detail }
    }
}

/// `{code, message}` as the UI receives it: the UI shows its own text for `code`; `message` is
/// Korean (the field and reason of an input error, the tries left).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorView {
    pub code: ErrorCode,
    pub message: String,
    /// For `input_invalid`: each field refused (its wire name, e.g. `mobile` or `guardian.name`)
    /// and why, in Korean — so a screen finds the fields without reading the message.
    pub fields: Vec<FieldProblem>,
}

impl ErrorView {
    /// A view without field errors.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), fields: Vec::new() }
    }
}

/// One field of a form that was refused, and why (Korean).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldProblem {
    pub field: String,
    pub problem: String,
}

impl From<rusqlite::Error> for KioskError {
    fn from(e: rusqlite::Error) -> Self {
        KioskError::Store(StoreError::from(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baeum_domain::error_code::foreign_words;

    /// Errors as the kiosk really makes them, with the real library failures behind them.
    /// The match has no wildcard: a new code must say whether the kiosk engine raises it.
    fn raised_by_the_engine(code: ErrorCode) -> Vec<KioskError> {
        let sqlite = || {
            let conn = rusqlite::Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
            conn.execute("SELEKT nonsense", []).err().unwrap_or_else(|| panic!("bad SQL ran"))
        };
        let text = "{\"이름\": 1,\n \"hub_url\": }";
        let json = serde_json::from_str::<serde_json::Value>(text).err().unwrap_or_else(|| panic!("parsed"));
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let path = std::path::Path::new("/var/lib/baeum/kiosk.json");
        match code {
            ErrorCode::HubUrlInvalid => vec![
                crate::hub_client::HubUrl::parse("http://hub:99999").err().unwrap_or_else(|| panic!("parsed")),
                crate::hub_client::HubUrl::parse("hub.example.kr").err().unwrap_or_else(|| panic!("parsed")),
                crate::hub_client::HubUrl::parse("ftp://hub").err().unwrap_or_else(|| panic!("parsed")),
            ],
            ErrorCode::ConfigInvalid => vec![
                crate::config::config_error(path, crate::config::json_problem(&json, text), &json),
                crate::config::config_error(path, crate::config::io_problem(&io), &io),
            ],
            ErrorCode::HubUnreachable => vec![KioskError::HubUnreachable("연결되지 않음".into())],
            ErrorCode::HubTimeout => vec![KioskError::HubTimeout],
            ErrorCode::HubServerError => vec![KioskError::HubServerError { status: 502 }],
            ErrorCode::HubBadAnswer => vec![KioskError::HubBadAnswer("강좌 목록의 형식이 맞지 않습니다".into())],
            ErrorCode::HubRefused => vec![KioskError::HubRefused {
                status: 400,
                code: "bad_request".into(),
                message: "요청 본문의 JSON 문법이 맞지 않습니다".into(),
            }],
            ErrorCode::HubBusy => vec![KioskError::HubBusy { retry_after_secs: 3 }],
            ErrorCode::DeviceUnregistered => vec![KioskError::DeviceUnregistered],
            ErrorCode::KioskRevoked => vec![KioskError::KioskRevoked],
            ErrorCode::SessionRequired => vec![KioskError::SessionRequired],
            ErrorCode::InputInvalid => {
                vec![KioskError::invalid("mobile", "휴대전화 번호는 010-1234-5678처럼 적어 주세요")]
            }
            ErrorCode::CourseNotFound => vec![KioskError::CourseNotFound("GM-2027-0001".into())],
            ErrorCode::LearnerNotFound => vec![KioskError::LearnerNotFound],
            ErrorCode::AlreadyApplied => vec![KioskError::AlreadyApplied],
            ErrorCode::NotEnrolled => vec![KioskError::NotEnrolled],
            ErrorCode::NeedsStaff => vec![KioskError::NeedsStaff],
            ErrorCode::OutboxRefused => vec![KioskError::OutboxRefused {
                code: ErrorCode::SequenceGap,
                message: "3번 다음에 5번이 왔습니다. 빠진 요청부터 보내 주세요".into(),
            }],
            ErrorCode::NotCompleted => {
                vec![KioskError::NotCompleted("출석이 수료 기준에 모자랍니다 (12/20회, 기준 80%)".into())]
            }
            ErrorCode::CertificateFailed => vec![
                crate::certificate_pdf::CertificateError::Qr("data too long".into()).into(),
                KioskError::certificate("난수를 만들 수 없습니다", "getrandom: unsupported"),
            ],
            ErrorCode::NoCompletedCourses => vec![KioskError::NoCompletedCourses],
            ErrorCode::PrinterInvalid => {
                vec![crate::printing::printer_uri("HP LaserJet").err().unwrap_or_else(|| panic!("parsed"))]
            }
            ErrorCode::OfflineCertificateUnavailable => vec![
                KioskError::offline_unavailable("이 키오스크에는 임시 발급용 기기 키가 없습니다"),
                KioskError::OfflineCertificateUnavailable {
                    why: "키 보관소를 쓸 수 없습니다".into(),
                    detail: Detail::of("Platform secure storage failure: no such file"),
                },
            ],
            ErrorCode::StaffPinNotSet => vec![KioskError::StaffPinNotSet],
            ErrorCode::StaffPinWrong => vec![KioskError::StaffPinWrong { remaining: 2 }],
            ErrorCode::StaffLocked => vec![KioskError::StaffLocked { until: chrono::DateTime::UNIX_EPOCH }],
            ErrorCode::StaffRequired => vec![KioskError::StaffRequired],
            ErrorCode::StaffSignInNeeded => vec![KioskError::StaffSignInNeeded],
            ErrorCode::StaffSignInFailed => vec![KioskError::StaffSignInFailed(
                "직원 번호나 비밀번호가 맞지 않습니다. 여러 번 틀리면 잠시 로그인할 수 없습니다".into(),
            )],
            ErrorCode::SubsidyNotEligible => {
                vec![KioskError::SubsidyNotEligible("1966년생은 올해 대상이 아닙니다 (대상: 1967~1976년생)".into())]
            }
            ErrorCode::RoomUnavailable => vec![KioskError::RoomUnavailable("인원이 정원(12명)을 넘습니다".into())],
            ErrorCode::VideoNotFound => vec![KioskError::VideoNotFound],
            ErrorCode::LiveClassesOffline => vec![KioskError::LiveClassesOffline],
            ErrorCode::ClubNotFound => vec![KioskError::ClubNotFound],
            ErrorCode::PrinterNotReady => vec![KioskError::PrinterNotReady],
            ErrorCode::ClubNotPossible => {
                vec![KioskError::ClubNotPossible("회원이 5명 이상이어야 합니다 (지금 4명)".into())]
            }
            ErrorCode::VoiceUnavailable => vec![KioskError::Voice(crate::voice::VoiceError {
                why: "음성 서비스를 시작할 수 없습니다".into(),
                detail: Detail::of("No such file or directory (os error 2)"),
            })],
            ErrorCode::StoreFailed => vec![
                KioskError::from(sqlite()),
                KioskError::Store(StoreError::Corrupt { what: "요청", id: "7".into(), problem: json.to_string() }),
            ],
            // Said by the hub only (the kiosk wraps them as hub_refused / outbox_refused or maps
            // them onto its own variants above), or by the shell and the screens.
            ErrorCode::BadRequest
            | ErrorCode::Internal
            | ErrorCode::ResnapshotRequired
            | ErrorCode::SequenceGap
            | ErrorCode::OpConflict
            | ErrorCode::RateLimited
            | ErrorCode::InviteInvalid
            | ErrorCode::KioskIdTaken
            | ErrorCode::SessionForbidden
            | ErrorCode::SelectionNotFound
            | ErrorCode::Unexpected
            | ErrorCode::PrinterMissing
            | ErrorCode::ConsentNeeded => vec![],
        }
    }

    /// Every code the engine raises, in every form: the message a person reads is Korean, and
    /// the library's English is still there for the log.
    #[test]
    fn every_engine_error_speaks_korean_and_keeps_the_detail_for_the_log() {
        let mut with_detail = 0;
        for &code in ErrorCode::all() {
            for e in raised_by_the_engine(code) {
                assert_eq!(e.code(), code, "{e:?}");
                let view = e.view();
                // Input errors name the field by its wire name for the screens to translate.
                let message = match &e {
                    KioskError::InvalidInput(errors) => errors.0.iter().map(|f| f.problem.clone()).collect(),
                    _ => view.message.clone(),
                };
                assert!(message.chars().any(|c| ('가'..='힣').contains(&c)), "{code}: {message}");
                assert_eq!(foreign_words(&message), Vec::<&str>::new(), "{code}: {message}");
                if let Some(detail) = e.detail() {
                    assert!(!foreign_words(&detail).is_empty(), "{code}: the detail is the library's words: {detail}");
                    with_detail += 1;
                }
            }
        }
        // SQLite, the JSON parser, the OS, the URL parser, the QR encoder, the keyring, speech.
        assert!(with_detail >= 9, "{with_detail}");
        let store = KioskError::from(
            rusqlite::Connection::open_in_memory()
                .and_then(|c| c.execute("SELEKT 1", []))
                .err()
                .unwrap_or_else(|| panic!("ran")),
        );
        assert!(store.detail().unwrap_or_default().contains("syntax error"), "{:?}", store.detail());
        // Lines and characters as an editor counts them, whatever the Korean before the fault.
        let text = "{\"이름\": \"홍길동\", \"x\": tru}";
        let e = serde_json::from_str::<serde_json::Value>(text).err().unwrap_or_else(|| panic!("parsed"));
        assert_eq!(crate::config::json_problem(&e, text), "1번째 줄 23번째 글자 근처: JSON 문법이 맞지 않습니다");
    }
}
