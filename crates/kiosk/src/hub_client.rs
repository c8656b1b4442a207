//! HTTP client for the hub's catalog and enrollment API. Answers are parsed and revalidated at this edge:
//! a hub that is down, slow, failing or talking nonsense becomes a typed `KioskError`.

use std::time::Duration;

use baeum_domain::enrollment::{
    CertificateRequest, ClassCertificates, ClassRequest, EnrollmentList, EnrollmentLookup, HistoryRequest, IntentBatch,
    IntentBatchAnswer, IntentOutcomes, IssuedCertificate, KioskKeyRegistration, KioskKeyStatus, LearnerFind,
    LearnerFound, LearningHistory, Seats,
};
use baeum_domain::protocol::{
    ApiError, CatalogChange, CatalogChanges, CatalogChecksum, PROTOCOL_VERSION, SnapshotChunkWire, bytes_checksum,
    codes,
};
use baeum_domain::{KioskId, LearnerId};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::error::KioskError;

/// `GET /v1/seats` as the kiosk reads it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SeatBoardWire {
    pub as_of: chrono::DateTime<chrono::Utc>,
    pub seats: Vec<Seats>,
}

/// A validated hub base URL (http or https, no query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubUrl(Url);

impl HubUrl {
    pub fn parse(raw: &str) -> Result<Self, KioskError> {
        let bad = |why: &str| KioskError::BadHubUrl(format!("{raw:?}: {why}"));
        let url = Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("http:// 또는 https://로 시작해야 합니다"));
        }
        if url.host().is_none() || url.query().is_some() || url.cannot_be_a_base() {
            return Err(bad("호스트만 적어 주세요 (예: https://hub.example.kr)"));
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

/// One record of a snapshot chunk: validated, with the JSON its institution, place or course
/// came as (stored as is).
#[derive(Debug)]
pub struct ReceivedRecord {
    pub change: CatalogChange,
    pub body: Box<RawValue>,
}

/// A snapshot record as it arrives, before validation.
#[derive(Debug, serde::Deserialize)]
struct RawRecord {
    kind: String,
    institution: Option<Box<RawValue>>,
    place: Option<Box<RawValue>>,
    course: Option<Box<RawValue>>,
}

impl RawRecord {
    fn validate(self) -> Result<ReceivedRecord, KioskError> {
        fn parse<T: DeserializeOwned>(raw: &RawValue) -> Result<T, KioskError> {
            serde_json::from_str(raw.get()).map_err(|e| KioskError::HubBadAnswer(e.to_string()))
        }
        let missing = || KioskError::HubBadAnswer(format!("{} 레코드에 내용이 없습니다", self.kind));
        let (change, body) = match self.kind.as_str() {
            "upsert_institution" => {
                let body = self.institution.ok_or_else(missing)?;
                (CatalogChange::UpsertInstitution { institution: parse(&body)? }, body)
            }
            "upsert_place" => {
                let body = self.place.ok_or_else(missing)?;
                (CatalogChange::UpsertPlace { place: parse(&body)? }, body)
            }
            "upsert_course" => {
                let body = self.course.ok_or_else(missing)?;
                (CatalogChange::UpsertCourse { course: parse(&body)? }, body)
            }
            other => return Err(KioskError::HubBadAnswer(format!("알 수 없는 레코드 종류 {other:?}"))),
        };
        Ok(ReceivedRecord { change, body })
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
}

impl HubClient {
    pub fn new(base: HubUrl) -> Result<Self, KioskError> {
        // A hub that accepts the connection and then hangs must not freeze sync forever.
        Self::with_timeout(base, Duration::from_secs(60))
    }

    /// A client whose whole-request timeout is `timeout` (tests use a short one).
    pub fn with_timeout(base: HubUrl, timeout: Duration) -> Result<Self, KioskError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .timeout(timeout)
            .user_agent(concat!("baeum-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| KioskError::HubUnreachable(e.to_string()))?;
        Ok(Self { base, http })
    }

    pub fn base(&self) -> &HubUrl {
        &self.base
    }

    /// The hub's digest of its whole catalog.
    pub async fn checksum(&self) -> Result<CatalogChecksum, KioskError> {
        self.get_json(&self.base.join("/v1/catalog/checksum")).await
    }

    /// One chunk of the snapshot after `after` (None for the first). The checksum is checked
    /// over the bytes received, then every record is parsed and validated; each keeps its raw
    /// JSON so the kiosk stores what the hub sent without re-encoding it.
    pub async fn snapshot_chunk(&self, after: Option<&str>, limit: usize) -> Result<VerifiedChunk, KioskError> {
        let mut url = Url::parse(&self.base.join("/v1/catalog/snapshot/chunks"))
            .map_err(|e| KioskError::BadHubUrl(e.to_string()))?;
        url.query_pairs_mut().append_pair("limit", &limit.to_string());
        if let Some(after) = after {
            url.query_pairs_mut().append_pair("after", after);
        }
        let wire: SnapshotChunkWire = self.get_json(url.as_str()).await?;
        check_protocol(wire.protocol)?;
        if wire.sha256 != bytes_checksum(wire.records.get()) {
            return Err(KioskError::HubBadAnswer("받은 목록 조각의 검사값이 맞지 않습니다".into()));
        }
        let raw: Vec<RawRecord> =
            serde_json::from_str(wire.records.get()).map_err(|e| KioskError::HubBadAnswer(e.to_string()))?;
        let records = raw.into_iter().map(RawRecord::validate).collect::<Result<Vec<_>, KioskError>>()?;
        Ok(VerifiedChunk {
            epoch: wire.epoch,
            head: wire.head,
            generated_at: wire.generated_at,
            next: wire.next,
            records,
        })
    }

    pub async fn changes(&self, epoch: &str, after: u64, limit: usize) -> Result<ChangesAnswer, KioskError> {
        let mut url =
            Url::parse(&self.base.join("/v1/catalog/changes")).map_err(|e| KioskError::BadHubUrl(e.to_string()))?;
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
            Err(KioskError::HubRefused { code, .. }) if code == codes::RESNAPSHOT_REQUIRED => {
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
    pub async fn intent_outcomes(&self, kiosk: &KioskId, after: u64) -> Result<IntentOutcomes, KioskError> {
        let mut url =
            Url::parse(&self.base.join("/v1/intents/outcomes")).map_err(|e| KioskError::BadHubUrl(e.to_string()))?;
        url.query_pairs_mut().append_pair("kiosk_id", kiosk.as_str()).append_pair("after", &after.to_string());
        self.get_json(url.as_str()).await
    }

    pub async fn lookup_enrollments(&self, learners: &[LearnerId]) -> Result<EnrollmentList, KioskError> {
        self.post_json(&self.base.join("/v1/enrollments/lookup"), &EnrollmentLookup { learner_ids: learners.to_vec() })
            .await
    }

    pub async fn find_learner(&self, query: &LearnerFind) -> Result<LearnerFound, KioskError> {
        self.post_json(&self.base.join("/v1/learners/find"), query).await
    }

    /// The certificate of a completed course (issued once; asking again returns the same).
    pub async fn issue_certificate(
        &self,
        learner: &LearnerId,
        course: &baeum_domain::CourseId,
    ) -> Result<IssuedCertificate, KioskError> {
        let body = CertificateRequest { learner_id: learner.clone(), course_id: course.clone() };
        self.post_json(&self.base.join("/v1/certificates"), &body).await
    }

    /// Every course `learner` completed, each with its certificate (학습이력).
    pub async fn learning_history(&self, learner: &LearnerId) -> Result<LearningHistory, KioskError> {
        let body = HistoryRequest { learner_id: learner.clone() };
        self.post_json(&self.base.join("/v1/certificates/history"), &body).await
    }

    /// Certificates for every learner of `course` who completed, and who did not.
    pub async fn class_certificates(&self, course: &baeum_domain::CourseId) -> Result<ClassCertificates, KioskError> {
        let body = ClassRequest { course_id: course.clone() };
        self.post_json(&self.base.join("/v1/certificates/class"), &body).await
    }

    /// The class list of `course` (confirmed learners and their attendance).
    pub async fn roster(
        &self,
        course: &baeum_domain::CourseId,
    ) -> Result<baeum_domain::enrollment::Roster, KioskError> {
        let body = baeum_domain::enrollment::RosterRequest { course_id: course.clone() };
        self.post_json(&self.base.join("/v1/courses/roster"), &body).await
    }

    /// Registers this kiosk's device key; the answer says whether staff endorsed it yet.
    pub async fn register_kiosk_key(
        &self,
        kiosk: &baeum_domain::KioskId,
        public_key: &str,
    ) -> Result<KioskKeyStatus, KioskError> {
        let body = KioskKeyRegistration { kiosk_id: kiosk.clone(), public_key: public_key.to_owned() };
        self.post_json(&self.base.join("/v1/kiosks/keys"), &body).await
    }

    /// The hub's keys and invalid serials, to check certificates offline.
    pub async fn certificate_keys(&self) -> Result<baeum_domain::certificate::KeySet, KioskError> {
        self.get_json(&self.base.join("/v1/certificates/keys")).await
    }

    pub async fn seats(&self) -> Result<SeatBoardWire, KioskError> {
        self.get_json(&self.base.join("/v1/seats")).await
    }

    async fn post_json<B: serde::Serialize, T: DeserializeOwned>(&self, url: &str, body: &B) -> Result<T, KioskError> {
        let response = self.http.post(url).json(body).send().await.map_err(transport_error)?;
        self.read_answer(response).await
    }

    async fn get_json<T: DeserializeOwned>(&self, url: &str) -> Result<T, KioskError> {
        let response = self.http.get(url).send().await.map_err(transport_error)?;
        self.read_answer(response).await
    }

    async fn read_answer<T: DeserializeOwned>(&self, response: reqwest::Response) -> Result<T, KioskError> {
        let status = response.status();
        let body = response.bytes().await.map_err(transport_error)?;
        if status.is_server_error() {
            return Err(KioskError::HubServerError { status: status.as_u16() });
        }
        if !status.is_success() {
            // The hub answers errors as {code, message}; anything else (a proxy's page) has no code.
            let (code, message) = match serde_json::from_slice::<ApiError>(&body) {
                Ok(e) => (e.code, e.message),
                Err(_) => ("unknown".to_owned(), String::from_utf8_lossy(&body).chars().take(200).collect()),
            };
            return Err(KioskError::HubRefused { status: status.as_u16(), code, message });
        }
        serde_json::from_slice(&body).map_err(|e| KioskError::HubBadAnswer(e.to_string()))
    }
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
        KioskError::HubBadAnswer(e.to_string())
    } else if let Some(status) = e.status().filter(StatusCode::is_server_error) {
        KioskError::HubServerError { status: status.as_u16() }
    } else {
        KioskError::HubUnreachable(without_url(&e))
    }
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
    fn hub_urls_are_checked_at_the_edge() {
        assert_eq!(
            HubUrl::parse("http://127.0.0.1:8787/").map(|u| u.as_str().to_owned()).ok(),
            Some("http://127.0.0.1:8787".into())
        );
        assert!(HubUrl::parse("https://hub.gm.go.kr").is_ok());
        assert_eq!(HubUrl::parse("ftp://x").map_err(|e| e.code()).err(), Some("hub_url_invalid"));
        assert!(HubUrl::parse("허브").is_err());
        assert!(HubUrl::parse("http://h/?a=1").is_err());
    }
}
