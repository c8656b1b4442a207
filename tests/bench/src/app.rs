//! Start-up and memory of the kiosk window (release build) beside Chromium in `--app` mode
//! serving the same built UI with a fake backend, in the same run on the same virtual screen
//! (Xvfb 1080×1920): time from launch to the first interactive screen (the UI's own `ui_ready`,
//! sent after the course cards are drawn), and the memory of every process of each (PSS, so
//! shared libraries are not counted twice) idle on the home screen and after scrolling through
//! 20 courses (the same Page Down presses, through xdotool, for both). Launches are warm (the
//! files in the page cache) and, as root, also cold (caches dropped before each launch). The
//! kiosk's own `startup` log lines give a timeline of where its time goes (`startup.rs`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::{Error, ms};

const RUNS: usize = 5;

/// Proportional set size of `pid` and all its descendants, in MiB.
fn tree_pss_mib(root: u32) -> f64 {
    let mut children: std::collections::HashMap<u32, Vec<u32>> = Default::default();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // The parent pid is the second field after the parenthesised command name.
        let Some(after) = stat.rsplit_once(')').map(|(_, rest)| rest.to_owned()) else { continue };
        if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let (mut total_kb, mut stack) = (0u64, vec![root]);
    while let Some(pid) = stack.pop() {
        if let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) {
            total_kb += rollup
                .lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                .unwrap_or(0);
        }
        stack.extend(children.get(&pid).cloned().unwrap_or_default());
    }
    total_kb as f64 / 1024.0
}

/// A line-by-line reader of a child's stream on its own thread.
fn lines_of(stream: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for a line containing `needle`; the moment it came and the lines before it.
fn wait_for(rx: &mpsc::Receiver<String>, needle: &str, limit: Duration) -> Result<(Instant, Vec<String>), Error> {
    let deadline = Instant::now() + limit;
    let mut before = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return Ok((Instant::now(), before)),
            Ok(line) => before.push(line),
            Err(_) => return Err(format!("`{needle}` did not come within {limit:?}").into()),
        }
    }
}

fn unix_ms(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

/// `(phase, ms after launch)` from the kiosk's `startup` lines (`… startup phase="window"
/// unix_ms=1765… since_main_ms=…`).
fn phases(lines: &[String], launched: SystemTime) -> Vec<(String, f64)> {
    let field = |line: &str, name: &str| -> Option<String> {
        let rest = line.split_once(&format!("{name}="))?.1;
        Some(rest.split_whitespace().next()?.trim_matches('"').to_owned())
    };
    lines
        .iter()
        .filter(|l| l.contains("startup") && l.contains("phase="))
        .filter_map(|l| Some((field(l, "phase")?, field(l, "unix_ms")?.parse::<f64>().ok()? - unix_ms(launched))))
        .collect()
}

/// Empties the page cache, so the next launch reads its program and libraries from disk as
/// after a reboot. Only root can; false otherwise.
fn drop_caches() -> bool {
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

fn kill_tree(child: &mut Child) {
    let pid = child.id();
    // Child processes of the webview/browser first, then the root.
    let _ = Command::new("pkill").args(["-KILL", "-P", &pid.to_string()]).status();
    let _ = child.kill();
    let _ = child.wait();
}

struct Xvfb {
    display: String,
    child: Child,
}

fn xvfb() -> Result<Xvfb, Error> {
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1080x1920x24", "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let display = format!(":{}", crate::first_line(&mut child)?);
    Ok(Xvfb { display, child })
}

/// Scrolls the window under the pointer by ten screens' worth of Page Down (about 20 cards).
fn browse(display: &str) -> Result<(), Error> {
    let run = |args: &[&str]| Command::new("xdotool").args(args).env("DISPLAY", display).status();
    run(&["mousemove", "540", "1200", "click", "1"])?;
    for _ in 0..10 {
        run(&["key", "Next"])?;
        std::thread::sleep(Duration::from_millis(300));
    }
    Ok(())
}

#[derive(Default)]
struct Figures {
    ready_ms: Vec<f64>,
    idle_mib: Vec<f64>,
    browsed_mib: Vec<f64>,
    /// Cold launches: only the time to the first screen is taken.
    cold: bool,
    /// The last launch's log before its first screen.
    lines: Vec<String>,
    /// Each launch's start-up phases.
    timelines: Vec<Vec<(String, f64)>>,
}

fn median(v: &[f64]) -> f64 {
    crate::median(v.to_vec())
}

/// One launch: spawn, wait for `ready` on `ready_lines`, settle, measure, browse, measure.
fn measure_once(
    display: &str,
    mut child: Child,
    started: Instant,
    ready_lines: &mpsc::Receiver<String>,
    needle: &str,
    figures: &mut Figures,
    shot: Option<&str>,
) -> Result<(), Error> {
    let ready = wait_for(ready_lines, needle, Duration::from_secs(60));
    let (ready, before) = match ready {
        Ok(t) => t,
        Err(e) => {
            kill_tree(&mut child);
            return Err(e);
        }
    };
    figures.ready_ms.push(ms(ready - started));
    figures.lines = before;
    if figures.cold {
        kill_tree(&mut child);
        return Ok(());
    }
    std::thread::sleep(Duration::from_secs(3));
    figures.idle_mib.push(tree_pss_mib(child.id()));
    browse(display)?;
    std::thread::sleep(Duration::from_secs(2));
    figures.browsed_mib.push(tree_pss_mib(child.id()));
    if let Some(name) = shot {
        // What the scrolling did, to look at: test-output/screenshots/bench-*.png.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output/screenshots");
        let _ = std::fs::create_dir_all(&dir);
        let _ = Command::new("import")
            .args(["-window", "root"])
            .arg(dir.join(format!("{name}.png")))
            .env("DISPLAY", display)
            .status();
    }
    kill_tree(&mut child);
    Ok(())
}

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"].iter().map(PathBuf::from).find(|p| p.exists())
}

/// Launches of the kiosk: warm ones measured fully, then (as root) cold ones to the first screen.
fn launch_kiosk(kiosk_bin: &Path, hub: &str, data: &Path, display: &str, cold: bool) -> Result<Figures, Error> {
    let mut figures = Figures { cold, ..Figures::default() };
    for _ in 0..RUNS {
        if cold && !drop_caches() {
            return Ok(figures);
        }
        let launched = SystemTime::now();
        let started = Instant::now();
        let mut child = Command::new(kiosk_bin)
            .args(["--hub", hub, "--windowed", "--size", "1080x1920", "--data-dir"])
            .arg(data)
            .env("DISPLAY", display)
            .env("BAEUM_LOG", "info")
            .env("NO_AT_BRIDGE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let lines = lines_of(child.stderr.take().ok_or("no stderr")?);
        let shot = (!cold && figures.ready_ms.is_empty()).then_some("bench-kiosk-browsed");
        measure_once(display, child, started, &lines, "ui ready", &mut figures, shot)?;
        let mut timeline = phases(&figures.lines, launched);
        timeline.push(("ui ready (window)".into(), figures.ready_ms.last().copied().unwrap_or(f64::NAN)));
        figures.timelines.push(timeline);
    }
    Ok(figures)
}

/// Launches of Chromium in kiosk mode on the same UI served by a fake backend.
fn launch_chromium(
    chromium: &Path,
    port: &str,
    lines: &mpsc::Receiver<String>,
    dir: &Path,
    display: &str,
    cold: bool,
) -> Result<Figures, Error> {
    let mut figures = Figures { cold, ..Figures::default() };
    for i in 0..RUNS {
        if cold && !drop_caches() {
            return Ok(figures);
        }
        let profile = dir.join(format!("chromium-profile-{}-{i}", if cold { "cold" } else { "warm" }));
        let started = Instant::now();
        let child = Command::new(chromium)
            .arg("--kiosk")
            .arg(format!("http://127.0.0.1:{port}/"))
            .arg(format!("--user-data-dir={}", profile.display()))
            .args([
                "--no-sandbox",
                "--no-first-run",
                "--disable-gpu",
                "--window-position=0,0",
                "--window-size=1080,1920",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .env("DISPLAY", display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let shot = (!cold && i == 0).then_some("bench-chromium-browsed");
        measure_once(display, child, started, lines, "ready", &mut figures, shot)?;
    }
    Ok(figures)
}

/// The median moment of each phase over the launches, in the order they happen.
fn print_timeline(timelines: &[Vec<(String, f64)>], which: &str) {
    let Some(first) = timelines.first() else { return };
    println!("  where the kiosk's start-up goes ({which}; median ms after launch, and the step from the one before):");
    // In the order they happened (the page may finish loading before or after the first
    // catalog page is served).
    let mut medians: Vec<(&str, f64)> = first
        .iter()
        .map(|(phase, _)| {
            let at: Vec<f64> =
                timelines.iter().filter_map(|t| t.iter().find(|(p, _)| p == phase).map(|(_, ms)| *ms)).collect();
            (phase.as_str(), median(&at))
        })
        .collect();
    medians.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut previous = 0.0;
    for (phase, at) in medians {
        println!("    {phase:<22} {at:>7.0} ms   (+{:>4.0})", at - previous);
        previous = at;
    }
}

pub fn section(dir: &Path, kiosk: &crate::package::Kiosk) -> Result<(), Error> {
    let kiosk_bin = &kiosk.binary;
    if !kiosk_bin.exists() {
        println!("app start-up: {} is missing (make bench builds it)", kiosk_bin.display());
        return Ok(());
    }
    let hub = crate::start_hub_with(dir, "app-hub.db", &["--demo"])?;
    let data = dir.join("app-kiosk");
    let run = |args: &[&str]| {
        Command::new(kiosk_bin).args(args).arg("--data-dir").arg(&data).env("BAEUM_LOG", "warn").output()
    };
    hub.provision(&data);
    let synced = run(&["sync", "--hub", &hub.url])?;
    if !synced.status.success() {
        return Err(String::from_utf8_lossy(&synced.stderr).into_owned().into());
    }
    // The same data for the fake backend as the real kiosk shows.
    let page = run(&["search", "--hub", &hub.url])?;
    let status = run(&["status", "--json", "--hub", &hub.url])?;
    std::fs::write(dir.join("page.json"), &page.stdout)?;
    std::fs::write(dir.join("status.json"), &status.stdout)?;

    let screen = xvfb()?;
    let display = screen.display.clone();
    println!(
        "\nKiosk window start-up and memory — {}, Xvfb 1080×1920, median of {RUNS} launches",
        if kiosk.installed { "the installed package (/usr/bin/baeum-kiosk)" } else { "release build" }
    );

    let ours = launch_kiosk(kiosk_bin, &hub.url, &data, &display, false)?;
    let ours_cold = launch_kiosk(kiosk_bin, &hub.url, &data, &display, true)?;

    let peer = match chromium() {
        None => None,
        Some(chromium) => {
            let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist");
            let serve = Path::new(env!("CARGO_MANIFEST_DIR")).join("chromium/serve.mjs");
            let mut server = Command::new("node")
                .arg(&serve)
                .arg(&ui)
                .arg(dir.join("page.json"))
                .arg(dir.join("status.json"))
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()?;
            let server_lines = lines_of(server.stdout.take().ok_or("no stdout")?);
            let port = server_lines
                .recv_timeout(Duration::from_secs(10))?
                .strip_prefix("listening ")
                .ok_or("static server did not start")?
                .to_owned();
            let warm = launch_chromium(&chromium, &port, &server_lines, dir, &display, false)?;
            let cold = launch_chromium(&chromium, &port, &server_lines, dir, &display, true)?;
            let _ = server.kill();
            Some((warm, cold))
        }
    };

    let row = |what: &str, ours: f64, theirs: Option<f64>, unit: &str| match theirs {
        Some(t) => {
            println!("  {what:<46} {ours:>8.0} {unit:<4} Chromium --kiosk {t:>8.0} {unit:<4} ({:.2}×)", t / ours)
        }
        None => println!("  {what:<46} {ours:>8.0} {unit:<4} Chromium not installed"),
    };
    let med = |f: &Figures, pick: fn(&Figures) -> &Vec<f64>| (!pick(f).is_empty()).then(|| median(pick(f)));
    row(
        "launch → first interactive screen (warm)",
        median(&ours.ready_ms),
        peer.as_ref().and_then(|p| med(&p.0, |f| &f.ready_ms)),
        "ms",
    );
    if let Some(cold) = med(&ours_cold, |f| &f.ready_ms) {
        row(
            "launch → first interactive screen (cold cache)",
            cold,
            peer.as_ref().and_then(|p| med(&p.1, |f| &f.ready_ms)),
            "ms",
        );
    } else {
        println!("  (cold launches need root to drop the page cache; skipped)");
    }
    row(
        "memory idle on the home screen (PSS, all processes)",
        median(&ours.idle_mib),
        peer.as_ref().map(|p| median(&p.0.idle_mib)),
        "MiB",
    );
    row(
        "memory after scrolling through 20 courses",
        median(&ours.browsed_mib),
        peer.as_ref().map(|p| median(&p.0.browsed_mib)),
        "MiB",
    );
    let rounded = |v: &[f64]| v.iter().map(|v| v.round()).collect::<Vec<_>>();
    println!(
        "  (each warm launch: ours {:?} ms; Chromium {:?} ms)",
        rounded(&ours.ready_ms),
        peer.as_ref().map(|p| rounded(&p.0.ready_ms)).unwrap_or_default()
    );
    if !ours_cold.ready_ms.is_empty() {
        println!(
            "  (each cold launch: ours {:?} ms; Chromium {:?} ms)",
            rounded(&ours_cold.ready_ms),
            peer.as_ref().map(|p| rounded(&p.1.ready_ms)).unwrap_or_default()
        );
    }
    print_timeline(&ours.timelines, "warm");
    print_timeline(&ours_cold.timelines, "cold cache");
    let mut screen = screen;
    let _ = screen.child.kill();
    drop(hub);
    Ok(())
}
