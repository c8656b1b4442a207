//! The hub's HTTP API (axum). Handlers are thin: parse the request, call the store on a
//! blocking thread, map errors to `{code, message}` with a stable code. The OpenAPI document is
//! derived from these handlers and the domain types, and a test keeps `openapi.json` current.

use std::sync::{Arc, Mutex};

use crate::db::Connection;
use axum::Json;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use baeum_domain::protocol::{
    ApiError, CatalogChange, CatalogChanges, CatalogChecksum, CatalogSnapshot, Health, PROTOCOL_VERSION,
    SNAPSHOT_CHUNK_MEDIA_TYPE, SnapshotChunkHeader,
};
use baeum_domain::{Clock, Course, ErrorCode, Institution, Place, PublicUrl};
use serde::Deserialize;
use utoipa::OpenApi;

use crate::payment::{PaymentProvider, TestProvider};
use crate::store::{self, StoreError, catalog};
use devices::Device;

pub mod certificates;
pub mod clubs;
pub mod devices;
pub mod enrollment;
pub mod fleet;
pub mod learning;
pub mod pay_page;
pub mod rentals;
pub mod roster;
pub mod sessions;
pub mod subsidy;

/// Largest page of changes a kiosk may ask for.
pub const MAX_CHANGES_PAGE: usize = 5_000;
const DEFAULT_CHANGES_PAGE: usize = 1_000;

#[derive(Clone, Debug)]
pub struct HubState {
    db: Arc<Mutex<Connection>>,
    clock: Arc<dyn Clock>,
    payments: Arc<dyn PaymentProvider>,
    signer: crate::certificates::HubSigner,
    /// The address people's phones open (certificate and payment QR codes link here).
    public: PublicUrl,
    /// Requests per kiosk (see [`crate::limits::DeviceLimit`]).
    device_limit: Arc<crate::limits::DeviceLimit>,
    /// Mixed into every learner PIN hash (see [`crate::pins`]).
    pepper: crate::pins::PinPepper,
    /// Argon2id runs at once: one per core, so a burst of PIN checks (19 MiB each) queues
    /// instead of taking all the memory and every core.
    hashers: Arc<tokio::sync::Semaphore>,
    /// The hub is reached over HTTPS: console cookies are `Secure` and `__Host-` named.
    secure_cookies: bool,
}

impl HubState {
    /// A hub whose online payments go to the clearly labelled [`TestProvider`].
    pub fn new(conn: Connection, clock: Arc<dyn Clock>) -> Self {
        Self::with_payments(conn, clock, Arc::new(TestProvider::default()))
    }

    pub fn with_payments(conn: Connection, clock: Arc<dyn Clock>, payments: Arc<dyn PaymentProvider>) -> Self {
        Self {
            db: Arc::new(Mutex::new(conn)),
            clock,
            payments,
            signer: crate::certificates::HubSigner::ephemeral(),
            public: PublicUrl::unconfigured("http://127.0.0.1"),
            device_limit: Arc::default(),
            pepper: crate::pins::PinPepper::ephemeral(),
            hashers: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
            )),
            secure_cookies: false,
        }
    }

    /// Where people's phones reach this hub (the server sets it from `--public-url`).
    pub fn with_public_url(mut self, public: PublicUrl) -> Self {
        self.public = public;
        self
    }

    /// Console cookies for a hub served over HTTPS (the server sets it from its transport).
    pub fn with_secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = secure;
        self
    }

    pub(crate) fn secure_cookies(&self) -> bool {
        self.secure_cookies
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub(crate) fn pepper(&self) -> &crate::pins::PinPepper {
        &self.pepper
    }

    pub(crate) fn signer(&self) -> &crate::certificates::HubSigner {
        &self.signer
    }

    /// Hashes learner PINs with `pepper` (the server loads the hub's pepper file).
    pub fn with_pepper(mut self, pepper: crate::pins::PinPepper) -> Self {
        self.pepper = pepper;
        self
    }

    /// Wraps the PIN verifiers an older hub stored bare (see [`crate::pins::rewrap_stored`]).
    pub async fn rewrap_stored_pins(&self) -> Result<usize, StoreError> {
        let (db, pepper) = (Arc::clone(&self.db), self.pepper.clone());
        tokio::task::spawn_blocking(move || crate::pins::rewrap_stored(&db, &pepper))
            .await
            .unwrap_or_else(|e| Err(StoreError::WorkerStopped(format!("PIN rewrap: {e}"))))
    }

    /// Runs Argon2id work on a blocking thread, outside the database lock.
    pub(crate) async fn hashing<T: Send + 'static>(
        &self,
        f: impl FnOnce(&crate::pins::PinPepper) -> T + Send + 'static,
    ) -> Result<T, Failure> {
        let pepper = self.pepper.clone();
        let permit = Arc::clone(&self.hashers)
            .acquire_owned()
            .await
            .map_err(|e| Failure::internal(format!("PIN hashing queue: {e}")))?;
        tokio::task::spawn_blocking(move || {
            let answer = f(&pepper);
            drop(permit);
            answer
        })
        .await
        .map_err(|e| Failure::internal(format!("PIN hashing thread: {e}")))
    }

    /// Signs certificates with `signer` (the server loads the hub's key file).
    pub fn with_signer(mut self, signer: crate::certificates::HubSigner) -> Self {
        self.signer = signer;
        self
    }

    /// One housekeeping round (payment deadlines, draws, 폐강) at the hub's clock.
    pub async fn housekeeping(&self) -> Result<crate::housekeeping::Round, StoreError> {
        let now = self.clock.now();
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || {
            let mut conn = db.lock().unwrap_or_else(|p| p.into_inner());
            // Several hub processes on one PostgreSQL: one of them does a round at a time, the
            // others skip it (each round also runs in a write transaction, so none could overlap).
            if !conn.try_lock(crate::db::pg::HOUSEKEEPING_LOCK)? {
                return Ok(crate::housekeeping::Round::default());
            }
            let mut seed = || uuid::Uuid::new_v4().simple().to_string();
            // A panic in the round must not keep every process from housekeeping for good.
            let round = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                crate::housekeeping::run(&mut conn, now, &mut seed)
            }));
            conn.unlock(crate::db::pg::HOUSEKEEPING_LOCK)?;
            round.unwrap_or_else(|_| Err(StoreError::WorkerStopped("housekeeping panicked".into())))
        })
        .await
        .unwrap_or_else(|e| Err(StoreError::WorkerStopped(format!("housekeeping: {e}"))))
    }

    /// Runs `f` with the database on a blocking thread (SQLite calls block).
    pub(crate) async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, Failure> + Send + 'static,
    ) -> Result<T, Failure> {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || {
            let mut conn = db.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| Failure::internal(format!("database worker thread: {e}")))?
    }

    /// Answers a lookup about `learners` for the kiosk `device`: at most
    /// [`enrollment::MAX_BATCH`] at once, and only about those it knows (registered there, or
    /// confirmed their PIN there). The others are left out as if they had no records, so a kiosk
    /// learns nothing about anyone else.
    pub(crate) async fn about_known_learners<T: Send + 'static>(
        &self,
        device: &devices::Device,
        learners: Vec<baeum_domain::LearnerId>,
        answer: impl FnOnce(&Connection, &[baeum_domain::LearnerId]) -> Result<T, Failure> + Send + 'static,
    ) -> Result<T, Failure> {
        if learners.len() > enrollment::MAX_BATCH {
            return Err(bad_request(format!("한 번에 {}명까지 조회할 수 있습니다", enrollment::MAX_BATCH)));
        }
        let kiosk = device.kiosk.clone();
        self.with_db(move |conn| {
            let known = crate::store::sessions::known_of(conn, &kiosk, &learners)?;
            answer(conn, &known)
        })
        .await
    }
}

/// Text made safe to put in the hub's HTML pages (payment, verification).
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// An error answer: HTTP status plus the stable `{code, message}` body.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    body: ApiError,
}

/// A caller over its address's rate limit (`429 rate_limited`); the `Retry-After` header is
/// added by [`crate::limits::by_address`].
pub(crate) fn rate_limited(wait_secs: u64) -> Failure {
    Failure::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        format!("요청이 너무 많습니다. {wait_secs}초 뒤에 다시 시도해 주세요"),
    )
}

/// A page size from a query: the default when none is given, refused outside `1..=max` (the range
/// the OpenAPI document states) rather than quietly changed.
pub(crate) fn page_limit(limit: Option<usize>, default: usize, max: usize) -> Result<usize, Failure> {
    match limit {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(bad_request(format!("limit: 1에서 {max} 사이로 주세요"))),
    }
}

/// A request with a value the hub refuses (`400 bad_request`); `message` is Korean and names it.
pub(crate) fn bad_request(message: impl std::fmt::Display) -> Failure {
    Failure::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message.to_string())
}

/// A body or query the hub cannot read. The caller gets plain Korean and the right status (413
/// for a body over the limit); axum's English explanation goes to the log with the code.
pub(crate) fn unreadable(rejection: impl Into<Rejection>) -> Failure {
    let (status, message, detail) = match rejection.into() {
        Rejection::Json(e) => {
            let message = match &e {
                _ if e.status() == StatusCode::PAYLOAD_TOO_LARGE => "요청 본문이 너무 큽니다",
                JsonRejection::MissingJsonContentType(_) => "요청 본문이 JSON 형식이 아닙니다",
                JsonRejection::JsonSyntaxError(_) => "요청 본문의 JSON 문법이 맞지 않습니다",
                JsonRejection::JsonDataError(_) => "요청 본문에 빠진 항목이 있거나 항목의 형식이 맞지 않습니다",
                _ => "요청 본문을 끝까지 읽을 수 없습니다",
            };
            (e.status(), message, e.body_text())
        }
        Rejection::Query(e) => (e.status(), "주소의 조회 조건이 빠졌거나 형식이 맞지 않습니다", e.body_text()),
        Rejection::Path(e) => (e.status(), "주소에 든 값을 읽을 수 없습니다", e.body_text()),
    };
    let status = if status == StatusCode::PAYLOAD_TOO_LARGE { status } else { StatusCode::BAD_REQUEST };
    // axum's sentence is not logged either: serde quotes the offending value in it, which may be a
    // PIN or a phone number sent in the wrong shape. Its length tells a syntax slip from a data one.
    tracing::info!(
        code = ErrorCode::BadRequest.as_str(),
        status = status.as_u16(),
        detail_chars = detail.chars().count(),
        message,
        "unreadable request"
    );
    Failure::new(status, ErrorCode::BadRequest, message)
}

/// What axum could not extract, for [`unreadable`].
pub(crate) enum Rejection {
    Json(JsonRejection),
    Query(QueryRejection),
    Path(PathRejection),
}

impl From<PathRejection> for Rejection {
    fn from(e: PathRejection) -> Self {
        Rejection::Path(e)
    }
}

impl From<JsonRejection> for Rejection {
    fn from(e: JsonRejection) -> Self {
        Rejection::Json(e)
    }
}

impl From<QueryRejection> for Rejection {
    fn from(e: QueryRejection) -> Self {
        Rejection::Query(e)
    }
}

impl Failure {
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    pub(crate) fn message(&self) -> &str {
        &self.body.message
    }

    pub(crate) fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { status, body: ApiError { code: code.as_str().to_owned(), message: message.into() } }
    }

    /// `500 internal`: the caller gets a short reference number in Korean, and the log gets the
    /// same number beside the detail (often a database's English text), so staff can find it.
    pub(crate) fn internal(detail: impl std::fmt::Display) -> Self {
        // Eight digits in two groups: easy to read out over the phone, never a word.
        let n = uuid::Uuid::new_v4().as_u128() % 100_000_000;
        let reference = format!("{:04}-{:04}", n / 10_000, n % 10_000);
        tracing::error!(code = ErrorCode::Internal.as_str(), reference, detail = %detail, "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            format!("중앙 서버 내부 오류입니다. 관리자에게 오류 번호를 알려 주세요 (오류 번호 {reference})"),
        )
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::internal(e)
    }
}

impl From<crate::db::Error> for Failure {
    fn from(e: crate::db::Error) -> Self {
        StoreError::from(e).into()
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

#[utoipa::path(
    get, path = "/health", tag = "hub",
    responses((status = 200, description = "The hub is up and can read its database", body = Health),
              (status = 500, description = "The database cannot be read", body = ApiError))
)]
pub async fn health(State(state): State<HubState>) -> Result<Json<Health>, Failure> {
    let now = state.clock.now();
    let public = state.public.clone();
    let health = state
        .with_db(move |conn| {
            Ok(Health {
                status: "ok".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                protocol: PROTOCOL_VERSION,
                epoch: store::meta::epoch(conn)?,
                cursor: store::catalog_log::head(conn)?,
                courses: store::courses::count(conn)?,
                time: now,
                public_url: Some(public),
            })
        })
        .await?;
    Ok(Json(health))
}

#[utoipa::path(
    get, path = "/v1/catalog/snapshot", tag = "catalog",
    responses((status = 200, description = "The whole catalog and the cursor it corresponds to", body = CatalogSnapshot),
              (status = 500, body = ApiError))
)]
pub async fn snapshot(_device: Device, State(state): State<HubState>) -> Result<Json<CatalogSnapshot>, Failure> {
    let now = state.clock.now();
    Ok(Json(state.with_db(move |conn| Ok(catalog::snapshot(conn, now)?)).await?))
}

/// Query of `GET /v1/catalog/changes`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The epoch from the kiosk's snapshot.
    pub epoch: String,
    /// The kiosk's cursor: changes strictly after it are returned.
    #[param(maximum = 9_223_372_036_854_775_807_i64)]
    pub after: u64,
    /// Page size (default 1000, at most 5000).
    #[param(minimum = 1, maximum = 5000)]
    pub limit: Option<usize>,
}

#[utoipa::path(
    get, path = "/v1/catalog/changes", tag = "catalog", params(ChangesQuery),
    responses((status = 200, description = "Changes after the cursor, oldest first", body = CatalogChanges),
              (status = 400, description = "Malformed query", body = ApiError),
              (status = 410, description = "`resnapshot_required`: the cursor is not from this hub's history", body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn changes(
    _device: Device,
    State(state): State<HubState>,
    query: Result<Query<ChangesQuery>, QueryRejection>,
) -> Result<Json<CatalogChanges>, Failure> {
    let Query(q) = query.map_err(unreadable)?;
    let limit = page_limit(q.limit, DEFAULT_CHANGES_PAGE, MAX_CHANGES_PAGE)?;
    if i64::try_from(q.after).is_err() {
        return Err(bad_request("after: 커서가 너무 큽니다"));
    }
    let page = state
        .with_db(move |conn| {
            catalog::changes(conn, &q.epoch, q.after, limit).map_err(|e| match e {
                catalog::ChangesError::ResnapshotRequired { .. } => {
                    Failure::new(StatusCode::GONE, ErrorCode::ResnapshotRequired, e.to_string())
                }
                catalog::ChangesError::Store(e) => e.into(),
            })
        })
        .await?;
    Ok(Json(page))
}

/// Query of `GET /v1/catalog/snapshot/chunks`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChunkQuery {
    /// `next` from the previous chunk; omit for the first.
    pub after: Option<String>,
    /// Records per chunk (default 1000, at most 5000).
    #[param(minimum = 1, maximum = 5000)]
    pub limit: Option<usize>,
}

#[utoipa::path(
    get, path = "/v1/catalog/snapshot/chunks", tag = "catalog", params(ChunkQuery),
    responses((status = 200, content_type = "application/x-ndjson", body = String,
               description = "One piece of the catalog as JSON lines: a `SnapshotChunkHeader` (with the checksum of the lines after it), then one `CatalogChange` upsert per line"),
              (status = 400, description = "Malformed query", body = ApiError),
              (status = 500, body = ApiError))
)]
pub async fn snapshot_chunk(
    _device: Device,
    State(state): State<HubState>,
    query: Result<Query<ChunkQuery>, QueryRejection>,
) -> Result<impl IntoResponse, Failure> {
    let Query(q) = query.map_err(unreadable)?;
    let limit = page_limit(q.limit, DEFAULT_CHANGES_PAGE, MAX_CHANGES_PAGE)?;
    let now = state.clock.now();
    let chunk = state.with_db(move |conn| Ok(catalog::snapshot_chunk(conn, q.after.as_deref(), limit, now)?)).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, SNAPSHOT_CHUNK_MEDIA_TYPE)], chunk))
}

#[utoipa::path(
    get, path = "/v1/catalog/checksum", tag = "catalog",
    responses((status = 200, description = "Digest of the whole catalog, to compare a kiosk's copy with", body = CatalogChecksum),
              (status = 500, body = ApiError))
)]
pub async fn checksum(_device: Device, State(state): State<HubState>) -> Result<Json<CatalogChecksum>, Failure> {
    Ok(Json(state.with_db(|conn| Ok(catalog::checksum(conn)?)).await?))
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Operations anyone may call; every other one needs a kiosk's device credential.
const PUBLIC_OPERATIONS: &[&str] = &[
    "/health",
    "/v1/kiosks/provision",
    "/v1/certificates/keys",
    "/v1/certificates/verify/{code}",
    "/v1/subsidy/selections/{programme}",
];

/// Operations that need a person's session too (`baeum-session`, opened at the same kiosk): a
/// learner's records (her session, from `POST /v1/learners/find`, or staff's) and staff's lists
/// (a staff session, from `POST /v1/staff/sessions`).
const SESSION_OPERATIONS: &[&str] =
    &["/v1/certificates", "/v1/certificates/history", "/v1/certificates/class", "/v1/courses/roster", "/v1/live/mine"];

/// States the device credential (`Authorization: Bearer bk1_…`) every kiosk operation needs,
/// and the answers it brings when missing, unknown or revoked.
struct DeviceSecurity;

impl utoipa::Modify for DeviceSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
        use utoipa::openapi::{Ref, ResponseBuilder};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The kiosk's device credential from `POST /v1/kiosks/provision`"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Header(
                utoipa::openapi::security::ApiKeyValue::with_description(
                    baeum_domain::session::SESSION_HEADER,
                    "A learner's session (`POST /v1/learners/find`) or a staff member's (`POST /v1/staff/sessions`) at this kiosk",
                ),
            )),
        );
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    utoipa::openapi::ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiError"))).build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            if PUBLIC_OPERATIONS.contains(&path.as_str()) {
                continue;
            }
            let with_session = SESSION_OPERATIONS.contains(&path.as_str());
            for operation in [&mut item.get, &mut item.post, &mut item.delete].into_iter().flatten() {
                let mut required = SecurityRequirement::new("device", Vec::<String>::new());
                if with_session {
                    required = required.add("session", Vec::<String>::new());
                }
                operation.security = Some(vec![required]);
                let responses = &mut operation.responses.responses;
                let (unauthorized, forbidden) = match with_session {
                    false => (
                        "`device_unregistered`: no device credential, or one the hub does not know",
                        "`kiosk_revoked`: this kiosk's credential was revoked",
                    ),
                    true => (
                        "`device_unregistered`: no device credential, or one the hub does not know; `session_required`: no session of this kiosk, or it ended",
                        "`kiosk_revoked`: this kiosk's credential was revoked; `session_forbidden`: the session is someone else's or another institution's; `staff_required`: a staff session is needed",
                    ),
                };
                responses.insert("401".into(), error(unauthorized).into());
                responses.insert("403".into(), error(forbidden).into());
                responses.insert(
                    "429".into(),
                    error(
                        "`rate_limited`: this kiosk or address is over its rate; `Retry-After` says when to try again",
                    )
                    .into(),
                );
            }
        }
    }
}

#[derive(Debug, OpenApi)]
#[openapi(
    modifiers(&DeviceSecurity),
    info(
        title = "Baeum hub API",
        description = "The hub kiosks sync with: catalog snapshot and changes, enrollment intents and their outcomes, certificates."
    ),
    paths(
        health,
        snapshot,
        snapshot_chunk,
        changes,
        checksum,
        enrollment::upload,
        enrollment::outcomes,
        enrollment::lookup,
        enrollment::find,
        enrollment::seats,
        certificates::issue,
        certificates::history,
        certificates::class,
        certificates::keys,
        certificates::register_kiosk_key,
        certificates::verify_json,
        roster::roster,
        devices::provision,
        fleet::heartbeat,
        sessions::close,
        sessions::staff_sign_in,
        subsidy::programmes,
        subsidy::lookup,
        subsidy::selection,
        rentals::board,
        rentals::lookup,
        learning::videos,
        learning::live_mine,
        clubs::board,
        clubs::lookup
    ),
    components(schemas(
        Health,
        CatalogSnapshot,
        SnapshotChunkHeader,
        CatalogChange,
        CatalogChanges,
        CatalogChecksum,
        ApiError,
        Institution,
        Place,
        Course,
        baeum_domain::intent::IntentBatch,
        baeum_domain::intent::IntentBatchAnswer,
        baeum_domain::intent::IntentOutcomes,
        baeum_domain::enrollment::EnrollmentLookup,
        baeum_domain::enrollment::EnrollmentList,
        baeum_domain::learner::LearnerFind,
        baeum_domain::learner::LearnerFound,
        enrollment::SeatBoard,
        baeum_domain::certificate::CertificateRequest,
        baeum_domain::certificate::IssuedCertificate,
        baeum_domain::certificate::HistoryRequest,
        baeum_domain::certificate::LearningHistory,
        baeum_domain::certificate::ClassRequest,
        baeum_domain::certificate::ClassCertificates,
        baeum_domain::certificate::NotCompleted,
        baeum_domain::kiosk_key::KioskKeyRegistration,
        baeum_domain::kiosk_key::KioskKeyStatus,
        baeum_domain::attendance::RosterRequest,
        baeum_domain::attendance::Roster,
        baeum_domain::attendance::RosterLine,
        baeum_domain::certificate::CertificatePayload,
        baeum_domain::certificate::KeySet,
        baeum_domain::certificate::PublishedKey,
        crate::certificates::PublicVerification,
        baeum_domain::device::ProvisionRequest,
        baeum_domain::device::ProvisionAnswer,
        baeum_domain::fleet::Heartbeat,
        baeum_domain::fleet::HeartbeatAnswer,
        baeum_domain::fleet::KioskNotice,
        baeum_domain::fleet::PrinterCondition,
        baeum_domain::fleet::DeviceKeyState,
        baeum_domain::fleet::KioskHealth,
        baeum_domain::subsidy::SubsidyProgrammes,
        baeum_domain::subsidy::SubsidyLookup,
        baeum_domain::subsidy::SubsidyStatuses,
        baeum_domain::subsidy::DrawRecord,
        baeum_domain::rental::RoomBoard,
        baeum_domain::rental::BookingLookup,
        baeum_domain::rental::Bookings,
        baeum_domain::video::Video,
        baeum_domain::video::VideoList,
        baeum_domain::live::LiveClassesRequest,
        baeum_domain::live::LiveClasses,
        baeum_domain::live::LiveClass,
        baeum_domain::club::ClubBoard,
        baeum_domain::club::ClubLookup,
        baeum_domain::club::Memberships
    ))
)]
pub struct ApiDoc;

/// The pages people open on their phones from a QR code, with the headers such pages need.
fn pages() -> axum::Router<HubState> {
    axum::Router::new()
        .route("/pay/{op}", get(pay_page::show).post(pay_page::pay).layer(DefaultBodyLimit::max(1024)))
        .route("/verify", get(certificates::verify_page))
        .route("/verify/{code}", get(certificates::verify_page))
        .layer(axum::middleware::map_response(page_headers))
}

/// No script runs and nothing loads from elsewhere (the pages have neither), no other site may
/// frame them, and the address — which carries the op id or the signed certificate — is not
/// passed on as a referrer or kept in a shared cache.
async fn page_headers(mut response: Response) -> Response {
    use axum::http::{HeaderValue, header};
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The body limit of a request about one learner, course or key.
const SMALL_BODY: usize = 16 * 1024;
/// The body limit of a request listing a kiosk's learners.
const LIST_BODY: usize = 256 * 1024;

/// Every route of the hub.
pub fn router(state: HubState) -> axum::Router {
    axum::Router::new()
        .route("/health", get(health))
        .route("/v1/catalog/snapshot", get(snapshot))
        .route("/v1/catalog/snapshot/chunks", get(snapshot_chunk))
        .route("/v1/catalog/changes", get(changes))
        .route("/v1/catalog/checksum", get(checksum))
        // Bodies are limited per route to what the route can need (413 beyond): an outbox batch
        // of 1,000 intents stays under axum's 2 MB default, the lists of learners a kiosk looks
        // up under 256 KiB, and a single lookup is a few hundred bytes.
        .route("/v1/intents", post(enrollment::upload))
        .route("/v1/intents/outcomes", get(enrollment::outcomes))
        .route("/v1/enrollments/lookup", post(enrollment::lookup).layer(DefaultBodyLimit::max(LIST_BODY)))
        .route("/v1/learners/find", post(enrollment::find).layer(DefaultBodyLimit::max(SMALL_BODY)))
        .route("/v1/sessions", axum::routing::delete(sessions::close))
        .route("/v1/staff/sessions", post(sessions::staff_sign_in).layer(DefaultBodyLimit::max(SMALL_BODY)))
        .route("/v1/seats", get(enrollment::seats))
        .route("/v1/certificates", post(certificates::issue).layer(DefaultBodyLimit::max(SMALL_BODY)))
        .route("/v1/certificates/history", post(certificates::history).layer(DefaultBodyLimit::max(SMALL_BODY)))
        .route("/v1/certificates/class", post(certificates::class).layer(DefaultBodyLimit::max(SMALL_BODY)))
        .route("/v1/certificates/keys", get(certificates::keys))
        .route("/v1/kiosks/keys", post(certificates::register_kiosk_key).layer(DefaultBodyLimit::max(SMALL_BODY)))
        .route("/v1/kiosks/heartbeat", post(fleet::heartbeat).layer(DefaultBodyLimit::max(SMALL_BODY)))
        .route("/v1/kiosks/provision", post(devices::provision).layer(DefaultBodyLimit::max(SMALL_BODY)))
        .route("/v1/courses/roster", post(roster::roster).layer(DefaultBodyLimit::max(SMALL_BODY)))
        .route("/v1/certificates/verify/{code}", get(certificates::verify_json))
        .route("/v1/subsidy/programmes", get(subsidy::programmes))
        .route("/v1/subsidy/lookup", post(subsidy::lookup).layer(DefaultBodyLimit::max(LIST_BODY)))
        .route("/v1/subsidy/selections/{programme}", get(subsidy::selection))
        .route("/v1/rooms", get(rentals::board))
        .route("/v1/rooms/bookings/lookup", post(rentals::lookup).layer(DefaultBodyLimit::max(LIST_BODY)))
        .route("/v1/clubs", get(clubs::board))
        .route("/v1/clubs/lookup", post(clubs::lookup).layer(DefaultBodyLimit::max(LIST_BODY)))
        .route("/v1/videos", get(learning::videos))
        .route("/v1/live/mine", post(learning::live_mine).layer(DefaultBodyLimit::max(SMALL_BODY)))
        .route("/openapi.json", get(openapi_json))
        .merge(pages())
        .merge(crate::console::router())
        // Compressed answers (5–8× smaller catalogs for slow community-centre lines): zstd for
        // kiosks — a fraction of gzip's CPU on both ends — and gzip for everything else.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .gzip(true)
                .zstd(true)
                .quality(tower_http::compression::CompressionLevel::Fastest),
        )
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(crate::limits::BODY_TIMEOUT))
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(crate::limits::MAX_REQUESTS))
        // Outermost: a caller over its limit costs no more than this check.
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(crate::limits::AddressLimit::default()),
            crate::limits::by_address,
        ))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 500 tells the caller a reference number in Korean, never the database's words.
    #[test]
    fn an_internal_failure_gives_a_reference_and_not_the_detail() {
        let conn = crate::store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let e = conn.execute("SELECT * FROM no_such_table", []).err().unwrap_or_else(|| panic!("ran"));
        let failure = Failure::from(e);
        assert_eq!(failure.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(failure.body.code, "internal");
        let message = &failure.body.message;
        assert!(!message.contains("no_such_table") && !message.contains("no such table"), "{message}");
        assert_eq!(baeum_domain::error_code::foreign_words(message), Vec::<&str>::new(), "{message}");
        let reference = message.rsplit(' ').next().unwrap_or_default().trim_end_matches(')');
        assert_eq!(reference.len(), 9, "{message}");
        assert!(
            reference.chars().enumerate().all(|(i, c)| if i == 4 { c == '-' } else { c.is_ascii_digit() }),
            "{message}"
        );
        // Two failures get two references, so the log line can be found.
        let other = Failure::internal("again");
        assert_ne!(other.body.message, failure.body.message);
    }

    /// What axum's extractors refuse, as the hub answers it: Korean, 413 for a body over the limit.
    #[tokio::test]
    async fn an_unreadable_body_is_explained_in_korean() {
        use axum::extract::FromRequest;
        let request = |body: Vec<u8>| {
            axum::http::Request::builder()
                .method("POST")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body))
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let read = |body: Vec<u8>| async move {
            match Json::<serde_json::Value>::from_request(request(body), &()).await {
                Ok(_) => panic!("read"),
                Err(e) => unreadable(e),
            }
        };
        let too_big = read(vec![b' '; 3 * 1024 * 1024]).await;
        assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(too_big.body.message, "요청 본문이 너무 큽니다");
        let cut = read(b"{\"kiosk_id\": ".to_vec()).await;
        assert_eq!((cut.status, cut.body.code.as_str()), (StatusCode::BAD_REQUEST, "bad_request"));
        assert_eq!(baeum_domain::error_code::foreign_words(&cut.body.message), Vec::<&str>::new());
    }
}
