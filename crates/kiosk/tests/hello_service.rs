//! The worked example of a service (ARCHITECTURE.md, "Adding a service"): a hello goes through
//! the outbox to a real hub on loopback and its answer comes back, in arrival order, once.

use std::time::Duration;

use baeum_domain::hello::HelloOutcome;
use baeum_domain::intent::Outcome;
use baeum_kiosk::{DataDir, HubClient, Kiosk};

use baeum_test_support::demo_day;
use baeum_test_support::in_process::Hub;

#[tokio::test]
async fn a_hello_is_uploaded_and_answered_through_its_own_service() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let clock = demo_day();
    baeum_test_support::in_process::seed_demo(&dir.path().join("hub.db"));
    let hub =
        Hub::start(&dir.path().join("hub.db"), "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")), clock.clone())
            .await;
    let client = HubClient::with_timeout(hub.url(), Duration::from_secs(5)).unwrap_or_else(|e| panic!("{e}"));
    let kiosk = Kiosk::open_with_client(&DataDir::new(dir.path().join("kiosk")), client, clock)
        .unwrap_or_else(|e| panic!("{e}"));
    hub.provision(&kiosk).await;

    let first = kiosk.say_hello("1층 로비 키오스크").unwrap_or_else(|e| panic!("{e}"));
    let second = kiosk.say_hello("  2층 ").unwrap_or_else(|e| panic!("{e}"));
    // Bad input is refused and leaves nothing in the outbox.
    let bad = kiosk.say_hello("\u{7}").map(|_| ()).unwrap_err();
    assert_eq!(bad.code(), "input_invalid");
    assert_eq!(kiosk.outcome_of(&first).unwrap_or_else(|e| panic!("{e}")), None, "not answered before the upload");
    assert_eq!(kiosk.outbox_counts().unwrap_or_else(|e| panic!("{e}")).pending, 2);

    let report = kiosk.upload_outbox().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.uploaded, report.answered, report.pending), (2, 2, 0));
    let answer = |op| kiosk.outcome_of(op).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        answer(&first),
        Some(Outcome::Hello(HelloOutcome::Greeted {
            greeting: "안녕하세요, 1층 로비 키오스크".into(), arrival: 1
        }))
    );
    assert_eq!(
        answer(&second),
        Some(Outcome::Hello(HelloOutcome::Greeted { greeting: "안녕하세요, 2층".into(), arrival: 2 }))
    );
    // Answered once: nothing left to send.
    assert_eq!(kiosk.upload_outbox().await.unwrap_or_else(|e| panic!("{e}")).uploaded, 0);
    hub.stop().await;
}
