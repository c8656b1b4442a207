//! `make bench`: Baeum's catalog sync and search, measured on this machine beside their peers
//! in the same run — PouchDB replication (a real pouchdb-server process → pouchdb-node) for
//! sync, SQLite FTS5 trigram and a plain LIKE scan for search, PouchDB `replicate.to` for the
//! outbox upload, headless Chromium for certificates. Prints figures, asserts nothing.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use baeum_domain::{CourseStatus, SystemClock};
use baeum_hub::store as hub_store;
use baeum_hub::store::catalog::{self, CatalogBatch};
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk, SearchQuery};

mod app;
mod certificates;
mod package;
mod rentals;
mod rush;
mod subsidy;
mod upload;
mod videos;

type Error = Box<dyn std::error::Error>;

/// GET a path from the hub (plain HTTP/1.1 on loopback) and return the body.
/// GET `path` on the hub as a device of the bench's own.
fn http_get(hub: &Hub, path: &str) -> Result<String, Error> {
    Ok(hub.get_json(path).to_string())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem_kb: u64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("MemTotal")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0);
    format!("{cpu}, {cores} cores, {:.0} GiB RAM, {}", mem_kb as f64 / 1048576.0, std::env::consts::OS)
}

/// Peak resident memory of this process since the last `reset_peak` (Linux), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn reset_peak() {
    // "5" resets the peak RSS counter (Linux ≥ 4.0).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// CPU time (user + system) a process has used so far, from /proc (Linux), in ms.
fn cpu_ms(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may contain spaces): utime and stime are 14th and 15th.
    let after = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let ticks: f64 = after.split_whitespace().skip(11).take(2).filter_map(|v| v.parse::<f64>().ok()).sum();
    // USER_HZ is 100 on every Linux the kiosk runs on.
    ticks * 10.0
}

fn file_size(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).map_or(0, |m| m.len()))
        .sum()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

use baeum_test_support::HubProcess as Hub;

/// The first line a child prints on its (piped) standard output, e.g. the address it listens on.
fn first_line(child: &mut std::process::Child) -> Result<String, Error> {
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        BufReader::new(out).read_line(&mut line)?;
    }
    Ok(line.trim().to_owned())
}

fn start_hub(dir: &Path, courses: usize) -> Result<Hub, Error> {
    let n = courses.to_string();
    start_hub_with(dir, "hub.db", &["--synthetic", &n, "--date", "2026-11-26"])
}

fn start_hub_with(dir: &Path, file: &str, seed: &[&str]) -> Result<Hub, Error> {
    let db = dir.join(file);
    baeum_test_support::seed(&db, seed);
    Ok(Hub::start(&db))
}

/// A kiosk in `dir`, registered with `hub` the first time (an invite code, as staff do).
fn kiosk(dir: &Path, hub: &Hub, runtime: &tokio::runtime::Runtime) -> Result<Kiosk, Error> {
    let client = HubClient::with_timeout(HubUrl::parse(&hub.url)?, Duration::from_secs(600))?;
    let kiosk = Kiosk::open_with_client(&DataDir::new(dir), client, Arc::new(SystemClock))?;
    if !kiosk.is_provisioned() {
        runtime.block_on(kiosk.provision(&hub.invite()))?;
    }
    Ok(kiosk)
}

/// Writes the hub's courses as PouchDB documents (one JSON per line) and the `changed` ones.
fn export_docs(hub_db: &Path, dir: &Path, changed: &[baeum_domain::Course]) -> Result<(PathBuf, PathBuf), Error> {
    let conn = hub_store::open(hub_db)?;
    let doc = |c: &baeum_domain::Course| -> Result<String, Error> {
        let mut v = serde_json::to_value(c)?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("_id".into(), serde_json::Value::String(c.id.to_string()));
        }
        Ok(serde_json::to_string(&v)?)
    };
    let all = dir.join("docs.ndjson");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&all)?);
    for c in hub_store::courses::all(&conn)? {
        writeln!(out, "{}", doc(&c)?)?;
    }
    out.flush()?;
    let changed_file = dir.join("changed.ndjson");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&changed_file)?);
    for c in changed {
        writeln!(out, "{}", doc(c)?)?;
    }
    out.flush()?;
    Ok((all, changed_file))
}

/// The next 100 courses, cancelled: what the hub changes between incremental syncs.
fn changed_courses(hub_db: &Path, round: usize) -> Result<Vec<baeum_domain::Course>, Error> {
    let conn = hub_store::open(hub_db)?;
    let mut all = hub_store::courses::all(&conn)?;
    Ok(all
        .drain(..)
        .skip(round * 100)
        .take(100)
        .map(|mut c| {
            c.status =
                if c.status == CourseStatus::Cancelled { CourseStatus::Scheduled } else { CourseStatus::Cancelled };
            c
        })
        .collect())
}

fn apply_on_hub(hub_db: &Path, courses: Vec<baeum_domain::Course>) -> Result<(), Error> {
    catalog::apply(&mut hub_store::open(hub_db)?, &CatalogBatch { courses, ..Default::default() })?;
    Ok(())
}

/// Keystrokes as an on-screen Hangul keyboard produces them (composition states included).
const TYPING: &[(&str, &[&str])] = &[
    ("Hangul 요가", &["ㅇ", "요", "욕", "요가"]),
    ("Hangul 스마트폰", &["ㅅ", "스", "슴", "스마", "스맡", "스마트", "스마트ㅍ", "스마트포", "스마트폰"]),
    ("Hangul 노래교실", &["ㄴ", "노", "놀", "노래", "노랙", "노래교", "노래굣", "노래교시", "노래교실"]),
    ("초성 ㅇㄱ", &["ㅇ", "ㅇㄱ"]),
    ("초성 ㅅㅁㅌㅍ", &["ㅅ", "ㅅㅁ", "ㅅㅁㅌ", "ㅅㅁㅌㅍ"]),
    (
        "mixed 3D 프린팅",
        &["3", "3D", "3D ", "3D ㅍ", "3D 프", "3D 플", "3D 프리", "3D 프린", "3D 프린ㅌ", "3D 프린티", "3D 프린팅"],
    ),
    (
        "mixed 바리스타 2급",
        &[
            "ㅂ",
            "바",
            "발",
            "바리",
            "바릿",
            "바리스",
            "바리스ㅌ",
            "바리스타",
            "바리스타 2",
            "바리스타 2ㄱ",
            "바리스타 2그",
            "바리스타 2급",
        ],
    ),
];

struct Latencies {
    p50: f64,
    p99: f64,
    final_matches: Vec<usize>,
}

fn measure(reps: usize, mut run: impl FnMut(&str) -> Result<usize, Error>) -> Result<Latencies, Error> {
    let mut samples = Vec::new();
    let mut final_matches = Vec::new();
    for rep in 0..reps {
        for (_, keys) in TYPING {
            for (i, key) in keys.iter().enumerate() {
                let start = Instant::now();
                let n = run(key)?;
                samples.push(ms(start.elapsed()));
                if rep == 0 && i == keys.len() - 1 {
                    final_matches.push(n);
                }
            }
        }
    }
    samples.sort_by(f64::total_cmp);
    Ok(Latencies { p50: percentile(&samples, 50), p99: percentile(&samples, 99), final_matches })
}

fn fts_and_like(dir: &Path, hub_db: &Path) -> Result<rusqlite::Connection, Error> {
    let hub = hub_store::open(hub_db)?;
    let institutions: std::collections::HashMap<String, String> =
        hub_store::institutions::all(&hub)?.into_iter().map(|i| (i.id.to_string(), i.name.to_string())).collect();
    let places: std::collections::HashMap<String, String> =
        hub_store::places::all(&hub)?.into_iter().map(|p| (p.id.to_string(), p.name.to_string())).collect();
    let mut conn = rusqlite::Connection::open(dir.join("peers.db"))?;
    conn.execute_batch(
        "CREATE TABLE plain (id TEXT PRIMARY KEY, title TEXT, institution TEXT, place TEXT, instructor TEXT);
         CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, institution, place, instructor, tokenize = 'trigram');",
    )?;
    let tx = conn.transaction()?;
    for c in hub_store::courses::all(&hub)? {
        let row = [
            c.id.to_string(),
            c.title.to_string(),
            institutions.get(c.institution_id.as_str()).cloned().unwrap_or_default(),
            c.place_id.as_ref().and_then(|p| places.get(p.as_str()).cloned()).unwrap_or_default(),
            c.instructor.as_ref().map(ToString::to_string).unwrap_or_default(),
        ];
        tx.execute("INSERT INTO plain VALUES (?1, ?2, ?3, ?4, ?5)", rusqlite::params_from_iter(&row))?;
        tx.execute("INSERT INTO fts VALUES (?1, ?2, ?3, ?4, ?5)", rusqlite::params_from_iter(&row))?;
    }
    tx.commit()?;
    Ok(conn)
}

fn main() -> Result<(), Error> {
    let courses: usize = std::env::var("BAEUM_BENCH_COURSES").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let dir = tempfile::tempdir()?;
    println!("Baeum benchmarks — {}", machine());
    println!(
        "catalog: {courses} synthetic courses (+ 31 institutions, 76 places), hub and kiosk on loopback, SQLite synchronous=FULL"
    );
    let intents: usize = std::env::var("BAEUM_BENCH_INTENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    match std::env::var("BAEUM_BENCH_ONLY").as_deref() {
        Ok("upload") => return upload_section(dir.path(), &runtime, intents),
        Ok("certificates") => return certificates::section(dir.path()),
        Ok("app") => return app::section(dir.path(), &package::section()?),
        Ok("subsidy") => return subsidy::section(dir.path()),
        Ok("rooms") => return rentals::section(dir.path(), &runtime),
        Ok("videos") => return videos::section(dir.path(), &runtime),
        Ok("rush") => return rush::section(dir.path(), &runtime),
        Ok("sync" | "cold") => return sync_section(dir.path(), &runtime, courses),
        _ => {}
    }
    sync_section(dir.path(), &runtime, courses)?;
    upload_section(dir.path(), &runtime, intents)?;
    certificates::section(dir.path())?;
    subsidy::section(dir.path())?;
    rentals::section(dir.path(), &runtime)?;
    videos::section(dir.path(), &runtime)?;
    app::section(dir.path(), &package::section()?)
}

/// Cold and incremental sync beside PouchDB, aborted syncs, and search beside FTS5 and LIKE.
fn sync_section(dir: &Path, runtime: &tokio::runtime::Runtime, courses: usize) -> Result<(), Error> {
    let hub = start_hub(dir, courses)?;

    // Cold sync.
    let mut cold = Vec::new();
    let mut peak = 0.0f64;
    let mut db_bytes = 0;
    let hub_pid = hub.pid().to_string();
    let mut cpu = Vec::new();
    for run in 0..3 {
        let kdir = dir.join(format!("cold-{run}"));
        let k = kiosk(&kdir, &hub, runtime)?;
        reset_peak();
        let cpu_before = (cpu_ms("self"), cpu_ms(&hub_pid));
        let start = Instant::now();
        runtime.block_on(k.sync_now())?;
        cold.push(ms(start.elapsed()));
        cpu.push((cpu_ms("self") - cpu_before.0, cpu_ms(&hub_pid) - cpu_before.1));
        peak = peak.max(peak_rss_mib());
        drop(k);
        db_bytes = file_size(&DataDir::new(&kdir).database());
    }
    if std::env::var("BAEUM_BENCH_ONLY").as_deref() == Ok("cold") {
        // Quick loop while working on the cold sync alone.
        println!(
            "cold runs (ms): {cold:?}; CPU (kiosk, hub) ms: {cpu:?}; database {:.1} MiB; peak RSS {peak:.0} MiB",
            db_bytes as f64 / 1048576.0
        );
        return Ok(());
    }

    // Incremental: 100 changed courses with everything else stored.
    let k = kiosk(&dir.join("cold-0"), &hub, runtime)?;
    let mut incremental = Vec::new();
    for round in 0..5 {
        apply_on_hub(&hub.db, changed_courses(&hub.db, round)?)?;
        let start = Instant::now();
        let report = runtime.block_on(k.sync_now())?;
        incremental.push(ms(start.elapsed()));
        assert_eq!(report.changes_applied, 100, "each round brings exactly the 100 changes");
    }

    // Ten aborted syncs, then a complete one: how much larger than a clean kiosk's database?
    let adir = dir.join("aborted");
    let aborted = kiosk(&adir, &hub, runtime)?;
    let cold_ms = median(cold.clone());
    for i in 0..10u32 {
        let cut = Duration::from_secs_f64(cold_ms / 1000.0 * (f64::from(i) + 0.5) / 10.0);
        let _ = runtime.block_on(async { tokio::time::timeout(cut, aborted.sync_now()).await });
    }
    runtime.block_on(aborted.sync_now())?;
    drop(aborted);
    let cdir = dir.join("clean");
    let clean = kiosk(&cdir, &hub, runtime)?;
    runtime.block_on(clean.sync_now())?;
    drop(clean);
    let aborted_bytes = file_size(&DataDir::new(&adir).database());
    let clean_bytes = file_size(&DataDir::new(&cdir).database());

    // Search, per keystroke.
    let ours =
        measure(20, |q| Ok(k.search(&SearchQuery { text: q.into(), limit: Some(50), ..Default::default() })?.matches))?;
    let index = k.index();
    let now = chrono::Utc::now();
    let ids_only = measure(20, |q| {
        Ok(index.search(&SearchQuery { text: q.into(), limit: Some(50), ..Default::default() }, now).total)
    })?;
    let peers = fts_and_like(dir, &hub.db)?;
    let fts = measure(20, |q| {
        let quoted = format!("\"{}\"", q.replace('"', "\"\""));
        let n: i64 = peers.query_row("SELECT count(*) FROM fts WHERE fts MATCH ?1", [&quoted], |r| r.get(0))?;
        let mut stmt = peers.prepare_cached("SELECT id FROM fts WHERE fts MATCH ?1 LIMIT 50")?;
        let _ids: Vec<String> = stmt.query_map([&quoted], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(n as usize)
    })?;
    let like = measure(5, |q| {
        let pattern = format!("%{q}%");
        let sql = "FROM plain WHERE title LIKE ?1 OR institution LIKE ?1 OR place LIKE ?1 OR instructor LIKE ?1";
        let n: i64 = peers.query_row(&format!("SELECT count(*) {sql}"), [&pattern], |r| r.get(0))?;
        let mut stmt = peers.prepare_cached(&format!("SELECT id {sql} LIMIT 50"))?;
        let _ids: Vec<String> = stmt.query_map([&pattern], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(n as usize)
    })?;

    // PouchDB, same documents, same machine, same run.
    let (docs, changed) = export_docs(&hub.db, dir, &changed_courses(&hub.db, 10)?)?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("pouchdb/bench.mjs");
    let pouch = Command::new("node").arg(&script).arg(&docs).arg(&changed).output()?;
    let pouch_json: serde_json::Value =
        serde_json::from_slice(pouch.stdout.split(|b| *b == b'\n').rfind(|l| l.starts_with(b"{")).unwrap_or(b"{}"))
            .unwrap_or_default();
    if !pouch.status.success() {
        eprintln!("PouchDB peer failed: {}", String::from_utf8_lossy(&pouch.stderr));
    }
    let pouch_cold = pouch_json["cold_ms"].as_f64().unwrap_or(f64::NAN);
    let pouch_incr = pouch_json["incremental_ms"].as_f64().unwrap_or(f64::NAN);

    println!();
    println!("SYNC (median; Baeum: real hub process → kiosk engine, chunks of 2,000, zstd, SQLite FULL)");
    println!("  {:<42} {:>12} {:>14} {:>9}", "", "Baeum", "PouchDB", "ratio");
    println!(
        "  {:<42} {:>10.0} ms {:>12.0} ms {:>8.1}×",
        format!("cold sync, {courses} docs (avg {} B)", pouch_json["avg_doc_bytes"]),
        cold_ms,
        pouch_cold,
        pouch_cold / cold_ms
    );
    println!(
        "  {:<42} {:>10.1} ms {:>12.1} ms {:>8.1}×",
        "incremental sync, 100 changed",
        median(incremental.clone()),
        pouch_incr,
        pouch_incr / median(incremental.clone())
    );
    println!(
        "  cold runs (ms): {:?}; incremental runs (ms): {:?}",
        cold.iter().map(|v| v.round()).collect::<Vec<_>>(),
        incremental.iter().map(|v| (v * 10.0).round() / 10.0).collect::<Vec<_>>()
    );
    println!(
        "  CPU time per cold run (kiosk engine, hub process): {:?} ms",
        cpu.iter().map(|(k, h)| (k.round(), h.round())).collect::<Vec<_>>()
    );
    println!(
        "  kiosk database after cold sync: {:.1} MiB; peak RSS during cold sync (bench process): {peak:.0} MiB",
        db_bytes as f64 / 1048576.0
    );
    println!(
        "  ten aborted syncs then a complete one: {:.1} MiB vs {:.1} MiB clean ({:+.2} %)",
        aborted_bytes as f64 / 1048576.0,
        clean_bytes as f64 / 1048576.0,
        (aborted_bytes as f64 / clean_bytes as f64 - 1.0) * 100.0
    );
    println!();
    println!(
        "SEARCH per keystroke over {courses} courses ({} keystrokes × reps; count + first 50)",
        TYPING.iter().map(|(_, k)| k.len()).sum::<usize>()
    );
    println!("  {:<22} {:>10} {:>10}   matches for the last keystroke of each query", "", "p50", "p99");
    for (name, l) in [
        ("Baeum (page of cards)", &ours),
        ("Baeum (index only)", &ids_only),
        ("SQLite FTS5 trigram", &fts),
        ("SQLite LIKE scan", &like),
    ] {
        println!("  {:<22} {:>7.3} ms {:>7.3} ms   {:?}", name, l.p50, l.p99, l.final_matches);
    }
    println!("  queries: {:?}", TYPING.iter().map(|(n, _)| *n).collect::<Vec<_>>());
    drop(hub);
    Ok(())
}

/// Outbox upload beside PouchDB `replicate.to` of as many ~300-byte documents, same run.
fn upload_section(dir: &Path, runtime: &tokio::runtime::Runtime, intents: usize) -> Result<(), Error> {
    let hub = start_hub_with(dir, "upload-hub.db", &["--demo"])?;
    let ours = upload::run(dir, &hub, runtime, intents)?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("pouchdb/bench.mjs");
    let pouch = Command::new("node").arg(&script).arg("push").arg(intents.to_string()).output()?;
    if !pouch.status.success() {
        eprintln!("PouchDB peer failed: {}", String::from_utf8_lossy(&pouch.stderr));
    }
    let pouch_json: serde_json::Value =
        serde_json::from_slice(pouch.stdout.split(|b| *b == b'\n').rfind(|l| l.starts_with(b"{")).unwrap_or(b"{}"))
            .unwrap_or_default();
    let pouch_ms = pouch_json["push_ms"].as_f64().unwrap_or(f64::NAN);
    println!();
    println!(
        "UPLOAD of queued intents (kiosk outbox → real hub process; batches of {}; fsync'd on both sides before acknowledged)",
        baeum_kiosk::upload::UPLOAD_BATCH
    );
    println!("  {:<42} {:>12} {:>14} {:>9}", "", "Baeum", "PouchDB", "ratio");
    println!(
        "  {:<42} {:>10.0} ms {:>12.0} ms {:>8.1}×",
        format!(
            "{} intents (Baeum {} B, PouchDB {} B)",
            ours.intents, ours.avg_intent_bytes, pouch_json["avg_doc_bytes"]
        ),
        ours.upload_ms,
        pouch_ms,
        pouch_ms / ours.upload_ms
    );
    println!(
        "  hub decided every one over {} open courses: {} seated, {} waitlisted, 0 duplicates (checked)",
        ours.courses, ours.seated, ours.waiting
    );
    Ok(())
}
