//! Who is calling: the device credential on every kiosk request ([`Device`], an extractor), and
//! the one kiosk endpoint that needs none — provisioning with a one-time invite.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use baeum_domain::device::{DeviceCredential, ProvisionAnswer, ProvisionRequest};
use baeum_domain::protocol::ApiError;
use baeum_domain::{ErrorCode, KioskId};

use super::{Failure, HubState, bad_request, unreadable};
use crate::devices::{self, DeviceError};

/// The kiosk a request comes from, as its credential says. Handlers take the kiosk id from
/// here and nowhere else.
#[derive(Debug, Clone)]
pub struct Device {
    pub kiosk: KioskId,
    pub institution: String,
}

fn unregistered() -> Failure {
    Failure::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::DeviceUnregistered,
        "등록되지 않은 키오스크입니다. 관리자에게 초대 코드를 받아 `baeum-kiosk provision --code`로 등록해 주세요",
    )
}

fn revoked() -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        ErrorCode::KioskRevoked,
        "이 키오스크는 중앙 서버에서 사용이 중지되었습니다. 관리자에게 문의해 주세요",
    )
}

/// A `401` tells the client how to authenticate (RFC 9110 §11.6.1).
pub(crate) fn challenge(mut response: Response) -> Response {
    if response.status() == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"baeum-hub\""));
    }
    response
}

impl FromRequestParts<HubState> for Device {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &HubState) -> Result<Self, Self::Rejection> {
        let refuse = |f: Failure| challenge(f.into_response());
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| refuse(unregistered()))?;
        // A token of the wrong shape is answered like an unknown one, without a lookup.
        let credential = DeviceCredential::parse(token).map_err(|_| refuse(unregistered()))?;
        let found = state.with_db(move |conn| Ok(devices::identify(conn, &credential)?)).await.map_err(refuse)?;
        let device = found.ok_or_else(|| refuse(unregistered()))?;
        if device.revoked() {
            tracing::info!(code = ErrorCode::KioskRevoked.as_str(), kiosk = device.kiosk_id, "revoked kiosk refused");
            return Err(refuse(revoked()));
        }
        let kiosk = KioskId::parse(&device.kiosk_id).map_err(|e| {
            refuse(Failure::internal(format!("stored kiosk id {:?} does not parse: {e}", device.kiosk_id)))
        })?;
        if let Err(wait) = state.device_limit.check(kiosk.as_str()) {
            return Err(crate::limits::too_many(wait));
        }
        Ok(Device { kiosk, institution: device.institution_id })
    }
}

impl From<DeviceError> for Failure {
    fn from(e: DeviceError) -> Self {
        match e {
            DeviceError::InviteInvalid => Failure::new(StatusCode::FORBIDDEN, ErrorCode::InviteInvalid, e.to_string()),
            DeviceError::KioskIdTaken(_) => Failure::new(StatusCode::CONFLICT, ErrorCode::KioskIdTaken, e.to_string()),
            DeviceError::BadPublicKey | DeviceError::UnknownInstitution(_) => bad_request(e),
            DeviceError::UnknownKiosk(_) | DeviceError::NoSuchKey { .. } => bad_request(e),
            DeviceError::Store(e) => e.into(),
        }
    }
}

#[utoipa::path(
    post, path = "/v1/kiosks/provision", tag = "kiosks", request_body = ProvisionRequest,
    responses((status = 200, description = "Provisioned: the kiosk's credential, given out this once", body = ProvisionAnswer),
              (status = 400, body = ApiError),
              (status = 403, description = "`invite_invalid`: unknown, used or expired invite code", body = ApiError),
              (status = 409, description = "`kiosk_id_taken`: another device holds this id, or the hub has its history and the invite did not name it", body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn provision(
    State(state): State<HubState>,
    body: Result<Json<ProvisionRequest>, JsonRejection>,
) -> Result<Json<ProvisionAnswer>, Failure> {
    let Json(request) = body.map_err(unreadable)?;
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| Failure::internal(format!("no randomness for a credential: {e}")))?;
    let now = state.clock.now();
    let answer = state.with_db(move |conn| Ok(devices::provision(conn, &request, secret, now)?)).await?;
    tracing::info!(kiosk = %answer.kiosk_id, institution = %answer.institution_id, key = answer.key_id, "kiosk provisioned");
    Ok(Json(answer))
}
