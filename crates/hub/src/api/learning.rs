//! Learning away from the kiosk: the video course list (fetched whole by digest beside the
//! catalog) and a signed-in learner's ZOOM sessions, the only answer that carries their links
//! and passcodes.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use baeum_domain::live::{LiveClasses, LiveClassesRequest};
use baeum_domain::protocol::ApiError;
use baeum_domain::video::{VideoList, VideoListQuery};

use super::devices::Device;
use super::sessions::PersonSession;
use super::{Failure, HubState, unreadable};
use crate::store::videos;

#[utoipa::path(
    get, path = "/v1/videos", tag = "learning", params(VideoListQuery),
    responses((status = 200, description = "The digest of the video course list, and the list unless `have` is that digest", body = VideoList),
              (status = 400, body = ApiError), (status = 500, body = ApiError))
)]
pub async fn videos(
    _device: Device,
    State(state): State<HubState>,
    query: Result<Query<VideoListQuery>, QueryRejection>,
) -> Result<Json<VideoList>, Failure> {
    let Query(q) = query.map_err(unreadable)?;
    let list = state
        .with_db(move |conn| {
            let digest = videos::digest(conn)?;
            if q.have.as_deref() == Some(digest.as_str()) {
                return Ok(VideoList { digest, videos: None });
            }
            Ok(VideoList { digest, videos: Some(videos::all(conn)?) })
        })
        .await?;
    Ok(Json(list))
}

#[utoipa::path(
    post, path = "/v1/live/mine", tag = "learning", request_body = LiveClassesRequest,
    responses((status = 200, description = "The learner's ZOOM sessions that have not ended, in courses she holds a confirmed seat in, with link and passcode", body = LiveClasses),
              (status = 400, body = ApiError), (status = 500, body = ApiError))
)]
pub async fn live_mine(
    person: PersonSession,
    State(state): State<HubState>,
    body: Result<Json<LiveClassesRequest>, JsonRejection>,
) -> Result<Json<LiveClasses>, Failure> {
    let Json(q) = body.map_err(unreadable)?;
    let staff = person.require_learner(&q.learner_id)?.cloned();
    let now = state.clock.now();
    let kiosk = person.device.kiosk;
    let classes = state
        .with_db(move |conn| {
            if let Some(staff) = &staff {
                crate::store::staff::audit(
                    conn,
                    now,
                    &staff.staff_number,
                    &kiosk,
                    "live_classes",
                    q.learner_id.as_str(),
                )?;
            }
            Ok(crate::live::of_learner(conn, &q.learner_id, now)?)
        })
        .await?;
    Ok(Json(classes))
}
