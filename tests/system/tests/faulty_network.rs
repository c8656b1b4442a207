//! Kiosks upload through a proxy that drops requests, drops answers, delays, resets, duplicates
//! and reorders, while people keep applying; once the network heals every queue drains and the
//! hub holds each intent exactly once, with every kiosk showing the hub's statuses.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use baeum_domain::enrollment::EnrollmentStatus;
use baeum_domain::{Clock, CourseId, LearnerId, SystemClock};
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk};
use baeum_system_tests::fault_proxy::{Fault, FaultProxy};
use baeum_system_tests::{HubProcess, credential_of, learner_form};

const KIOSKS: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn through_a_faulty_network_every_intent_applies_once_and_the_queues_drain() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start_demo(dir.path());
    let (course, capacity) = hub.open_first_come_course(10, true);
    let course = CourseId::parse(&course).unwrap();
    let proxy = FaultProxy::start(&hub.url, 7).await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);

    let mut kiosks = Vec::new();
    let mut dirs = Vec::new();
    for k in 0..KIOSKS {
        let data = dir.path().join(format!("kiosk-{k}"));
        // The catalog comes straight from the hub; the outbox goes through the faults.
        let direct = HubClient::with_timeout(HubUrl::parse(&hub.url).unwrap(), Duration::from_secs(5)).unwrap();
        let first = Kiosk::open_with_client(&DataDir::new(&data), direct, clock.clone()).unwrap();
        first.provision(&hub.invite()).await.unwrap();
        first.sync_now().await.unwrap();
        let faulty = HubClient::with_timeout(HubUrl::parse(&proxy.url).unwrap(), Duration::from_secs(1)).unwrap();
        kiosks.push(Arc::new(Kiosk::open_with_client(&DataDir::new(&data), faulty, clock.clone()).unwrap()));
        dirs.push(data);
    }

    // People keep applying while uploads fail in every way.
    let mut learners: Vec<LearnerId> = Vec::new();
    let mut next = 0;
    let mut failures = 0;
    for _round in 0..12 {
        for kiosk in &kiosks {
            for _ in 0..4 {
                let l = kiosk.register_learner(&learner_form(next)).unwrap();
                kiosk.apply(&l.id, &course, &[]).unwrap();
                learners.push(l.id);
                next += 1;
            }
        }
        let uploads: Vec<_> = kiosks
            .iter()
            .map(|k| {
                let k = Arc::clone(k);
                tokio::spawn(async move { k.upload_outbox().await })
            })
            .collect();
        for u in uploads {
            if u.await.unwrap().is_err() {
                failures += 1;
            }
        }
    }
    let injected = proxy.injected();
    for fault in [Fault::DropRequest, Fault::DropResponse, Fault::Delay, Fault::Reset, Fault::Duplicate, Fault::Reorder]
    {
        assert!(injected.get(&fault).copied().unwrap_or(0) > 0, "{fault:?} was injected: {injected:?}");
    }
    assert!(failures > 0, "the faults made uploads fail");

    proxy.heal().await;
    for kiosk in &kiosks {
        let report = kiosk.exchange().await.unwrap();
        assert_eq!(report.pending, 0, "the queue drains after the network heals");
    }

    // The hub: every kiosk's sequence dense and applied once; one enrollment per applicant.
    for (kiosk, data) in kiosks.iter().zip(&dirs) {
        let status = kiosk.status().unwrap();
        let counts = kiosk.outbox_counts().unwrap();
        // Read as that kiosk: outcomes are answered to their own kiosk only.
        let credential = credential_of(data, &status.kiosk_id);
        let outcomes = hub.get_json_as(&credential, "/v1/intents/outcomes?after=0&limit=1000");
        let seqs: Vec<u64> =
            outcomes["results"].as_array().unwrap().iter().map(|r| r["seq"].as_u64().unwrap()).collect();
        assert_eq!(seqs, (1..=counts.answered).collect::<Vec<_>>(), "dense and complete");
        let ops: HashSet<&str> =
            outcomes["results"].as_array().unwrap().iter().map(|r| r["op_id"].as_str().unwrap()).collect();
        assert_eq!(ops.len() as u64, counts.answered, "no duplicates");
    }
    // Each kiosk is answered for the learners it registered only; together they are everyone.
    let mut hub_status: HashMap<String, EnrollmentStatus> = HashMap::new();
    let mut listed = 0;
    for (kiosk, data) in kiosks.iter().zip(&dirs) {
        let credential = credential_of(data, &kiosk.status().unwrap().kiosk_id);
        let list =
            hub.post_json_as(&credential, "/v1/enrollments/lookup", &serde_json::json!({ "learner_ids": learners }));
        let enrollments = list["enrollments"].as_array().unwrap();
        assert_eq!(enrollments.len(), learners.len() / kiosks.len(), "a kiosk sees its own learners only");
        listed += enrollments.len();
        hub_status.extend(enrollments.iter().map(|e| {
            (e["learner_id"].as_str().unwrap().to_owned(), serde_json::from_value(e["status"].clone()).unwrap())
        }));
    }
    assert_eq!((listed, hub_status.len()), (learners.len(), learners.len()), "one enrollment per applicant");
    let seated = hub_status.values().filter(|s| s.holds_seat()).count();
    assert_eq!(seated as u64, capacity.min(learners.len() as u64));
    let mut waiting: Vec<u32> = hub_status
        .values()
        .filter_map(|s| if let EnrollmentStatus::Waitlisted { position } = s { Some(*position) } else { None })
        .collect();
    waiting.sort_unstable();
    assert_eq!(waiting, (1..=waiting.len() as u32).collect::<Vec<_>>());
    for kiosk in &kiosks {
        for e in kiosk.all_enrollments().unwrap() {
            assert_eq!(e.status.as_ref(), hub_status.get(e.learner_id.as_str()));
        }
    }
}
