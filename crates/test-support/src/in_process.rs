//! The hub's own server in this test process, on a free loopback port, with an injected clock:
//! for crate tests that need the hub at a fixed time (a real HTTP server over a real SQLite
//! file, only without a separate process).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use baeum_domain::Clock;
use baeum_hub::store::catalog::{self, CatalogBatch};
use baeum_hub::{demo, server, store as hub_store};
use baeum_kiosk::HubUrl;
use tokio::sync::oneshot;

use crate::demo_date;

/// A hub serving `db` until [`Hub::stop`] (or the end of the test's runtime).
#[derive(Debug)]
pub struct Hub {
    pub addr: SocketAddr,
    db: std::path::PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Hub {
    /// Serves `db` on `listen` (port 0 for a free one).
    pub async fn start(db: &Path, listen: SocketAddr, clock: Arc<dyn Clock>) -> Hub {
        let (stop, stopped) = oneshot::channel::<()>();
        let (addr, serve) = server::bind(&baeum_hub::store::Location::from(db), listen, clock, async move {
            let _ = stopped.await;
        })
        .await
        .unwrap_or_else(|e| panic!("hub did not start: {e}"));
        let task = tokio::spawn(async move {
            let _ = serve.await;
        });
        Hub { addr, db: db.to_owned(), stop: Some(stop), task }
    }

    /// Serves `db` on a free loopback port.
    pub async fn start_on_loopback(db: &Path, clock: Arc<dyn Clock>) -> Hub {
        Hub::start(db, SocketAddr::from(([127, 0, 0, 1], 0)), clock).await
    }

    pub fn url(&self) -> HubUrl {
        HubUrl::parse(&format!("http://{}", self.addr)).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A one-time invite code for a new kiosk (written straight into the hub's database, as
    /// `baeum-hub kiosk invite` does).
    pub fn invite(&self) -> String {
        let conn = hub_store::open(&self.db).unwrap_or_else(|e| panic!("{e}"));
        let mut random = [0u8; 12];
        getrandom::fill(&mut random).unwrap_or_else(|e| panic!("{e}"));
        let code = baeum_domain::device::InviteCode::from_random(random);
        let institution = baeum_domain::InstitutionId::parse(crate::TEST_INSTITUTION).unwrap_or_else(|e| panic!("{e}"));
        // Valid for a long while: tests run at fixed clocks far from today.
        let now = chrono::Utc::now() - chrono::Duration::days(3650);
        baeum_hub::devices::invite(&conn, &code, &institution, None, "테스트", now, chrono::Duration::days(7300))
            .unwrap_or_else(|e| panic!("{e}"));
        code.to_string()
    }

    /// Registers `kiosk` with this hub through its invite, as staff do at a new kiosk.
    pub async fn provision(&self, kiosk: &baeum_kiosk::Kiosk) {
        kiosk.provision(&self.invite()).await.unwrap_or_else(|e| panic!("provision: {e}"));
    }

    /// An HTTP client that calls as a device of its own, provisioned now under `kiosk_id`
    /// (for tests that speak the wire protocol themselves).
    pub async fn kiosk_client(&self, kiosk_id: &str) -> reqwest::Client {
        let body = crate::provision_body(&self.invite(), kiosk_id);
        let answer: serde_json::Value = reqwest::Client::new()
            .post(format!("http://{}/v1/kiosks/provision", self.addr))
            .json(&body)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .unwrap_or_else(|e| panic!("provision: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let credential = answer["credential"].as_str().unwrap_or_default();
        let mut headers = reqwest::header::HeaderMap::new();
        let value = format!("Bearer {credential}").parse().unwrap_or_else(|e| panic!("{e}"));
        headers.insert(reqwest::header::AUTHORIZATION, value);
        reqwest::Client::builder().default_headers(headers).build().unwrap_or_else(|e| panic!("{e}"))
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = self.task.await;
    }
}

/// Writes the Gwangmyeong demo catalog, dated for [`demo_date`], into the hub database `db`.
pub fn seed_demo(db: &Path) -> CatalogBatch {
    let batch = demo::demo_catalog(demo_date()).unwrap_or_else(|e| panic!("{e}"));
    let mut conn = hub_store::open(db).unwrap_or_else(|e| panic!("{e}"));
    catalog::apply(&mut conn, &batch).unwrap_or_else(|e| panic!("{e}"));
    batch
}
