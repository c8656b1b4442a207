//! Personal data leaves the kiosk when it is no longer needed: a learner answered by the hub is
//! purged after `keep_personal_days` (details and the registration sent for her), one about whom
//! something still waits for the hub is kept, and nothing goes before the period ends.

use std::time::Duration;

use baeum_domain::Clock;
use baeum_kiosk::{DataDir, HubClient, Kiosk};
use baeum_test_support::in_process::{Hub, seed_demo};
use baeum_test_support::{demo_day, learner_form_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn learners_the_hub_answered_are_purged_after_the_retention_period_and_waiting_ones_are_kept() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let batch = seed_demo(&db);
    let clock = demo_day();
    let hub = Hub::start_on_loopback(&db, clock.clone()).await;
    let course = baeum_test_support::open_first_come_course(&batch.courses, clock.now(), None);
    let data = dir.path().join("kiosk");
    let client = HubClient::with_timeout(hub.url(), Duration::from_secs(5)).unwrap_or_else(|e| panic!("{e}"));
    let kiosk = Kiosk::open_with_client(&DataDir::new(&data), client, clock.clone())
        .unwrap_or_else(|e| panic!("{e}"))
        .with_retention(30);
    hub.provision(&kiosk).await;
    kiosk.sync_now().await.unwrap_or_else(|e| panic!("{e}"));

    let answered = kiosk.register_learner(&learner_form_of("박순자", "1951-04-02", "010-2345-6789", "4821")).unwrap();
    kiosk.apply(&answered.id, &course, &[]).unwrap_or_else(|e| panic!("{e}"));
    kiosk.exchange().await.unwrap_or_else(|e| panic!("{e}"));
    // She keeps a video to watch at home: personal, so it goes with her.
    let video = baeum_domain::video::VideoId::parse("gm-video-03").unwrap();
    assert_eq!(kiosk.save_video(&answered.id, &video).unwrap_or_else(|e| panic!("{e}")).len(), 1);
    hub.stop().await;
    // Registered while the hub is gone: her registration waits in the outbox.
    let waiting = kiosk.register_learner(&learner_form_of("최말순", "1949-09-09", "010-3333-4444", "5921")).unwrap();

    let names = |_: &Kiosk| -> Vec<String> {
        let conn = DataDir::new(&data).open_database().unwrap_or_else(|e| panic!("{e}"));
        let mut stmt = conn.prepare("SELECT body FROM learners UNION ALL SELECT body FROM outbox").unwrap();
        let bodies: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
        ["박순자", "최말순"].iter().filter(|n| bodies.iter().any(|b| b.contains(*n))).map(|n| n.to_string()).collect()
    };
    assert_eq!(kiosk.purge_personal_data().unwrap_or_else(|e| panic!("{e}")), Default::default());
    clock.advance(chrono::Duration::days(29));
    assert_eq!(kiosk.purge_personal_data().unwrap_or_else(|e| panic!("{e}")), Default::default(), "not yet");
    assert_eq!(names(&kiosk), ["박순자", "최말순"]);

    clock.advance(chrono::Duration::days(2));
    let purged = kiosk.purge_personal_data().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((purged.learners, purged.registrations, purged.service_rows), (1, 1, 1));
    assert!(kiosk.saved_videos(&answered.id).unwrap_or_default().is_empty(), "her 나중에 볼 강좌 went with her");
    assert_eq!(names(&kiosk), ["최말순"], "the waiting learner is kept, the answered one is gone");
    // Her application is still listed (the hub has the record); the outbox stays dense.
    assert_eq!(kiosk.enrollments_of(&answered.id).unwrap_or_default().len(), 1);
    let counts = kiosk.outbox_counts().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((counts.answered, counts.pending), (2, 1));
    let staff_find = |mobile: &str, birth: &str| kiosk.find_learner_staff_checked(mobile, birth).unwrap_or_default();
    assert_eq!(
        staff_find("010-3333-4444", "1949-09-09").iter().map(|l| l.id.clone()).collect::<Vec<_>>(),
        [waiting.id]
    );
    assert!(staff_find("010-2345-6789", "1951-04-02").is_empty(), "her details are gone from this kiosk");
}
