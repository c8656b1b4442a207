//! A kiosk and a hub upgraded from the protocol-2 release (fixtures made by it, see
//! `fixtures/protocol2/README.md`): the hub still replays the outcomes it stored, and the kiosk
//! uploads every intent still waiting in its outbox exactly once — including the two whose answers
//! were lost before the upgrade, which the hub must replay, not refuse as conflicts or apply again.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use baeum_domain::Clock;
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk};
use baeum_system_tests::HubProcess;
use serde_json::Value;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/protocol2").join(name)
}

/// An outcome as protocol 2 wrote it: the same JSON without the service tag.
fn without_service(outcome: &Value) -> Value {
    let mut o = outcome.clone();
    if let Some(map) = o.as_object_mut() {
        map.remove("service");
    }
    o
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upgraded_kiosk_uploads_each_waiting_intent_once_and_the_upgraded_hub_replays_what_it_stored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("kiosk");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(fixture("kiosk.db"), data.join("kiosk.db")).unwrap();
    std::fs::copy(fixture("hub.db"), dir.path().join("hub.db")).unwrap();
    let before: Value = serde_json::from_str(&std::fs::read_to_string(fixture("hub-outcomes.json")).unwrap()).unwrap();
    let kiosk_id: String = rusqlite::Connection::open(data.join("kiosk.db"))
        .unwrap()
        .query_row("SELECT kiosk_id FROM kiosk_identity", [], |r| r.get(0))
        .unwrap();

    // The upgraded kiosk: seq 1–2 answered, 3–7 waiting (3 and 4 already applied by the hub).
    let hub = HubProcess::start(&dir.path().join("hub.db"));
    let clock: Arc<dyn Clock> = Arc::new(baeum_domain::SystemClock);
    let client = HubClient::with_timeout(HubUrl::parse(&hub.url).unwrap(), Duration::from_secs(10)).unwrap();
    let kiosk = Kiosk::open_with_client(&DataDir::new(&data), client, clock).unwrap();
    // Opened by this release, the database from before encryption is encrypted in place.
    assert!(!baeum_kiosk::store::encryption::is_plaintext(&data.join("kiosk.db")));
    // It was installed before kiosks were provisioned: the hub has history under its id, so
    // only an invite naming that id lets it keep it (a stranger's invite could otherwise take
    // over its outbox).
    let refused = kiosk.provision(&hub.invite()).await.unwrap_err();
    assert!(
        matches!(&refused, baeum_kiosk::KioskError::HubRefused { code, .. } if code == "kiosk_id_taken"),
        "{refused:?}"
    );
    kiosk.provision(&hub.invite_with(&["--kiosk", &kiosk_id])).await.unwrap();
    let credential = baeum_system_tests::credential_of(&data, &kiosk_id);

    // The upgraded hub answers what it stored under protocol 2, now naming each service.
    let outcomes = |hub: &HubProcess| hub.get_json_as(&credential, "/v1/intents/outcomes?after=0");
    let stored = outcomes(&hub);
    assert_eq!(stored["applied_through"], 4, "{stored}");
    let stored_results = stored["results"].as_array().unwrap();
    let before_results = before["results"].as_array().unwrap();
    assert_eq!(stored_results.len(), 4);
    for (now, then) in stored_results.iter().zip(before_results) {
        assert_eq!((&now["seq"], &now["op_id"]), (&then["seq"], &then["op_id"]));
        assert_eq!(without_service(&now["outcome"]), then["outcome"], "seq {}", then["seq"]);
    }
    assert_eq!(stored_results[0]["outcome"]["service"], "learner");
    assert_eq!(stored_results[1]["outcome"]["service"], "enrollment");

    let counts = kiosk.outbox_counts().unwrap();
    assert_eq!((counts.pending, counts.answered, counts.answered_through), (5, 2, 2));

    let report = kiosk.upload_outbox().await.unwrap();
    assert_eq!((report.uploaded, report.answered, report.pending), (5, 5, 0), "{report:?}");

    // Each of the seven applied once: 3 and 4 replayed with the answers they had (the payment
    // deadline of seq 4 is the one decided before the upgrade, to the nanosecond), 5–7 new.
    let after = outcomes(&hub);
    assert_eq!(after["applied_through"], 7, "{after}");
    let results = after["results"].as_array().unwrap();
    let seqs: Vec<u64> = results.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=7).collect::<Vec<u64>>());
    for (now, then) in results.iter().zip(before_results) {
        assert_eq!(
            without_service(&now["outcome"]),
            then["outcome"],
            "seq {} is replayed, not decided again",
            then["seq"]
        );
    }
    for r in &results[4..] {
        assert!(r["outcome"]["outcome"].is_string(), "{r}");
    }
    // The desk payment (seq 5) and the attendance (seq 7) were recorded before kiosks carried a
    // staff member's stamp: the hub does not take staff actions nobody signed in for (README:
    // drain the kiosks' queues before upgrading). The cancellation (seq 6) is the learner's own.
    for seq in [5, 7] {
        assert_eq!(results[seq - 1]["outcome"]["reason"], "staff_required", "seq {seq}: {}", results[seq - 1]);
    }
    assert_eq!(results[5]["outcome"]["outcome"], "cancelled", "{}", results[5]);

    // The kiosk recorded the hub's answers: learner 2's application is the hub's, once.
    let learner_2 = kiosk
        .all_enrollments()
        .unwrap()
        .into_iter()
        .find(|e| e.apply_op.as_str() == results[3]["op_id"])
        .expect("learner 2's application is on the kiosk");
    assert!(learner_2.status.is_some(), "the hub's answer reached the row: {learner_2:?}");
    let on_hub = hub.post_json_as(
        &credential,
        "/v1/enrollments/lookup",
        &serde_json::json!({ "learner_ids": [learner_2.learner_id] }),
    );
    let rows = on_hub["enrollments"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "one application, not two: {on_hub}");
    assert_eq!(rows[0]["op_id"], results[3]["op_id"]);

    // Nothing is sent twice.
    let again = kiosk.upload_outbox().await.unwrap();
    assert_eq!((again.uploaded, again.pending), (0, 0));
    assert_eq!(outcomes(&hub)["applied_through"], 7);
}
