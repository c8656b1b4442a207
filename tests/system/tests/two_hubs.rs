//! Two `baeum-hub` processes on one PostgreSQL database, kiosks spread over them: the 09:00 rush
//! gives exactly the course's seats, the waitlist is 1, 2, 3… without a hole or a repeat, a tap
//! retried after a time-out is applied once, both hubs tell every kiosk the same thing, the
//! change log never skips a change while a feed import lands, and certificate serials stay unique.
//!
//! It needs the throw-away PostgreSQL `make test` starts (`scripts/with-postgres.sh`): under it
//! `--db FILE` names one PostgreSQL database per path, so both processes serve the same one.
//! `make test` runs it with `--include-ignored`.

use std::time::Duration;

use baeum_system_tests::HubProcess;
use baeum_test_support::rush;

fn require_postgres() {
    assert!(
        std::env::var("BAEUM_TEST_POSTGRES").is_ok_and(|s| !s.is_empty()),
        "this test needs PostgreSQL: run it as make test does, under scripts/with-postgres.sh"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL; make test runs it under scripts/with-postgres.sh with --include-ignored"]
async fn two_hubs_on_one_database_give_each_seat_once_and_the_waitlist_in_arrival_order() {
    require_postgres();
    let dir = tempfile::tempdir().unwrap();
    let a = HubProcess::start_demo(dir.path());
    let b = HubProcess::start(&a.db);
    assert_ne!(a.url, b.url);
    let (course, capacity) = a.open_first_come_course(10, true);

    // 24 kiosks, half on each hub, 8 walk-ins each: 192 applications for `capacity` seats.
    let hubs = vec![a.url.clone(), b.url.clone()];
    let invite = || a.invite();
    let mut fleet = rush::prepare(&hubs, &invite, 24, 8, "two").await;
    let report = rush::rush(&mut fleet, &course, Some(3)).await;
    assert_eq!(report.errors, Vec::<String>::new());
    let applicants = 24 * 8;
    assert_eq!(report.answers.len(), applicants, "every tap answered");
    assert!(report.retried >= 24, "taps were retried: {}", report.retried);
    assert_eq!(report.confirmed(), capacity as usize, "exactly the seats, never more");
    let waiting = (applicants - capacity as usize) as u64;
    assert_eq!(report.positions(), (1..=waiting).collect::<Vec<_>>(), "waitlist 1..n in arrival order");

    // What the hubs hold agrees with what they answered, asked through either hub.
    let held = rush::statuses(&fleet, &course).await;
    assert_eq!(held.len(), applicants, "one enrollment per applicant, none applied twice");
    for kiosk in &fleet {
        for learner in &kiosk.learners {
            let answered = &report.answers[learner];
            let status = &held[learner];
            match answered["outcome"].as_str() {
                Some("confirmed") => assert_eq!(status["status"], "confirmed", "{learner}"),
                _ => assert_eq!(status["position"], answered["position"], "{learner}: {status} vs {answered}"),
            }
        }
    }

    // A retried batch sent to the other hub gets the stored outcomes, and changes nothing.
    let kiosk = &fleet[0];
    let other = if kiosk.hub == a.url { &b.url } else { &a.url };
    let replay = serde_json::json!({"intents": [{"seq": 9, "op_id": format!("op-apply-0-0-{}", kiosk.learners[0]),
        "body": {"service": "enrollment", "type": "apply", "learner_id": kiosk.learners[0], "course_id": course}}]});
    let again: serde_json::Value = reqwest::Client::new()
        .post(format!("{other}/v1/intents"))
        .bearer_auth(&kiosk.credential)
        .json(&replay)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["results"][0]["outcome"], report.answers[&kiosk.learners[0]], "{again}");
    assert_eq!(rush::statuses(&fleet, &course).await, held);
}

/// Kiosks page changes through both hubs while a feed import lands through the CLI: each ends
/// with the hub's checksum, so no change committed late was skipped by a cursor.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL; make test runs it under scripts/with-postgres.sh with --include-ignored"]
async fn kiosks_following_either_hub_miss_no_change_while_an_import_lands() {
    require_postgres();
    let dir = tempfile::tempdir().unwrap();
    let a = HubProcess::start_demo(dir.path());
    let b = HubProcess::start(&a.db);
    let mut kiosks = Vec::new();
    for (k, hub) in [&a, &b, &a, &b].iter().enumerate() {
        let data = dir.path().join(format!("kiosk-{k}"));
        let client = baeum_kiosk::HubClient::with_timeout(
            baeum_kiosk::HubUrl::parse(&hub.url).unwrap(),
            Duration::from_secs(10),
        )
        .unwrap();
        let kiosk = baeum_kiosk::Kiosk::open_with_client(
            &baeum_kiosk::DataDir::new(&data),
            client,
            std::sync::Arc::new(baeum_domain::SystemClock),
        )
        .unwrap();
        kiosk.provision(&hub.invite()).await.unwrap();
        kiosk.sync_now().await.unwrap();
        kiosks.push(std::sync::Arc::new(kiosk));
    }

    // The demo catalog re-dated three times (every course's dates change each time) lands
    // through the CLI on hub a's database while the kiosks keep syncing from both hubs.
    let syncing = {
        let kiosks = kiosks.clone();
        tokio::spawn(async move {
            for _ in 0..30 {
                for k in &kiosks {
                    k.sync_now().await.unwrap();
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let before = a.get_json("/v1/catalog/checksum");
    for day in ["2026-12-09", "2026-12-11", "2026-12-14"] {
        baeum_system_tests::seed(&a.db, &["--demo", "--date", day]);
    }
    syncing.await.unwrap();
    let want = a.get_json("/v1/catalog/checksum");
    assert_ne!(want["sha256"], before["sha256"], "the imports changed the catalog");
    assert!(want["cursor"].as_u64() > before["cursor"].as_u64(), "{before} → {want}");
    assert_eq!(b.get_json("/v1/catalog/checksum"), want, "both hubs hold one catalog");
    for (k, kiosk) in kiosks.iter().enumerate() {
        kiosk.sync_now().await.unwrap();
        let (records, sha256) = kiosk.catalog_checksum().unwrap();
        assert_eq!(
            (records, sha256.as_str()),
            (want["records"].as_u64().unwrap(), want["sha256"].as_str().unwrap()),
            "kiosk {k}"
        );
    }
}

/// A city moves from its SQLite hub to PostgreSQL with `baeum-hub migrate-to`: the kiosk's
/// credential, its learners' PINs (the pepper moved with them), their seats and waitlist places,
/// and the stored outcomes all answer the same from the new hub.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL; make test runs it under scripts/with-postgres.sh with --include-ignored"]
async fn a_city_moves_from_sqlite_to_postgresql_and_its_kiosks_carry_on() {
    require_postgres();
    let server = std::env::var("BAEUM_TEST_POSTGRES").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    baeum_test_support::seed_sqlite(&db, &["--demo"]);
    let old = HubProcess::start_sqlite(&db);
    let (course, capacity) = old.open_first_come_course(5, true);
    let invite = || old.invite();
    let mut fleet = rush::prepare(std::slice::from_ref(&old.url), &invite, 1, capacity as usize + 2, "move").await;
    let report = rush::rush(&mut fleet, &course, None).await;
    assert_eq!(report.positions(), vec![1, 2]);
    let before = rush::statuses(&fleet, &course).await;
    drop(old);

    let url = baeum_hub::store::postgres::create_database(&server, "baeum_moved_city").unwrap();
    let out = std::process::Command::new(baeum_system_tests::binary("baeum-hub"))
        .args(["migrate-to", "--db", &url, "--from"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("kiosk_intents\t") && said.contains("옮겼습니다"), "{said}");

    let new = HubProcess::start(std::path::Path::new(&url));
    for kiosk in &mut fleet {
        kiosk.hub = new.url.clone();
    }
    assert_eq!(rush::statuses(&fleet, &course).await, before, "seats and places as they were");
    // Her PIN still opens her records: the pepper came with the database.
    let found = reqwest::Client::new()
        .post(format!("{}/v1/learners/find", new.url))
        .bearer_auth(&fleet[0].credential)
        .json(&serde_json::json!({"mobile": "010-1000-0000", "birth_date": "1955-03-01", "pin": "4821"}))
        .send()
        .await
        .unwrap();
    let status = found.status();
    let body: serde_json::Value = found.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body["session"]["token"].is_string(), "{body}");
    // Moving again into a database that holds a city is refused.
    let again = std::process::Command::new(baeum_system_tests::binary("baeum-hub"))
        .args(["migrate-to", "--db", &url, "--from"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("비어 있지 않습니다"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}
