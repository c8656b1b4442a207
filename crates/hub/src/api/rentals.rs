//! Room endpoints: kiosks read the rooms with every live booking's time (for their calendars,
//! no names) and the bookings of learners they know.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use baeum_domain::kst;
use baeum_domain::protocol::ApiError;
use baeum_domain::rental::{BookingLookup, Bookings, RoomBoard};

use super::devices::Device;
use super::{Failure, HubState, unreadable};
use crate::store::rentals;

#[utoipa::path(
    get, path = "/v1/rooms", tag = "rental",
    responses((status = 200, description = "Every room, the holidays its surcharge applies on, and the time of every live booking from today on (no names)", body = RoomBoard),
              (status = 500, body = ApiError))
)]
pub async fn board(_device: Device, State(state): State<HubState>) -> Result<Json<RoomBoard>, Failure> {
    let as_of = state.clock.now();
    let today = as_of.with_timezone(&kst()).date_naive();
    let board = state
        .with_db(move |conn| {
            let (holidays, _) = rentals::settings(conn)?;
            Ok(RoomBoard { as_of, rooms: rentals::rooms(conn)?, holidays, busy: rentals::busy_from(conn, today)? })
        })
        .await?;
    Ok(Json(board))
}

#[utoipa::path(
    post, path = "/v1/rooms/bookings/lookup", tag = "rental", request_body = BookingLookup,
    responses((status = 200, description = "Room bookings of those of these learners this kiosk knows", body = Bookings),
              (status = 400, body = ApiError), (status = 500, body = ApiError))
)]
pub async fn lookup(
    device: Device,
    State(state): State<HubState>,
    body: Result<Json<BookingLookup>, JsonRejection>,
) -> Result<Json<Bookings>, Failure> {
    let Json(q) = body.map_err(unreadable)?;
    let as_of = state.clock.now();
    let answer = state
        .about_known_learners(&device, q.learner_ids, move |conn, known| {
            Ok(Bookings { as_of, bookings: rentals::of_learners(conn, known)? })
        })
        .await?;
    Ok(Json(answer))
}
