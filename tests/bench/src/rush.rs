//! `make loadtest`: the 09:00 rush on the real hub binary, on SQLite (one process), PostgreSQL
//! with one hub process, and PostgreSQL with two hub processes behind HAProxy from Debian's
//! packages, side by side in one run. Hubs, HAProxy, PostgreSQL and the load generator share this
//! machine's cores. The published peer: a k6 run of 2,000 simultaneous buyers for 100 items on
//! MySQL with `SELECT … FOR UPDATE`, p99 3.4 s at about 676 TPS (another machine; quoted).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use baeum_domain::{CourseId, CourseStatus, Selection};
use baeum_hub::store::{Location, catalog};
use baeum_test_support::HubProcess;
use baeum_test_support::rush;

use crate::Error;

/// One rush: `applicants` applications for `seats` seats from `kiosks` kiosks.
#[derive(Debug, Clone, Copy)]
struct Shape {
    applicants: usize,
    seats: u32,
    kiosks: usize,
}

/// A course like the demo's open, free 선착순 courses, with `seats` seats, added to the hub's
/// catalog as an import would.
fn rush_course(db: &Location, id: &str, seats: u32) -> Result<String, Error> {
    let today = chrono::Utc::now().with_timezone(&baeum_domain::kst()).date_naive();
    let batch = baeum_hub::demo::demo_catalog(today)?;
    let now = chrono::Utc::now();
    let mut course = batch
        .courses
        .iter()
        .find(|c| {
            c.selection == Selection::FirstCome
                && c.status == CourseStatus::Scheduled
                && c.fee.is_free()
                && c.application.opens_at < now
                && c.application.closes_at > now + chrono::Duration::hours(2)
        })
        .cloned()
        .ok_or("the demo has an open, free first-come course")?;
    course.id = CourseId::parse(id)?;
    course.capacity = seats;
    let mut conn = db.open()?;
    catalog::apply(&mut conn, &catalog::CatalogBatch { courses: vec![course], ..Default::default() })?;
    Ok(id.to_owned())
}

/// HAProxy in front of `backends` on a free port, round robin, as a region would run it.
struct Haproxy {
    child: Child,
    url: String,
}

impl Haproxy {
    fn start(dir: &Path, backends: &[String]) -> Result<Haproxy, Error> {
        let port = baeum_test_support::free_port();
        let mut config = format!(
            "global\n  maxconn 4096\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n\
             frontend hubs\n  bind 127.0.0.1:{port}\n  default_backend hub\nbackend hub\n  balance roundrobin\n  option httpchk GET /health\n"
        );
        for (i, b) in backends.iter().enumerate() {
            let addr = b.trim_start_matches("http://");
            config.push_str(&format!("  server hub{i} {addr} check inter 2s\n"));
        }
        let file = dir.join("haproxy.cfg");
        std::fs::write(&file, config)?;
        let child = Command::new("haproxy")
            .arg("-f")
            .arg(&file)
            .arg("-db")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let url = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(Haproxy { child, url });
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Err("haproxy did not start".into())
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new database on the throw-away server for one configuration.
fn postgres_database(server: &str, name: &str) -> Result<Location, Error> {
    Ok(Location::Postgres(baeum_hub::store::postgres::create_database(server, name)?))
}

fn as_path(db: &Location) -> PathBuf {
    match db {
        Location::Sqlite(p) => p.clone(),
        Location::Postgres(url) => PathBuf::from(url),
    }
}

struct Row {
    config: &'static str,
    shape: Shape,
    report: rush::RushReport,
    confirmed_held: usize,
    waitlist_ok: bool,
}

fn run_one(
    runtime: &tokio::runtime::Runtime,
    dir: &Path,
    db: Location,
    config: &'static str,
    hubs: usize,
    shape: Shape,
) -> Result<Row, Error> {
    let path = as_path(&db);
    baeum_test_support::seed(&path, &["--demo"]);
    let course = rush_course(&db, &format!("c-rush-{}", shape.seats), shape.seats)?;
    let processes: Vec<HubProcess> = (0..hubs).map(|_| HubProcess::start(&path)).collect();
    let proxy = if hubs > 1 {
        Some(Haproxy::start(dir, &processes.iter().map(|h| h.url.clone()).collect::<Vec<_>>())?)
    } else {
        None
    };
    let front = proxy.as_ref().map_or_else(|| processes[0].url.clone(), |p| p.url.clone());
    let invite = || processes[0].invite();
    let per_kiosk = shape.applicants / shape.kiosks;
    let mut fleet = runtime.block_on(rush::prepare(&[front], &invite, shape.kiosks, per_kiosk, "load"));
    let report = runtime.block_on(rush::rush(&mut fleet, &course, Some(10)));
    let held = runtime.block_on(rush::statuses(&fleet, &course));
    let confirmed_held = held.values().filter(|s| s["status"] == "confirmed").count();
    let waiting = shape.applicants as u64 - u64::from(shape.seats);
    let waitlist_ok = report.positions() == (1..=waiting).collect::<Vec<_>>()
        && held.len() == shape.applicants
        && report.errors.is_empty();
    drop(proxy);
    Ok(Row { config, shape, report, confirmed_held, waitlist_ok })
}

pub fn section(dir: &Path, runtime: &tokio::runtime::Runtime) -> Result<(), Error> {
    let server = std::env::var("BAEUM_LOADTEST_POSTGRES")
        .map_err(|_| "BAEUM_LOADTEST_POSTGRES is not set: run `make loadtest` (it starts a throw-away PostgreSQL)")?;
    let only = std::env::var("BAEUM_LOADTEST").unwrap_or_default();
    if only == "fleet" {
        return fleet_section(dir, runtime, &server);
    }
    let big = std::env::var("BAEUM_LOADTEST_BIG").map_or(true, |v| v != "0");
    let mut shapes = vec![Shape { applicants: 2_000, seats: 20, kiosks: 200 }];
    if big {
        shapes.push(Shape { applicants: 20_000, seats: 100, kiosks: 500 });
    }
    println!("\n## The 09:00 rush: one 선착순 course, every kiosk taps 수강신청 at once (one request per tap)");
    println!(
        "Hubs, PostgreSQL 15, HAProxy and the load generator on this one machine. Every 10th tap is sent, \
         abandoned after 1 ms and sent again (a time-out and retry)."
    );
    println!(
        "| Engine | Applications → seats | Kiosks | p50 | p99 | max | throughput | confirmed | waitlist 1..n, none lost or doubled |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---|");
    for (n, shape) in shapes.iter().enumerate() {
        let configs: [(&'static str, usize); 3] =
            [("SQLite, 1 hub", 1), ("PostgreSQL, 1 hub", 1), ("PostgreSQL, 2 hubs behind HAProxy", 2)];
        for (c, (config, hubs)) in configs.iter().enumerate() {
            let run = dir.join(format!("rush-{n}-{c}"));
            std::fs::create_dir_all(&run)?;
            let db = if c == 0 {
                Location::Sqlite(run.join("hub.db"))
            } else {
                postgres_database(&server, &format!("baeum_rush_{n}_{c}"))?
            };
            let row = run_one(runtime, &run, db, config, *hubs, *shape)?;
            let (p50, p99, max) = row.report.percentiles();
            println!(
                "| {} | {} → {} | {} | {:.0} ms | {:.0} ms | {:.0} ms | {:.0}/s | {} | {} |",
                row.config,
                row.shape.applicants,
                row.shape.seats,
                row.shape.kiosks,
                p50,
                p99,
                max,
                row.report.throughput(),
                row.confirmed_held,
                if row.waitlist_ok { "yes" } else { "NO" }
            );
            std::io::stdout().flush()?;
        }
    }
    println!(
        "| k6 + MySQL `SELECT … FOR UPDATE` (published, another machine) | 2,000 → 100 | | | 3,400 ms | | ≈676/s | | |"
    );
    if only == "rush" {
        return Ok(());
    }
    fleet_section(dir, runtime, &server)
}

/// 1,000 kiosks polling changes every 30 s while an import of 1,000 changed courses lands.
fn fleet_section(dir: &Path, runtime: &tokio::runtime::Runtime, server: &str) -> Result<(), Error> {
    let kiosks: usize = std::env::var("BAEUM_LOADTEST_KIOSKS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000);
    let period = std::time::Duration::from_secs(30);
    let rounds = 3;
    println!(
        "\n## The fleet: {kiosks} kiosks poll `changes` every {} s ({rounds} rounds) while `seed --synthetic 1000` re-dates 1,000 courses",
        period.as_secs()
    );
    println!("| Engine | polls | p50 | p99 | max | errors | every kiosk ends with the hub's checksum |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    let configs: [(&'static str, usize); 3] =
        [("SQLite, 1 hub", 1), ("PostgreSQL, 1 hub", 1), ("PostgreSQL, 2 hubs behind HAProxy", 2)];
    for (c, (config, hubs)) in configs.iter().enumerate() {
        let run = dir.join(format!("fleet-{c}"));
        std::fs::create_dir_all(&run)?;
        let db = if c == 0 {
            Location::Sqlite(run.join("hub.db"))
        } else {
            postgres_database(server, &format!("baeum_fleet_{c}"))?
        };
        let path = as_path(&db);
        baeum_test_support::seed(&path, &["--synthetic", "1000", "--date", "2026-12-01"]);
        let processes: Vec<HubProcess> = (0..*hubs).map(|_| HubProcess::start(&path)).collect();
        let proxy = if *hubs > 1 {
            Some(Haproxy::start(&run, &processes.iter().map(|h| h.url.clone()).collect::<Vec<_>>())?)
        } else {
            None
        };
        let front = proxy.as_ref().map_or_else(|| processes[0].url.clone(), |p| p.url.clone());
        let invite = || processes[0].invite();
        let devices = runtime.block_on(rush::devices(std::slice::from_ref(&front), &invite, kiosks, "fleet"));
        let snapshot: baeum_domain::protocol::CatalogSnapshot =
            serde_json::from_value(processes[0].get_json("/v1/catalog/snapshot"))?;
        let followers = rush::Follower::from_snapshot(&snapshot, &devices);
        let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build()?;
        let started = std::time::Instant::now();
        // Kiosk k polls at k/n of the period, then every period.
        let tasks: Vec<_> = followers
            .into_iter()
            .enumerate()
            .map(|(k, mut f)| {
                let http = http.clone();
                let offset = period.mul_f64(k as f64 / kiosks as f64);
                runtime.spawn(async move {
                    let mut latencies = Vec::new();
                    let mut errors = 0;
                    for round in 0..rounds {
                        let at = started + offset + period * round;
                        tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await;
                        match f.poll(&http).await {
                            Ok(l) => latencies.extend(l),
                            Err(_) => errors += 1,
                        }
                    }
                    (f, latencies, errors)
                })
            })
            .collect();
        // The import lands a third of the way into the second round.
        std::thread::sleep(period + period / 3);
        baeum_test_support::seed(&path, &["--synthetic", "1000", "--date", "2026-12-03"]);
        let mut latencies = Vec::new();
        let mut errors = 0;
        let mut followers = Vec::new();
        for t in tasks {
            let (f, l, e) = runtime.block_on(t)?;
            latencies.extend(l);
            errors += e;
            followers.push(f);
        }
        let want = processes[0].get_json("/v1/catalog/checksum");
        let converged = followers.iter().filter(|f| want["sha256"] == f.checksum()).count();
        let report = rush::RushReport { latencies, ..Default::default() };
        let (p50, p99, max) = report.percentiles();
        println!(
            "| {config} | {} | {p50:.1} ms | {p99:.1} ms | {max:.1} ms | {errors} | {converged} of {kiosks} |",
            report.latencies.len()
        );
        std::io::stdout().flush()?;
        drop(proxy);
    }
    Ok(())
}
