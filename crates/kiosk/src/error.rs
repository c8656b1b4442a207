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
            KioskError::Store(_) => "store_failed",
        }
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
