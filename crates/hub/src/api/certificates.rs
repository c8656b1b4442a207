//! Certificates over HTTP: kiosks ask for the certificate of a completed course, anyone fetches
//! the key set for offline checks, and people check a paper certificate on `/verify` (Korean HTML;
//! the same answer as JSON under `/v1/certificates/verify/{code}`).

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Html;
use baeum_domain::certificate::KeySet;
use baeum_domain::certificate::{
    CertificateRequest, ClassCertificates, ClassRequest, HistoryRequest, IssuedCertificate, LearningHistory,
};
use baeum_domain::kiosk_key::{KioskKeyRegistration, KioskKeyStatus};
use baeum_domain::protocol::ApiError;
use serde::Deserialize;

use super::devices::Device;
use super::sessions::PersonSession;
use super::{Failure, HubState, bad_request, escape, unreadable};
use crate::certificates::{self, IssueError, PublicVerification};

#[utoipa::path(
    post, path = "/v1/certificates", tag = "certificates", request_body = CertificateRequest,
    responses((status = 200, description = "The certificate (the one already issued, or a new one)", body = IssuedCertificate),
              (status = 400, body = ApiError),
              (status = 404, description = "`not_enrolled`: no confirmed enrollment", body = ApiError),
              (status = 409, description = "`not_completed`: attendance below the course's threshold", body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn issue(
    person: PersonSession,
    State(state): State<HubState>,
    body: Result<Json<CertificateRequest>, JsonRejection>,
) -> Result<Json<IssuedCertificate>, Failure> {
    let Json(q) = body.map_err(unreadable)?;
    let staff = person.require_learner(&q.learner_id)?.cloned();
    let now = state.clock.now();
    let signer = state.signer.clone();
    let kiosk = person.device.kiosk;
    let cert = state
        .with_db(move |conn| {
            if let Some(staff) = &staff {
                super::sessions::check_course_scope(conn, staff, &q.course_id)?;
                let subject = format!("{} {}", q.learner_id, q.course_id);
                crate::store::staff::audit(conn, now, &staff.staff_number, &kiosk, "certificate", &subject)?;
            }
            certificates::issue(conn, &signer, &q.learner_id, &q.course_id, now).map_err(issue_failure)
        })
        .await?;
    Ok(Json(cert))
}

fn issue_failure(e: IssueError) -> Failure {
    match e {
        IssueError::NotEnrolled => {
            Failure::new(StatusCode::NOT_FOUND, baeum_domain::ErrorCode::NotEnrolled, e.to_string())
        }
        IssueError::NotCompleted { .. } => {
            Failure::new(StatusCode::CONFLICT, baeum_domain::ErrorCode::NotCompleted, e.to_string())
        }
        IssueError::Store(e) => e.into(),
        other => Failure::internal(other.to_string()),
    }
}

#[utoipa::path(
    post, path = "/v1/certificates/history", tag = "certificates", request_body = HistoryRequest,
    responses((status = 200, description = "Every completed course with its certificate, oldest first (학습이력)", body = LearningHistory),
              (status = 400, body = ApiError),
              (status = 404, description = "`not_enrolled`: no such learner", body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn history(
    person: PersonSession,
    State(state): State<HubState>,
    body: Result<Json<HistoryRequest>, JsonRejection>,
) -> Result<Json<LearningHistory>, Failure> {
    let Json(q) = body.map_err(unreadable)?;
    let staff = person.require_learner(&q.learner_id)?.cloned();
    let now = state.clock.now();
    let signer = state.signer.clone();
    let kiosk = person.device.kiosk;
    let history = state
        .with_db(move |conn| {
            if let Some(staff) = &staff {
                // A learner's whole history spans institutions: not a 기관 담당자's to read.
                if staff.role == baeum_domain::staff::StaffRole::InstitutionOfficer {
                    return Err(Failure::new(
                        StatusCode::FORBIDDEN,
                        baeum_domain::ErrorCode::SessionForbidden,
                        "기관 담당자는 학습자의 전체 학습이력을 볼 수 없습니다",
                    ));
                }
                crate::store::staff::audit(
                    conn,
                    now,
                    &staff.staff_number,
                    &kiosk,
                    "learning_history",
                    q.learner_id.as_str(),
                )?;
            }
            certificates::learning_history(conn, &signer, &q.learner_id, now).map_err(issue_failure)
        })
        .await?;
    Ok(Json(history))
}

#[utoipa::path(
    post, path = "/v1/certificates/class", tag = "certificates", request_body = ClassRequest,
    responses((status = 200, description = "Certificates of every confirmed learner who completed, and who did not", body = ClassCertificates),
              (status = 400, body = ApiError),
              (status = 404, description = "`not_enrolled`: no such course", body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn class(
    person: PersonSession,
    State(state): State<HubState>,
    body: Result<Json<ClassRequest>, JsonRejection>,
) -> Result<Json<ClassCertificates>, Failure> {
    let staff = person.require_staff()?.clone();
    let Json(q) = body.map_err(unreadable)?;
    let now = state.clock.now();
    let signer = state.signer.clone();
    let kiosk = person.device.kiosk;
    let class = state
        .with_db(move |conn| {
            super::sessions::check_course_scope(conn, &staff, &q.course_id)?;
            crate::store::staff::audit(
                conn,
                now,
                &staff.staff_number,
                &kiosk,
                "class_certificates",
                q.course_id.as_str(),
            )?;
            certificates::class_certificates(conn, &signer, &q.course_id, now).map_err(issue_failure)
        })
        .await?;
    Ok(Json(class))
}

#[utoipa::path(
    post, path = "/v1/kiosks/keys", tag = "certificates", request_body = KioskKeyRegistration,
    responses((status = 200, description = "Registered (again); endorsed once staff ran `baeum-hub kiosk endorse`", body = KioskKeyStatus),
              (status = 400, body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn register_kiosk_key(
    device: Device,
    State(state): State<HubState>,
    body: Result<Json<KioskKeyRegistration>, JsonRejection>,
) -> Result<Json<KioskKeyStatus>, Failure> {
    let Json(q) = body.map_err(unreadable)?;
    let Some(key) = baeum_domain::certificate::public_key(&q.public_key) else {
        return Err(bad_request("public_key: Ed25519 공개키가 아닙니다"));
    };
    let key_id = baeum_domain::certificate::key_id(&key);
    let now = state.clock.now();
    let status = state
        .with_db(move |conn| {
            crate::store::kiosk_keys::register(conn, &key_id, device.kiosk.as_str(), &q.public_key, now)?;
            let stored = crate::store::kiosk_keys::get(conn, &key_id)?;
            // A key id names one public key; a kiosk presenting another kiosk's key is not endorsed by it.
            let endorsed = stored.is_some_and(|k| k.endorsement.is_some() && k.kiosk_id == device.kiosk.as_str());
            Ok(KioskKeyStatus { key_id, endorsed })
        })
        .await?;
    Ok(Json(status))
}

#[utoipa::path(
    get, path = "/v1/certificates/keys", tag = "certificates",
    responses((status = 200, description = "Public keys and serials no longer valid, to check certificates offline", body = KeySet),
              (status = 500, body = ApiError))
)]
pub async fn keys(State(state): State<HubState>) -> Result<Json<KeySet>, Failure> {
    let signer = state.signer.clone();
    Ok(Json(state.with_db(move |conn| Ok(signer.key_set(conn)?)).await?))
}

#[utoipa::path(
    get, path = "/v1/certificates/verify/{code}", tag = "certificates",
    params(("code" = String, Path, description = "The printed verification code (ABCDE-FGHJK) or the QR code's text (BAEUM1.…); a serial alone is answered `needs_code`")),
    responses((status = 200, description = "`valid`, `revoked`, `superseded`, `unknown` or `needs_code`, with what a verifier needs (the name masked)", body = PublicVerification),
              (status = 400, body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn verify_json(
    State(state): State<HubState>,
    code: Result<Path<String>, PathRejection>,
) -> Result<Json<PublicVerification>, Failure> {
    let Path(code) = code.map_err(unreadable)?;
    Ok(Json(state.with_db(move |conn| Ok(certificates::verify_public(conn, &code)?)).await?))
}

#[derive(Debug, Deserialize)]
pub struct VerifyQuery {
    code: Option<String>,
}

fn page(body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"ko\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>수료증 진위 확인</title><style>body{{font-family:sans-serif;font-size:20px;line-height:1.6;max-width:36em;margin:1em auto;padding:0 1em;color:#111}}\
         input,button{{font-size:22px;padding:.4em}} .ok{{color:#0a6b2d}} .bad{{color:#9b1c1c}} dt{{font-weight:700}}</style></head>\
         <body><h1>수료증 진위 확인</h1>{body}\
         <form method=\"get\" action=\"/verify\"><label>확인번호 또는 QR 코드 주소 <input name=\"code\" autocomplete=\"off\"></label> <button>확인</button></form></body></html>"
    ))
}

const UNREADABLE: &str = "<p class=\"bad\">주소에 든 확인번호를 읽을 수 없습니다. 확인번호를 직접 입력해 주세요.</p>";

/// `/verify` and `/verify/{code}`: the answer in plain Korean for people.
pub async fn verify_page(
    State(state): State<HubState>,
    code: Result<Option<Path<String>>, PathRejection>,
    query: Result<Query<VerifyQuery>, QueryRejection>,
) -> (StatusCode, Html<String>) {
    // axum's own answer to a bad address is an English sentence; a phone gets Korean instead.
    let Ok(code) = code.map(|c| c.map(|Path(c)| c)) else { return (StatusCode::BAD_REQUEST, page(UNREADABLE)) };
    let Ok(Query(q)) = query else { return (StatusCode::BAD_REQUEST, page(UNREADABLE)) };
    let Some(code) = code.or(q.code).filter(|c| !c.trim().is_empty()) else {
        return (StatusCode::OK, page("<p>수료증 아래쪽의 확인번호를 입력하시거나 QR 코드를 찍어 주세요.</p>"));
    };
    let lookup = code.clone();
    let Ok(v) = state.with_db(move |conn| Ok(certificates::verify_public(conn, &lookup)?)).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, page("<p class=\"bad\">잠시 후 다시 시도해 주세요.</p>"));
    };
    let details = match (&v.serial, &v.learner, &v.course_title, &v.institution) {
        (Some(serial), Some(learner), Some(course), Some(institution)) => {
            let minutes = v.minutes.unwrap_or_default();
            let hours = if minutes % 60 == 0 {
                format!("{}시간", minutes / 60)
            } else {
                format!("{}시간 {}분", minutes / 60, minutes % 60)
            };
            let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            format!(
                "<dl><dt>증서 번호</dt><dd>{}</dd><dt>성명</dt><dd>{}</dd><dt>과정명</dt><dd>{}</dd><dt>교육기관</dt><dd>{}</dd>\
                 <dt>교육기간</dt><dd>{} ~ {} (총 {hours})</dd><dt>발급일</dt><dd>{}</dd></dl>",
                escape(serial),
                // A verifier needs to match the paper, not to learn the name: 홍*동.
                escape(learner),
                escape(course),
                escape(institution),
                day(v.first_date),
                day(v.last_date),
                day(v.issued_on)
            )
        }
        _ => String::new(),
    };
    let (status, verdict) = match v.status {
        "valid" => (StatusCode::OK, "<p class=\"ok\" data-status=\"valid\"><b>정상 발급</b> — 정상 발급된 수료증입니다.</p>".to_owned()),
        "superseded" => (
            StatusCode::OK,
            format!(
                "<p class=\"bad\" data-status=\"superseded\"><b>재발급으로 대체</b> — 재발급되어 더 이상 유효하지 않은 수료증입니다. 새 증서 번호: {}</p>",
                escape(v.superseded_by.as_deref().unwrap_or_default())
            ),
        ),
        "revoked" => (
            StatusCode::OK,
            format!(
                "<p class=\"bad\" data-status=\"revoked\"><b>취소</b> — 취소된 수료증입니다. ({} 취소)</p>",
                v.revoked_on.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
        "needs_code" => (
            StatusCode::OK,
            "<p data-status=\"needs_code\">증서 번호만으로는 확인할 수 없습니다. 수료증 아래쪽의 <b>확인번호</b>(예: ABCDE-FGHJK)를 입력하시거나 QR 코드를 찍어 주세요.</p>"
                .to_owned(),
        ),
        _ if baeum_domain::links::certificate_text_in(&code).is_some() => (
            StatusCode::NOT_FOUND,
            "<p class=\"bad\" data-status=\"unknown\"><b>이 QR 코드에 해당하는 수료증이 없습니다.</b> 중앙 서버가 발급한 내용과 다릅니다.</p>"
                .to_owned(),
        ),
        _ => (
            StatusCode::NOT_FOUND,
            format!(
                "<p class=\"bad\" data-status=\"unknown\"><b>{}에 해당하는 수료증이 없습니다.</b> 번호를 다시 확인해 주세요.</p>",
                escape(code.trim())
            ),
        ),
    };
    (status, page(&format!("{verdict}{details}")))
}
