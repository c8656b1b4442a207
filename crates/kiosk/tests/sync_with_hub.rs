//! The kiosk engine against a real hub on loopback (real HTTP, real SQLite files), and against
//! hubs that fail in the ways real networks and servers do.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use baeum_domain::protocol::{PROTOCOL_VERSION, encode_snapshot_chunk};
use baeum_domain::{Clock, CourseStatus, FixedClock, LifeStage};
use baeum_hub::store::catalog::{self, CatalogBatch};
use baeum_hub::{demo, store as hub_store};
use baeum_kiosk::sync::SyncMode;
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk, SearchQuery};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use baeum_test_support::demo_day;
use baeum_test_support::in_process::{Hub, seed_demo};

fn kiosk(dir: &Path, hub: HubUrl, clock: Arc<FixedClock>) -> Kiosk {
    let client = HubClient::with_timeout(hub, Duration::from_secs(2)).unwrap_or_else(|e| panic!("{e}"));
    Kiosk::open_with_client(&DataDir::new(dir), client, clock).unwrap_or_else(|e| panic!("{e}"))
}

/// Every card the kiosk shows for an empty search, page by page.
fn all_cards(kiosk: &Kiosk) -> Vec<baeum_kiosk::CourseCard> {
    let mut out = Vec::new();
    loop {
        let query = SearchQuery { offset: out.len(), limit: Some(200), ..Default::default() };
        let page = kiosk.search(&query).unwrap_or_else(|e| panic!("{e}"));
        let done = page.courses.is_empty();
        out.extend(page.courses);
        if done || out.len() >= page.matches {
            return out;
        }
    }
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// A demo hub on loopback and a kiosk (not yet synced) pointed at it, in one temp folder.
struct Fixture {
    dir: tempfile::TempDir,
    hub_db: std::path::PathBuf,
    batch: CatalogBatch,
    clock: Arc<FixedClock>,
    hub: Hub,
    kiosk: Kiosk,
}

async fn demo_fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hub_db = dir.path().join("hub.db");
    let batch = seed_demo(&hub_db);
    let clock = demo_day();
    let hub = Hub::start(&hub_db, loopback(), clock.clone()).await;
    let kiosk = kiosk(&dir.path().join("kiosk"), hub.url(), clock.clone());
    hub.provision(&kiosk).await;
    Fixture { dir, hub_db, batch, clock, hub, kiosk }
}

#[tokio::test]
async fn first_sync_takes_the_whole_demo_catalog_and_filters_by_life_stage() {
    let Fixture { batch, clock, hub, kiosk, dir: _dir, .. } = demo_fixture().await;

    let report = kiosk.sync_now().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.mode, SyncMode::Snapshot);
    assert_eq!(report.courses as usize, batch.courses.len());

    let status = kiosk.status().unwrap_or_else(|e| panic!("{e}"));
    assert!(status.online);
    assert_eq!(status.institutions as usize, batch.institutions.len());
    assert_eq!(status.last_success_at, Some(clock.now()));

    let seniors = kiosk
        .search(&SearchQuery { life_stage: Some(LifeStage::Senior), limit: Some(200), ..Default::default() })
        .unwrap_or_else(|e| panic!("{e}"));
    let expected = batch.courses.iter().filter(|c| c.is_for(LifeStage::Senior)).count();
    assert_eq!(seniors.matches, expected);
    assert_eq!(seniors.courses.len(), expected.min(200));
    assert!(seniors.courses.iter().all(|c| c.life_stages.contains(&baeum_domain::LifeStage::Senior)));
    let infants = kiosk
        .search(&SearchQuery { life_stage: Some(LifeStage::Infant), limit: Some(200), ..Default::default() })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!infants.courses.is_empty() && infants.courses.len() < seniors.courses.len());
    assert!(infants.courses.iter().all(|c| c.life_stages.contains(&baeum_domain::LifeStage::Infant)));
    // Open-for-application courses come first.
    let first_closed = seniors.courses.iter().position(|c| c.phase != baeum_domain::ApplicationPhase::Open);
    if let Some(i) = first_closed {
        assert!(seniors.courses[i..].iter().all(|c| c.phase != baeum_domain::ApplicationPhase::Open));
    }
    hub.stop().await;
}

#[tokio::test]
async fn later_syncs_pull_only_changes_including_cancellations_and_deletions() {
    let Fixture { hub_db, batch, hub, kiosk, dir: _dir, .. } = demo_fixture().await;
    kiosk.sync_now().await.unwrap_or_else(|e| panic!("{e}"));

    let mut cancelled = batch.courses[0].clone();
    cancelled.status = CourseStatus::Cancelled;
    let deleted = batch.courses[1].id.clone();
    let change =
        CatalogBatch { courses: vec![cancelled.clone()], deleted_courses: vec![deleted.clone()], ..Default::default() };
    catalog::apply(&mut hub_store::open(&hub_db).unwrap_or_else(|e| panic!("{e}")), &change)
        .unwrap_or_else(|e| panic!("{e}"));

    let report = kiosk.sync_now().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.mode, report.changes_applied), (SyncMode::Changes, 2));
    assert_eq!(report.courses as usize, batch.courses.len() - 1);
    let all = all_cards(&kiosk);
    assert_eq!(all.len(), batch.courses.len() - 1);
    assert!(all.iter().all(|c| c.id != deleted.as_str()));
    let shown = all.iter().find(|c| c.id == cancelled.id.as_str()).map(|c| c.phase);
    assert_eq!(shown, Some(baeum_domain::ApplicationPhase::Cancelled));

    let again = kiosk.sync_now().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((again.mode, again.changes_applied), (SyncMode::Changes, 0));
    hub.stop().await;
}

#[tokio::test]
async fn a_rebuilt_hub_at_the_same_address_makes_the_kiosk_resnapshot() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let clock = demo_day();
    let first_db = dir.path().join("hub-a.db");
    seed_demo(&first_db);
    let hub = Hub::start(&first_db, loopback(), clock.clone()).await;
    let addr = hub.addr;
    let kiosk = kiosk(&dir.path().join("kiosk"), hub.url(), clock.clone());
    hub.provision(&kiosk).await;
    kiosk.sync_now().await.unwrap_or_else(|e| panic!("{e}"));
    hub.stop().await;

    // A new hub database (new epoch) with a smaller catalog, on the same address.
    let second_db = dir.path().join("hub-b.db");
    let small = demo::synthetic_catalog(40, chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    catalog::apply(&mut hub_store::open(&second_db).unwrap_or_else(|e| panic!("{e}")), &small)
        .unwrap_or_else(|e| panic!("{e}"));
    let hub = Hub::start(&second_db, addr, clock.clone()).await;
    // The new database does not know this kiosk: it is refused until staff register it again.
    let refused = kiosk.sync_now().await.err().map(|e| e.code());
    assert_eq!(refused, Some(baeum_domain::ErrorCode::DeviceUnregistered));
    hub.provision(&kiosk).await;
    let report = kiosk.sync_now().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.mode, report.courses), (SyncMode::Snapshot, 40));
    hub.stop().await;
}

/// How a broken hub misbehaves.
#[derive(Debug, Clone, Copy)]
enum Fault {
    ServerError,
    Garbage,
    Truncated,
    WrongProtocol,
    InvalidRecord,
    WrongChecksum,
    Hang,
}

/// A loopback server that answers every request with the given fault.
async fn broken_hub(fault: Fault, valid_snapshot: String) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind(loopback()).await.unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = valid_snapshot.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let reply = |status: &str, body: &str| {
                    format!(
                        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                };
                let out = match fault {
                    Fault::ServerError => {
                        reply("500 Internal Server Error", "{\"code\":\"internal\",\"message\":\"db locked\"}")
                    }
                    Fault::Garbage => reply("200 OK", "<html><body>점검 중입니다</body></html>"),
                    Fault::Truncated => {
                        let half = (0..=body.len() / 2).rev().find(|&i| body.is_char_boundary(i)).unwrap_or(0);
                        let cut = &body[..half];
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{cut}",
                            body.len()
                        )
                    }
                    Fault::WrongProtocol => reply(
                        "200 OK",
                        &body.replacen(&format!("\"protocol\":{PROTOCOL_VERSION}"), "\"protocol\":99", 1),
                    ),
                    // A negative capacity under a checksum that matches: caught by validation.
                    Fault::InvalidRecord => {
                        let (head, lines) = body.split_once('\n').unwrap_or_default();
                        let header = serde_json::from_str(head).unwrap_or_else(|e| panic!("{e}"));
                        let lines = lines.replacen("\"capacity\":", "\"capacity\":-", 1);
                        reply("200 OK", &encode_snapshot_chunk(header, &lines))
                    }
                    Fault::WrongChecksum => reply("200 OK", &body.replacen("\"sha256\":\"", "\"sha256\":\"00", 1)),
                    Fault::Hang => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        String::new()
                    }
                };
                let _ = socket.write_all(out.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn a_hub_that_is_down_failing_or_talking_nonsense_leaves_the_local_catalog_intact() {
    let Fixture { dir, batch, clock, hub, kiosk: synced, .. } = demo_fixture().await;
    let kiosk_dir = dir.path().join("kiosk");
    synced.sync_now().await.unwrap_or_else(|e| panic!("{e}"));
    let snapshot_json = hub
        .kiosk_client("k-inspector")
        .await
        .get(format!("http://{}/v1/catalog/snapshot/chunks?limit=5000", hub.addr))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    let down_url = hub.url();
    hub.stop().await;
    drop(synced);

    let mut cases: Vec<(HubUrl, &str)> = vec![(down_url, "hub_unreachable")];
    for (fault, code) in [
        (Fault::ServerError, "hub_server_error"),
        (Fault::Garbage, "hub_bad_answer"),
        (Fault::Truncated, "hub_bad_answer"),
        (Fault::WrongProtocol, "hub_bad_answer"),
        (Fault::InvalidRecord, "hub_bad_answer"),
        (Fault::WrongChecksum, "hub_bad_answer"),
        (Fault::Hang, "hub_timeout"),
    ] {
        let addr = broken_hub(fault, snapshot_json.clone()).await;
        cases.push((HubUrl::parse(&format!("http://{addr}")).unwrap_or_else(|e| panic!("{e}")), code));
    }
    for (url, expected_code) in cases {
        let kiosk = kiosk(&kiosk_dir, url.clone(), clock.clone());
        let err = kiosk.sync_now().await.err();
        assert_eq!(err.as_ref().map(|e| e.code().as_str()), Some(expected_code), "hub at {}", url.as_str());
        // What a person may read is Korean; the library's English stays in the log.
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(baeum_domain::error_code::foreign_words(&message), Vec::<&str>::new(), "{message}");
        let status = kiosk.status().unwrap_or_else(|e| panic!("{e}"));
        assert!(!status.online);
        assert_eq!(status.last_error.as_ref().map(|e| e.code.as_str()), Some(expected_code));
        assert_eq!(status.courses as usize, batch.courses.len(), "catalog intact after {expected_code}");
        assert_eq!(all_cards(&kiosk).len(), batch.courses.len());
    }
}
