//! A certificate while the hub is down: only from a kiosk whose device key staff endorsed at the
//! hub; it says "임시 발급" on paper, its QR verifies offline against the published key set, and
//! when the line is back the hub confirms it (or, below the attendance threshold, the kiosk
//! refuses to issue it at all). Real hub server on loopback, real SQLite files; the device key
//! sits in a memory store here (the OS keyring has its own test in `secrets`).

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use baeum_domain::enrollment::EnrollmentStatus;
use baeum_domain::{ApplicationPhase, Clock, CourseId, FixedClock};
use baeum_kiosk::secrets::MemorySecrets;
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk, KioskError, RegistrationForm};

use baeum_test_support::demo_day;
use baeum_test_support::in_process::{Hub, seed_demo};
use baeum_test_support::{dead_hub, learner_form_of};

fn kiosk(dir: &Path, hub: HubUrl, clock: Arc<FixedClock>, secrets: Arc<MemorySecrets>) -> Kiosk {
    let client = HubClient::with_timeout(hub, Duration::from_secs(2)).unwrap();
    Kiosk::open_with_client(&DataDir::new(dir), client, clock).unwrap().with_secrets(secrets)
}

fn form(i: usize) -> RegistrationForm {
    learner_form_of(["박순자", "최말순"][i], "1951-04-02", &format!("010-2345-678{i}"), "4821")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endorsed_kiosk_issues_a_provisional_certificate_offline_and_the_hub_confirms_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    let batch = seed_demo(&db);
    let clock = demo_day();
    // The course under way (수시 접수): its classes so far are where attendance can be taken.
    let under_way = batch.courses.iter().find(|c| c.title.as_str().ends_with(baeum_hub::demo::UNDER_WAY)).unwrap();
    assert_eq!(under_way.phase_at(clock.now()), ApplicationPhase::Open);
    let course: CourseId = under_way.id.clone();
    let sessions: Vec<_> = under_way
        .sessions
        .iter()
        .filter(|s| s.date.and_time(s.starts_at).and_local_timezone(baeum_domain::kst()).unwrap() <= clock.now())
        .cloned()
        .collect();
    let data = dir.path().join("kiosk");
    let secrets = Arc::new(MemorySecrets::default());

    // Online: two learners apply and are confirmed; one attends every session, one only once.
    let hub = Hub::start(&db, "127.0.0.1:0".parse().unwrap(), clock.clone()).await;
    let addr = hub.addr;
    let online = kiosk(&data, hub.url(), clock.clone(), secrets.clone());
    hub.provision(&online).await;
    online.sync_now().await.unwrap();
    let full = online.register_learner(&form(0)).unwrap();
    let once = online.register_learner(&form(1)).unwrap();
    for learner in [&full, &once] {
        online.apply(&learner.id, &course, &[]).unwrap();
    }
    online.exchange().await.unwrap();
    // Staff mark attendance at every class so far (never for a class to come).
    let staff = baeum_test_support::staff_on_duty(&db, &online).await;
    for s in &sessions {
        online.mark_attendance(&full.id, &course, s.date, true, &staff).unwrap();
    }
    online.mark_attendance(&once.id, &course, sessions[0].date, true, &staff).unwrap();
    online.exchange().await.unwrap();
    assert_eq!(online.enrollments_of(&full.id).unwrap()[0].status, Some(EnrollmentStatus::Confirmed));

    // The device key: made, registered, not yet endorsed — no offline certificates.
    let key = online.provision_device_key().await.unwrap();
    assert!(!key.endorsed);
    drop(online);
    let offline = kiosk(&data, dead_hub(), clock.clone(), secrets.clone());
    let refused = offline.certificate_pdf(None, &full.id, &course).await.unwrap_err();
    assert!(matches!(refused, KioskError::OfflineCertificateUnavailable { .. }), "{refused:?}");
    drop(offline);

    // Staff endorse it at the hub; the kiosk learns it at its next exchange.
    let signer = baeum_hub::certificates::HubSigner::load_or_create(&db.with_extension("certificate-key")).unwrap();
    let conn = baeum_hub::store::open(&db).unwrap();
    let endorsed =
        baeum_hub::devices::endorse(&conn, &signer, &key_id_kiosk(&data), &key.key_id, "직원 김민지", clock.now())
            .unwrap();
    assert_eq!(endorsed, key.key_id);
    let online = kiosk(&data, hub.url(), clock.clone(), secrets.clone());
    online.exchange().await.unwrap();
    assert!(online.device_key().unwrap().unwrap().endorsed);
    let keys = reqwest::get(format!("http://{addr}/v1/certificates/keys"))
        .await
        .unwrap()
        .json::<baeum_domain::certificate::KeySet>()
        .await
        .unwrap();
    drop(online);
    hub.stop().await;

    // The line is down: a provisional certificate, and the paper says so.
    let offline = kiosk(&data, dead_hub(), clock.clone(), secrets.clone());
    let (issued, pdf) = offline.certificate_pdf(None, &full.id, &course).await.unwrap();
    assert!(issued.payload.provisional && issued.serial.starts_with("GM-P20"), "{}", issued.serial);
    assert_eq!(keys.verify(&issued.qr_text), Ok(issued.payload.clone()), "checks offline with the key set");
    let file = dir.path().join("provisional.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = Command::new("pdftotext").arg(&file).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("임시 발급 (중앙 서버 확인 전)") && text.contains("박순자"), "{text}");
    // Asking again gives the same certificate, not a second serial.
    assert_eq!(offline.certificate_pdf(None, &full.id, &course).await.unwrap().0, issued);
    // One session of attendance is not a completion, even offline.
    assert!(matches!(offline.certificate_pdf(None, &once.id, &course).await, Err(KioskError::NotCompleted(_))));
    assert_eq!(offline.provisional_certificates().unwrap()[0].state, "pending");
    drop(offline);

    // The line is back: the hub checks and confirms it under the same serial.
    let hub = Hub::start(&db, addr, clock.clone()).await;
    let online = kiosk(&data, hub.url(), clock.clone(), secrets.clone());
    online.exchange().await.unwrap();
    let provisional = online.provisional_certificates().unwrap();
    assert_eq!(
        (provisional[0].state, provisional[0].confirmed_serial.as_deref()),
        ("confirmed", Some(issued.serial.as_str()))
    );
    let verdict: serde_json::Value =
        reqwest::get(format!("http://{addr}/v1/certificates/verify/{}", issued.verification_code))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        (verdict["status"].as_str(), verdict["provisional"].as_bool()),
        (Some("valid"), Some(true)),
        "{verdict}"
    );
    // Printed again online, the paper says the hub has confirmed it.
    let session = baeum_test_support::session_of(&online, &form(0)).await;
    let (again, pdf) = online.certificate_pdf(Some(&session), &full.id, &course).await.unwrap();
    assert_eq!(again.serial, issued.serial);
    std::fs::write(&file, &pdf).unwrap();
    let text = Command::new("pdftotext").arg(&file).arg("-").output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("중앙 서버 확인 완료"));
    hub.stop().await;
}

/// The kiosk's id, as the hub knows it.
fn key_id_kiosk(data: &Path) -> String {
    let conn = DataDir::new(data).open_database().unwrap();
    conn.query_row("SELECT kiosk_id FROM kiosk_identity", [], |r| r.get(0)).unwrap()
}
