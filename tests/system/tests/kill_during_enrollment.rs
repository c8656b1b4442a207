//! `kill -9` the kiosk engine at random points while it registers learners, applies and uploads,
//! hundreds of times (seeded): every application it acknowledged reaches the hub, none reaches it
//! twice, the outbox drains and its sequence stays dense. `BAEUM_SOAK_ITERATIONS` runs longer
//! (`make soak`).

use std::collections::HashSet;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use baeum_system_tests::{HubProcess, binary, credential_of, kiosk, stderr, stdout};
use rand::{Rng, SeedableRng};

const LEARNERS: usize = 200;

fn drill(data: &std::path::Path, hub: &str, course: &str) -> Command {
    let mut cmd = Command::new(binary("enrollment-drill"));
    cmd.args(["--hub", hub, "--course", course, "--learners", &LEARNERS.to_string(), "--data-dir"]).arg(data);
    cmd
}

/// Lines of `applied <i> <op>` the drill printed before it died.
fn acknowledged(output: &str) -> Vec<(usize, String)> {
    output
        .lines()
        .filter_map(|l| {
            let mut parts = l.strip_prefix("applied ")?.split(' ');
            Some((parts.next()?.parse().ok()?, parts.next()?.to_owned()))
        })
        .collect()
}

#[test]
fn kill_9_during_enrollment_writes_and_uploads_loses_and_duplicates_nothing() {
    let iterations: usize = std::env::var("BAEUM_SOAK_ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start_demo(dir.path());
    let (course, _) = hub.open_first_come_course(5, true);
    let data = dir.path().join("kiosk");
    hub.provision(&data);
    let out = kiosk(&["sync", "--hub", &hub.url], &data);
    assert!(out.status.success(), "{}", stderr(&out));

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4_2026);
    let mut acked: Vec<(usize, String)> = Vec::new();
    for _ in 0..iterations {
        let mut child = drill(&data, &hub.url, &course).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(5..150)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let mut printed = String::new();
        child.stdout.take().unwrap().read_to_string(&mut printed).unwrap();
        acked.extend(acknowledged(&printed));
    }
    let before_final = acked.len();
    eprintln!("{iterations} kills; {before_final} applications acknowledged between them");
    // Kills must land among the writes, not only during start-up (slower machines acknowledge
    // fewer per run; any dozen shows the kills cut into committed work).
    assert!(before_final >= 12, "applications happen between kills ({before_final})");

    // Let it finish: it applies whoever is left and drains the outbox.
    let done = drill(&data, &hub.url, &course).output().unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
    let last = stdout(&done);
    acked.extend(acknowledged(&last));
    assert!(last.contains(&format!("drained {LEARNERS}")), "every learner applied exactly once locally: {last}");

    let status = stdout(&kiosk(&["status", "--json", "--hub", &hub.url], &data));
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["pending_intents"], 0);
    let kiosk_id = status["kiosk_id"].as_str().unwrap().to_owned();

    // The hub's record of this kiosk: dense sequence, one registration and one application each.
    let outcomes = hub.get_json_as(&credential_of(&data, &kiosk_id), "/v1/intents/outcomes?after=0&limit=1000");
    let results = outcomes["results"].as_array().unwrap();
    let seqs: Vec<u64> = results.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=results.len() as u64).collect::<Vec<_>>(), "dense, no gaps");
    let registered = results.iter().filter(|r| r["outcome"]["outcome"] == "registered").count();
    assert_eq!(registered, LEARNERS, "each learner registered once");
    let ops: HashSet<&str> = results.iter().map(|r| r["op_id"].as_str().unwrap()).collect();
    assert_eq!(ops.len(), results.len(), "no op applied twice");

    // 0 lost: every acknowledged application is at the hub.
    for (i, op) in &acked {
        assert!(ops.contains(op.as_str()), "learner {i}'s acknowledged application {op} never reached the hub");
    }
    // 0 duplicated: the course holds exactly one application per learner.
    let seats = hub.get_json("/v1/seats");
    let row = seats["seats"].as_array().unwrap().iter().find(|s| s["course_id"] == course.as_str()).unwrap();
    let applied = row["taken"].as_u64().unwrap() + row["waiting"].as_u64().unwrap();
    assert_eq!(applied, LEARNERS as u64, "{row}");
    assert!(row["taken"].as_u64() <= row["capacity"].as_u64(), "never past capacity: {row}");
}
