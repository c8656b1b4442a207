//! The hub's HTTP API on a real loopback socket: the documented contract, paging of changes,
//! re-snapshot answers and idempotent re-seeding.

use std::path::Path;

use baeum_domain::kst;
use baeum_domain::protocol::{ApiError, CatalogChanges, CatalogSnapshot, Health};
use baeum_hub::api::ApiDoc;
use baeum_hub::store;
use baeum_hub::store::catalog;
use baeum_test_support::in_process::{Hub, seed_demo};
use baeum_test_support::{demo_clock_at, demo_date};
use chrono::TimeZone;
use utoipa::OpenApi;

/// The hub's server on a free loopback port at 14:00 on the demo day.
async fn start(db: &Path) -> Hub {
    Hub::start_on_loopback(db, demo_clock_at(14, 0)).await
}

async fn get(client: &reqwest::Client, url: String) -> (u16, String) {
    let response = client.get(url).send().await.unwrap_or_else(|e| panic!("{e}"));
    (response.status().as_u16(), response.text().await.unwrap_or_default())
}

/// A message for people: Korean, without a library's English (axum's, serde's, SQLite's).
fn assert_korean(message: &str) {
    assert!(message.chars().any(|c| ('가'..='힣').contains(&c)), "{message}");
    assert_eq!(baeum_domain::error_code::foreign_words(message), Vec::<&str>::new(), "{message}");
}

fn parse<T: serde::de::DeserializeOwned>(body: &str) -> T {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {}", &body[..body.len().min(300)]))
}

#[test]
fn the_openapi_file_in_the_repo_matches_the_code() {
    let generated = ApiDoc::openapi().to_pretty_json().unwrap_or_default() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var_os("BAEUM_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("{e}"));
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "crates/hub/openapi.json is out of date: run `BAEUM_UPDATE_OPENAPI=1 cargo test -p baeum-hub --test api` and commit it"
    );
}

#[tokio::test]
async fn every_documented_path_is_served() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    seed_demo(&db);
    let hub = start(&db).await;
    let client = hub.kiosk_client("k-test").await;
    let addr = hub.addr;
    let (_, health) = get(&client, format!("http://{addr}/health")).await;
    let health: Health = parse(&health);
    let doc = ApiDoc::openapi();
    assert_eq!(doc.paths.paths.len(), 30);
    for (path, item) in &doc.paths.paths {
        if item.get.is_some() {
            let url = format!("http://{addr}{}?epoch={}&after=0", path.replace("{programme}", "gm-2026"), health.epoch);
            let (status, body) = get(&client, url).await;
            // No subsidy selection was run in this hub: the one GET that answers "not found".
            let expected = if path.contains("{programme}") { 404 } else { 200 };
            assert_eq!(status, expected, "{path}: {body}");
        }
        if item.post.is_some() {
            // Each POST with the smallest valid body; finding a learner who does not exist is a 404.
            let (body, expected) = match path.as_str() {
                "/v1/intents" => (serde_json::json!({"intents": []}), 200),
                "/v1/enrollments/lookup" => (serde_json::json!({"learner_ids": []}), 200),
                "/v1/subsidy/lookup" => (serde_json::json!({"learner_ids": []}), 200),
                "/v1/rooms/bookings/lookup" => (serde_json::json!({"learner_ids": []}), 200),
                "/v1/clubs/lookup" => (serde_json::json!({"learner_ids": []}), 200),
                "/v1/learners/find" => {
                    (serde_json::json!({"mobile": "010-1234-5678", "birth_date": "1950-01-01", "pin": "4821"}), 404)
                }
                // A learner's records need her session: without one, 401 before the body is read.
                "/v1/certificates" => (serde_json::json!({"learner_id": "l-nobody", "course_id": "nothing"}), 401),
                "/v1/certificates/history" => (serde_json::json!({"learner_id": "l-nobody"}), 401),
                "/v1/live/mine" => (serde_json::json!({"learner_id": "l-nobody"}), 401),
                // Staff lists need a staff session: without one, 401 too.
                "/v1/certificates/class" => (serde_json::json!({"course_id": "nothing"}), 401),
                "/v1/courses/roster" => (serde_json::json!({"course_id": "nothing"}), 401),
                // A staff number nobody has: the one refusal every failed sign-in gets.
                "/v1/staff/sessions" => (serde_json::json!({"staff_number": "4321", "pin": "135792"}), 401),
                "/v1/kiosks/keys" => (
                    serde_json::json!({"public_key": baeum_domain::certificate::public_key_b64(
                        &ed25519_dalek::SigningKey::from_bytes(&[3; 32]).verifying_key()
                    )}),
                    200,
                ),
                "/v1/kiosks/heartbeat" => (
                    serde_json::json!({"version": "0.1.0", "interval_secs": 180, "uptime_secs": 5, "outbox": 0,
                        "since_last_sync_secs": null, "catalog_behind": 0, "printer": "not_configured", "free_disk_mb": 9000,
                        "device_key": "none", "status": "ok"}),
                    200,
                ),
                // An invite nobody issued: refused, and the one code a stranger gets back.
                "/v1/kiosks/provision" => (
                    serde_json::json!({"code": "AAAA-BBBB-CCCC", "kiosk_id": "k-new", "public_key": baeum_domain::certificate::public_key_b64(
                        &ed25519_dalek::SigningKey::from_bytes(&[4; 32]).verifying_key()
                    )}),
                    403,
                ),
                other => panic!("no probe for POST {other}"),
            };
            let res = client.post(format!("http://{addr}{path}")).json(&body).send().await.unwrap();
            assert_eq!(res.status().as_u16(), expected, "{path}");
            if expected == 401 {
                let refusal: ApiError = parse(&res.text().await.unwrap_or_default());
                let code = if path == "/v1/staff/sessions" { "staff_sign_in_failed" } else { "session_required" };
                assert_eq!(refusal.code, code, "{path}");
                assert_korean(&refusal.message);
                continue;
            }
            let garbage = client
                .post(format!("http://{addr}{path}"))
                .header("content-type", "application/json")
                .body("{not json")
                .send()
                .await
                .unwrap();
            assert_eq!(garbage.status().as_u16(), 400, "{path} refuses garbage with bad_request");
            let refusal: ApiError = parse(&garbage.text().await.unwrap_or_default());
            assert_eq!(refusal.code, "bad_request");
            assert_korean(&refusal.message);
        }
    }
    // Ending a session that does not exist is not an error (the kiosk ends them when it wipes).
    let ended = client.delete(format!("http://{addr}/v1/sessions")).send().await.unwrap();
    assert_eq!(ended.status().as_u16(), 204);
    let (status, served) = get(&client, format!("http://{addr}/openapi.json")).await;
    assert_eq!(status, 200);
    let served: serde_json::Value = parse(&served);
    assert_eq!(served["info"]["title"], "Baeum hub API");
}

#[tokio::test]
async fn changes_come_in_pages_that_add_up_to_the_snapshot() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let batch = seed_demo(&db);
    let hub = start(&db).await;
    let client = hub.kiosk_client("k-test").await;
    let addr = hub.addr;
    let (_, body) = get(&client, format!("http://{addr}/v1/catalog/snapshot")).await;
    let snapshot: CatalogSnapshot = parse(&body);
    assert_eq!(snapshot.courses.len(), batch.courses.len());
    assert_eq!(snapshot.cursor as usize, batch.institutions.len() + batch.places.len() + batch.courses.len());

    let (mut cursor, mut seen, mut pages) = (0, 0, 0);
    loop {
        let (status, body) =
            get(&client, format!("http://{addr}/v1/catalog/changes?epoch={}&after={cursor}&limit=100", snapshot.epoch))
                .await;
        assert_eq!(status, 200, "{body}");
        let page: CatalogChanges = parse(&body);
        assert!(page.changes.len() <= 100);
        seen += page.changes.len();
        cursor = page.cursor;
        pages += 1;
        if !page.has_more {
            break;
        }
    }
    assert_eq!((seen as u64, cursor), (snapshot.cursor, snapshot.cursor));
    assert_eq!(pages, (snapshot.cursor as usize).div_ceil(100));
}

#[tokio::test]
async fn a_cursor_from_another_history_or_ahead_of_the_hub_gets_resnapshot_required() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    seed_demo(&db);
    let hub = start(&db).await;
    let client = hub.kiosk_client("k-test").await;
    let addr = hub.addr;
    let (_, body) = get(&client, format!("http://{addr}/health")).await;
    let health: Health = parse(&body);
    for query in ["epoch=other&after=1".to_owned(), format!("epoch={}&after={}", health.epoch, health.cursor + 1)] {
        let (status, body) = get(&client, format!("http://{addr}/v1/catalog/changes?{query}")).await;
        let error: ApiError = parse(&body);
        assert_eq!((status, error.code.as_str()), (410, "resnapshot_required"), "{query}");
    }
    let (status, body) = get(&client, format!("http://{addr}/v1/catalog/changes?epoch=x&after=minus-one")).await;
    let error: ApiError = parse(&body);
    assert_eq!((status, error.code.as_str()), (400, "bad_request"));
}

#[test]
fn seeding_the_same_catalog_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let batch = seed_demo(&db);
    let mut conn = store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    let head = store::catalog_log::head(&conn).unwrap_or_default();
    let again = catalog::apply(&mut conn, &batch).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((again.added, again.updated), (0, 0));
    assert_eq!(
        again.unchanged,
        batch.institutions.len() + batch.places.len() + batch.courses.len() + batch.videos.len()
    );
    assert_eq!(store::catalog_log::head(&conn).unwrap_or_default(), head);
}

#[test]
fn a_course_pointing_at_a_missing_place_aborts_the_whole_batch() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let mut batch = baeum_hub::demo::demo_catalog(demo_date()).unwrap_or_else(|e| panic!("{e}"));
    let last = batch.courses.len() - 1;
    batch.courses[last].place_id = baeum_domain::PlaceId::parse("nowhere").ok();
    let mut conn = store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    let err = catalog::apply(&mut conn, &batch).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("없는 장소") && err.contains("nowhere"), "{err}");
    assert_eq!(store::courses::count(&conn).unwrap_or(99), 0, "nothing half-applied");
    assert_eq!(store::catalog_log::head(&conn).unwrap_or(99), 0);
}

#[tokio::test]
async fn snapshot_chunks_cover_the_catalog_once_with_valid_checksums() {
    use baeum_domain::protocol::{CatalogChange, CatalogChecksum, CatalogDigest, read_snapshot_chunk};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let batch = seed_demo(&db);
    let hub = start(&db).await;
    let client = hub.kiosk_client("k-test").await;
    let addr = hub.addr;
    let mut after: Option<String> = None;
    let mut digest = CatalogDigest::default();
    let mut chunks = 0;
    loop {
        let url = match &after {
            None => format!("http://{addr}/v1/catalog/snapshot/chunks?limit=50"),
            Some(key) => format!("http://{addr}/v1/catalog/snapshot/chunks?limit=50&after={key}"),
        };
        let (status, body) = get(&client, url).await;
        assert_eq!(status, 200, "{body}");
        // Checksum and line framing checked by the kiosk's reader; every line is a whole change.
        let chunk = read_snapshot_chunk(&body).unwrap_or_else(|e| panic!("{e}"));
        assert!(chunk.records.len() <= 50);
        for line in body.lines().skip(1) {
            digest.add(&parse::<CatalogChange>(line));
        }
        assert_eq!(body.lines().count(), chunk.records.len() + 1);
        chunks += 1;
        match chunk.header.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let total = batch.institutions.len() + batch.places.len() + batch.courses.len();
    assert_eq!(digest.records as usize, total);
    assert_eq!(chunks, total.div_ceil(50) + usize::from(total.is_multiple_of(50)));
    let (_, body) = get(&client, format!("http://{addr}/v1/catalog/checksum")).await;
    let whole: CatalogChecksum = parse(&body);
    assert_eq!((whole.records as usize, whole.sha256), (total, digest.finish()));
}

#[tokio::test]
async fn a_learner_pays_on_the_phone_page_once_and_the_seat_is_confirmed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let batch = seed_demo(&db);
    let hub = start(&db).await;
    let client = hub.kiosk_client("k-test").await;
    let addr = hub.addr;
    let at = kst().with_ymd_and_hms(2026, 11, 26, 14, 0, 0).single().map(|t| t.to_utc()).unwrap_or_default();
    let course = batch
        .courses
        .iter()
        .find(|c| {
            c.phase_at(at) == baeum_domain::ApplicationPhase::Open
                && c.selection == baeum_domain::Selection::FirstCome
                && c.fee.0 > 0
        })
        .unwrap_or_else(|| panic!("an open paid course"));
    let learner = serde_json::json!({
        "id": "l-phone", "name": "오배움", "birth_date": "1980-02-02", "mobile": "01077778888", "resident": true,
        "consents": [{"purpose": "course_administration", "agreed": true, "notice_version": 1},
                     {"purpose": "course_news", "agreed": false, "notice_version": 1}],
        "identity": "self_declared", "pin_hash": "s$h", "registered_on": "2026-11-26"
    });
    let batch_json = serde_json::json!({"intents": [
        {"seq": 1, "op_id": "op-phone-1", "body": {"service": "learner", "type": "register_learner", "learner": learner}},
        {"seq": 2, "op_id": "op-phone-2", "body": {"service": "enrollment", "type": "apply", "learner_id": "l-phone", "course_id": course.id}}
    ]});
    let answer: serde_json::Value = client
        .post(format!("http://{addr}/v1/intents"))
        .json(&batch_json)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer["results"][1]["outcome"]["outcome"], "confirmed", "{answer}");

    let (status, page) = get(&client, format!("http://{addr}/pay/op-phone-2")).await;
    assert_eq!(status, 200);
    let owed = baeum_domain::Won(course.fee.0 + course.materials_fee.0);
    assert!(page.contains("테스트 결제") && page.contains(&owed.to_string()), "{page}");
    assert!(page.contains("오*움") && !page.contains("오배움"), "the name is masked");
    let pay = |_: ()| client.post(format!("http://{addr}/pay/op-phone-2")).send();
    let paid = pay(()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(paid.status().as_u16(), 200);
    assert!(paid.text().await.unwrap_or_default().contains("결제가 완료되었습니다"));
    let again = pay(()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status().as_u16(), 409, "a second tap never charges twice");
    let (status, _) = get(&client, format!("http://{addr}/pay/not-an-op")).await;
    assert_eq!(status, 404);

    let list: serde_json::Value = client
        .post(format!("http://{addr}/v1/enrollments/lookup"))
        .json(&serde_json::json!({"learner_ids": ["l-phone"]}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let e = &list["enrollments"][0];
    assert_eq!(e["status"]["status"], "confirmed");
    assert_eq!(e["paid"], serde_json::json!(course.fee.0 + course.materials_fee.0));
}

/// A body of the wrong shape, a bad query and a body over the limit: each gets its own status and
/// a Korean message; axum's English explanation stays in the hub's log.
#[tokio::test]
async fn unreadable_requests_are_refused_in_korean_with_the_right_status() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    seed_demo(&db);
    let hub = start(&db).await;
    let client = hub.kiosk_client("k-test").await;
    let addr = hub.addr;
    let refusal = |res: reqwest::Response| async move {
        let status = res.status().as_u16();
        let body: ApiError = parse(&res.text().await.unwrap_or_default());
        (status, body)
    };

    let wrong_shape = client.post(format!("http://{addr}/v1/intents")).json(&serde_json::json!({"kiosk": 7})).send();
    let (status, body) = refusal(wrong_shape.await.unwrap_or_else(|e| panic!("{e}"))).await;
    assert_eq!((status, body.code.as_str()), (400, "bad_request"));
    assert_korean(&body.message);
    assert!(!body.message.contains("kiosk_id") && !body.message.contains("missing field"), "{}", body.message);

    let not_json = client.post(format!("http://{addr}/v1/learners/find")).body("mobile=010").send();
    let (status, body) = refusal(not_json.await.unwrap_or_else(|e| panic!("{e}"))).await;
    assert_eq!(status, 400);
    assert!(body.message.contains("JSON 형식이 아닙니다"), "{}", body.message);

    let (status, body) = get(&client, format!("http://{addr}/v1/catalog/changes?epoch=x&after=minus-one")).await;
    let body: ApiError = parse(&body);
    assert_eq!((status, body.code.as_str()), (400, "bad_request"));
    assert_korean(&body.message);

    let huge = format!("{{\"intents\": [], \"pad\": \"{}\"}}", "가".repeat(1_500_000));
    let too_big =
        client.post(format!("http://{addr}/v1/intents")).header("content-type", "application/json").body(huge).send();
    // The pages a phone opens carry the headers such pages need; the API answers do not need them.
    for path in ["/verify", "/verify/AAAAA-BBBBB", "/pay/nothing"] {
        let res = client.get(format!("http://{addr}{path}")).send().await.unwrap_or_else(|e| panic!("{e}"));
        let header = |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(header("content-security-policy").contains("default-src 'none'"), "{path}");
        assert!(header("content-security-policy").contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("cache-control"), "no-store", "{path}");
    }

    // The pages a phone opens from a QR code answer a mangled address in Korean HTML.
    for path in ["/verify/%FF", "/verify?code=a&code=b", "/pay/%FF"] {
        let (status, page) = get(&client, format!("http://{addr}{path}")).await;
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(page.starts_with("<!doctype html>") && page.contains("lang=\"ko\""), "{path}: {page}");
        let body = page.rsplit("</style>").next().unwrap_or_default();
        let text: String = body.split('<').filter_map(|t| t.split_once('>').map(|(_, rest)| rest)).collect();
        assert_eq!(baeum_domain::error_code::foreign_words(&text), Vec::<&str>::new(), "{path}: {text}");
    }
    let (status, body) = get(&client, format!("http://{addr}/v1/certificates/verify/%FF")).await;
    let body: ApiError = parse(&body);
    assert_eq!((status, body.code.as_str()), (400, "bad_request"));
    assert_korean(&body.message);

    // The hub answers before the client has sent it all and closes the connection, so only the
    // status is sure to arrive here; the message is checked in `api::tests`.
    let res = too_big.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 413);

    // A lookup of one learner needs a few hundred bytes: 20 KB is refused there, though the same
    // size is fine as an outbox batch.
    let padded = |pad: usize| {
        format!(
            "{{\"mobile\": \"01012345678\", \"birth_date\": \"1950-01-01\", \"pin\": \"1234\", \"pad\": \"{}\"}}",
            "x".repeat(pad)
        )
    };
    let res = client
        .post(format!("http://{addr}/v1/learners/find"))
        .header("content-type", "application/json")
        .body(padded(20_000))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 413);
    let batch = format!("{{\"intents\": [], \"pad\": \"{}\"}}", "x".repeat(20_000));
    let res = client
        .post(format!("http://{addr}/v1/intents"))
        .header("content-type", "application/json")
        .body(batch)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(res.status().as_u16(), 413);
}

/// Every operation the document says needs the device credential refuses a call without one,
/// with one of the wrong shape and with a well-formed one the hub never issued: `401
/// device_unregistered` in Korean with a Bearer challenge. The public ones answer anyone.
#[tokio::test]
async fn every_kiosk_operation_refuses_a_caller_without_a_credential_the_hub_issued() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    seed_demo(&db);
    let hub = start(&db).await;
    let addr = hub.addr;
    let stranger = reqwest::Client::new();
    let forged = baeum_domain::device::DeviceCredential::from_random([7; 32]);
    let doc = ApiDoc::openapi();
    let mut guarded = 0;
    for (path, item) in &doc.paths.paths {
        for (method, operation) in [("GET", &item.get), ("POST", &item.post), ("DELETE", &item.delete)] {
            let Some(operation) = operation else { continue };
            let url = format!(
                "http://{addr}{}?epoch=x&after=0",
                path.replace("{code}", "GM-2026-000001").replace("{programme}", "gm-2026")
            );
            for credential in [None, Some("bk1_short"), Some(forged.expose())] {
                let mut request = match method {
                    "GET" => stranger.get(&url),
                    "DELETE" => stranger.delete(&url),
                    _ => stranger.post(&url).json(&serde_json::json!({})),
                };
                if let Some(c) = credential {
                    request = request.bearer_auth(c);
                }
                let res = request.send().await.unwrap_or_else(|e| panic!("{e}"));
                let status = res.status().as_u16();
                if operation.security.is_none() {
                    assert_ne!(status, 401, "{method} {path} is public");
                    continue;
                }
                let challenge = res.headers().get("www-authenticate").and_then(|v| v.to_str().ok()).map(str::to_owned);
                let body: ApiError = parse(&res.text().await.unwrap_or_default());
                assert_eq!(
                    (status, body.code.as_str()),
                    (401, "device_unregistered"),
                    "{method} {path} {credential:?}"
                );
                assert_eq!(challenge.as_deref(), Some("Bearer realm=\"baeum-hub\""), "{method} {path}");
                assert_korean(&body.message.replace("baeum-kiosk provision --code", ""));
                guarded += 1;
            }
        }
    }
    // 25 kiosk operations (GET, POST and DELETE), three callers each; the five public ones answered anyone.
    assert_eq!(guarded, 25 * 3);
}

/// A learner's session answers for her, at the kiosk it was opened at, until it ends: another
/// kiosk presenting it, the same kiosk asking for someone else, and the same token after 마치기
/// are all refused; staff lists need a staff session, not hers.
#[tokio::test]
async fn a_learner_session_is_hers_at_her_kiosk_only() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    seed_demo(&db);
    let hub = start(&db).await;
    let addr = hub.addr;
    let (here, elsewhere) = (hub.kiosk_client("k-here").await, hub.kiosk_client("k-elsewhere").await);
    let pin = baeum_domain::learner::Pin::parse("4821").unwrap_or_else(|e| panic!("{e}"));
    let learner = serde_json::json!({
        "id": "l-session", "name": "홍배움", "birth_date": "1950-05-05", "mobile": "01012120000", "resident": true,
        "consents": [{"purpose": "course_administration", "agreed": true, "notice_version": 1},
                     {"purpose": "course_news", "agreed": false, "notice_version": 1}],
        "identity": "self_declared", "pin_hash": baeum_domain::learner::pin_hash(&pin, "0a1b2c3d"),
        "registered_on": "2026-11-26"
    });
    let batch = serde_json::json!({"intents": [
        {"seq": 1, "op_id": "op-session-1", "body": {"service": "learner", "type": "register_learner", "learner": learner}}
    ]});
    let res =
        here.post(format!("http://{addr}/v1/intents")).json(&batch).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 200);
    let find = serde_json::json!({"mobile": "010-1212-0000", "birth_date": "1950-05-05", "pin": "4821"});
    let found: serde_json::Value = here
        .post(format!("http://{addr}/v1/learners/find"))
        .json(&find)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let token = found["session"]["token"].as_str().unwrap_or_else(|| panic!("a session: {found}")).to_owned();
    let history = |client: &reqwest::Client, learner: &str, token: &str| {
        client
            .post(format!("http://{addr}/v1/certificates/history"))
            .header("baeum-session", token)
            .json(&serde_json::json!({ "learner_id": learner }))
            .send()
    };
    let code = |res: reqwest::Response| async move {
        let status = res.status().as_u16();
        let body: ApiError = parse(&res.text().await.unwrap_or_default());
        (status, body.code)
    };
    let ok = history(&here, "l-session", &token).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.status().as_u16(), 200);
    let other_kiosk = history(&elsewhere, "l-session", &token).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(code(other_kiosk).await, (401, "session_required".to_owned()));
    let someone_else = history(&here, "l-someone-else", &token).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(code(someone_else).await, (403, "session_forbidden".to_owned()));
    let roster = here
        .post(format!("http://{addr}/v1/courses/roster"))
        .header("baeum-session", &token)
        .json(&serde_json::json!({ "course_id": "anything" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(code(roster).await, (403, "staff_required".to_owned()));
    // Another kiosk cannot end it either; her own kiosk can.
    let ended_elsewhere =
        elsewhere.delete(format!("http://{addr}/v1/sessions")).header("baeum-session", &token).send().await;
    assert_eq!(ended_elsewhere.map(|r| r.status().as_u16()).unwrap_or_default(), 204);
    assert_eq!(history(&here, "l-session", &token).await.map(|r| r.status().as_u16()).unwrap_or_default(), 200);
    let ended = here.delete(format!("http://{addr}/v1/sessions")).header("baeum-session", &token).send().await;
    assert_eq!(ended.map(|r| r.status().as_u16()).unwrap_or_default(), 204);
    let after = history(&here, "l-session", &token).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(code(after).await, (401, "session_required".to_owned()));
}
