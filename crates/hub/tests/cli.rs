//! The `baeum-hub` binary as operators run it: a real process.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const HUB: &str = env!("CARGO_BIN_EXE_baeum-hub");

#[test]
fn serve_on_port_zero_prints_the_bound_address_and_answers_health() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let seeded = Command::new(HUB).args(["seed", "--demo", "--db"]).arg(&db).output().unwrap_or_else(|e| panic!("{e}"));
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    assert!(String::from_utf8_lossy(&seeded.stdout).contains("기관 31곳"));

    let mut child = Command::new(HUB)
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        BufReader::new(out).read_line(&mut line).unwrap_or_default();
    }
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(!url.ends_with(":0"), "the real port is printed: {url}");
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let body =
        runtime.block_on(async { reqwest::get(format!("{url}/health")).await?.text().await }).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    let health: serde_json::Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(health["status"], "ok");
    assert!(health["courses"].as_u64().unwrap_or(0) >= 300);
}

#[test]
fn a_malformed_feed_is_refused_with_file_line_and_column_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let feed = dir.path().join("기관목록.csv");
    std::fs::write(
        &feed,
        "id,name,kind,dong,address,phone\n\
         gm-llc,광명시평생학습원,평생학습기관,철산3동,경기도 광명시 철산로 13,02-2680-6401\n\
         gm-x,어딘가,학교,철산3동,경기도 광명시,02-2680-0000\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(HUB)
        .args(["seed", "--db"])
        .arg(&db)
        .arg("--institutions")
        .arg(&feed)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{}:3: kind: 알 수 없는 기관 유형", feed.display())), "{stderr}");
    // The valid first row was not applied either.
    let conn = baeum_hub::store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    assert!(baeum_hub::store::institutions::all(&conn).unwrap_or_default().is_empty());
}
