//! Enrollment endpoints: kiosks upload intents and recover outcomes; any kiosk can look up a
//! learner's enrollments and seats. Business outcomes are 200 answers; only malformed requests
//! and learners not found (or locked: the same answer) are errors.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use baeum_domain::enrollment::{EnrollmentList, EnrollmentLookup, Seats};
use baeum_domain::intent::{IntentBatch, IntentBatchAnswer, IntentOutcomes};
use baeum_domain::learner::{LearnerFind, LearnerFound};
use baeum_domain::learner::{MobileNumber, Pin};
use baeum_domain::protocol::ApiError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::devices::Device;
use super::{Failure, HubState, bad_request, unreadable};
use crate::arbitration;
use crate::pins::PreparedWraps;
use crate::store::pin_lock::{self, PinHolder};
use crate::store::{enrollments, intents, learners, sessions};

/// Most intents accepted in one batch.
pub const MAX_BATCH: usize = 1_000;

#[utoipa::path(
    post, path = "/v1/intents", tag = "enrollment", request_body = IntentBatch,
    responses((status = 200, description = "Outcome of every intent applied, in sequence order; `refused` says why the hub stopped early", body = IntentBatchAnswer),
              (status = 400, description = "Malformed batch", body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn upload(
    device: Device,
    State(state): State<HubState>,
    batch: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<IntentBatchAnswer>, Failure> {
    let Json(mut batch) = batch.map_err(unreadable)?;
    // JSON has one kind of number: 3.0 is the integer 3 (as JSON Schema reads it), which serde
    // would refuse for a sequence number or an amount.
    integral_floats_as_integers(&mut batch);
    let batch: IntentBatch = serde_json::from_value(batch).map_err(|e| {
        tracing::info!(code = %baeum_domain::ErrorCode::BadRequest, detail = %e, "unreadable intent batch");
        bad_request("요청 본문에 빠진 항목이 있거나 항목의 형식이 맞지 않습니다")
    })?;
    if batch.intents.len() > MAX_BATCH {
        return Err(bad_request(format!("한 번에 {MAX_BATCH}건까지 보낼 수 있습니다")));
    }
    // Sequence numbers start at 1 and are SQLite integers.
    if batch.intents.iter().any(|i| i.seq == 0 || i64::try_from(i.seq).is_err()) {
        return Err(bad_request("seq: 순번은 1부터 시작하는 정수입니다"));
    }
    let batch = std::sync::Arc::new(batch);
    let for_wraps = std::sync::Arc::clone(&batch);
    let pins = state.hashing(move |pepper| PreparedWraps::for_batch(pepper, &for_wraps)).await?;
    let now = state.clock.now();
    Ok(Json(state.with_db(move |conn| Ok(arbitration::apply_batch(conn, &device.kiosk, &batch, &pins, now)?)).await?))
}

fn integral_floats_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                // Within 2^53, exactly representable: the integer it is.
                *n = serde_json::Number::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// Query of `GET /v1/intents/outcomes`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutcomesQuery {
    /// Outcomes of intents with a sequence number above this.
    #[param(maximum = 9_223_372_036_854_775_807_i64)]
    pub after: u64,
    /// At most this many (1–1000; default 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

#[utoipa::path(
    get, path = "/v1/intents/outcomes", tag = "enrollment", params(OutcomesQuery),
    responses((status = 200, description = "Stored outcomes, to recover after a crash", body = IntentOutcomes),
              (status = 400, body = ApiError), (status = 500, body = ApiError))
)]
pub async fn outcomes(
    device: Device,
    State(state): State<HubState>,
    query: Result<Query<OutcomesQuery>, QueryRejection>,
) -> Result<Json<IntentOutcomes>, Failure> {
    let Query(q) = query.map_err(unreadable)?;
    // Sequence numbers are SQLite integers: anything above cannot be a kiosk's.
    if i64::try_from(q.after).is_err() {
        return Err(bad_request("after: 순번이 너무 큽니다"));
    }
    let kiosk = device.kiosk;
    let limit = super::page_limit(q.limit, MAX_BATCH, MAX_BATCH)?;
    let answer = state
        .with_db(move |conn| {
            Ok(IntentOutcomes {
                results: intents::after(conn, &kiosk, q.after, limit)?,
                applied_through: intents::applied_through(conn, &kiosk)?,
            })
        })
        .await?;
    Ok(Json(answer))
}

#[utoipa::path(
    post, path = "/v1/enrollments/lookup", tag = "enrollment", request_body = EnrollmentLookup,
    responses((status = 200, description = "Current enrollments of those of these learners this kiosk knows (registered here or confirmed their PIN here)", body = EnrollmentList),
              (status = 400, body = ApiError), (status = 500, body = ApiError))
)]
pub async fn lookup(
    device: Device,
    State(state): State<HubState>,
    body: Result<Json<EnrollmentLookup>, JsonRejection>,
) -> Result<Json<EnrollmentList>, Failure> {
    let Json(q) = body.map_err(unreadable)?;
    let now = state.clock.now();
    Ok(Json(state.about_known_learners(&device, q.learner_ids, move |conn, known| list(conn, known, now)).await?))
}

fn list(
    conn: &crate::db::Connection,
    learners: &[baeum_domain::LearnerId],
    now: DateTime<Utc>,
) -> Result<EnrollmentList, Failure> {
    let rows = enrollments::of_learners(conn, learners)?;
    let enrollments = rows.iter().map(|r| enrollments::view(conn, r)).collect::<Result<_, _>>()?;
    Ok(EnrollmentList { as_of: now, enrollments })
}

#[utoipa::path(
    post, path = "/v1/learners/find", tag = "enrollment", request_body = LearnerFind,
    responses((status = 200, description = "The learner and their enrollments", body = LearnerFound),
              (status = 400, body = ApiError),
              (status = 404, description = "`learner_not_found`: no learner with this number, birth date and PIN, or one locked after repeated wrong PINs (one answer for both, so nobody learns who is registered)", body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn find(
    device: Device,
    State(state): State<HubState>,
    body: Result<Json<LearnerFind>, JsonRejection>,
) -> Result<Json<LearnerFound>, Failure> {
    let Json(q) = body.map_err(unreadable)?;
    let mobile = MobileNumber::parse(&q.mobile).map_err(bad_request)?;
    let pin = Pin::parse(&q.pin).map_err(bad_request)?;
    let now = state.clock.now();
    // Unknown, wrong PIN and locked get one answer: a stranger learns nothing about who is
    // registered or locked; the learner is pointed to staff, who check her ID card.
    let not_found = || {
        Failure::new(
            StatusCode::NOT_FOUND,
            baeum_domain::ErrorCode::LearnerNotFound,
            "입력하신 정보로 찾을 수 없습니다. 휴대전화 번호, 생년월일, 비밀번호를 확인해 주세요. 계속 안 되면 직원에게 신분증을 보여 주세요.",
        )
    };
    let candidates = state.with_db(move |conn| Ok(learners::find(conn, &mobile, q.birth_date)?)).await?;
    // Argon2id runs outside the database lock, and as long for unknown and locked numbers as
    // for a wrong PIN (a dummy check), so timing does not tell them apart either.
    let locked = candidates.iter().any(|c| c.locked_until.is_some_and(|t| t > now));
    let stored: Vec<String> = match locked || candidates.is_empty() {
        true => vec![crate::pins::DUMMY.to_owned()],
        false => candidates.iter().map(|c| c.learner.pin_hash.clone()).collect(),
    };
    let matched = state
        .hashing(move |pepper| stored.iter().position(|s| pepper.verify(s, &pin)))
        .await?
        .filter(|_| !locked && !candidates.is_empty());
    let found = state
        .with_db(move |conn| match matched {
            Some(i) => {
                let c = &candidates[i];
                if !pin_lock::clear_unless_locked(conn, PinHolder::Learner, c.learner.id.as_str(), now)? {
                    return Ok(Err(not_found()));
                }
                sessions::link(conn, &c.learner.id, &device.kiosk, now)?;
                let session = super::sessions::open(
                    conn,
                    &sessions::Subject::Learner(c.learner.id.as_str().to_owned()),
                    &device.kiosk,
                    now,
                )?;
                let enrollments = list(conn, std::slice::from_ref(&c.learner.id), now)?;
                // The PIN verifier never leaves the hub.
                let mut learner = c.learner.clone();
                learner.pin_hash = baeum_domain::learner::PIN_WITHHELD.to_owned();
                Ok(Ok(LearnerFound { learner, enrollments, session }))
            }
            None => {
                if !locked {
                    for c in &candidates {
                        if pin_lock::count_failure(conn, PinHolder::Learner, c.learner.id.as_str(), now)?.is_some() {
                            tracing::info!(event = "learner_pin_locked", "a learner's PIN lookups were locked");
                        }
                    }
                }
                // The failure count must be committed, so the error is returned outside.
                Ok(Err(not_found()))
            }
        })
        .await??;
    Ok(Json(found))
}

/// `GET /v1/seats`: seats of every course someone applied to, with the time they were true.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SeatBoard {
    #[schema(value_type = String, format = DateTime)]
    pub as_of: DateTime<Utc>,
    pub seats: Vec<Seats>,
}

#[utoipa::path(
    get, path = "/v1/seats", tag = "enrollment",
    responses((status = 200, description = "Seats taken and waiting per course (courses nobody applied to are left out)", body = SeatBoard),
              (status = 500, body = ApiError))
)]
pub async fn seats(_device: Device, State(state): State<HubState>) -> Result<Json<SeatBoard>, Failure> {
    let now = state.clock.now();
    let seats = state.with_db(|conn| Ok(enrollments::seat_board(conn)?)).await?;
    Ok(Json(SeatBoard { as_of: now, seats }))
}
