//! The subsidy selection for 8,057 applicants (2,500 places, 1967년생 first): Baeum's draw and
//! its re-run in Rust, the hub's whole selection over a real SQLite file (statuses and grants
//! written in one transaction), beside the independent Python re-run anyone can do with the
//! published JSON (`scripts/verify-subsidy-draw.py`, standard library only).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use baeum_domain::subsidy::{DrawRecord, Entrant, ResidenceDeclaration, SubsidyProgramme, receipt_number};
use baeum_domain::{LearnerId, OpId};
use baeum_hub::store::subsidy::{self as store, NewApplication};

use crate::{Error, median, ms};

const APPLICANTS: usize = 8_057;

fn programme() -> Result<SubsidyProgramme, Error> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo/subsidy-2026.json");
    Ok(serde_json::from_str(&std::fs::read_to_string(file)?)?)
}

/// One in ten applicants born in the first-taken year, as a 10-year band gives.
fn entrants() -> Vec<Entrant> {
    (0..APPLICANTS).map(|i| Entrant { receipt: receipt_number(2026, i as u64 + 1), first_taken: i % 10 == 0 }).collect()
}

pub fn section(dir: &Path) -> Result<(), Error> {
    println!("\n## Subsidy selection: {APPLICANTS} applicants, 2,500 places, 1967년생 first, then the draw");
    let p = programme()?;
    let seed = "b6d0c1f4e1a9a3c7d2e8f5a1b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2".to_owned();
    let mut draw_ms = Vec::new();
    let mut verify_ms = Vec::new();
    let mut record = None;
    for _ in 0..15 {
        let t = Instant::now();
        let r = DrawRecord::run(&p, seed.clone(), entrants(), chrono::Utc::now());
        draw_ms.push(ms(t.elapsed()));
        let t = Instant::now();
        r.verify().map_err(|e| e.to_string())?;
        verify_ms.push(ms(t.elapsed()));
        record = Some(r);
    }
    let record = record.ok_or("no draw ran")?;
    println!("| What | median | | selected |");
    println!("|---|---:|---|---:|");
    println!("| Baeum draw (Rust, in memory) | {:.1} ms | | {} |", median(draw_ms), record.selected.len());
    println!("| Baeum re-run from the record (`DrawRecord::verify`) | {:.1} ms | | |", median(verify_ms));

    // The hub's selection over a real database: read the entrants, draw, write 8,057 results.
    let db = dir.join("subsidy-bench.db");
    let mut conn = baeum_hub::store::open(&db)?;
    let opens =
        chrono::NaiveDate::from_ymd_opt(2026, 3, 5).ok_or("date")?.and_hms_opt(1, 0, 0).ok_or("time")?.and_utc();
    store::put_programme(&conn, &p, opens)?;
    {
        let tx = conn.transaction()?;
        for (i, e) in entrants().iter().enumerate() {
            let learner = LearnerId::parse(&format!("l-bench-{i}"))?;
            let op = OpId::parse(&format!("op-bench-{i}"))?;
            store::insert_application(
                &tx,
                &NewApplication {
                    programme: &p.id,
                    learner: &learner,
                    receipt: &e.receipt,
                    first_taken: e.first_taken,
                    residence: ResidenceDeclaration { continuous: true, in_total: true },
                    op: &op,
                    arrival: i as u64 + 1,
                    at: opens,
                },
            )?;
        }
        tx.commit()?;
    }
    let after =
        chrono::NaiveDate::from_ymd_opt(2026, 3, 16).ok_or("date")?.and_hms_opt(1, 0, 0).ok_or("time")?.and_utc();
    let t = Instant::now();
    let hub_record = baeum_hub::subsidy::select(&mut conn, &p.id, seed, after)?;
    let select_ms = ms(t.elapsed());
    let t = Instant::now();
    baeum_hub::subsidy::verify(&conn, &p.id)?;
    let hub_verify_ms = ms(t.elapsed());
    println!(
        "| Baeum hub `subsidy select` (SQLite: entrants, draw, 8,057 results and grants, one transaction) | {select_ms:.1} ms | | {} |",
        hub_record.selected.len()
    );
    println!("| Baeum hub `subsidy verify` (record and every stored result) | {hub_verify_ms:.1} ms | | |");

    // The peer: anyone's re-run of the published JSON in Python.
    let published = dir.join("subsidy-selection.json");
    std::fs::write(&published, serde_json::to_string(&hub_record)?)?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/verify-subsidy-draw.py");
    let mut wall = Vec::new();
    let mut said = String::new();
    for _ in 0..5 {
        let t = Instant::now();
        let out = Command::new("python3").arg(&script).arg(&published).output()?;
        wall.push(ms(t.elapsed()));
        if !out.status.success() {
            return Err(format!("the Python re-run disagrees: {}", String::from_utf8_lossy(&out.stderr)).into());
        }
        said = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    }
    println!(
        "| Peer: Python 3 re-run of the published JSON (hashlib, whole process) | {:.1} ms | {said} | {} |",
        median(wall),
        hub_record.selected.len()
    );
    Ok(())
}
