//! Rooms: a month of one room's availability drawn at the kiosk from its last sync, for each of
//! 200 rooms (p50/p99), beside asking the hub for its board over loopback each time (what a
//! kiosk without the offline copy would do); and the hub deciding 1,000 conflicting requests
//! for 50 room slots from 20 kiosks at once (throughput, exactly 50 granted), beside the same
//! contention on a first-come course (1,000 applications).

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use baeum_domain::rental::{Booker, BookingRequest, RoomsConfig};
use baeum_domain::{CourseId, RoomId, SystemClock};
use chrono::{Datelike, NaiveTime};

use crate::{Error, Hub, kiosk, ms, percentile};

const ROOMS: usize = 200;

/// 200 rooms shaped like the demo's (every tenth a hall made of the two before it).
fn rooms_file(dir: &Path) -> Result<std::path::PathBuf, Error> {
    let demo: RoomsConfig = serde_json::from_str(baeum_hub::demo::ROOMS_JSON)?;
    let mut rooms = Vec::new();
    for i in 0..ROOMS {
        let mut r = demo.rooms[i % 2].clone();
        r.id = RoomId::parse(&format!("bench.room-{i:03}"))?;
        r.name = format!("강의실 {i}");
        r.parts = if i % 10 == 9 {
            vec![
                RoomId::parse(&format!("bench.room-{:03}", i - 1))?,
                RoomId::parse(&format!("bench.room-{:03}", i - 2))?,
            ]
        } else {
            Vec::new()
        };
        r.approval = baeum_domain::rental::ApprovalMode::Instant;
        rooms.push(r);
    }
    let file = dir.join("bench-rooms.json");
    std::fs::write(&file, serde_json::to_string(&RoomsConfig { rooms, ..demo })?)?;
    Ok(file)
}

fn load_rooms(hub: &Hub, file: &Path) -> Result<(), Error> {
    let out = Command::new(baeum_test_support::binary("baeum-hub"))
        .args(["rental", "--db"])
        .arg(&hub.db)
        .arg("rooms")
        .arg(file)
        .output()?;
    if !out.status.success() {
        return Err(format!("rental rooms: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(())
}

fn weekday_after(days: i64) -> chrono::NaiveDate {
    let mut d = baeum_domain::Clock::now_kst(&SystemClock).date_naive() + chrono::Duration::days(days);
    while d.weekday().num_days_from_monday() > 4 {
        d += chrono::Duration::days(1);
    }
    d
}

fn request(room: usize, date: chrono::NaiveDate, hour: u32) -> Result<BookingRequest, Error> {
    Ok(BookingRequest {
        room_id: RoomId::parse(&format!("bench.room-{room:03}"))?,
        date,
        start: NaiveTime::from_hms_opt(hour, 0, 0).ok_or("time")?,
        slots: 1,
        purpose: "벤치마크 모임".into(),
        headcount: 2,
        organisation: None,
        booker: Booker::General,
    })
}

/// Every kiosk uploads its outbox at the same time; returns when all are answered.
fn upload_all(runtime: &tokio::runtime::Runtime, kiosks: &[Arc<baeum_kiosk::Kiosk>]) -> Result<(), Error> {
    runtime.block_on(async {
        let tasks: Vec<_> = kiosks
            .iter()
            .map(|kk| {
                let kk = Arc::clone(kk);
                tokio::spawn(async move { kk.upload_outbox().await })
            })
            .collect();
        for t in tasks {
            t.await??;
        }
        Ok::<(), Error>(())
    })
}

pub fn section(dir: &Path, runtime: &tokio::runtime::Runtime) -> Result<(), Error> {
    println!("\n## Rooms: {ROOMS} rooms, a month's calendar at the kiosk; 1,000 conflicting requests for 50 slots");
    let hub = crate::start_hub_with(dir, "rooms-hub.db", &["--demo"])?;
    load_rooms(&hub, &rooms_file(dir)?)?;

    // Some rooms taken here and there over the month, from one kiosk.
    let k = kiosk(&dir.join("rooms-kiosk"), &hub, runtime)?;
    let learner = k.register_learner(&baeum_test_support::learner_form(7))?;
    runtime.block_on(k.exchange())?;
    for i in 0..600 {
        let date = weekday_after(2 + (i as i64 % 25));
        k.request_room(&learner.id, &request((i * 7) % ROOMS, date, 9 + (i as u32 % 12))?, None)?;
    }
    runtime.block_on(k.exchange())?;
    let today = baeum_domain::Clock::now_kst(&SystemClock).date_naive();
    let mut samples = Vec::new();
    for round in 0..3 {
        for i in 0..ROOMS {
            let t = Instant::now();
            let calendar = k.room_calendar(&RoomId::parse(&format!("bench.room-{i:03}"))?, today, 31)?;
            if round > 0 {
                samples.push(ms(t.elapsed()));
            }
            if calendar.days.len() != 31 {
                return Err("a month has 31 days here".into());
            }
        }
    }
    samples.sort_by(f64::total_cmp);
    let mut peer = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let board = hub.get_json("/v1/rooms");
        peer.push(ms(t.elapsed()));
        if board["rooms"].as_array().map_or(0, Vec::len) < ROOMS {
            return Err("the hub's board lacks rooms".into());
        }
    }
    peer.sort_by(f64::total_cmp);
    println!("| One room, 31 days | p50 | p99 |");
    println!("|---|---:|---:|");
    println!(
        "| Baeum kiosk calendar (local copy, offline) | {:.2} ms | {:.2} ms |",
        percentile(&samples, 50),
        percentile(&samples, 99)
    );
    println!(
        "| Peer: asking the hub for its board each time (loopback HTTP) | {:.2} ms | {:.2} ms |",
        percentile(&peer, 50),
        percentile(&peer, 99)
    );

    // 20 kiosks, each with one learner, each asking for the same 50 slots (10 rooms × 5 hours).
    let day = weekday_after(40);
    let kiosks: Vec<Arc<baeum_kiosk::Kiosk>> = (0..20)
        .map(|n| kiosk(&dir.join(format!("contend-{n}")), &hub, runtime).map(Arc::new))
        .collect::<Result<_, _>>()?;
    let mut learners = Vec::new();
    for (n, kk) in kiosks.iter().enumerate() {
        learners.push(kk.register_learner(&baeum_test_support::learner_form(100 + n))?);
        runtime.block_on(kk.exchange())?;
    }
    // Ten rooms that are neither halls nor parts of one, so the 50 slots are independent.
    let rooms = [100, 101, 102, 103, 104, 105, 106, 110, 111, 112];
    for (kk, l) in kiosks.iter().zip(&learners) {
        for slot in 0..50 {
            kk.request_room(&l.id, &request(rooms[slot / 5], day, 10 + (slot % 5) as u32)?, None)?;
        }
    }
    let started = Instant::now();
    upload_all(runtime, &kiosks)?;
    let took = started.elapsed();
    let listed = Command::new(baeum_test_support::binary("baeum-hub"))
        .args(["rental", "--db"])
        .arg(&hub.db)
        .arg("list")
        .output()?;
    let all: Vec<serde_json::Value> = serde_json::from_slice(&listed.stdout)?;
    let granted = all.iter().filter(|b| b["request"]["date"] == day.to_string()).count();

    // The peer: the same contention on a first-come course.
    let (course, capacity) = hub.open_first_come_course(10, true);
    let course = CourseId::parse(&course)?;
    // Registrations go up first (not timed: each PIN costs an Argon2id run at the hub), then
    // the applications.
    let mut applicants = Vec::new();
    for (kk, n) in kiosks.iter().zip(0..) {
        runtime.block_on(kk.sync_now())?;
        let mine: Vec<_> = (0..50)
            .map(|a| kk.register_learner(&baeum_test_support::learner_form(1_000 + n * 50 + a)).map(|l| l.id))
            .collect::<Result<_, _>>()?;
        runtime.block_on(kk.upload_outbox())?;
        applicants.push(mine);
    }
    for (kk, mine) in kiosks.iter().zip(&applicants) {
        for l in mine {
            kk.apply(l, &course, &[])?;
        }
    }
    let peer_started = Instant::now();
    upload_all(runtime, &kiosks)?;
    let peer_took = peer_started.elapsed();
    println!("| 1,000 requests from 20 kiosks at once | wall | per second | granted |");
    println!("|---|---:|---:|---:|");
    println!(
        "| Baeum hub, 50 room slots (10 rooms × 5 hours, 20 asks each) | {:.0} ms | {:.0} | {granted} of 50 |",
        ms(took),
        1000.0 / took.as_secs_f64()
    );
    println!(
        "| Peer: the same hub, 1,000 applications for a {capacity}-seat first-come course (seat, waitlist) | {:.0} ms | {:.0} | {capacity} seats |",
        ms(peer_took),
        1000.0 / peer_took.as_secs_f64()
    );
    Ok(())
}
