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
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Hub {
    /// Serves `db` on `listen` (port 0 for a free one).
    pub async fn start(db: &Path, listen: SocketAddr, clock: Arc<dyn Clock>) -> Hub {
        let (stop, stopped) = oneshot::channel::<()>();
        let (addr, serve) = server::bind(db, listen, clock, async move {
            let _ = stopped.await;
        })
        .await
        .unwrap_or_else(|e| panic!("hub did not start: {e}"));
        let task = tokio::spawn(async move {
            let _ = serve.await;
        });
        Hub { addr, stop: Some(stop), task }
    }

    /// Serves `db` on a free loopback port.
    pub async fn start_on_loopback(db: &Path, clock: Arc<dyn Clock>) -> Hub {
        Hub::start(db, SocketAddr::from(([127, 0, 0, 1], 0)), clock).await
    }

    pub fn url(&self) -> HubUrl {
        HubUrl::parse(&format!("http://{}", self.addr)).unwrap_or_else(|e| panic!("{e}"))
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
