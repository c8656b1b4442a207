//! Subsidy endpoints: kiosks read the programmes they offer and the applications of learners they
//! know; anyone reads a programme's recorded selection, to re-run it.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use baeum_domain::protocol::ApiError;
use baeum_domain::subsidy::{DrawRecord, SubsidyLookup, SubsidyProgrammes, SubsidyStatuses};
use baeum_domain::{ErrorCode, ProgrammeId};

use super::devices::Device;
use super::{Failure, HubState, bad_request, unreadable};
use crate::store::subsidy;

#[utoipa::path(
    get, path = "/v1/subsidy/programmes", tag = "subsidy",
    responses((status = 200, description = "Every subsidy programme, newest first", body = SubsidyProgrammes),
              (status = 500, body = ApiError))
)]
pub async fn programmes(_device: Device, State(state): State<HubState>) -> Result<Json<SubsidyProgrammes>, Failure> {
    let programmes = state.with_db(|conn| Ok(subsidy::programmes(conn)?)).await?;
    Ok(Json(SubsidyProgrammes { programmes }))
}

#[utoipa::path(
    post, path = "/v1/subsidy/lookup", tag = "subsidy", request_body = SubsidyLookup,
    responses((status = 200, description = "Applications and earlier grants of those of these learners this kiosk knows (registered here or confirmed their PIN here)", body = SubsidyStatuses),
              (status = 400, body = ApiError), (status = 500, body = ApiError))
)]
pub async fn lookup(
    device: Device,
    State(state): State<HubState>,
    body: Result<Json<SubsidyLookup>, JsonRejection>,
) -> Result<Json<SubsidyStatuses>, Failure> {
    let Json(q) = body.map_err(unreadable)?;
    let as_of = state.clock.now();
    let answer = state
        .about_known_learners(&device, q.learner_ids, move |conn, known| {
            Ok(SubsidyStatuses {
                as_of,
                applications: subsidy::applications_of(conn, known)?,
                grants: subsidy::grants_of(conn, known, None)?,
            })
        })
        .await?;
    Ok(Json(answer))
}

#[utoipa::path(
    get, path = "/v1/subsidy/selections/{programme}", tag = "subsidy",
    params(("programme" = ProgrammeId, Path, description = "The programme's id (`gm-2026`)")),
    responses((status = 200, description = "The recorded selection: seed, algorithm, entrants by 접수번호 with their digest, and the result. Re-run it with `baeum-hub subsidy verify --published FILE`, or by hand: each ticket is sha256(seed:receipt)", body = DrawRecord),
              (status = 400, body = ApiError),
              (status = 404, description = "`selection_not_found`: no selection recorded for this programme", body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn selection(
    State(state): State<HubState>,
    programme: Result<Path<String>, PathRejection>,
) -> Result<Json<DrawRecord>, Failure> {
    let Path(programme) = programme.map_err(unreadable)?;
    let id = ProgrammeId::parse(&programme).map_err(|e| bad_request(format!("programme: {e}")))?;
    match state.with_db(move |conn| Ok(subsidy::draw(conn, &id)?)).await? {
        Some(record) => Ok(Json(record)),
        None => Err(Failure::new(
            StatusCode::NOT_FOUND,
            ErrorCode::SelectionNotFound,
            "이 사업의 선정 기록이 아직 없습니다",
        )),
    }
}
