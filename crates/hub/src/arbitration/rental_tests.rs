//! The hub's decisions on room intents, end to end through `apply_batch`, and staff's decisions
//! through `crate::rentals`; then the property that no two live bookings of one room, or of rooms
//! nested in each other, ever overlap — whatever requests, approvals, cancellations, payments,
//! no-shows and releases come, in any order.

use baeum_domain::intent::{IntentBody, Outcome};
use baeum_domain::rental::{Booker, BookingRequest, BookingStatus, RentalIntent, RentalOutcome, RoomRefusal};
use baeum_domain::{BookingId, RoomId, Selection, Won};
use chrono::{Duration, NaiveTime};

use super::fixtures::*;
use crate::store::rentals as store;

fn hub_with_rooms() -> crate::db::Connection {
    let (mut conn, _) = hub(10, Selection::FirstCome, 0);
    crate::rentals::load_rooms(&mut conn, crate::demo::ROOMS_JSON).unwrap();
    conn
}

fn request(room: &str, date: &str, hour: u32, slots: u32, booker: Booker) -> BookingRequest {
    BookingRequest {
        room_id: RoomId::parse(room).unwrap(),
        date: date.parse().unwrap(),
        start: NaiveTime::from_hms_opt(hour, 0, 0).unwrap(),
        slots,
        purpose: "동아리 정기 모임".into(),
        headcount: 2,
        organisation: Some("철산 사진 동아리".into()),
        booker,
    }
}

fn book(i: usize, booking: &str, r: BookingRequest) -> IntentBody {
    RentalIntent::RequestRoom { booking_id: BookingId::parse(booking).unwrap(), learner_id: lid(i), request: r }.into()
}

fn outcome(o: &Outcome) -> RentalOutcome {
    match o {
        Outcome::Rental(r) => r.clone(),
        other => panic!("not a room outcome: {other:?}"),
    }
}

/// 2026-12-08 is a Tuesday; the clock is the fixture's 2026-11-26.
const TUESDAY: &str = "2026-12-08";

#[test]
fn the_first_request_for_a_time_gets_it_and_the_next_is_offered_the_nearest_free_times() {
    let mut conn = hub_with_rooms();
    let now = at("2026-11-26T14:00:00");
    let mut a = TestKiosk::unstaffed("k-a");
    let mut b = TestKiosk::unstaffed("k-b");
    a.send(&mut conn, now, vec![register(1, "1960-01-01")]);
    b.send(&mut conn, now, vec![register(2, "1961-01-01")]);
    let first =
        a.send(&mut conn, now, vec![book(1, "b-1", request("gm-llc.room-301", TUESDAY, 10, 2, Booker::General))]);
    assert_eq!(
        outcome(&first.results[0].outcome),
        RentalOutcome::RoomBooked { status: BookingStatus::AwaitingApproval, fee: Won(40_000) }
    );
    // 11:00–12:00 overlaps 10:00–12:00.
    let second =
        b.send(&mut conn, now, vec![book(2, "b-2", request("gm-llc.room-301", TUESDAY, 11, 1, Booker::General))]);
    let RentalOutcome::RoomRefused { reason: RoomRefusal::Taken { nearest } } = outcome(&second.results[0].outcome)
    else {
        panic!("{:?}", second.results[0].outcome)
    };
    assert_eq!(nearest.len(), 3);
    assert_eq!(nearest[0].start, NaiveTime::from_hms_opt(12, 0, 0).unwrap(), "the closest free hour that day");
    assert!(
        nearest.iter().all(|s| s.start.format("%H").to_string() != "10" && s.start.format("%H").to_string() != "11")
    );
    assert_eq!(RoomRefusal::Taken { nearest }.message_ko(), "이미 예약된 시간입니다");
}

#[test]
fn the_hall_and_its_parts_block_each_other() {
    let mut conn = hub_with_rooms();
    let now = at("2026-11-26T14:00:00");
    let mut k = TestKiosk::unstaffed("k-a");
    k.send(&mut conn, now, vec![register(1, "1960-01-01")]);
    let answers = k.send(
        &mut conn,
        now,
        vec![
            book(1, "b-hall", request("gm-llc.hall-300", TUESDAY, 14, 2, Booker::General)),
            book(1, "b-301", request("gm-llc.room-301", TUESDAY, 15, 1, Booker::General)),
            book(1, "b-302", request("gm-llc.room-302", TUESDAY, 10, 1, Booker::General)),
            book(1, "b-hall-2", request("gm-llc.hall-300", TUESDAY, 10, 1, Booker::General)),
            book(1, "b-302-ok", request("gm-llc.room-302", TUESDAY, 17, 1, Booker::General)),
        ],
    );
    let refused = |i: usize| matches!(outcome(&answers.results[i].outcome), RentalOutcome::RoomRefused { .. });
    assert!(!refused(0), "the hall is free");
    assert!(refused(1), "301 is part of the hall booked 14–16");
    assert!(!refused(2), "302 at 10 is free");
    assert!(refused(3), "the hall at 10 includes 302, booked");
    assert!(!refused(4), "302 at 17, after the hall");
    assert!(store::overlaps(&conn).unwrap().is_empty());
}

#[test]
fn fees_capacity_hours_and_the_past_are_checked() {
    let mut conn = hub_with_rooms();
    let now = at("2026-11-26T14:00:00");
    let mut k = TestKiosk::unstaffed("k-a");
    k.send(&mut conn, now, vec![register(1, "1960-01-01")]);
    let mut crowd = request("gm-llc.media", TUESDAY, 10, 1, Booker::General);
    crowd.headcount = 13;
    let mut unnamed = request("gm-llc.media", TUESDAY, 12, 1, Booker::PublicBody);
    unnamed.organisation = None;
    assert_eq!(
        store::room(&conn, &unnamed.room_id).unwrap().unwrap().fits(&unnamed),
        Err(RoomRefusal::OrganisationNeeded),
        "a reduction names who it is for"
    );
    let answers = k.send(
        &mut conn,
        now,
        vec![
            // Saturday evening for a registered club: (15,000 + 30 %) × 2, then −30 %.
            book(1, "b-club", request("gm-llc.media", "2026-12-12", 19, 2, Booker::RegisteredClub)),
            book(1, "b-crowd", crowd),
            book(1, "b-late", request("gm-llc.media", TUESDAY, 21, 2, Booker::General)),
            book(1, "b-sunday", request("gm-llc.media", "2026-12-13", 10, 1, Booker::General)),
            book(1, "b-past", request("gm-llc.media", "2026-11-26", 10, 1, Booker::General)),
            book(1, "b-free", request("gm-llc.interview", TUESDAY, 10, 1, Booker::General)),
            book(1, "b-general", request("gm-llc.media", "2026-12-12", 10, 1, Booker::General)),
        ],
    );
    let o = |i: usize| outcome(&answers.results[i].outcome);
    // A claimed reduction waits for staff even in a room booked at once.
    assert_eq!(o(0), RentalOutcome::RoomBooked { status: BookingStatus::AwaitingApproval, fee: Won(27_300) });
    let RentalOutcome::RoomBooked { status: BookingStatus::Approved { pay_by }, fee } = o(6) else {
        panic!("{:?}", o(6))
    };
    assert_eq!(fee, Won(19_500), "Saturday: +30 %");
    assert_eq!(pay_by, now + Duration::hours(24), "instant approval, 24 h to pay");
    // Booked for tomorrow morning: payment is due before it starts, not 24 h from now.
    let soon =
        k.send(&mut conn, now, vec![book(1, "b-soon", request("gm-llc.media", "2026-11-27", 9, 1, Booker::General))]);
    let RentalOutcome::RoomBooked { status: BookingStatus::Approved { pay_by }, .. } =
        outcome(&soon.results[0].outcome)
    else {
        panic!("{:?}", soon.results[0].outcome)
    };
    assert_eq!(pay_by, at("2026-11-27T09:00:00"));
    assert_eq!(o(1), RentalOutcome::RoomRefused { reason: RoomRefusal::OverCapacity { capacity: 12 } });
    assert_eq!(o(2), RentalOutcome::RoomRefused { reason: RoomRefusal::Closed }, "past closing");
    assert_eq!(o(3), RentalOutcome::RoomRefused { reason: RoomRefusal::Closed }, "closed on Sunday");
    assert_eq!(o(4), RentalOutcome::RoomRefused { reason: RoomRefusal::Past });
    assert_eq!(
        o(5),
        RentalOutcome::RoomBooked { status: BookingStatus::Confirmed, fee: Won(0) },
        "free: confirmed at once"
    );
}

#[test]
fn approval_payment_deadline_release_refund_and_no_show_strikes() {
    let mut conn = hub_with_rooms();
    let now = at("2026-11-26T14:00:00");
    let mut k = TestKiosk::unstaffed("k-a");
    k.send(&mut conn, now, vec![register(1, "1960-01-01")]);
    let id = |s: &str| BookingId::parse(s).unwrap();
    k.send(
        &mut conn,
        now,
        vec![
            book(1, "b-unpaid", request("gm-llc.room-301", TUESDAY, 10, 1, Booker::General)),
            book(1, "b-paid", request("gm-llc.room-302", "2026-12-01", 10, 2, Booker::General)),
        ],
    );
    // Staff approve both; one is paid, the other is left unpaid and released after 24 h.
    crate::rentals::approve(&mut conn, &id("b-unpaid"), "김직원", now).unwrap();
    crate::rentals::approve(&mut conn, &id("b-paid"), "김직원", now).unwrap();
    crate::rentals::paid(&mut conn, &id("b-paid"), "김직원", "R-1", plus_hours(now, 2)).unwrap();
    let round = crate::housekeeping::run(&mut conn, plus_hours(now, 25), &mut || "seed".into()).unwrap();
    assert_eq!(round.rooms_released, 1);
    assert_eq!(store::get(&conn, &id("b-unpaid")).unwrap().unwrap().booking.status, BookingStatus::Released);
    let again = k.send(
        &mut conn,
        plus_hours(now, 26),
        vec![book(1, "b-again", request("gm-llc.room-301", TUESDAY, 10, 1, Booker::General))],
    );
    assert!(
        matches!(outcome(&again.results[0].outcome), RentalOutcome::RoomBooked { .. }),
        "the released time is free"
    );
    // Cancelled 5 days ahead of 12-01 (on 11-26): 90 % of 40,000 back.
    let cancel = RentalIntent::CancelRoom { booking_id: id("b-paid"), learner_id: lid(1) };
    let cancelled = k.send(&mut conn, plus_hours(now, 27), vec![cancel.into()]);
    assert_eq!(outcome(&cancelled.results[0].outcome), RentalOutcome::RoomCancelled { refund: Won(36_000) });

    // Three no-shows bar her (and her club) for a month.
    let dates = ["2026-11-27", "2026-11-30", "2026-12-01"];
    for (n, date) in dates.iter().enumerate() {
        let b = format!("b-no-{n}");
        k.send(&mut conn, now, vec![book(1, &b, request("gm-llc.interview", date, 10, 1, Booker::General))]);
    }
    assert!(crate::rentals::no_show(&mut conn, &id("b-no-0"), "김직원", now).is_err(), "not before the day");
    assert!(
        crate::rentals::no_show(&mut conn, &id("b-no-2"), "김직원", at("2026-12-01T10:30:00")).is_err(),
        "not before the booked hour is over"
    );
    let after = at("2026-12-01T12:00:00");
    for n in 0..3 {
        crate::rentals::no_show(&mut conn, &id(&format!("b-no-{n}")), "김직원", after).unwrap();
    }
    let barred = k.send(
        &mut conn,
        after,
        vec![book(1, "b-barred", request("gm-llc.interview", "2026-12-09", 10, 1, Booker::General))],
    );
    let RentalOutcome::RoomRefused { reason: RoomRefusal::Barred { until } } = outcome(&barred.results[0].outcome)
    else {
        panic!("{:?}", barred.results[0].outcome)
    };
    assert_eq!(until, after + Duration::days(30));
    assert!(RoomRefusal::Barred { until }.message_ko().contains("2026년 12월 31일까지"));
    // Someone else booking for the same club is barred too.
    k.send(&mut conn, after, vec![register(2, "1970-01-01")]);
    let club = k.send(
        &mut conn,
        after,
        vec![book(2, "b-club-mate", request("gm-llc.interview", "2026-12-09", 11, 1, Booker::General))],
    );
    assert!(matches!(
        outcome(&club.results[0].outcome),
        RentalOutcome::RoomRefused { reason: RoomRefusal::Barred { .. } }
    ));
}

/// For any sequence of requests (rooms and times from a small set, so they collide often),
/// approvals, rejections, payments, cancellations, no-shows and releases, no two live bookings
/// of a room, or of rooms nested in each other, overlap.
#[test]
fn no_two_live_bookings_of_nested_rooms_ever_overlap() {
    let rooms = ["gm-llc.room-301", "gm-llc.room-302", "gm-llc.hall-300", "gm-llc.media"];
    let days = ["2026-12-08", "2026-12-09"];
    bolero::check!().with_max_len(256).for_each(|bytes: &[u8]| {
        let mut conn = hub_with_rooms();
        let mut now = at("2026-11-26T09:00:00");
        let mut k = TestKiosk::unstaffed("k-p");
        k.send(&mut conn, now, vec![register(1, "1960-01-01"), register(2, "1970-01-01")]);
        let mut made = 0usize;
        for op in bytes.chunks(3) {
            let [kind, a, b] = [op[0], *op.get(1).unwrap_or(&0), *op.get(2).unwrap_or(&0)];
            let target = BookingId::parse(&format!("b-{}", usize::from(a) % made.max(1))).unwrap();
            match kind % 7 {
                0 | 1 => {
                    let r = request(
                        rooms[usize::from(a) % rooms.len()],
                        days[usize::from(b) % 2],
                        9 + u32::from(b % 6),
                        1 + u32::from(a % 3),
                        Booker::General,
                    );
                    k.send(&mut conn, now, vec![book(1 + usize::from(b % 2), &format!("b-{made}"), r)]);
                    made += 1;
                }
                2 => drop(crate::rentals::approve(&mut conn, &target, "p", now)),
                3 => drop(crate::rentals::reject(&mut conn, &target, "p", "사유", now)),
                4 => drop(crate::rentals::paid(&mut conn, &target, "p", "R", now)),
                5 => {
                    let learner =
                        store::get(&conn, &target).unwrap().map(|s| s.booking.learner_id).unwrap_or_else(|| lid(1));
                    k.send(
                        &mut conn,
                        now,
                        vec![RentalIntent::CancelRoom { booking_id: target, learner_id: learner }.into()],
                    );
                }
                _ => {
                    now += Duration::hours(i64::from(b % 30));
                    crate::housekeeping::run(&mut conn, now, &mut || "seed".into()).unwrap();
                }
            }
            assert_eq!(store::overlaps(&conn).unwrap(), Vec::<(String, String)>::new());
        }
    });
}

/// Whatever the code does, the database itself refuses a live booking over another live one in
/// a conflicting room (the triggers of migration 0012).
#[test]
fn the_database_refuses_an_overlapping_live_booking_on_its_own() {
    let mut conn = hub_with_rooms();
    let now = at("2026-11-26T14:00:00");
    let mut k = TestKiosk::unstaffed("k-a");
    k.send(&mut conn, now, vec![register(1, "1960-01-01")]);
    k.send(&mut conn, now, vec![book(1, "b-hall", request("gm-llc.hall-300", TUESDAY, 10, 2, Booker::General))]);
    let part = request("gm-llc.room-302", TUESDAY, 11, 1, Booker::General);
    let sneak = store::NewBooking {
        id: &BookingId::parse("b-sneak").unwrap(),
        learner: &lid(1),
        request: &part,
        status: &BookingStatus::Confirmed,
        fee: Won(0),
        kiosk: &k.id,
        arrival: 99,
        at: now,
        slot_minutes: 60,
    };
    let refused = store::insert(&conn, &sneak).unwrap_err();
    assert!(refused.to_string().contains("room_overlap"), "{refused}");
    // A cancelled one may sit there, but cannot come back to life over the hall.
    store::insert(&conn, &store::NewBooking { status: &BookingStatus::Cancelled { refund: Won(0) }, ..sneak }).unwrap();
    let revived =
        store::set_status(&conn, &BookingId::parse("b-sneak").unwrap(), &BookingStatus::Confirmed, Won(0), now);
    assert!(revived.is_err());
}

/// A rooms file is all or nothing: a picture from the network, a hall made of a room nobody
/// knows, or a hall over rooms already booked at the same time is refused and changes nothing.
#[test]
fn a_bad_rooms_file_is_refused_whole() {
    let mut conn = hub_with_rooms();
    let now = at("2026-11-26T14:00:00");
    let mut demo: serde_json::Value = serde_json::from_str(crate::demo::ROOMS_JSON).unwrap();
    let mut remote = demo.clone();
    remote["rooms"][0]["photo"] = serde_json::json!("https://example.com/room.jpg");
    assert!(crate::rentals::load_rooms(&mut conn, &remote.to_string()).is_err());
    let mut orphan = demo.clone();
    orphan["rooms"][2]["parts"] = serde_json::json!(["gm-llc.room-999"]);
    assert!(crate::rentals::load_rooms(&mut conn, &orphan.to_string()).is_err());
    // 301 and 302 booked at 10:00, then a file that makes the media room part of the hall is
    // fine, but one that makes 302 part of 301 (both booked) is not.
    let mut k = TestKiosk::unstaffed("k-a");
    k.send(&mut conn, now, vec![register(1, "1960-01-01")]);
    k.send(
        &mut conn,
        now,
        vec![
            book(1, "b-301", request("gm-llc.room-301", TUESDAY, 10, 1, Booker::General)),
            book(1, "b-302", request("gm-llc.room-302", TUESDAY, 10, 1, Booker::General)),
        ],
    );
    demo["rooms"][0]["parts"] = serde_json::json!(["gm-llc.room-302"]);
    let refused = crate::rentals::load_rooms(&mut conn, &demo.to_string()).unwrap_err();
    assert!(refused.to_string().contains("겹칩니다"), "{refused}");
    let kept = store::room(&conn, &RoomId::parse("gm-llc.room-301").unwrap()).unwrap().unwrap();
    assert!(kept.parts.is_empty(), "nothing of the refused file was kept");
    assert!(store::overlaps(&conn).unwrap().is_empty());
}
