//! The attacks from the trust issue, against the real hub process on loopback: each worked before
//! kiosks had credentials, and each must fail now. A caller with no credential, a forged one, a
//! revoked one or another kiosk's gets nothing of a kiosk's, and cannot jam its queue.

use baeum_system_tests::{HubProcess, credential_of, kiosk, stderr, stdout};
use serde_json::{Value, json};

/// Every per-device endpoint, with a body of the right shape where it takes one.
fn kiosk_endpoints() -> Vec<(&'static str, &'static str, Option<Value>)> {
    vec![
        ("GET", "/v1/catalog/snapshot", None),
        ("GET", "/v1/catalog/snapshot/chunks?limit=10", None),
        ("GET", "/v1/catalog/changes?epoch=x&after=0", None),
        ("GET", "/v1/catalog/checksum", None),
        ("GET", "/v1/intents/outcomes?after=0", None),
        ("GET", "/v1/seats", None),
        ("POST", "/v1/intents", Some(json!({"intents": []}))),
        ("POST", "/v1/enrollments/lookup", Some(json!({"learner_ids": ["l-1"]}))),
        (
            "POST",
            "/v1/learners/find",
            Some(json!({"mobile": "01012345678", "birth_date": "1950-01-01", "pin": "4821"})),
        ),
        ("POST", "/v1/certificates", Some(json!({"learner_id": "l-1", "course_id": "c-1"}))),
        ("POST", "/v1/certificates/history", Some(json!({"learner_id": "l-1"}))),
        ("POST", "/v1/certificates/class", Some(json!({"course_id": "c-1"}))),
        ("POST", "/v1/courses/roster", Some(json!({"course_id": "c-1"}))),
        ("POST", "/v1/kiosks/keys", Some(json!({"public_key": "AAAA"}))),
    ]
}

fn register(i: u32, learner: &str) -> Value {
    json!({"seq": i, "op_id": format!("op-{learner}-{i}"), "body": {"service": "learner", "type": "register_learner", "learner": {
        "id": learner, "name": "김배움", "birth_date": "1950-01-01", "mobile": format!("0101234{i:04}"), "resident": true,
        "consents": [{"purpose": "course_administration", "agreed": true, "notice_version": 1},
                     {"purpose": "course_news", "agreed": false, "notice_version": 1}],
        "identity": "self_declared", "pin_hash": "s$h", "registered_on": "2026-11-26"
    }}})
}

fn apply(seq: u32, learner: &str, course: &str) -> Value {
    json!({"seq": seq, "op_id": format!("op-{learner}-apply"), "body": {"service": "enrollment", "type": "apply", "learner_id": learner, "course_id": course}})
}

#[test]
fn no_credential_a_forged_one_or_a_revoked_one_gets_nothing_from_any_kiosk_endpoint() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hub = HubProcess::start_demo(dir.path());
    let (course, _) = hub.open_first_come_course(5, true);
    let forged = baeum_domain::device::DeviceCredential::from_random([1; 32]);
    let revoked = hub.device("k-stolen");
    let revoke = std::process::Command::new(baeum_system_tests::binary("baeum-hub"))
        .args(["kiosk", "--db"])
        .arg(&hub.db)
        .args(["revoke", "k-stolen", "--by", "관리자", "--reason", "도난"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(revoke.status.success(), "{}", stderr(&revoke));

    for (method, path, body) in kiosk_endpoints() {
        for (who, credential, status, code) in [
            ("nobody", None, 401, "device_unregistered"),
            ("forged", Some(forged.expose()), 401, "device_unregistered"),
            ("revoked", Some(revoked.as_str()), 403, "kiosk_revoked"),
        ] {
            let (got, answer) = hub.call(method, path, body.as_ref(), credential);
            assert_eq!((got, answer["code"].as_str()), (status, Some(code)), "{who}: {method} {path}: {answer}");
            let message = answer["message"].as_str().unwrap_or_default().replace("baeum-kiosk provision --code", "");
            assert_eq!(baeum_domain::error_code::foreign_words(&message), Vec::<&str>::new(), "{message}");
        }
    }
    // A made-up kiosk id in the body changes nothing: the batch is refused before it is read.
    let batch =
        json!({"kiosk_id": "k-made-up", "intents": [register(1, "l-intruder"), apply(2, "l-intruder", &course)]});
    assert_eq!(hub.call("POST", "/v1/intents", Some(&batch), None).0, 401);
    let seats = hub.get_json("/v1/seats");
    assert!(seats["seats"].as_array().is_some_and(|s| s.iter().all(|s| s["course_id"] != course.as_str())), "{seats}");
}

#[test]
fn a_kiosk_is_known_by_its_credential_so_another_cannot_read_its_outcomes_or_jam_its_queue() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hub = HubProcess::start_demo(dir.path());
    let (course, _) = hub.open_first_come_course(5, true);
    let hall = hub.device("k-hall");
    let intruder = hub.device("k-intruder");

    // The hall kiosk's first intent.
    let answer = hub.post_json_as(&hall, "/v1/intents", &json!({"intents": [register(1, "l-hall")]}));
    assert_eq!(answer["applied_through"], 1, "{answer}");

    // The intruder names the hall kiosk in the body and the query: both are ignored, and what it
    // sends is its own queue's. The hall kiosk's seq 2 is not taken.
    let jam =
        hub.post_json_as(&intruder, "/v1/intents", &json!({"kiosk_id": "k-hall", "intents": [register(2, "l-jam")]}));
    assert_eq!(jam["refused"]["code"], "sequence_gap", "seq 2 is a gap in the intruder's own queue: {jam}");
    let theirs = hub.get_json_as(&intruder, "/v1/intents/outcomes?kiosk_id=k-hall&after=0");
    assert_eq!((theirs["applied_through"].as_u64(), theirs["results"].as_array().map(Vec::len)), (Some(0), Some(0)));

    // The hall kiosk's genuine seq 2 applies, and its outcomes are its own.
    let genuine = hub.post_json_as(&hall, "/v1/intents", &json!({"intents": [apply(2, "l-hall", &course)]}));
    assert!(genuine["refused"].is_null(), "{genuine}");
    assert_eq!(genuine["results"][0]["outcome"]["outcome"], "confirmed", "{genuine}");
    let mine = hub.get_json_as(&hall, "/v1/intents/outcomes?after=0");
    assert_eq!(mine["applied_through"], 2);

    // The PIN verifier never leaves the hub: a learner found is sent without it.
    let pin = baeum_domain::learner::Pin::parse("4821").unwrap_or_else(|e| panic!("{e}"));
    let mut with_pin = register(3, "l-pin");
    with_pin["body"]["learner"]["pin_hash"] = json!(baeum_domain::learner::pin_hash(&pin, "0123456789abcdef"));
    let registered = hub.post_json_as(&hall, "/v1/intents", &json!({"intents": [with_pin]}));
    assert_eq!(registered["results"][0]["outcome"]["outcome"], "registered", "{registered}");
    let found = hub.post_json_as(
        &intruder,
        "/v1/learners/find",
        &json!({"mobile": "01012340003", "birth_date": "1950-01-01", "pin": "4821"}),
    );
    assert_eq!(found["learner"]["id"], "l-pin", "{found}");
    assert_eq!(found["learner"]["pin_hash"], baeum_domain::learner::PIN_WITHHELD);

    // A key the intruder registers is recorded under the intruder, never the hall kiosk.
    let key = ed25519_dalek::SigningKey::from_bytes(&[66; 32]);
    let public = baeum_domain::certificate::public_key_b64(&key.verifying_key());
    let status = hub.post_json_as(&intruder, "/v1/kiosks/keys", &json!({"kiosk_id": "k-hall", "public_key": public}));
    assert_eq!(status["endorsed"], false);
    let keys = std::process::Command::new(baeum_system_tests::binary("baeum-hub"))
        .args(["kiosk", "--db"])
        .arg(&hub.db)
        .arg("keys")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let keys: Value = serde_json::from_slice(&keys.stdout).unwrap_or_else(|e| panic!("{e}"));
    let owner =
        keys.as_array().and_then(|k| k.iter().find(|k| k["key_id"] == status["key_id"])).map(|k| k["kiosk_id"].clone());
    assert_eq!(owner, Some(json!("k-intruder")), "{keys}");
}

/// The real kiosk binary, provisioned with an invite and then revoked at the hub: its next sync
/// is refused, and staff read why in Korean, on the command line and in its status.
#[test]
fn a_revoked_kiosk_is_told_so_in_korean_and_keeps_what_it_holds() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hub = HubProcess::start_demo(dir.path());
    let data = dir.path().join("kiosk");
    hub.provision(&data);
    let synced = kiosk(&["sync", "--hub", &hub.url], &data);
    assert!(synced.status.success(), "{}", stderr(&synced));
    let status: Value = serde_json::from_str(&stdout(&kiosk(&["status", "--json"], &data))).unwrap_or_default();
    let kiosk_id = status["kiosk_id"].as_str().unwrap_or_default().to_owned();
    // The credential sits in the kiosk's secrets, not in its settings, nor in any row of its
    // database read decrypted (WAL included).
    let credential = credential_of(&data, &kiosk_id);
    let settings = std::fs::read_to_string(data.join("kiosk.json")).unwrap_or_default();
    assert!(!settings.contains(&credential));
    let conn = baeum_kiosk::DataDir::new(&data).open_database().unwrap_or_else(|e| panic!("{e}"));
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(tables.iter().any(|t| t == "outbox"), "{tables:?}");
    for table in &tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap_or_else(|e| panic!("{e}"));
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap_or_else(|e| panic!("{e}"));
        while let Some(row) = rows.next().unwrap_or_else(|e| panic!("{e}")) {
            for i in 0..columns {
                let bytes = match row.get_ref(i).unwrap_or_else(|e| panic!("{e}")) {
                    rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => b.to_vec(),
                    _ => continue,
                };
                assert!(!bytes.windows(credential.len()).any(|w| w == credential.as_bytes()), "{table} holds it");
            }
        }
    }
    drop(rows_done(conn));

    let revoke = std::process::Command::new(baeum_system_tests::binary("baeum-hub"))
        .args(["kiosk", "--db"])
        .arg(&hub.db)
        .args(["revoke", &kiosk_id, "--by", "관리자", "--reason", "분실"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(revoke.status.success(), "{}", stderr(&revoke));

    let refused = kiosk(&["sync"], &data);
    assert!(!refused.status.success());
    let line =
        stderr(&refused).lines().find(|l| l.starts_with("baeum-kiosk: [")).map(str::to_owned).unwrap_or_default();
    assert!(line.starts_with("baeum-kiosk: [kiosk_revoked] ") && line.contains("사용이 중지"), "{line}");
    let after: Value = serde_json::from_str(&stdout(&kiosk(&["status", "--json"], &data))).unwrap_or_default();
    assert_eq!(after["last_error"]["code"], "kiosk_revoked", "{after}");
    assert_eq!(after["courses"], status["courses"], "the catalog it holds stays");
    // Its credential is refused everywhere.
    assert_eq!(hub.call("GET", "/v1/seats", None, Some(&credential)).0, 403);
}

/// Closes a connection once its statements are done (they borrow it).
fn rows_done(conn: rusqlite::Connection) -> Result<(), rusqlite::Error> {
    conn.close().map_err(|(_, e)| e)
}
