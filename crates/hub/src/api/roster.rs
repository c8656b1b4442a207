//! `POST /v1/courses/roster`: the class list staff take attendance from.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use baeum_domain::attendance::{Roster, RosterRequest};
use baeum_domain::protocol::ApiError;

use super::sessions::PersonSession;
use super::{Failure, HubState, unreadable};

#[utoipa::path(
    post, path = "/v1/courses/roster", tag = "enrollment", request_body = RosterRequest,
    responses((status = 200, description = "Confirmed learners (names masked) and the sessions they attended", body = Roster),
              (status = 400, body = ApiError),
              (status = 404, description = "`course_not_found`", body = ApiError),
              (status = 403, description = "`staff_required`: not a staff session; `session_forbidden`: another institution's course", body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn roster(
    person: PersonSession,
    State(state): State<HubState>,
    body: Result<Json<RosterRequest>, JsonRejection>,
) -> Result<Json<Roster>, Failure> {
    let staff = person.require_staff()?.clone();
    let Json(q) = body.map_err(unreadable)?;
    let now = state.clock.now();
    let kiosk = person.device.kiosk;
    let found = state
        .with_db(move |conn| {
            super::sessions::check_course_scope(conn, &staff, &q.course_id)?;
            crate::store::staff::audit(conn, now, &staff.staff_number, &kiosk, "class_list", q.course_id.as_str())?;
            Ok(crate::roster::roster(conn, &q.course_id, now)?)
        })
        .await?;
    found.map(Json).ok_or_else(|| {
        Failure::new(StatusCode::NOT_FOUND, baeum_domain::ErrorCode::CourseNotFound, "강좌 정보를 찾을 수 없습니다")
    })
}
