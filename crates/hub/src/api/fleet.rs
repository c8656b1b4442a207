//! `POST /v1/kiosks/heartbeat`: a kiosk's state for the console's fleet page, answered with the
//! notices its screen should show.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use baeum_domain::fleet::{Heartbeat, HeartbeatAnswer};
use baeum_domain::protocol::ApiError;

use super::{Failure, HubState, bad_request, unreadable};
use crate::api::devices::Device;

#[utoipa::path(
    post, path = "/v1/kiosks/heartbeat", tag = "devices", request_body = Heartbeat,
    responses((status = 200, description = "Recorded; the notices to show now", body = HeartbeatAnswer),
              (status = 400, body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn heartbeat(
    device: Device,
    State(state): State<HubState>,
    body: Result<Json<Heartbeat>, JsonRejection>,
) -> Result<Json<HeartbeatAnswer>, Failure> {
    let Json(beat) = body.map_err(unreadable)?;
    beat.check().map_err(bad_request)?;
    let now = state.clock.now();
    let notices = state
        .with_db(move |conn| {
            crate::store::fleet::record(conn, device.kiosk.as_str(), &beat, now)?;
            Ok(crate::store::fleet::showing(conn, &device.institution, now)?)
        })
        .await?;
    Ok(Json(HeartbeatAnswer { notices }))
}
