//! Eight kiosks take applications offline for three times a course's seats, then come back in
//! random order, uploading concurrently to the real hub process: exactly `capacity` seats are
//! given, the waitlist is 1..n without holes, and every kiosk ends with the hub's statuses.
//! Kiosk clocks skewed by ±48 h change no outcome.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use baeum_domain::enrollment::EnrollmentStatus;
use baeum_domain::{Clock, CourseId, FixedClock, LearnerId};
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk};
use baeum_system_tests::{HubProcess, dead_hub, learner_form};
use rand::SeedableRng;
use rand::seq::SliceRandom;

fn open(dir: &std::path::Path, hub: &str, clock: Arc<dyn Clock>) -> Kiosk {
    let client = HubClient::with_timeout(HubUrl::parse(hub).unwrap(), Duration::from_secs(5)).unwrap();
    Kiosk::open_with_client(&DataDir::new(dir), client, clock).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_offline_kiosks_never_oversell_and_converge_on_the_hubs_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start_demo(dir.path());
    let (course, capacity) = hub.open_first_come_course(10, false);
    let course = CourseId::parse(&course).unwrap();
    let applicants = 3 * capacity as usize;
    let clock: Arc<dyn Clock> = Arc::new(baeum_domain::SystemClock);

    // Each kiosk syncs the catalog, then the line goes down and applications keep coming.
    let mut learners_of: Vec<Vec<LearnerId>> = vec![Vec::new(); 8];
    for (k, learners) in learners_of.iter_mut().enumerate() {
        let data = dir.path().join(format!("kiosk-{k}"));
        let online = open(&data, &hub.url, clock.clone());
        online.provision(&hub.invite()).await.unwrap();
        online.sync_now().await.unwrap();
        let offline = open(&data, dead_hub().as_str(), clock.clone());
        for i in (k..applicants).step_by(8) {
            let learner = offline.register_learner(&learner_form(i)).unwrap();
            let local = offline.apply(&learner.id, &course, &[]).unwrap();
            assert_eq!(local.status, None, "offline: 접수 대기 (확정 전)");
            learners.push(learner.id);
        }
        assert_eq!(offline.exchange().await.unwrap_err().code(), "hub_unreachable");
    }

    // Back online in random order, all at once.
    let mut order: Vec<usize> = (0..8).collect();
    order.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(8));
    let kiosks: Vec<Arc<Kiosk>> =
        (0..8).map(|k| Arc::new(open(&dir.path().join(format!("kiosk-{k}")), &hub.url, clock.clone()))).collect();
    let mut tasks = Vec::new();
    for (n, k) in order.iter().enumerate() {
        let kiosk = Arc::clone(&kiosks[*k]);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(15 * n as u64)).await;
            kiosk.upload_outbox().await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().pending, 0);
    }
    for kiosk in &kiosks {
        kiosk.refresh_enrollments().await.unwrap();
    }

    // The hub's view of every applicant.
    // Each kiosk is answered for the learners it registered: asked for everyone, kiosk k gets
    // its own, and together they are every applicant.
    let all: Vec<&LearnerId> = learners_of.iter().flatten().collect();
    let mut hub_status: HashMap<String, EnrollmentStatus> = HashMap::new();
    for (k, kiosk) in kiosks.iter().enumerate() {
        let data = dir.path().join(format!("kiosk-{k}"));
        let credential = baeum_system_tests::credential_of(&data, &kiosk.status().unwrap().kiosk_id);
        let list = hub.post_json_as(&credential, "/v1/enrollments/lookup", &serde_json::json!({ "learner_ids": all }));
        let rows = list["enrollments"].as_array().unwrap();
        assert_eq!(rows.len(), learners_of[k].len(), "kiosk {k} sees its own applicants only");
        for e in rows {
            assert!(learners_of[k].iter().any(|l| l.as_str() == e["learner_id"]), "kiosk {k}: {e}");
            hub_status.insert(
                e["learner_id"].as_str().unwrap().to_owned(),
                serde_json::from_value(e["status"].clone()).unwrap(),
            );
        }
    }
    assert_eq!(hub_status.len(), applicants);
    // A paid course: a seat is "awaiting payment" until the desk or the phone records payment.
    let confirmed = hub_status.values().filter(|s| s.holds_seat()).count();
    assert_eq!(confirmed, capacity as usize, "exactly capacity seats, never more");
    let mut positions: Vec<u32> = hub_status
        .values()
        .filter_map(|s| match s {
            EnrollmentStatus::Waitlisted { position } => Some(*position),
            _ => None,
        })
        .collect();
    positions.sort_unstable();
    assert_eq!(positions, (1..=(applicants - capacity as usize) as u32).collect::<Vec<_>>(), "contiguous waitlist");

    // Every kiosk shows what the hub decided.
    for (k, kiosk) in kiosks.iter().enumerate() {
        for e in kiosk.all_enrollments().unwrap() {
            assert!(!e.pending);
            assert_eq!(e.status.as_ref(), hub_status.get(e.learner_id.as_str()), "kiosk {k}, {}", e.learner_id);
        }
    }
}

/// Runs the same day at a fresh hub with the kiosk clock skewed by `skew_hours`, returning each
/// applicant's final status (by applicant number).
async fn outcomes_with_skew(skew_hours: i64) -> BTreeMap<usize, (Option<EnrollmentStatus>, Option<String>)> {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start_demo(dir.path());
    let (course, capacity) = hub.open_first_come_course(10, true);
    let course = CourseId::parse(&course).unwrap();
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(chrono::Utc::now() + chrono::Duration::hours(skew_hours)));
    let kiosk = open(&dir.path().join("kiosk"), &hub.url, clock);
    kiosk.provision(&hub.invite()).await.unwrap();
    kiosk.sync_now().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..capacity as usize + 3 {
        let learner = kiosk.register_learner(&learner_form(i)).unwrap();
        kiosk.apply(&learner.id, &course, &[]).unwrap();
        ids.push(learner.id);
    }
    // One person cancels; the first on the waitlist moves up.
    kiosk.upload_outbox().await.unwrap();
    kiosk.cancel(&ids[0], &course).unwrap();
    kiosk.exchange().await.unwrap();
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            let e = &kiosk.enrollments_of(id).unwrap()[0];
            // Deadlines are the hub's clock: compare their kind, not the instant.
            let status = e.status.map(|s| match s {
                EnrollmentStatus::AwaitingPayment { .. } => {
                    EnrollmentStatus::AwaitingPayment { due: chrono::DateTime::UNIX_EPOCH }
                }
                other => other,
            });
            (i, (status, e.rejected.map(|r| format!("{r:?}"))))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_clock_skewed_by_48_hours_changes_no_outcome() {
    let right = outcomes_with_skew(0).await;
    assert!(right.values().any(|(s, _)| matches!(s, Some(EnrollmentStatus::Waitlisted { .. }))));
    assert_eq!(right[&0].0, Some(EnrollmentStatus::Cancelled));
    assert_eq!(outcomes_with_skew(48).await, right, "+48 h");
    assert_eq!(outcomes_with_skew(-48).await, right, "-48 h");
}
