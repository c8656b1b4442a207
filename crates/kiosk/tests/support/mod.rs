//! Shared by the engine tests: the hub's own server on a free loopback port, a demo-day clock
//! and the demo catalog.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use baeum_domain::{Clock, FixedClock, kst};
use baeum_hub::store::catalog::{self, CatalogBatch};
use baeum_hub::{demo, server, store as hub_store};
use baeum_kiosk::HubUrl;
use chrono::TimeZone;
use tokio::sync::oneshot;

pub fn demo_day() -> Arc<FixedClock> {
    let at = kst().with_ymd_and_hms(2026, 11, 26, 14, 5, 0).single().map(|t| t.to_utc()).unwrap_or_default();
    Arc::new(FixedClock::new(at))
}

/// A real hub process-equivalent: the hub's own server on a free loopback port.
pub struct Hub {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Hub {
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

pub fn seed_demo(db: &Path) -> CatalogBatch {
    let batch = demo::demo_catalog(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut conn = hub_store::open(db).unwrap_or_else(|e| panic!("{e}"));
    catalog::apply(&mut conn, &batch).unwrap_or_else(|e| panic!("{e}"));
    batch
}
