//! People's sessions over HTTP: the [`PersonSession`] extractor for endpoints that answer one
//! learner's records, and closing a session when the person is done. The hub opens a learner's
//! session in `learners/find`, after her PIN.

use crate::db::Connection;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use baeum_domain::protocol::ApiError;
use baeum_domain::session::{SESSION_HEADER, SessionGrant, SessionToken, session_end};
use baeum_domain::{ErrorCode, KioskId, LearnerId};
use chrono::{DateTime, Utc};

use super::devices::{Device, challenge};
use super::{Failure, HubState};
use crate::store::pin_lock::{self, PinHolder};
use crate::store::sessions::{self, Subject};
use crate::store::staff;
use baeum_domain::staff::{StaffNumber, StaffProfile, StaffSignIn, StaffSignedIn};

/// Who a session is for.
#[derive(Debug, Clone)]
pub enum Person {
    Learner(LearnerId),
    /// An active staff account (a disabled one's sessions stop at once).
    Staff(StaffProfile),
}

/// A person's session presented beside the device credential: opened at this same kiosk, not
/// ended. Each use slides its end.
#[derive(Debug, Clone)]
pub struct PersonSession {
    pub device: Device,
    pub person: Person,
}

impl PersonSession {
    /// Refuses unless the session is `learner`'s own, or staff's (who act for anyone at the
    /// desk; what they look at goes into the access log).
    pub fn require_learner(&self, learner: &LearnerId) -> Result<Option<&StaffProfile>, Failure> {
        match &self.person {
            Person::Learner(id) if id == learner => Ok(None),
            Person::Learner(_) => {
                Err(Failure::new(StatusCode::FORBIDDEN, ErrorCode::SessionForbidden, "본인의 기록만 볼 수 있습니다"))
            }
            Person::Staff(profile) => Ok(Some(profile)),
        }
    }

    /// Refuses unless a staff member's session.
    pub fn require_staff(&self) -> Result<&StaffProfile, Failure> {
        match &self.person {
            Person::Staff(profile) => Ok(profile),
            Person::Learner(_) => Err(Failure::new(
                StatusCode::FORBIDDEN,
                ErrorCode::StaffRequired,
                "직원만 할 수 있는 일입니다. 직원 번호로 로그인해 주세요",
            )),
        }
    }
}

/// Refuses a 기관 담당자 another institution's course (a 시스템 관리자 sees every course, and the
/// front desk serves every walk-in, whichever institution runs the course).
pub(crate) fn check_course_scope(
    conn: &Connection,
    staff: &StaffProfile,
    course: &baeum_domain::CourseId,
) -> Result<(), Failure> {
    if staff.role != baeum_domain::staff::StaffRole::InstitutionOfficer {
        return Ok(());
    }
    let course = crate::store::courses::get(conn, course.as_str())?;
    match course {
        Some(c) if Some(&c.institution_id) == staff.institution_id.as_ref() => Ok(()),
        // An unknown course is the handler's 404 to give.
        None => Ok(()),
        Some(_) => Err(Failure::new(StatusCode::FORBIDDEN, ErrorCode::SessionForbidden, "다른 기관의 강좌입니다")),
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
        let person = state
            .with_db(move |conn| {
                let digest = token.digest();
                let Some(s) = sessions::get(conn, &digest)? else { return Ok(None) };
                if s.kiosk_id != kiosk.as_str() || s.expires_at <= now {
                    return Ok(None);
                }
                let person = match s.subject {
                    Subject::Learner(id) => match LearnerId::parse(&id) {
                        Ok(id) => Person::Learner(id),
                        Err(e) => return Err(Failure::internal(format!("stored learner id {id:?}: {e}"))),
                    },
                    Subject::Staff(number) => {
                        let account =
                            StaffNumber::parse(&number).ok().map(|n| staff::get(conn, &n)).transpose()?.flatten();
                        match account {
                            Some(a) if a.disabled_at.is_none() => Person::Staff(a.profile),
                            _ => return Ok(None),
                        }
                    }
                };
                sessions::extend(conn, &digest, session_end(s.opened_at, now), now)?;
                Ok(Some(person))
            })
            .await
            .map_err(refuse)?
            .ok_or_else(|| refuse(session_required()))?;
        Ok(PersonSession { device, person })
    }
}

#[utoipa::path(
    delete, path = "/v1/sessions", tag = "sessions",
    params(("baeum-session" = Option<String>, Header, description = "The session to end (none: nothing to end)")),
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
        let now = state.clock.now();
        state.with_db(move |conn| Ok(sessions::close(conn, &token.digest(), &device.kiosk, now)?)).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

fn staff_sign_in_failed() -> Failure {
    Failure::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::StaffSignInFailed,
        "직원 번호나 비밀번호가 맞지 않습니다. 여러 번 틀리면 잠시 로그인할 수 없습니다",
    )
}

#[utoipa::path(
    post, path = "/v1/staff/sessions", tag = "sessions", request_body = StaffSignIn,
    responses((status = 200, description = "Signed in: who, and a staff session at this kiosk", body = StaffSignedIn),
              (status = 400, body = ApiError),
              (status = 500, body = ApiError))
)]
/// A staff member signs in at this kiosk with their number and PIN. Unknown, wrong, locked and
/// disabled get one answer (`401 staff_sign_in_failed`), in the same time.
pub async fn staff_sign_in(
    device: Device,
    State(state): State<HubState>,
    body: Result<axum::Json<StaffSignIn>, axum::extract::rejection::JsonRejection>,
) -> Result<axum::Json<StaffSignedIn>, Failure> {
    let axum::Json(q) = body.map_err(super::unreadable)?;
    let pin = baeum_domain::staff::staff_pin(&q.pin).map_err(super::bad_request)?;
    let now = state.clock.now();
    let number = q.staff_number.clone();
    let account = state.with_db(move |conn| Ok(staff::get(conn, &number)?)).await?;
    let barred = account.as_ref().is_none_or(|a| a.barred(now));
    let stored = match (&account, barred) {
        (Some(a), false) => a.pin_hash.clone(),
        _ => crate::pins::DUMMY.to_owned(),
    };
    let matched = state.hashing(move |pepper| pepper.verify(&stored, &pin)).await? && !barred;
    let kiosk = device.kiosk;
    let answer = state
        .with_db(move |conn| {
            let Some(account) = account else { return Ok(Err(staff_sign_in_failed())) };
            let number = &account.profile.staff_number;
            if !matched {
                if !barred && pin_lock::count_failure(conn, PinHolder::Staff, number.as_str(), now)?.is_some() {
                    tracing::info!(event = "staff_pin_locked", staff = %number, "a staff account was locked after wrong PINs");
                }
                return Ok(Err(staff_sign_in_failed()));
            }
            if !pin_lock::clear_unless_locked(conn, PinHolder::Staff, number.as_str(), now)? {
                return Ok(Err(staff_sign_in_failed()));
            }
            let session = open(conn, &Subject::Staff(number.to_string()), &kiosk, now)?;
            staff::audit(conn, now, number, &kiosk, "sign_in", "")?;
            Ok(Ok(StaffSignedIn { staff: account.profile, session }))
        })
        .await??;
    Ok(axum::Json(answer))
}
