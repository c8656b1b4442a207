//! People's sessions over HTTP: the [`PersonSession`] extractor for endpoints that answer one
//! learner's records, and closing a session when the person is done. The hub opens a learner's
//! session in `learners/find`, after her PIN.

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use baeum_domain::protocol::ApiError;
use baeum_domain::session::{SESSION_HEADER, SessionGrant, SessionToken, session_end};
use baeum_domain::{ErrorCode, KioskId, LearnerId};
use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::devices::{Device, challenge};
use super::{Failure, HubState};
use crate::store::sessions::{self, Subject};

/// A person's session presented beside the device credential: opened at this same kiosk, not
/// ended. Each use slides its end.
#[derive(Debug, Clone)]
pub struct PersonSession {
    pub device: Device,
    pub subject: Subject,
}

impl PersonSession {
    /// Refuses unless the session is `learner`'s own.
    pub fn require_learner(&self, learner: &LearnerId) -> Result<(), Failure> {
        match &self.subject {
            Subject::Learner(id) if id == learner.as_str() => Ok(()),
            Subject::Learner(_) => {
                Err(Failure::new(StatusCode::FORBIDDEN, ErrorCode::SessionForbidden, "본인의 기록만 볼 수 있습니다"))
            }
        }
    }
}

pub(crate) fn session_required() -> Failure {
    Failure::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::SessionRequired,
        "본인 확인 시간이 지났습니다. 휴대전화 번호와 비밀번호로 다시 확인해 주세요",
    )
}

/// Opens a session for `subject` at `kiosk` and returns its token, given out this once.
pub(crate) fn open(
    conn: &Connection,
    subject: &Subject,
    kiosk: &KioskId,
    now: DateTime<Utc>,
) -> Result<SessionGrant, Failure> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| Failure::internal(format!("no randomness for a session: {e}")))?;
    let token = SessionToken::from_random(secret);
    let expires_at = session_end(now, now);
    sessions::open(conn, &token.digest(), subject, kiosk, now, expires_at)?;
    Ok(SessionGrant { token: token.expose().to_owned(), expires_at })
}

fn presented(parts: &Parts) -> Option<SessionToken> {
    parts.headers.get(SESSION_HEADER).and_then(|v| v.to_str().ok()).and_then(|v| SessionToken::parse(v).ok())
}

impl FromRequestParts<HubState> for PersonSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &HubState) -> Result<Self, Self::Rejection> {
        let device = Device::from_request_parts(parts, state).await?;
        let refuse = |f: Failure| challenge(f.into_response());
        // Missing, malformed, unknown, ended or another kiosk's: one answer.
        let token = presented(parts).ok_or_else(|| refuse(session_required()))?;
        let now = state.clock.now();
        let kiosk = device.kiosk.clone();
        let subject = state
            .with_db(move |conn| {
                let digest = token.digest();
                match sessions::get(conn, &digest)? {
                    Some(s) if s.kiosk_id == kiosk.as_str() && s.expires_at > now => {
                        sessions::extend(conn, &digest, session_end(s.opened_at, now))?;
                        Ok(Some(s.subject))
                    }
                    _ => Ok(None),
                }
            })
            .await
            .map_err(refuse)?
            .ok_or_else(|| refuse(session_required()))?;
        Ok(PersonSession { device, subject })
    }
}

#[utoipa::path(
    delete, path = "/v1/sessions", tag = "sessions",
    params(("baeum-session" = String, Header, description = "The session to end")),
    responses((status = 204, description = "Ended (or already gone)"),
              (status = 500, body = ApiError))
)]
/// Ends the presented session: the person pressed 마치기, or the kiosk wiped its screen.
pub async fn close(
    device: Device,
    State(state): State<HubState>,
    parts: axum::http::HeaderMap,
) -> Result<StatusCode, Failure> {
    let token = parts.get(SESSION_HEADER).and_then(|v| v.to_str().ok()).and_then(|v| SessionToken::parse(v).ok());
    if let Some(token) = token {
        state.with_db(move |conn| Ok(sessions::close(conn, &token.digest(), &device.kiosk)?)).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
