//! HTTP client for the hub's catalog and enrollment API. Answers are parsed and revalidated at this edge:
//! a hub that is down, slow, failing or talking nonsense becomes a typed `KioskError`.

use std::time::Duration;

use baeum_domain::LearnerId;
use baeum_domain::certificate::{
    CertificateRequest, ClassCertificates, ClassRequest, HistoryRequest, IssuedCertificate, LearningHistory,
};
use baeum_domain::device::{DeviceCredential, ProvisionAnswer, ProvisionRequest};
use baeum_domain::enrollment::{EnrollmentList, EnrollmentLookup, Seats};
use baeum_domain::intent::{IntentBatch, IntentBatchAnswer, IntentOutcomes};
use baeum_domain::kiosk_key::{KioskKeyRegistration, KioskKeyStatus};
use baeum_domain::learner::{LearnerFind, LearnerFound};
use baeum_domain::protocol::{
    ApiError, CatalogChange, CatalogChanges, CatalogChecksum, PROTOCOL_VERSION, RecordKind, read_snapshot_chunk,
    read_snapshot_header,
};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::error::{Detail, KioskError};
use baeum_domain::ErrorCode;

/// `GET /v1/seats` as the kiosk reads it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SeatBoardWire {
    pub as_of: chrono::DateTime<chrono::Utc>,
    pub seats: Vec<Seats>,
}

/// What is wrong with an address, in Korean (the URL parser's own words go to the log).
fn url_problem(e: url::ParseError) -> &'static str {
    use url::ParseError;
    match e {
        ParseError::EmptyHost => "호스트 이름이 없습니다",
        ParseError::InvalidPort => "포트 번호가 올바르지 않습니다",
        ParseError::InvalidIpv4Address | ParseError::InvalidIpv6Address => "IP 주소가 올바르지 않습니다",
        ParseError::InvalidDomainCharacter | ParseError::IdnaError => "호스트 이름에 쓸 수 없는 글자가 있습니다",
        ParseError::RelativeUrlWithoutBase => "http:// 또는 https://로 시작하는 전체 주소를 적어 주세요",
        _ => "주소의 형식이 맞지 않습니다",
    }
}

/// A request address built from a checked base that still does not parse (cannot happen with a
/// [`HubUrl`], but is reported rather than unwrapped).
fn unjoinable(e: url::ParseError) -> KioskError {
    KioskError::BadHubUrl { why: url_problem(e).into(), detail: Detail::of(e) }
}

/// A validated hub base URL (http or https, no query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubUrl(Url);

impl HubUrl {
    pub fn parse(raw: &str) -> Result<Self, KioskError> {
        let bad = |why: &str| KioskError::BadHubUrl { why: format!("{raw:?}: {why}"), detail: None };
        let url = Url::parse(raw.trim()).map_err(|e| KioskError::BadHubUrl {
            why: format!("{raw:?}: {}", url_problem(e)),
            detail: Detail::of(e),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("http:// 또는 https://로 시작해야 합니다"));
        }
        if url.host().is_none() || url.query().is_some() || url.cannot_be_a_base() {
            return Err(bad("호스트만 적어 주세요 (예: https://hub.example.kr)"));
        }
        // A PIN and personal details travel to the hub: in clear only to this very machine.
        if url.scheme() == "http" && !is_loopback(&url) {
            return Err(bad("이 컴퓨터 밖의 중앙 서버는 https:// 주소로만 연결합니다"));
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    fn join(&self, path: &str) -> String {
        format!("{}{path}", self.as_str())
    }
}

/// `localhost`, 127.0.0.0/8 or ::1: the only hosts a kiosk talks to over plain HTTP.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// One record of a snapshot chunk: validated, with the JSON its institution, place or course
/// came as (stored as is).
#[derive(Debug)]
pub struct ReceivedRecord {
    pub change: CatalogChange,
    pub body: Box<str>,
}

impl ReceivedRecord {
    /// Parses one record body into its type (the only time the kiosk reads it).
    fn validate(kind: RecordKind, body: &str) -> Result<Self, KioskError> {
        fn parse<T: DeserializeOwned>(what: &str, body: &str) -> Result<T, KioskError> {
            serde_json::from_str(body).map_err(|e| unreadable(what, &e))
        }
        let change = match kind {
            RecordKind::Institution => CatalogChange::UpsertInstitution { institution: parse("기관", body)? },
            RecordKind::Place => CatalogChange::UpsertPlace { place: parse("장소", body)? },
            RecordKind::Course => CatalogChange::UpsertCourse { course: parse("강좌", body)? },
        };
        Ok(Self { change, body: body.into() })
    }
}

/// A snapshot chunk as it came, not yet checked.
#[derive(Debug)]
pub struct ReceivedChunk {
    /// The key its header gives for the next chunk (None for the last).
    pub next: Option<String>,
    text: String,
}

impl ReceivedChunk {
    /// Checks the checksum over the bytes received, then parses and validates every record;
    /// each keeps its JSON so the kiosk stores what the hub sent without re-encoding it.
    pub fn verify(&self) -> Result<VerifiedChunk, KioskError> {
        let chunk = read_snapshot_chunk(&self.text).map_err(|e| KioskError::HubBadAnswer(e.to_string()))?;
        let records = chunk
            .records
            .iter()
            .map(|&(kind, body)| ReceivedRecord::validate(kind, body))
            .collect::<Result<Vec<_>, KioskError>>()?;
        let header = chunk.header;
        Ok(VerifiedChunk {
            epoch: header.epoch,
            head: header.head,
            generated_at: header.generated_at,
            next: header.next,
            records,
        })
    }
}

/// A snapshot chunk whose checksum matched and whose records all validated.
#[derive(Debug)]
pub struct VerifiedChunk {
    pub epoch: String,
    pub head: u64,
    pub generated_at: chrono::DateTime<chrono::Utc>,
    pub next: Option<String>,
    pub records: Vec<ReceivedRecord>,
}

/// What `changes` can answer besides a page.
#[derive(Debug)]
pub enum ChangesAnswer {
    Page(CatalogChanges),
    ResnapshotRequired,
}

#[derive(Debug, Clone)]
pub struct HubClient {
    base: HubUrl,
    http: reqwest::Client,
    /// This kiosk's device credential, once provisioned (shared by the client's clones).
    credential: std::sync::Arc<std::sync::RwLock<Option<DeviceCredential>>>,
}

impl HubClient {
    pub fn new(base: HubUrl) -> Result<Self, KioskError> {
        // A hub that accepts the connection and then hangs must not freeze sync forever.
        Self::with_timeout(base, Duration::from_secs(60))
    }

    /// A client whose whole-request timeout is `timeout` (tests use a short one).
    pub fn with_timeout(base: HubUrl, timeout: Duration) -> Result<Self, KioskError> {
        Self::with_options(base, timeout, None)
    }

    /// A client that trusts only `pinned` (PEM: the hub's own certificate, or the CA that
    /// issued it) for HTTPS, instead of the system's certificate authorities.
    pub fn pinned(base: HubUrl, pinned: &std::path::Path) -> Result<Self, KioskError> {
        Self::with_options(base, Duration::from_secs(60), Some(pinned))
    }

    fn with_options(base: HubUrl, timeout: Duration, pinned: Option<&std::path::Path>) -> Result<Self, KioskError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .timeout(timeout)
            .user_agent(concat!("baeum-kiosk/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = pinned {
            let pem =
                std::fs::read(path).map_err(|e| crate::config::config_error(path, crate::config::io_problem(&e), e))?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| crate::config::config_error(path, "PEM 형식의 인증서가 아닙니다", e))?;
            if certificates.is_empty() {
                return Err(crate::config::config_error(path, "PEM 형식의 인증서가 아닙니다", "no certificate"));
            }
            builder = builder.tls_certs_only(certificates);
        }
        let http = builder.build().map_err(|e| {
            tracing::error!(code = %baeum_domain::ErrorCode::HubUnreachable, detail = %e, "HTTP client setup failed");
            KioskError::HubUnreachable("통신 기능을 준비하지 못함".into())
        })?;
        Ok(Self { base, http, credential: std::sync::Arc::default() })
    }

    /// Sends `credential` with every request from now on (this client and its clones).
    pub fn set_credential(&self, credential: Option<DeviceCredential>) {
        *self.credential.write().unwrap_or_else(|p| p.into_inner()) = credential;
    }

    pub fn has_credential(&self) -> bool {
        self.credential.read().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    /// A request to `url` carrying the device credential, if there is one. Without one the hub
    /// answers `401 device_unregistered`, which says what to do better than refusing here.
    fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        let builder = self.http.request(method, url);
        match self.credential.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            Some(credential) => builder.bearer_auth(credential.expose()),
            None => builder,
        }
    }

    /// Presents a one-time invite code with this kiosk's id and device key; the answer carries
    /// the credential (given out this once).
    pub async fn provision(&self, request: &ProvisionRequest) -> Result<ProvisionAnswer, KioskError> {
        self.post_json(&self.base.join("/v1/kiosks/provision"), request).await
    }

    pub fn base(&self) -> &HubUrl {
        &self.base
    }

    /// The hub's digest of its whole catalog.
    /// The hub's self-description: version, protocol and its public address.
    pub async fn health(&self) -> Result<baeum_domain::protocol::Health, KioskError> {
        self.get_json(&self.base.join("/health")).await
    }

    pub async fn checksum(&self) -> Result<CatalogChecksum, KioskError> {
        self.get_json(&self.base.join("/v1/catalog/checksum")).await
    }

    /// One chunk of the snapshot after `after` (None for the first), as received: only its
    /// header is read, so the next chunk can be asked for while this one is checked
    /// ([`ReceivedChunk::verify`]).
    pub async fn fetch_snapshot_chunk(&self, after: Option<&str>, limit: usize) -> Result<ReceivedChunk, KioskError> {
        let mut url = Url::parse(&self.base.join("/v1/catalog/snapshot/chunks")).map_err(unjoinable)?;
        url.query_pairs_mut().append_pair("limit", &limit.to_string());
        if let Some(after) = after {
            url.query_pairs_mut().append_pair("after", after);
        }
        let response = self.request(reqwest::Method::GET, url.as_str()).send().await.map_err(transport_error)?;
        let body = self.read_body(response).await?;
        let text = String::from_utf8(body.as_ref().to_vec())
            .map_err(|_| KioskError::HubBadAnswer("목록 조각이 UTF-8이 아닙니다".into()))?;
        let (header, _) = read_snapshot_header(&text).map_err(|e| KioskError::HubBadAnswer(e.to_string()))?;
        check_protocol(header.protocol)?;
        Ok(ReceivedChunk { next: header.next, text })
    }

    pub async fn changes(&self, epoch: &str, after: u64, limit: usize) -> Result<ChangesAnswer, KioskError> {
        let mut url = Url::parse(&self.base.join("/v1/catalog/changes")).map_err(unjoinable)?;
        url.query_pairs_mut()
            .append_pair("epoch", epoch)
            .append_pair("after", &after.to_string())
            .append_pair("limit", &limit.to_string());
        match self.get_json::<CatalogChanges>(url.as_str()).await {
            Ok(page) => {
                check_protocol(page.protocol)?;
                if page.cursor < after {
                    return Err(KioskError::HubBadAnswer(format!("커서가 뒤로 갔습니다 ({after} → {})", page.cursor)));
                }
                Ok(ChangesAnswer::Page(page))
            }
            Err(KioskError::HubRefused { code, .. }) if code == ErrorCode::ResnapshotRequired => {
                Ok(ChangesAnswer::ResnapshotRequired)
            }
            Err(e) => Err(e),
        }
    }

    /// Uploads intents; the answer carries an outcome for each one the hub applied.
    pub async fn upload_intents(&self, batch: &IntentBatch) -> Result<IntentBatchAnswer, KioskError> {
        self.post_json(&self.base.join("/v1/intents"), batch).await
    }

    /// Outcomes the hub stored for this kiosk after `after` (recovery after a crash).
    pub async fn intent_outcomes(&self, after: u64) -> Result<IntentOutcomes, KioskError> {
        let mut url = Url::parse(&self.base.join("/v1/intents/outcomes")).map_err(unjoinable)?;
        url.query_pairs_mut().append_pair("after", &after.to_string());
        self.get_json(url.as_str()).await
    }

    pub async fn lookup_enrollments(&self, learners: &[LearnerId]) -> Result<EnrollmentList, KioskError> {
        self.post_json(&self.base.join("/v1/enrollments/lookup"), &EnrollmentLookup { learner_ids: learners.to_vec() })
            .await
    }

    /// The subsidy programmes the hub offers.
    pub async fn subsidy_programmes(&self) -> Result<baeum_domain::subsidy::SubsidyProgrammes, KioskError> {
        self.get_json(&self.base.join("/v1/subsidy/programmes")).await
    }

    /// Subsidy applications and earlier grants of these learners (those this kiosk knows).
    pub async fn lookup_subsidy(
        &self,
        learners: &[LearnerId],
    ) -> Result<baeum_domain::subsidy::SubsidyStatuses, KioskError> {
        let body = baeum_domain::subsidy::SubsidyLookup { learner_ids: learners.to_vec() };
        self.post_json(&self.base.join("/v1/subsidy/lookup"), &body).await
    }

    /// Rooms, holidays and every live booking's time from today on.
    pub async fn room_board(&self) -> Result<baeum_domain::rental::RoomBoard, KioskError> {
        self.get_json(&self.base.join("/v1/rooms")).await
    }

    /// Room bookings of these learners (those this kiosk knows).
    pub async fn lookup_bookings(&self, learners: &[LearnerId]) -> Result<baeum_domain::rental::Bookings, KioskError> {
        let body = baeum_domain::rental::BookingLookup { learner_ids: learners.to_vec() };
        self.post_json(&self.base.join("/v1/rooms/bookings/lookup"), &body).await
    }

    /// The club rules and every active club.
    pub async fn club_board(&self) -> Result<baeum_domain::club::ClubBoard, KioskError> {
        self.get_json(&self.base.join("/v1/clubs")).await
    }

    /// The clubs of these learners (those this kiosk knows).
    pub async fn lookup_clubs(&self, learners: &[LearnerId]) -> Result<baeum_domain::club::Memberships, KioskError> {
        let body = baeum_domain::club::ClubLookup { learner_ids: learners.to_vec() };
        self.post_json(&self.base.join("/v1/clubs/lookup"), &body).await
    }

    /// The video course list, unless `have` is already its digest (then only the digest).
    pub async fn videos(&self, have: &str) -> Result<baeum_domain::video::VideoList, KioskError> {
        // A digest is hex (the kiosk keeps only one it checked), so it needs no escaping.
        let have = if have.bytes().all(|b| b.is_ascii_hexdigit()) { have } else { "" };
        let path = if have.is_empty() { "/v1/videos".to_owned() } else { format!("/v1/videos?have={have}") };
        self.get_json(&self.base.join(&path)).await
    }

    /// The learner's ZOOM sessions with links and passcodes, inside her session (never stored).
    pub async fn live_classes(
        &self,
        session: &HubSession,
        learner: &LearnerId,
    ) -> Result<baeum_domain::live::LiveClasses, KioskError> {
        let body = baeum_domain::live::LiveClassesRequest { learner_id: learner.clone() };
        let request = self.request(reqwest::Method::POST, &self.base.join("/v1/live/mine"));
        self.send_json(session.attach(request).json(&body)).await
    }

    pub async fn find_learner(&self, query: &LearnerFind) -> Result<LearnerFound, KioskError> {
        self.post_json(&self.base.join("/v1/learners/find"), query).await
    }

    /// The certificate of a completed course (issued once; asking again returns the same),
    /// inside the learner's session.
    pub async fn issue_certificate(
        &self,
        session: &HubSession,
        learner: &LearnerId,
        course: &baeum_domain::CourseId,
    ) -> Result<IssuedCertificate, KioskError> {
        let body = CertificateRequest { learner_id: learner.clone(), course_id: course.clone() };
        let request = self.request(reqwest::Method::POST, &self.base.join("/v1/certificates"));
        self.send_json(session.attach(request).json(&body)).await
    }

    /// Every course `learner` completed, each with its certificate (학습이력), inside her session.
    pub async fn learning_history(
        &self,
        session: &HubSession,
        learner: &LearnerId,
    ) -> Result<LearningHistory, KioskError> {
        let body = HistoryRequest { learner_id: learner.clone() };
        let request = self.request(reqwest::Method::POST, &self.base.join("/v1/certificates/history"));
        self.send_json(session.attach(request).json(&body)).await
    }

    /// Signs a staff member in; the answer carries their staff session.
    pub async fn staff_sign_in(
        &self,
        request: &baeum_domain::staff::StaffSignIn,
    ) -> Result<baeum_domain::staff::StaffSignedIn, KioskError> {
        self.post_json(&self.base.join("/v1/staff/sessions"), request).await
    }

    /// Ends a session at the hub (the person finished, or the screen was wiped).
    pub async fn end_session(&self, session: &HubSession) -> Result<(), KioskError> {
        let request = self.request(reqwest::Method::DELETE, &self.base.join("/v1/sessions"));
        let response = session.attach(request).send().await.map_err(transport_error)?;
        self.read_body(response).await.map(|_| ())
    }

    /// Certificates for every learner of `course` who completed, and who did not (staff only).
    pub async fn class_certificates(
        &self,
        staff: &HubSession,
        course: &baeum_domain::CourseId,
    ) -> Result<ClassCertificates, KioskError> {
        let body = ClassRequest { course_id: course.clone() };
        let request = self.request(reqwest::Method::POST, &self.base.join("/v1/certificates/class"));
        self.send_json(staff.attach(request).json(&body)).await
    }

    /// The class list of `course` (confirmed learners and their attendance; staff only).
    pub async fn roster(
        &self,
        staff: &HubSession,
        course: &baeum_domain::CourseId,
    ) -> Result<baeum_domain::attendance::Roster, KioskError> {
        let body = baeum_domain::attendance::RosterRequest { course_id: course.clone() };
        let request = self.request(reqwest::Method::POST, &self.base.join("/v1/courses/roster"));
        self.send_json(staff.attach(request).json(&body)).await
    }

    /// Registers this kiosk's device key; the answer says whether staff endorsed it yet.
    pub async fn register_kiosk_key(&self, public_key: &str) -> Result<KioskKeyStatus, KioskError> {
        let body = KioskKeyRegistration { public_key: public_key.to_owned() };
        self.post_json(&self.base.join("/v1/kiosks/keys"), &body).await
    }

    /// The kiosk's heartbeat; the hub answers with the notices to show.
    pub async fn heartbeat(
        &self,
        beat: &baeum_domain::fleet::Heartbeat,
    ) -> Result<baeum_domain::fleet::HeartbeatAnswer, KioskError> {
        self.post_json(&self.base.join("/v1/kiosks/heartbeat"), beat).await
    }

    /// The hub's keys and invalid serials, to check certificates offline.
    pub async fn certificate_keys(&self) -> Result<baeum_domain::certificate::KeySet, KioskError> {
        self.get_json(&self.base.join("/v1/certificates/keys")).await
    }

    pub async fn seats(&self) -> Result<SeatBoardWire, KioskError> {
        self.get_json(&self.base.join("/v1/seats")).await
    }

    async fn post_json<B: serde::Serialize, T: DeserializeOwned>(&self, url: &str, body: &B) -> Result<T, KioskError> {
        let response = self.request(reqwest::Method::POST, url).json(body).send().await.map_err(transport_error)?;
        self.read_answer(response).await
    }

    async fn send_json<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<T, KioskError> {
        let response = request.send().await.map_err(transport_error)?;
        self.read_answer(response).await
    }

    async fn get_json<T: DeserializeOwned>(&self, url: &str) -> Result<T, KioskError> {
        let response = self.request(reqwest::Method::GET, url).send().await.map_err(transport_error)?;
        self.read_answer(response).await
    }

    async fn read_answer<T: DeserializeOwned>(&self, response: reqwest::Response) -> Result<T, KioskError> {
        let body = self.read_body(response).await?;
        serde_json::from_slice(body.as_ref()).map_err(|e| unreadable("응답", &e))
    }

    /// The body of a successful answer; a failed one becomes its error.
    async fn read_body(&self, response: reqwest::Response) -> Result<impl AsRef<[u8]>, KioskError> {
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(KioskError::HubBusy { retry_after_secs: retry_after(response.headers()) });
        }
        let body = response.bytes().await.map_err(transport_error)?;
        if status.is_server_error() {
            return Err(KioskError::HubServerError { status: status.as_u16() });
        }
        if !status.is_success() {
            // The hub answers errors as {code, message}; anything else (a proxy's or a captive
            // portal's page, in any language) is not shown: the status says enough.
            let (code, message) = match serde_json::from_slice::<ApiError>(&body) {
                Ok(e) => (e.code, e.message),
                Err(_) => {
                    (String::new(), format!("중앙 서버가 아닌 곳에서 온 듯한 응답입니다 (HTTP {})", status.as_u16()))
                }
            };
            return Err(match ErrorCode::parse(&code) {
                Some(ErrorCode::DeviceUnregistered) if status == StatusCode::UNAUTHORIZED => {
                    KioskError::DeviceUnregistered
                }
                Some(ErrorCode::KioskRevoked) if status == StatusCode::FORBIDDEN => KioskError::KioskRevoked,
                // The person's session ended (or was never opened here): she confirms her PIN again.
                Some(ErrorCode::SessionRequired) if status == StatusCode::UNAUTHORIZED => KioskError::SessionRequired,
                _ => KioskError::HubRefused { status: status.as_u16(), code, message },
            });
        }
        Ok(body)
    }
}

/// A session the hub opened for a person at this kiosk. The token stays in the engine and the
/// shell; it is never shown to the window, written to disk or logged.
#[derive(Clone)]
pub struct HubSession(baeum_domain::session::SessionToken);

impl HubSession {
    pub fn new(token: baeum_domain::session::SessionToken) -> Self {
        Self(token)
    }

    /// What a staff stamp names the session by (never the token itself).
    pub fn digest(&self) -> baeum_domain::staff::SessionDigest {
        self.0.stamp_digest()
    }

    fn attach(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request.header(baeum_domain::session::SESSION_HEADER, self.0.expose())
    }
}

impl std::fmt::Debug for HubSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HubSession(…)")
    }
}

/// How long the hub asked to wait, from `Retry-After` in seconds (the form the hub sends; an
/// HTTP date or nothing counts as a short wait), within reason.
fn retry_after(headers: &reqwest::header::HeaderMap) -> u64 {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(5)
        .clamp(1, 600)
}

fn check_protocol(protocol: u32) -> Result<(), KioskError> {
    if protocol == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(KioskError::HubBadAnswer(format!(
            "프로토콜 버전 {protocol}은(는) 이 키오스크({PROTOCOL_VERSION})와 맞지 않습니다"
        )))
    }
}

fn transport_error(e: reqwest::Error) -> KioskError {
    if e.is_timeout() {
        KioskError::HubTimeout
    } else if e.is_decode() || e.is_body() {
        tracing::warn!(code = %ErrorCode::HubBadAnswer, detail = %without_url(&e), "the hub's answer did not arrive whole");
        KioskError::HubBadAnswer("응답을 끝까지 받지 못했습니다".into())
    } else if let Some(status) = e.status().filter(StatusCode::is_server_error) {
        KioskError::HubServerError { status: status.as_u16() }
    } else {
        // The library's words (e.g. "Connection refused (os error 111)") go to the log only.
        tracing::warn!(code = %ErrorCode::HubUnreachable, detail = %without_url(&e), "the hub could not be reached");
        let why = if e.is_connect() { "연결되지 않음" } else { "연결이 끊어짐" };
        KioskError::HubUnreachable(why.into())
    }
}

/// An answer the kiosk cannot read: where and what kind of fault go to the log with the code, the
/// person reads which part was unreadable, in Korean. Not serde's sentence itself: it quotes the
/// offending value, which in a learner answer may be a name or a phone number.
fn unreadable(what: &str, e: &serde_json::Error) -> KioskError {
    let (line, column, kind) = (e.line(), e.column(), format!("{:?}", e.classify()));
    tracing::warn!(code = %ErrorCode::HubBadAnswer, what, line, column, kind, "unreadable answer from the hub");
    KioskError::HubBadAnswer(format!("{what}의 형식이 맞지 않습니다"))
}

/// reqwest errors embed the URL; keep the message short and free of query strings.
fn without_url(e: &reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    let mut last = e.to_string();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_answer_is_explained_in_korean_only() {
        let truncated = serde_json::from_str::<serde_json::Value>("").unwrap_err();
        let message = unreadable("응답", &truncated).to_string();
        assert_eq!(message, "중앙 서버의 응답을 이해할 수 없습니다: 응답의 형식이 맞지 않습니다");
        assert!(!message.chars().any(|c| c.is_ascii_alphabetic()), "{message}");
    }

    #[test]
    fn hub_urls_are_checked_at_the_edge() {
        assert_eq!(
            HubUrl::parse("http://127.0.0.1:8787/").map(|u| u.as_str().to_owned()).ok(),
            Some("http://127.0.0.1:8787".into())
        );
        assert!(HubUrl::parse("https://hub.gm.go.kr").is_ok());
        assert_eq!(HubUrl::parse("ftp://x").map_err(|e| e.code().as_str()).err(), Some("hub_url_invalid"));
        assert!(HubUrl::parse("허브").is_err());
        assert!(HubUrl::parse("http://h/?a=1").is_err());
        // In clear only to this machine.
        assert!(HubUrl::parse("http://hub.gm.go.kr").is_err());
        assert!(HubUrl::parse("http://192.168.0.10:8787").is_err());
        assert!(HubUrl::parse("http://localhost:8787").is_ok());
        assert!(HubUrl::parse("http://127.0.0.2:8787").is_ok());
        assert!(HubUrl::parse("http://[::1]:8787").is_ok());
        assert!(HubUrl::parse("https://192.168.0.10:8787").is_ok());
    }

    #[test]
    fn the_wait_a_busy_hub_asks_for_is_read_in_seconds_within_reason() {
        let wait = |value: Option<&str>| {
            let mut headers = reqwest::header::HeaderMap::new();
            if let Some(v) = value {
                headers.insert(reqwest::header::RETRY_AFTER, v.parse().unwrap_or_else(|e| panic!("{e}")));
            }
            retry_after(&headers)
        };
        assert_eq!(wait(Some("7")), 7);
        assert_eq!(wait(Some("0")), 1, "never a busy loop");
        assert_eq!(wait(Some("86400")), 600, "never a kiosk silent for a day");
        assert_eq!(wait(Some("Wed, 21 Oct 2026 07:28:00 GMT")), 5);
        assert_eq!(wait(None), 5);
    }
}
