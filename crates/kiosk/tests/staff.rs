//! Staff mode in the engine: the PIN and its lockout (kept across a restart), and the class list
//! staff take attendance from — from a real hub on loopback, and from this kiosk's own records
//! while the hub is down. Real SQLite files throughout.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use baeum_domain::learner::IdentityCheck;
use baeum_domain::{ApplicationPhase, Clock, CourseId, FixedClock, Selection};
use baeum_kiosk::attendance::AttendanceMark;
use baeum_kiosk::secrets::MemorySecrets;
use baeum_kiosk::staff::MAX_TRIES;
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk, KioskError, RegistrationForm};

use baeum_test_support::demo_day;
use baeum_test_support::in_process::{Hub, seed_demo};
use baeum_test_support::{dead_hub, learner_form_of};

fn kiosk(dir: &Path, hub: HubUrl, clock: Arc<FixedClock>) -> Kiosk {
    let client = HubClient::with_timeout(hub, Duration::from_secs(2)).unwrap();
    Kiosk::open_with_client(&DataDir::new(dir), client, clock).unwrap().with_secrets(Arc::new(MemorySecrets::default()))
}

#[test]
fn the_staff_pin_locks_after_five_wrong_tries_even_across_a_restart_and_unlocks_later() {
    let dir = tempfile::tempdir().unwrap();
    let clock = demo_day();
    let k = kiosk(dir.path(), dead_hub(), clock.clone());
    assert!(matches!(k.check_staff_pin("482913"), Err(KioskError::StaffPinNotSet)));
    assert!(matches!(k.set_staff_pin("123456"), Err(KioskError::InvalidInput(_))), "a straight run is refused");
    k.set_staff_pin("482913").unwrap();
    assert!(k.staff_pin_is_set().unwrap());
    k.check_staff_pin("482913").unwrap();

    for left in (2..MAX_TRIES).rev() {
        match k.check_staff_pin("000000") {
            Err(KioskError::StaffPinWrong { remaining }) => assert_eq!(remaining, left),
            other => panic!("{other:?}"),
        }
    }
    drop(k);
    // A restart does not reset the count: one more wrong try left, then locked.
    let k = kiosk(dir.path(), dead_hub(), clock.clone());
    assert!(matches!(k.check_staff_pin("000000"), Err(KioskError::StaffPinWrong { remaining: 1 })));
    let locked = k.check_staff_pin("999999").unwrap_err();
    assert!(matches!(locked, KioskError::StaffLocked { .. }), "{locked:?}");
    assert!(locked.to_string().contains("까지"), "says until when: {locked}");
    // Locked: even the right PIN is refused.
    assert!(matches!(k.check_staff_pin("482913"), Err(KioskError::StaffLocked { .. })));
    drop(k);
    let k = kiosk(dir.path(), dead_hub(), clock.clone());
    assert!(matches!(k.check_staff_pin("482913"), Err(KioskError::StaffLocked { .. })), "still locked after restart");

    clock.advance(chrono::Duration::minutes(11));
    k.check_staff_pin("482913").unwrap();
    // A fresh count after the right PIN.
    assert!(matches!(k.check_staff_pin("000000"), Err(KioskError::StaffPinWrong { remaining: 4 })));
    // A new PIN replaces the old one.
    k.set_staff_pin("552071").unwrap();
    assert!(matches!(k.check_staff_pin("482913"), Err(KioskError::StaffPinWrong { .. })));
    k.check_staff_pin("552071").unwrap();
    let mut db = std::fs::read(dir.path().join("kiosk.db")).unwrap();
    db.extend(std::fs::read(dir.path().join("kiosk.db-wal")).unwrap_or_default());
    assert!(!db.windows(6).any(|w| w == b"552071"), "the PIN itself is never stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_take_attendance_from_the_hubs_class_list_and_from_their_own_records_offline() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    let batch = seed_demo(&db);
    let clock = demo_day();
    let course = batch
        .courses
        .iter()
        .find(|c| {
            c.phase_at(clock.now()) == ApplicationPhase::Open && c.selection == Selection::FirstCome && c.fee.is_free()
        })
        .unwrap();
    let course_id: CourseId = course.id.clone();
    let data = dir.path().join("kiosk");
    let hub = Hub::start(&db, "127.0.0.1:0".parse().unwrap(), clock.clone()).await;
    let k = kiosk(&data, hub.url(), clock.clone());
    hub.provision(&k).await;
    k.sync_now().await.unwrap();
    // Staff checked her ID card; without anyone signed in at the hub that is refused.
    let form = RegistrationForm {
        identity: IdentityCheck::StaffChecked,
        ..learner_form_of("오복순", "1949-03-15", "010-3456-7812", "4821")
    };
    assert!(matches!(k.register_learner(&form), Err(KioskError::StaffSignInNeeded)));
    let desk = baeum_test_support::staff_on_duty(&db, &k).await;
    let wrong = k.staff_sign_in(baeum_test_support::TEST_STAFF, "975318").await.unwrap_err();
    assert_eq!(wrong.code(), baeum_domain::ErrorCode::StaffSignInFailed);
    let learner = k.register_learner_by_staff(&form, &desk).unwrap();
    k.apply(&learner.id, &course_id, &[]).unwrap();
    k.exchange().await.unwrap();

    // The second class has started: staff sign in for the class list.
    let second = &course.sessions[1];
    let started = second.date.and_time(second.starts_at).and_local_timezone(baeum_domain::kst()).unwrap();
    clock.set(started.to_utc() + chrono::Duration::minutes(10));
    let staff = baeum_test_support::staff_on_duty(&db, &k).await;
    let roster = k.roster(&course_id, &staff).await.unwrap();
    assert_eq!(roster.sessions.len(), course.sessions.len());
    let line = roster.learners.iter().find(|l| l.learner_id == learner.id).expect("on the class list");
    assert_eq!((line.name_masked.as_str(), line.mobile_last4.as_str()), ("오*순", "7812"));
    assert!(line.present.is_empty());

    let first = course.sessions[0].date;
    match k.take_attendance(&learner.id, &course_id, first, true, &staff).await.unwrap() {
        AttendanceMark::Recorded { attended, sessions, completed } => {
            assert_eq!((attended, sessions as usize, completed), (1, course.sessions.len(), false));
        }
        other => panic!("{other:?}"),
    }
    let not_a_session = course.sessions.last().unwrap().date + chrono::Duration::days(30);
    match k.take_attendance(&learner.id, &course_id, not_a_session, true, &staff).await.unwrap() {
        AttendanceMark::Refused { code, message } => {
            assert_eq!(code, baeum_domain::rules::RejectReason::UnknownSession);
            assert!(!message.is_empty());
        }
        other => panic!("{other:?}"),
    }
    let unknown = CourseId::parse("no-such-course").unwrap();
    assert!(matches!(k.roster(&unknown, &staff).await, Err(KioskError::CourseNotFound(_))));
    // The last class is weeks away: the hub refuses its attendance.
    let last = course.sessions.last().unwrap().date;
    match k.take_attendance(&learner.id, &course_id, last, true, &staff).await.unwrap() {
        AttendanceMark::Refused { code, .. } => {
            assert_eq!(code, baeum_domain::rules::RejectReason::SessionNotStarted);
        }
        other => panic!("{other:?}"),
    }
    drop(k);
    hub.stop().await;

    // Hub down: the class list from this kiosk's records, and a mark waits in the outbox.
    let k = kiosk(&data, dead_hub(), clock.clone());
    let second = course.sessions[1].date;
    // The staff member signed in before the line went down goes on working.
    assert_eq!(
        k.take_attendance(&learner.id, &course_id, second, true, &staff).await.unwrap(),
        AttendanceMark::Waiting
    );
    let roster = k.roster(&course_id, &staff).await.unwrap();
    let line = roster.learners.iter().find(|l| l.learner_id == learner.id).expect("known here");
    assert_eq!(line.present, vec![first, second]);
    let pending = k.pending_intents().unwrap();
    assert_eq!(pending.count, 1);
    assert_eq!(pending.oldest[0].kind, "mark_attendance");
}
