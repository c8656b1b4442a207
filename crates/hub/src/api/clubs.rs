//! Club endpoints: kiosks read the rules and every active club (no names but the leader's,
//! masked), and the clubs of learners they know (a leader's with roster and records).

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use baeum_domain::club::{ClubBoard, ClubLookup, Memberships};
use baeum_domain::protocol::ApiError;

use super::devices::Device;
use super::{Failure, HubState, unreadable};

#[utoipa::path(
    get, path = "/v1/clubs", tag = "club",
    responses((status = 200, description = "The city's club rules and every active club", body = ClubBoard),
              (status = 500, body = ApiError))
)]
pub async fn board(_device: Device, State(state): State<HubState>) -> Result<Json<ClubBoard>, Failure> {
    let now = state.clock.now();
    let board = state.with_db(move |conn| Ok(crate::clubs::board(conn, now)?)).await?;
    Ok(Json(board))
}

#[utoipa::path(
    post, path = "/v1/clubs/lookup", tag = "club", request_body = ClubLookup,
    responses((status = 200, description = "The clubs of those of these learners this kiosk knows", body = Memberships),
              (status = 400, body = ApiError), (status = 500, body = ApiError))
)]
pub async fn lookup(
    device: Device,
    State(state): State<HubState>,
    body: Result<Json<ClubLookup>, JsonRejection>,
) -> Result<Json<Memberships>, Failure> {
    let Json(q) = body.map_err(unreadable)?;
    let now = state.clock.now();
    let answer = state
        .about_known_learners(&device, q.learner_ids, move |conn, known| {
            Ok(Memberships { as_of: now, memberships: crate::clubs::memberships(conn, known, now)? })
        })
        .await?;
    Ok(Json(answer))
}
