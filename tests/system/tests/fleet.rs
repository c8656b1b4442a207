//! The kiosk's heartbeat through real processes: a kiosk engine with its real SQLite files posts
//! its state to the real `baeum-hub` process, which keeps it for the console's fleet page and
//! answers with the notices staff posted; the kiosk's status (what its screen reads) then carries
//! them. A printer that does not answer is reported as such.

use std::sync::Arc;
use std::time::{Duration, Instant};

use baeum_domain::SystemClock;
use baeum_domain::fleet::{KioskHealth, PrinterCondition};
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk};
use baeum_system_tests::HubProcess;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_heartbeat_reaches_the_fleet_page_and_brings_back_the_notices() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start_demo(dir.path());
    let url = HubUrl::parse(&hub.url).unwrap();
    let data = DataDir::new(dir.path().join("kiosk"));
    let client = HubClient::with_timeout(url, Duration::from_secs(5)).unwrap();
    let k = Kiosk::open_with_client(&data, client, Arc::new(SystemClock)).unwrap();
    k.provision(&hub.invite()).await.unwrap();
    k.sync_now().await.unwrap();
    let now = chrono::Utc::now();
    {
        // A notice as the console posts it, in the hub's own database.
        let conn = baeum_hub::store::open(&hub.db).unwrap();
        baeum_hub::store::fleet::add_notice(
            &conn,
            "오늘 오후 3시 정전 예정",
            None,
            now,
            now + chrono::Duration::hours(4),
            "김관리",
            now,
        )
        .unwrap();
        baeum_hub::store::fleet::add_notice(
            &conn,
            "다른 기관 공지",
            Some("dong-cs1"),
            now,
            now + chrono::Duration::hours(4),
            "박담당",
            now,
        )
        .unwrap();
    }
    assert!(k.status().unwrap().notices.is_empty(), "nothing before the first heartbeat");

    // A printer address where nothing answers.
    let started = Instant::now() - Duration::from_secs(90);
    let notices = k.send_heartbeat(Some("ipp://127.0.0.1:9/ipp/print"), started, data.path()).await.unwrap();
    assert_eq!(notices.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["오늘 오후 3시 정전 예정"]);
    assert_eq!(k.status().unwrap().notices, notices, "the screen reads them from the status");

    let conn = baeum_hub::store::open(&hub.db).unwrap();
    let fleet = baeum_hub::store::fleet::kiosks(&conn, Some("gm-llc")).unwrap();
    let mine = fleet.iter().find(|f| f.kiosk_id == k.status().unwrap().kiosk_id).expect("the kiosk on the fleet page");
    let beat = mine.last.as_ref().expect("its heartbeat");
    assert_eq!(beat.printer, PrinterCondition::Offline);
    assert_eq!(beat.status, KioskHealth::PrinterOffline);
    assert_eq!(beat.version, env!("CARGO_PKG_VERSION"));
    assert!(beat.uptime_secs >= 90);
    assert!(beat.free_disk_mb.is_some_and(|mb| mb > 0));
    assert!(
        beat.last_sync_at.is_some_and(|t| (chrono::Utc::now() - t).num_seconds() < 120),
        "dated by the hub's clock"
    );
    assert!(!mine.offline(chrono::Utc::now()));
}
