//! A phone payment on a real loopback socket with a payment provider that takes its time: the
//! provider is called with no database lock held, so the hub keeps answering kiosks meanwhile, and
//! a second tap while the first is under way waits instead of charging twice.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use baeum_domain::Clock;
use baeum_domain::{FixedClock, Won};
use baeum_hub::api::{HubState, router};
use baeum_hub::arbitration;
use baeum_hub::payment::{PaymentError, PaymentProvider};
use baeum_hub::pins::{PinPepper, PreparedWraps};
use baeum_hub::store;
use baeum_test_support::demo_clock_at;
use baeum_test_support::in_process::seed_demo;

/// Charges only when the test says so, counting every charge.
#[derive(Debug)]
struct GatedProvider {
    entered: Mutex<mpsc::Sender<()>>,
    release: Mutex<mpsc::Receiver<()>>,
    charges: AtomicU32,
}

impl PaymentProvider for GatedProvider {
    fn label(&self) -> &str {
        "테스트 결제 (실제로 돈이 나가지 않습니다)"
    }

    fn is_test(&self) -> bool {
        true
    }

    fn charge(&self, reference: &str, _amount: Won) -> Result<String, PaymentError> {
        let _ = self.entered.lock().map(|tx| tx.send(()));
        let _ = self.release.lock().map(|rx| rx.recv_timeout(Duration::from_secs(20)));
        let n = self.charges.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(format!("GATED-{reference}-{n}"))
    }
}

/// A hub on a free loopback port with the demo catalog, at 14:00 on the demo day, taking phone
/// payments through `provider`, and one learner's application (op `op-phone-2`) waiting for
/// payment; and the credential of a lobby kiosk.
async fn hub_with(
    dir: &std::path::Path,
    provider: Arc<dyn PaymentProvider>,
) -> (std::net::SocketAddr, Arc<FixedClock>, String) {
    let db = dir.join("hub.db");
    let batch = seed_demo(&db);
    let mut conn = store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    let clock = demo_clock_at(14, 0);
    let at = clock.now();
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
    let intents = serde_json::from_value(serde_json::json!({"intents": [
        {"seq": 1, "op_id": "op-phone-1", "body": {"service": "learner", "type": "register_learner", "learner": learner}},
        {"seq": 2, "op_id": "op-phone-2", "body": {"service": "enrollment", "type": "apply", "learner_id": "l-phone", "course_id": course.id}}
    ]}))
    .unwrap_or_else(|e| panic!("{e}"));
    let kiosk = baeum_domain::KioskId::parse("k-phone").unwrap_or_else(|e| panic!("{e}"));
    arbitration::apply_batch(&mut conn, &kiosk, &intents, &PreparedWraps::none(&PinPepper::ephemeral()), at)
        .unwrap_or_else(|e| panic!("{e}"));

    // The lobby kiosk's credential, provisioned straight in the database.
    let code = baeum_domain::device::InviteCode::from_random([3; 12]);
    let institution = baeum_domain::InstitutionId::parse("gm-llc").unwrap_or_else(|e| panic!("{e}"));
    baeum_hub::devices::invite(&conn, &code, &institution, None, "테스트", at, chrono::Duration::hours(1))
        .unwrap_or_else(|e| panic!("{e}"));
    let key = ed25519_dalek::SigningKey::from_bytes(&[8; 32]);
    let request = baeum_domain::device::ProvisionRequest {
        code: code.to_string(),
        kiosk_id: baeum_domain::KioskId::parse("k-lobby").unwrap_or_else(|e| panic!("{e}")),
        public_key: baeum_domain::certificate::public_key_b64(&key.verifying_key()),
    };
    let lobby = baeum_hub::devices::provision(&mut conn, &request, [4; 32], at).unwrap_or_else(|e| panic!("{e}"));
    let state = HubState::with_payments(conn, clock.clone(), provider);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move { axum::serve(listener, router(state)).await });
    (addr, clock, lobby.credential)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_provider_holds_up_no_kiosk_and_a_second_tap_never_charges_twice() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (entered_tx, entered) = mpsc::channel();
    let (release, release_rx) = mpsc::channel();
    let provider = Arc::new(GatedProvider {
        entered: Mutex::new(entered_tx),
        release: Mutex::new(release_rx),
        charges: AtomicU32::new(0),
    });
    let (addr, _, lobby) = hub_with(dir.path(), provider.clone()).await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_else(|e| panic!("{e}"));

    let pay = {
        let client = client.clone();
        tokio::spawn(async move { client.post(format!("http://{addr}/pay/op-phone-2")).send().await })
    };
    tokio::task::spawn_blocking(move || entered.recv_timeout(Duration::from_secs(10)))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("the provider was never called: {e}"));

    // The provider is mid-charge: the hub still answers a kiosk's upload, which needs the database.
    let hello = serde_json::json!({"intents": [
        {"seq": 1, "op_id": "op-lobby-1", "body": {"service": "hello", "type": "hello", "from": "로비"}}
    ]});
    let answer: serde_json::Value = client
        .post(format!("http://{addr}/v1/intents"))
        .bearer_auth(&lobby)
        .json(&hello)
        .send()
        .await
        .unwrap_or_else(|e| panic!("the hub stalled behind the provider: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer["results"][0]["outcome"]["outcome"], "greeted", "{answer}");

    // A second tap meanwhile waits for the first.
    let second = client.post(format!("http://{addr}/pay/op-phone-2")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(second.status().as_u16(), 409);
    assert!(second.text().await.unwrap_or_default().contains("결제가 진행 중입니다"));

    release.send(()).unwrap_or_else(|e| panic!("{e}"));
    let first = pay.await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.status().as_u16(), 200);
    assert!(first.text().await.unwrap_or_default().contains("결제가 완료되었습니다"));
    let third = client.post(format!("http://{addr}/pay/op-phone-2")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(third.status().as_u16(), 409, "paid: nothing more to charge");
    assert_eq!(provider.charges.load(Ordering::SeqCst), 1, "charged once");
}

/// Cannot be reached the first time (the answer never comes back), then charges; counts calls.
#[derive(Debug, Default)]
struct FlakyProvider {
    calls: AtomicU32,
}

impl PaymentProvider for FlakyProvider {
    fn label(&self) -> &str {
        "테스트 결제 (실제로 돈이 나가지 않습니다)"
    }

    fn is_test(&self) -> bool {
        true
    }

    fn charge(&self, reference: &str, _amount: Won) -> Result<String, PaymentError> {
        match self.calls.fetch_add(1, Ordering::SeqCst) {
            0 => Err(PaymentError::Unavailable("connection reset by peer".into())),
            _ => Ok(format!("FLAKY-{reference}")),
        }
    }
}

/// A provider whose answer was lost may have charged: the attempt stays open, so a tap right
/// after neither charges again nor lets the seat go, and once the attempt has expired the same
/// reference is charged (the provider is idempotent on it) and the seat confirmed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_from_the_provider_keeps_the_attempt_open_until_it_expires() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let provider = Arc::new(FlakyProvider::default());
    let (addr, clock, _) = hub_with(dir.path(), provider.clone()).await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_else(|e| panic!("{e}"));
    let tap = || async {
        let r = client.post(format!("http://{addr}/pay/op-phone-2")).send().await.unwrap_or_else(|e| panic!("{e}"));
        (r.status().as_u16(), r.text().await.unwrap_or_default())
    };

    let (status, page) = tap().await;
    assert_eq!(status, 409);
    assert!(page.contains("결제 결과를 확인하지 못했습니다"), "{page}");
    assert!(!page.contains("connection reset"), "the library's English stays in the log");
    let (status, page) = tap().await;
    assert_eq!((status, page.contains("결제가 진행 중입니다")), (409, true), "{page}");
    assert_eq!(provider.calls.load(Ordering::SeqCst), 1, "no second call while the first may have charged");

    clock.advance(chrono::Duration::minutes(3));
    let (status, page) = tap().await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("FLAKY-op-phone-2"), "{page}");
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
}
