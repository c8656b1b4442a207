//! `kill -9` the kiosk in the middle of a sync, again and again: the local catalog is never
//! half-swapped, the cursor is never ahead of the data, and a later sync ends equal to the hub.

use std::process::{Command, Stdio};
use std::time::Duration;

use baeum_system_tests::{HubProcess, binary, kiosk, seed, stderr, stdout};
use rand::{Rng, SeedableRng};

fn status(data: &std::path::Path, hub: &str) -> serde_json::Value {
    let out = kiosk(&["status", "--json", "--hub", hub], data);
    assert!(out.status.success(), "the database opens after a kill: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}"))
}

/// Starts `baeum-kiosk sync` and kills it with SIGKILL after `after`.
fn sync_and_kill(data: &std::path::Path, hub: &str, after: Duration) {
    let mut child = Command::new(binary("baeum-kiosk"))
        .args(["sync", "--hub", hub, "--data-dir"])
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    std::thread::sleep(after);
    let _ = child.kill(); // SIGKILL on Unix
    let _ = child.wait();
}

fn verify(data: &std::path::Path, hub: &str) -> serde_json::Value {
    let out = kiosk(&["verify", "--hub", hub], data);
    serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)))
}

#[test]
fn kill_9_during_snapshot_and_changes_never_corrupts_the_catalog() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    seed(&db, &["--synthetic", "6000", "--date", "2026-11-26"]);
    let hub = HubProcess::start(&db);
    let data = dir.path().join("kiosk");
    hub.provision(&data);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
    let total = hub.get_json("/health")["courses"].as_u64().unwrap_or_default();

    // Kills while the snapshot downloads: the live catalog is empty or whole, never partial.
    for _ in 0..5 {
        sync_and_kill(&data, &hub.url, Duration::from_millis(rng.random_range(50..1_500)));
        let s = status(&data, &hub.url);
        let courses = s["courses"].as_u64().unwrap_or(u64::MAX);
        assert!(courses == 0 || courses == total, "partial catalog after kill: {courses} of {total}");
    }
    let out = kiosk(&["sync", "--hub", &hub.url], &data);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(verify(&data, &hub.url)["equal"], true);

    // Every course changes on the hub; kills while the pages of changes are applied.
    seed(&db, &["--synthetic", "6000", "--date", "2026-11-27"]);
    let head = hub.get_json("/health")["cursor"].as_u64().unwrap_or_default();
    for _ in 0..5 {
        sync_and_kill(&data, &hub.url, Duration::from_millis(rng.random_range(50..1_500)));
        let s = status(&data, &hub.url);
        assert!(s["cursor"].as_u64().unwrap_or(u64::MAX) <= head, "cursor ahead of the hub: {s}");
        assert_eq!(s["courses"].as_u64(), Some(total), "changes never remove the catalog");
    }
    let out = kiosk(&["sync", "--hub", &hub.url], &data);
    assert!(out.status.success(), "{}", stderr(&out));
    // Had a cursor ever moved past rows it covers, those changes would be missing now.
    let v = verify(&data, &hub.url);
    assert_eq!(v["equal"], true, "{v}");
    assert_eq!(v["local_cursor"], v["hub_cursor"]);
}
