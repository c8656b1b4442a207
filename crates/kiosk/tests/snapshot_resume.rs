//! A snapshot download cut at random points resumes where it stopped, replays what changed on
//! the hub meanwhile, and ends with exactly the hub's catalog (same digest). Real hub on
//! loopback, a cutting proxy in front of it, real SQLite files.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baeum_domain::protocol::CatalogChecksum;
use baeum_domain::{CourseStatus, FixedClock};
use baeum_hub::store::catalog::{self, CatalogBatch};
use baeum_hub::{demo, store as hub_store};
use baeum_kiosk::sync::SyncMode;
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk};
use baeum_test_support::in_process::Hub;
use baeum_test_support::{demo_clock_at, demo_date};
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Where the proxy cuts: request number `at` (0-based, counted from the last `reset`) gets only
/// `bytes` bytes of its answer before the connection drops.
#[derive(Debug, Default)]
struct Cut {
    at: AtomicUsize,
    bytes: AtomicUsize,
    count: AtomicUsize,
}

impl Cut {
    fn set(&self, at: usize, bytes: usize) {
        self.at.store(at, Ordering::SeqCst);
        self.bytes.store(bytes, Ordering::SeqCst);
        self.count.store(0, Ordering::SeqCst);
    }
}

/// Forwards each request (one per connection) to `upstream`, cutting where `cut` says.
/// Records request lines.
async fn cutting_proxy(upstream: SocketAddr, cut: Arc<Cut>) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let this = cut.count.fetch_add(1, Ordering::SeqCst);
            let (cut_at, cut_bytes) = (cut.at.load(Ordering::SeqCst), cut.bytes.load(Ordering::SeqCst));
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match client.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => head.extend_from_slice(&buf[..k]),
                    }
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                log.lock().unwrap_or_else(|p| p.into_inner()).push(text.lines().next().unwrap_or_default().to_owned());
                let request = text.replacen("\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1);
                let Ok(mut server) = TcpStream::connect(upstream).await else { return };
                if server.write_all(request.as_bytes()).await.is_err() {
                    return;
                }
                let mut answer = Vec::new();
                let _ = server.read_to_end(&mut answer).await;
                let keep = if this == cut_at { cut_bytes.min(answer.len()) } else { answer.len() };
                let _ = client.write_all(&answer[..keep]).await;
                let _ = client.shutdown().await;
            });
        }
    });
    (addr, seen)
}

fn chunk_requests(log: &Arc<Mutex<Vec<String>>>) -> usize {
    log.lock().unwrap_or_else(|p| p.into_inner()).iter().filter(|l| l.contains("/snapshot/chunks")).count()
}

async fn hub_checksum(client: &reqwest::Client, hub: SocketAddr) -> CatalogChecksum {
    let body = client
        .get(format!("http://{hub}/v1/catalog/checksum"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn kiosk_through(proxy: SocketAddr, dir: &std::path::Path, clock: Arc<FixedClock>) -> Kiosk {
    let url = HubUrl::parse(&format!("http://{proxy}")).unwrap_or_else(|e| panic!("{e}"));
    let client = HubClient::with_timeout(url, Duration::from_secs(10)).unwrap_or_else(|e| panic!("{e}"));
    Kiosk::open_with_client(&DataDir::new(dir), client, clock).unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn a_snapshot_cut_at_random_points_resumes_and_ends_equal_to_the_hub() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hub_db = dir.path().join("hub.db");
    let batch = demo::synthetic_catalog(8_000, demo_date()).unwrap_or_else(|e| panic!("{e}"));
    catalog::apply(&mut hub_store::open(&hub_db).unwrap_or_else(|e| panic!("{e}")), &batch)
        .unwrap_or_else(|e| panic!("{e}"));
    let total_records = batch.institutions.len() + batch.places.len() + batch.courses.len();
    let total_chunks = total_records.div_ceil(baeum_kiosk::sync::SNAPSHOT_CHUNK);
    assert!(total_chunks >= 4, "enough chunks to cut between");

    let clock = demo_clock_at(14, 0);
    let server = Hub::start_on_loopback(&hub_db, clock.clone()).await;
    let hub = server.addr;
    let inspector = server.kiosk_client("k-inspector").await;

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    for round in 0..6 {
        let kiosk_dir = dir.path().join(format!("kiosk-{round}"));
        let cut = Arc::new(Cut::default());
        cut.set(rng.random_range(0..total_chunks), rng.random_range(0..4_000));
        let (proxy, log) = cutting_proxy(hub, Arc::clone(&cut)).await;
        // Provisioned straight at the hub (the proxy passes request heads only); the credential
        // stays in the kiosk's data folder for every start after.
        server.provision(&kiosk_through(hub, &kiosk_dir, clock.clone())).await;
        let kiosk = kiosk_through(proxy, &kiosk_dir, clock.clone());
        assert!(kiosk.sync_now().await.is_err(), "round {round}: the cut sync fails");
        assert_eq!(kiosk.status().unwrap_or_else(|e| panic!("{e}")).courses, 0, "nothing half-shown");
        let first = chunk_requests(&log);
        // The kiosk restarts (as after a power cut) before it tries again.
        drop(kiosk);

        // The hub changes while the kiosk is away: a course cancelled, one deleted.
        let mut cancelled = batch.courses[round * 7].clone();
        cancelled.status = CourseStatus::Cancelled;
        let change = CatalogBatch {
            courses: vec![cancelled],
            deleted_courses: vec![batch.courses[round * 7 + 3].id.clone()],
            ..Default::default()
        };
        catalog::apply(&mut hub_store::open(&hub_db).unwrap_or_else(|e| panic!("{e}")), &change)
            .unwrap_or_else(|e| panic!("{e}"));

        cut.set(usize::MAX, 0);
        let kiosk = kiosk_through(proxy, &kiosk_dir, clock.clone());
        let report = kiosk.sync_now().await.unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(report.mode, SyncMode::Snapshot);
        let second = chunk_requests(&log) - first;
        assert!(
            first + second <= total_chunks + 1,
            "round {round}: resumed wasting at most one chunk ({first} + {second} requests for {total_chunks} chunks)"
        );
        let hub_sum = hub_checksum(&inspector, hub).await;
        let (records, sha) = kiosk.catalog_checksum().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((records, sha), (hub_sum.records, hub_sum.sha256), "round {round}: the kiosk equals the hub");
    }
    server.stop().await;
}
