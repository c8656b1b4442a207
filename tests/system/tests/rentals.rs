//! 시설 대관 end to end with real processes. Eight kiosks take overlapping requests for the demo's
//! lecture rooms 301, 302 and the hall made of both while offline, then come back at once to the
//! real `baeum-hub` binary: no two live bookings of nested rooms overlap, each refused one is
//! told "이미 예약된 시간입니다" with free times. Staff approve and reject with the real command,
//! and kiosks show 승인 (with its pay-by time) and 반려 (with the reason).
//!
//! Then, on a hub at a fixed clock: fees with surcharges and reductions as the kiosk showed
//! them, the refund schedule, release of an approved booking left unpaid (by the hub's own
//! housekeeping on restart) and no-show strikes recorded with the real command.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use baeum_domain::rental::{Booker, BookingRequest};
use baeum_domain::{Clock, FixedClock, RoomId, SystemClock, Won, kst};
use baeum_kiosk::rental::RentalState;
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk};
use baeum_system_tests::{HubProcess, binary, dead_hub, learner_form, stderr, stdout};
use baeum_test_support::in_process::Hub;
use chrono::{Datelike, NaiveDate, NaiveTime, TimeZone};
use rand::SeedableRng;
use rand::seq::SliceRandom;

fn open(dir: &Path, hub: &HubUrl, clock: Arc<dyn Clock>) -> Kiosk {
    let client = HubClient::with_timeout(hub.clone(), Duration::from_secs(5)).unwrap();
    Kiosk::open_with_client(&DataDir::new(dir), client, clock).unwrap()
}

fn rental(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(binary("baeum-hub")).arg("rental").arg("--db").arg(db).args(args).output().unwrap()
}

fn request(room: &str, date: NaiveDate, hour: u32, slots: u32, booker: Booker) -> BookingRequest {
    BookingRequest {
        room_id: RoomId::parse(room).unwrap(),
        date,
        start: NaiveTime::from_hms_opt(hour, 0, 0).unwrap(),
        slots,
        purpose: "동아리 정기 모임".into(),
        headcount: 2,
        organisation: Some("하안 합창 동아리".into()),
        booker,
    }
}

/// The first weekday (Tue–Fri) at least two days from today, KST.
fn next_weekday() -> NaiveDate {
    let mut d = SystemClock.now_kst().date_naive() + chrono::Duration::days(2);
    while !matches!(
        d.weekday(),
        chrono::Weekday::Tue | chrono::Weekday::Wed | chrono::Weekday::Thu | chrono::Weekday::Fri
    ) {
        d += chrono::Duration::days(1);
    }
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_offline_kiosks_never_double_book_nested_rooms_and_staff_decide() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start_demo(dir.path());
    let url = HubUrl::parse(&hub.url).unwrap();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let day = next_weekday();
    let rooms = ["gm-llc.room-301", "gm-llc.room-302", "gm-llc.hall-300"];

    // Each kiosk registers its learner online, then the line goes down and she asks for a room.
    let mut learners = Vec::new();
    for k in 0..8 {
        let data = dir.path().join(format!("kiosk-{k}"));
        let online = open(&data, &url, clock.clone());
        online.provision(&hub.invite()).await.unwrap();
        let l = online.register_learner(&learner_form(k)).unwrap();
        online.exchange().await.unwrap();
        let offline = open(&data, &dead_hub(), clock.clone());
        let r = request(rooms[k % 3], day, 10 + (k as u32 % 3), 2, Booker::General);
        let card = offline.request_room(&l.id, &r, None).unwrap();
        assert_eq!(card.state, RentalState::Pending, "offline: 접수 대기");
        learners.push(l.id);
    }
    let mut order: Vec<usize> = (0..8).collect();
    order.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(13));
    let kiosks: Vec<Arc<Kiosk>> =
        (0..8).map(|k| Arc::new(open(&dir.path().join(format!("kiosk-{k}")), &url, clock.clone()))).collect();
    let mut tasks = Vec::new();
    for (n, k) in order.iter().enumerate() {
        let kiosk = Arc::clone(&kiosks[*k]);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(10 * n as u64)).await;
            kiosk.upload_outbox().await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().pending, 0);
    }

    // The hub's view: live bookings never overlap in the same or nested rooms.
    let listed = rental(&hub.db, &["list"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let bookings: Vec<serde_json::Value> = serde_json::from_str(&stdout(&listed)).unwrap();
    let span = |b: &serde_json::Value| {
        let start: u32 = b["request"]["start"].as_str().unwrap()[..2].parse().unwrap();
        (start, start + b["request"]["slots"].as_u64().unwrap() as u32)
    };
    let conflict = |a: &str, b: &str| a == b || a == "gm-llc.hall-300" || b == "gm-llc.hall-300";
    let live: Vec<&serde_json::Value> =
        bookings.iter().filter(|b| b["status"]["status"] == "awaiting_approval").collect();
    assert!(!live.is_empty());
    for (i, a) in live.iter().enumerate() {
        for b in &live[i + 1..] {
            let (a0, a1) = span(a);
            let (b0, b1) = span(b);
            let (ra, rb) = (a["request"]["room_id"].as_str().unwrap(), b["request"]["room_id"].as_str().unwrap());
            assert!(!(conflict(ra, rb) && a0 < b1 && b0 < a1), "overlap: {a} and {b}");
        }
    }
    assert_eq!(bookings.len(), live.len(), "refused requests leave no booking");

    // A kiosk that never met these learners asks about them: it hears of no booking at all,
    // and one without a credential is refused.
    let stranger = hub.device("k-stranger");
    let ids: Vec<&str> = learners.iter().map(|l| l.as_str()).collect();
    let seen = hub.post_json_as(&stranger, "/v1/rooms/bookings/lookup", &serde_json::json!({ "learner_ids": ids }));
    assert_eq!(seen["bookings"], serde_json::json!([]), "{seen}");
    let (status, _) =
        hub.call("POST", "/v1/rooms/bookings/lookup", Some(&serde_json::json!({ "learner_ids": ids })), None);
    assert_eq!(status, 401);

    // Every kiosk shows its answer: 승인 대기, or 예약 불가 with free times.
    let mut cards = HashMap::new();
    for (k, kiosk) in kiosks.iter().enumerate() {
        kiosk.exchange().await.unwrap();
        let card = kiosk.rental_cards(&learners[k]).unwrap().remove(0);
        match card.state {
            RentalState::AwaitingApproval => {}
            RentalState::Refused => {
                assert_eq!(card.reason, "이미 예약된 시간입니다");
                assert!(!card.nearest.is_empty(), "free times are offered");
            }
            other => panic!("kiosk {k}: {other:?}"),
        }
        cards.insert(k, card);
    }
    assert_eq!(cards.values().filter(|c| c.state == RentalState::AwaitingApproval).count(), live.len());
    // A kiosk whose learner got a room hears of that one booking, asked about everyone.
    let (k, _) = cards.iter().find(|(_, c)| c.state == RentalState::AwaitingApproval).unwrap();
    let own = baeum_system_tests::credential_of(
        &dir.path().join(format!("kiosk-{k}")),
        &kiosks[*k].status().unwrap().kiosk_id,
    );
    let mine = hub.post_json_as(&own, "/v1/rooms/bookings/lookup", &serde_json::json!({ "learner_ids": ids }));
    assert_eq!(mine["bookings"].as_array().map(Vec::len), Some(1), "its own learner's only: {mine}");

    // Staff approve one and reject another with a reason; the kiosks that asked show it.
    let waiting: Vec<(usize, String)> = cards
        .iter()
        .filter(|(_, c)| c.state == RentalState::AwaitingApproval)
        .map(|(k, c)| (*k, c.booking_id.clone()))
        .collect();
    let (approved_k, approved) = &waiting[0];
    let out = rental(&hub.db, &["approve", approved, "--by", "김담당"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!rental(&hub.db, &["reject", approved, "--by", " "]).status.success(), "no reason, no rejection");
    if let Some((rejected_k, rejected)) = waiting.get(1) {
        let out =
            rental(&hub.db, &["reject", rejected, "--by", "김담당", "--reason", "시설 점검으로 사용할 수 없습니다"]);
        assert!(out.status.success(), "{}", stderr(&out));
        kiosks[*rejected_k].exchange().await.unwrap();
        let card = kiosks[*rejected_k].rental_cards(&learners[*rejected_k]).unwrap().remove(0);
        assert_eq!((card.state, card.label.as_str()), (RentalState::Rejected, "반려"));
        assert_eq!(card.reason, "시설 점검으로 사용할 수 없습니다");
    }
    kiosks[*approved_k].exchange().await.unwrap();
    let card = kiosks[*approved_k].rental_cards(&learners[*approved_k]).unwrap().remove(0);
    assert_eq!((card.state, card.label.as_str()), (RentalState::Approved, "승인"));
    assert!(card.reason.contains("까지 창구에서 결제해 주세요"), "{}", card.reason);
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    kst().from_local_datetime(&s.parse().unwrap()).unwrap().to_utc()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fees_refunds_release_and_strikes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    baeum_test_support::in_process::seed_demo(&db);
    let rooms_file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo/rooms.json");
    let loaded = rental(&db, &["rooms", rooms_file.to_str().unwrap()]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    // The hub's day is in November: the bookings below are ahead of it, and already past for
    // the staff commands (which run on today's clock) when they record a no-show.
    let clock = Arc::new(FixedClock::new(at("2026-11-16T09:00:00")));
    let hub = Hub::start_on_loopback(&db, clock.clone()).await;
    let k = open(&dir.path().join("k"), &hub.url(), clock.clone());
    hub.provision(&k).await;
    let l = k.register_learner(&learner_form(1)).unwrap();
    k.exchange().await.unwrap();
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();

    // The fee the kiosk shows is the fee the hub charges: Saturday 19:00 (+30 %), a club (−30 %).
    let club = request("gm-llc.media", day("2026-11-21"), 19, 2, Booker::RegisteredClub);
    let quote = k.room_quote(&club).unwrap();
    assert_eq!(quote.fee, Won(27_300));
    assert!(
        quote.breakdown.contains("30% 가산") && quote.breakdown.contains("등록 동아리 30% 감면"),
        "{}",
        quote.breakdown
    );
    let booked = k.request_room(&l.id, &club, None).unwrap();
    k.exchange().await.unwrap();
    let card = k.rental_card(&l.id, &baeum_domain::BookingId::parse(&booked.booking_id).unwrap()).unwrap();
    assert_eq!(
        (card.state, card.fee),
        (RentalState::AwaitingApproval, Some(27_300)),
        "a claimed reduction waits for staff"
    );
    let out = rental(&db, &["approve", &booked.booking_id, "--by", "김담당"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // A weekday morning with no reduction claimed: no surcharge named.
    let plain = k.room_quote(&request("gm-llc.media", day("2026-11-24"), 10, 1, Booker::General)).unwrap();
    assert_eq!((plain.fee, plain.breakdown.as_str()), (Won(15_000), "15,000원 × 1"));
    // Over capacity, or closed: refused here before anything is filed.
    let mut crowd = request("gm-llc.media", day("2026-11-24"), 10, 1, Booker::General);
    crowd.headcount = 13;
    assert_eq!(k.room_quote(&crowd).unwrap().problem.as_deref(), Some("인원이 정원(12명)을 넘습니다"));
    assert!(k.request_room(&l.id, &crowd, None).is_err());

    // Paid, then cancelled 5 days ahead: 90 % back (the kiosk says so before, the hub decides).
    let paid_id = baeum_domain::BookingId::parse(&booked.booking_id).unwrap();
    let out = rental(&db, &["paid", &booked.booking_id, "--by", "김담당", "--receipt", "R-2026-0042"]);
    assert!(out.status.success(), "{}", stderr(&out));
    k.exchange().await.unwrap();
    assert_eq!(k.rental_card(&l.id, &paid_id).unwrap().state, RentalState::Confirmed);
    assert_eq!(k.room_refund_quote(&l.id, &paid_id).unwrap(), 24_570);
    k.cancel_room(&l.id, &paid_id).unwrap();
    k.exchange().await.unwrap();
    let cancelled = k.rental_card(&l.id, &paid_id).unwrap();
    assert_eq!((cancelled.state, cancelled.reason.as_str()), (RentalState::Cancelled, "환불 24,570원"));

    // Approved and left unpaid: the hub's housekeeping releases it once the deadline passed.
    let unpaid =
        k.request_room(&l.id, &request("gm-llc.room-301", day("2026-11-18"), 10, 1, Booker::General), None).unwrap();
    k.exchange().await.unwrap();
    assert!(rental(&db, &["approve", &unpaid.booking_id, "--by", "김담당"]).status.success());
    hub.stop().await;
    clock.set(at("2026-11-18T10:30:00"));
    let hub = Hub::start_on_loopback(&db, clock.clone()).await;
    let k = open(&dir.path().join("k"), &hub.url(), clock.clone());
    tokio::time::sleep(Duration::from_millis(300)).await;
    k.exchange().await.unwrap();
    let unpaid_id = baeum_domain::BookingId::parse(&unpaid.booking_id).unwrap();
    assert_eq!(k.rental_card(&l.id, &unpaid_id).unwrap().state, RentalState::Released);

    // Three no-shows (recorded by staff after the day) bar her for a month, with the date said.
    for date in ["2026-11-19", "2026-11-20", "2026-11-23"] {
        let b = k.request_room(&l.id, &request("gm-llc.interview", day(date), 10, 1, Booker::General), None).unwrap();
        k.exchange().await.unwrap();
        let out = rental(&db, &["no-show", &b.booking_id, "--by", "김담당"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let barred =
        k.request_room(&l.id, &request("gm-llc.interview", day("2026-11-24"), 10, 1, Booker::General), None).unwrap();
    k.exchange().await.unwrap();
    let card = k.rental_card(&l.id, &baeum_domain::BookingId::parse(&barred.booking_id).unwrap()).unwrap();
    assert_eq!(card.state, RentalState::Refused);
    assert!(
        card.reason.starts_with("노쇼(예약 후 미사용)가 누적되어")
            && card.reason.contains("까지 대관을 신청할 수 없습니다"),
        "{}",
        card.reason
    );
    hub.stop().await;
}
