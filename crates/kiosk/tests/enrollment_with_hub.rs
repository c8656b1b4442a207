//! Enrollment through the outbox against a real hub on loopback (real HTTP, real SQLite files):
//! offline applications are provisional and take the hub's outcome later; a returning learner is
//! found at another kiosk; bad input is refused with field errors and leaves nothing behind.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use baeum_domain::enrollment::{EnrollmentStatus, PaymentMethod};
use baeum_domain::refund::RefundRule;
use baeum_domain::{ApplicationPhase, Clock, Course, CourseId, ErrorCode, FixedClock, Selection};
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk, KioskError};

use baeum_test_support::demo_day;
use baeum_test_support::in_process::{Hub, seed_demo};
use baeum_test_support::{dead_hub, learner_form_of as form};

fn kiosk(dir: &Path, hub: HubUrl, clock: Arc<FixedClock>) -> Kiosk {
    let client = HubClient::with_timeout(hub, Duration::from_secs(2)).unwrap_or_else(|e| panic!("{e}"));
    Kiosk::open_with_client(&DataDir::new(dir), client, clock).unwrap_or_else(|e| panic!("{e}"))
}

/// A 선착순 course open for application on the demo day, paid or free.
fn open_course(courses: &[Course], clock: &FixedClock, paid: bool) -> CourseId {
    courses
        .iter()
        .find(|c| {
            c.phase_at(clock.now()) == ApplicationPhase::Open
                && c.selection == Selection::FirstCome
                && c.fee.is_free() != paid
                && c.materials_fee.is_free()
                && c.capacity >= 5
        })
        .map(|c| c.id.clone())
        .unwrap_or_else(|| panic!("the demo has an open course (paid: {paid})"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_application_is_provisional_until_the_hub_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    let batch = seed_demo(&db);
    let clock = demo_day();
    let hub = Hub::start(&db, "127.0.0.1:0".parse().unwrap(), clock.clone()).await;
    let course = open_course(&batch.courses, &clock, false);
    let data = dir.path().join("kiosk");

    // The line is down: the catalog was synced earlier, applications are taken anyway.
    {
        let online = kiosk(&data, hub.url(), clock.clone());
        hub.provision(&online).await;
        online.sync_now().await.unwrap();
    }
    let offline = kiosk(&data, dead_hub(), clock.clone());
    let learner = offline.register_learner(&form("박순자", "1951-04-02", "010-2345-6789", "4821")).unwrap();
    assert_eq!((learner.name_masked.as_str(), learner.age), ("박*자", 75));
    let applied = offline.apply(&learner.id, &course, &[]).unwrap();
    assert_eq!((applied.status, applied.pending), (None, true), "접수 대기 (확정 전)");
    assert!(matches!(offline.apply(&learner.id, &course, &[]), Err(KioskError::AlreadyApplied)));
    let failed = offline.exchange().await.unwrap_err();
    assert_eq!(failed.code(), "hub_unreachable");
    assert_eq!(offline.outbox_counts().unwrap().pending, 2, "nothing lost while offline");
    drop(offline);

    // The line is back (the kiosk restarts with the same database).
    let online = kiosk(&data, hub.url(), clock.clone());
    let report = online.exchange().await.unwrap();
    assert_eq!((report.uploaded, report.answered, report.pending), (2, 2, 0));
    let mine = online.enrollments_of(&learner.id).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].status, mine[0].pending), (Some(EnrollmentStatus::Confirmed), false));
    assert!(report.seats >= 1, "the seat board lists the course");
    let page = online.search(&baeum_kiosk::SearchQuery { limit: Some(2_000), ..Default::default() }).unwrap();
    let card = page.courses.iter().find(|c| c.id == course.as_str()).unwrap();
    let seats = card.seats.as_ref().expect("the card shows seats with their time");
    assert_eq!((seats.taken, seats.remaining), (1, card.capacity - 1));
    hub.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_returning_learner_is_found_at_another_kiosk_and_wrong_pins_lock_the_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    let batch = seed_demo(&db);
    let clock = demo_day();
    let hub = Hub::start(&db, "127.0.0.1:0".parse().unwrap(), clock.clone()).await;
    let course = open_course(&batch.courses, &clock, true);

    let a = kiosk(&dir.path().join("a"), hub.url(), clock.clone());
    hub.provision(&a).await;
    a.sync_now().await.unwrap();
    let learner = a.register_learner(&form("김영희", "1958-07-15", "01055556666", "7391")).unwrap();
    a.apply(&learner.id, &course, &[]).unwrap();
    a.exchange().await.unwrap();

    let b = kiosk(&dir.path().join("b"), hub.url(), clock.clone());
    hub.provision(&b).await;
    b.sync_now().await.unwrap();
    let found = b.find_learner("010-5555-6666", "1958-07-15", "7391").await.unwrap();
    assert_eq!(found.learner.id, learner.id);
    assert_eq!(found.learner.mobile_masked, "010-****-6666");
    assert!(found.session.is_some(), "the hub opened her a session at kiosk B");
    let history = b.enrollments_of(&learner.id).unwrap();
    assert!(
        matches!(history[0].status, Some(EnrollmentStatus::AwaitingPayment { .. })),
        "the paid seat waits for payment: {history:?}"
    );

    for _ in 0..4 {
        let e = b.find_learner("010-5555-6666", "1958-07-15", "1111").await;
        assert!(matches!(e, Err(KioskError::InvalidInput(_))), "1111 is not even a valid PIN");
        let e = b.find_learner("010-5555-6666", "1958-07-15", "7390").await.unwrap_err();
        assert_eq!(e.code(), "learner_not_found");
    }
    let fifth = b.find_learner("010-5555-6666", "1958-07-15", "7390").await.unwrap_err();
    // Locked now, and the right PIN is answered like a wrong one or a stranger's number: nobody
    // learns who is registered or locked. Kiosk B's local copy does not open the lock either.
    let e = b.find_learner("010-5555-6666", "1958-07-15", "7391").await.unwrap_err();
    let stranger = b.find_learner("010-9999-0000", "1958-07-15", "7391").await.unwrap_err();
    assert_eq!(
        (fifth.code(), e.code(), stranger.code()),
        (ErrorCode::LearnerNotFound, ErrorCode::LearnerNotFound, ErrorCode::LearnerNotFound)
    );
    assert_eq!(e.to_string(), stranger.to_string());
    assert!(e.to_string().contains("찾을 수 없습니다"), "{e}");

    // Staff lift the lock at the hub (she showed her ID card); her PIN works again.
    let conn = baeum_hub::store::open(&db).unwrap();
    let mobile = baeum_domain::learner::MobileNumber::parse("01055556666").unwrap();
    let birth = "1958-07-15".parse().unwrap();
    for c in baeum_hub::store::learners::find(&conn, &mobile, birth).unwrap() {
        // The hub kept its own verifier; the one kiosk B holds is B's own.
        assert_ne!(c.learner.pin_hash, baeum_domain::learner::PIN_WITHHELD);
        baeum_hub::store::learners::reset_pin_failures(&conn, c.learner.id.as_str()).unwrap();
    }
    assert_eq!(b.find_learner("010-5555-6666", "1958-07-15", "7391").await.unwrap().learner.id, learner.id);

    // Offline, kiosk B checks her PIN with its own verifier, behind its own count.
    drop(b);
    let offline_b = kiosk(&dir.path().join("b"), dead_hub(), clock.clone());
    assert_eq!(offline_b.find_learner("010-5555-6666", "1958-07-15", "7391").await.unwrap().learner.id, learner.id);
    for _ in 0..5 {
        let e = offline_b.find_learner("010-5555-6666", "1958-07-15", "7390").await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::NeedsStaff);
    }
    let e = offline_b.find_learner("010-5555-6666", "1958-07-15", "7391").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NeedsStaff, "five wrong PINs here lock her out here too");

    // Staff looked at the ID card at kiosk A: found without a PIN, offline too.
    let offline_a = kiosk(&dir.path().join("a"), dead_hub(), clock.clone());
    drop(a);
    let staff = offline_a.find_learner_staff_checked("01055556666", "19580715").unwrap();
    assert_eq!(staff.len(), 1);
    hub.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_payment_confirms_and_a_cancellation_before_the_start_refunds_everything() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    let batch = seed_demo(&db);
    let clock = demo_day();
    let hub = Hub::start(&db, "127.0.0.1:0".parse().unwrap(), clock.clone()).await;
    let course_id = open_course(&batch.courses, &clock, true);
    let course = batch.courses.iter().find(|c| c.id == course_id).unwrap();

    let k = kiosk(&dir.path().join("k"), hub.url(), clock.clone());
    hub.provision(&k).await;
    k.sync_now().await.unwrap();
    let learner = k.register_learner(&form("이철수", "1970-01-20", "01012341234", "2580")).unwrap();
    k.apply(&learner.id, &course_id, &[]).unwrap();
    k.exchange().await.unwrap();
    let staff = baeum_test_support::staff_on_duty(&db, &k).await;
    let wrong = k.record_desk_payment(&learner.id, &course_id, PaymentMethod::Online, "R-1", course.fee, &staff);
    assert!(matches!(wrong, Err(KioskError::InvalidInput(_))));
    k.record_desk_payment(&learner.id, &course_id, PaymentMethod::Card, "카드-0042", course.fee, &staff).unwrap();
    k.exchange().await.unwrap();
    let e = &k.enrollments_of(&learner.id).unwrap()[0];
    assert_eq!((e.status, e.paid), (Some(EnrollmentStatus::Confirmed), course.fee));

    let quote = k.cancellation_quote(&learner.id, &course_id).unwrap();
    assert_eq!((quote.amount, quote.rule), (course.fee, RefundRule::BeforeStart));
    let pending = k.cancel(&learner.id, &course_id).unwrap();
    assert!(pending.pending);
    k.exchange().await.unwrap();
    let e = &k.enrollments_of(&learner.id).unwrap()[0];
    assert_eq!((e.status, e.refunded, e.pending), (Some(EnrollmentStatus::Cancelled), course.fee, false));
    assert!(matches!(k.cancel(&learner.id, &course_id), Err(KioskError::NotEnrolled)));
    hub.stop().await;
}

#[tokio::test]
async fn bad_registrations_are_refused_by_field_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let k = kiosk(dir.path(), dead_hub(), demo_day());
    let cases = [
        form("홍길동", "1950-01-01", "02-123-4567", "4821"),
        form("홍길동", "1950-13-01", "010-1234-5678", "4821"),
        form("홍길동", "1950-01-01", "010-1234-5678", "12"),
        form("", "1950-01-01", "010-1234-5678", "4821"),
        form("어린이", "2018-05-05", "010-1234-5678", "4821"),
    ];
    for (i, f) in cases.iter().enumerate() {
        let e = k.register_learner(f).unwrap_err();
        assert_eq!(e.code(), "input_invalid", "case {i}: {e}");
    }
    let mut refused = form("홍길동", "1950-01-01", "010-1234-5678", "4821");
    refused.consents[0].1 = false;
    assert!(k.register_learner(&refused).unwrap_err().to_string().contains("동의"));
    assert_eq!(k.outbox_counts().unwrap().pending, 0);
    let unknown = k.apply(&baeum_domain::LearnerId::parse("l-nobody").unwrap(), &CourseId::parse("x").unwrap(), &[]);
    assert_eq!(unknown.unwrap_err().code(), "learner_not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attendance_marked_at_the_kiosk_earns_a_certificate_the_hub_signs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    let batch = seed_demo(&db);
    let clock = demo_day();
    let hub = Hub::start(&db, "127.0.0.1:0".parse().unwrap(), clock.clone()).await;
    let course_id = open_course(&batch.courses, &clock, false);
    let course = batch.courses.iter().find(|c| c.id == course_id).unwrap();

    let k = kiosk(&dir.path().join("k"), hub.url(), clock.clone());
    hub.provision(&k).await;
    k.sync_now().await.unwrap();
    let her = form("최영순", "1949-09-09", "01033334444", "9512");
    let learner = k.register_learner(&her).unwrap();
    k.apply(&learner.id, &course_id, &[]).unwrap();
    k.exchange().await.unwrap();

    // The course runs its course; staff mark attendance afterwards (never for a class to come).
    baeum_test_support::after_last_class(&clock, course);
    let staff = baeum_test_support::staff_on_duty(&db, &k).await;
    let session = baeum_test_support::session_of(&k, &her).await;

    // Staff mark the first half of the sessions: not enough yet.
    let half = course.sessions.len() / 2;
    for s in &course.sessions[..half] {
        k.mark_attendance(&learner.id, &course_id, s.date, true, &staff).unwrap();
    }
    k.exchange().await.unwrap();
    let early = k.certificate_pdf(Some(&session), &learner.id, &course_id).await.unwrap_err();
    assert_eq!(early.code(), "not_completed", "{early}");

    for s in &course.sessions[half..] {
        k.mark_attendance(&learner.id, &course_id, s.date, true, &staff).unwrap();
    }
    k.exchange().await.unwrap();
    let (issued, pdf) = k.certificate_pdf(Some(&session), &learner.id, &course_id).await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(issued.payload.learner_name, "최영순");
    let (again, _) = k.certificate_pdf(Some(&session), &learner.id, &course_id).await.unwrap();
    assert_eq!(again.serial, issued.serial, "asking twice gives the same certificate");

    let keys = HubClient::new(hub.url()).unwrap().certificate_keys().await.unwrap();
    assert_eq!(keys.verify(&issued.qr_text).unwrap(), issued.payload);

    // A person checks the paper on the hub's page with the printed code.
    let base = hub.url().as_str().to_owned();
    let page = reqwest::get(format!("{base}/verify?code={}", issued.verification_code)).await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("정상 발급된 수료증입니다") && html.contains("최*순") && !html.contains("최영순"), "{html}");
    let unknown = reqwest::get(format!("{base}/verify/AAAAA-BBBBB")).await.unwrap();
    assert_eq!(unknown.status().as_u16(), 404);
    assert!(unknown.text().await.unwrap().contains("해당하는 수료증이 없습니다"));
    // The JSON answer says what a verifier needs: the name masked, no birth date.
    let json: serde_json::Value = reqwest::get(format!("{base}/v1/certificates/verify/{}", issued.verification_code))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((json["status"].as_str(), json["learner"].as_str()), (Some("valid"), Some("최*순")), "{json}");
    let text = json.to_string();
    assert!(!text.contains("최영순") && !text.contains(&issued.payload.birth_date.to_string()), "{text}");
    // Serials follow each other: a serial alone is not enough to learn anything.
    let by_serial: serde_json::Value =
        reqwest::get(format!("{base}/v1/certificates/verify/{}", issued.serial)).await.unwrap().json().await.unwrap();
    assert_eq!(
        by_serial,
        serde_json::json!({"status": "needs_code", "serial": null, "learner": null, "course_title": null,
        "institution": null, "minutes": null, "first_date": null, "last_date": null, "issued_on": null,
        "provisional": null, "superseded_by": null, "revoked_on": null})
    );
    hub.stop().await;
}
