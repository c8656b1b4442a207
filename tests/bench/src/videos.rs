//! Video courses at GSEEK scale: 5,000 videos imported with the real `baeum-hub import`, the
//! kiosk's catalog-sync fetch of the list (whole when it changed, the digest alone when not —
//! beside fetching the whole list every time, as the room board is), and searching them at the
//! kiosk with the course search's rules (초성 too) beside SQLite `LIKE` over the same titles.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use baeum_kiosk::videos::VideoQuery;

use crate::{Error, kiosk, ms, percentile};

const VIDEOS: usize = 5_000;

const WORDS: &[&str] =
    &["스마트폰", "엑셀", "한국사", "수채화", "바리스타", "캘리그라피", "영어 회화", "인공지능", "요가", "부모 교육"];
const LEVELS: &[&str] = &["초급", "중급", "고급"];
const FIELDS: &[&str] = &["인문교양", "문화예술", "직업능력향상", "학력보완", "시민참여", "성인문해"];

fn feed(dir: &Path) -> Result<std::path::PathBuf, Error> {
    let mut csv = String::from("동영상ID,제목,분야,생애주기,재생시간(분),난이도,제공기관,링크\n");
    for i in 0..VIDEOS {
        csv.push_str(&format!(
            "gseek-{i:05},{} {}강 ({}),{},청년|중장년|노년,{},{},GSEEK,https://www.gseek.kr/member/rl/course/{i}\n",
            WORDS[i % WORDS.len()],
            i / WORDS.len() + 1,
            LEVELS[i % 3],
            FIELDS[i % FIELDS.len()],
            20 + i % 200,
            LEVELS[i % 3]
        ));
    }
    let file = dir.join("bench-videos.csv");
    std::fs::write(&file, csv)?;
    Ok(file)
}

pub fn section(dir: &Path, runtime: &tokio::runtime::Runtime) -> Result<(), Error> {
    println!("\n## Video courses: {VIDEOS} imported, fetched with the catalog sync, searched at the kiosk");
    let hub = crate::start_hub_with(dir, "videos-hub.db", &["--demo"])?;
    let t = Instant::now();
    let out = Command::new(baeum_test_support::binary("baeum-hub"))
        .args(["import", "--db"])
        .arg(&hub.db)
        .arg(feed(dir)?)
        .output()?;
    if !out.status.success() {
        return Err(format!("import: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let import_ms = ms(t.elapsed());
    let k = kiosk(&dir.join("videos-kiosk"), &hub, runtime)?;
    runtime.block_on(k.sync_now())?;

    // The list when it changed, and the poll when it did not.
    let credential = hub.device("k-bench-videos");
    let digest = hub.get_json_as(&credential, "/v1/videos")["digest"].as_str().unwrap_or_default().to_owned();
    let (mut full, mut poll, mut full_bytes, mut poll_bytes) = (Vec::new(), Vec::new(), 0, 0);
    for _ in 0..20 {
        let t = Instant::now();
        full_bytes = hub.get_json_as(&credential, "/v1/videos").to_string().len();
        full.push(ms(t.elapsed()));
        let t = Instant::now();
        poll_bytes = hub.get_json_as(&credential, &format!("/v1/videos?have={digest}")).to_string().len();
        poll.push(ms(t.elapsed()));
    }
    full.sort_by(f64::total_cmp);
    poll.sort_by(f64::total_cmp);
    let t = Instant::now();
    let changed = runtime.block_on(k.refresh_videos())?;
    let kiosk_poll = ms(t.elapsed());
    if changed {
        return Err("an unchanged list was fetched again".into());
    }
    println!("import of {VIDEOS} videos (`baeum-hub import`, CSV): {import_ms:.0} ms");
    println!("| Video list over loopback | p50 | bytes |");
    println!("|---|---:|---:|");
    println!("| Baeum: unchanged (`?have=DIGEST`, digest only) | {:.2} ms | {poll_bytes} |", percentile(&poll, 50));
    println!("| peer: the whole list each time (as `/v1/rooms`) | {:.2} ms | {full_bytes} |", percentile(&full, 50));
    println!("kiosk `refresh_videos` when nothing changed: {kiosk_poll:.2} ms");

    // Search: the kiosk's rules beside SQLite LIKE over the same titles (which cannot do 초성).
    let conn = rusqlite::Connection::open(dir.join("video-peer.db"))?;
    conn.execute_batch("CREATE TABLE v (id TEXT PRIMARY KEY, title TEXT, provider TEXT)")?;
    {
        // The same list the kiosk holds (the demo's videos too), as the hub serves it.
        let list = hub.get_json_as(&credential, "/v1/videos");
        let tx = rusqlite::Connection::unchecked_transaction(&conn)?;
        let mut insert = tx.prepare("INSERT INTO v VALUES (?1, ?2, ?3)")?;
        for v in list["videos"].as_array().ok_or("no videos")? {
            insert.execute(rusqlite::params![v["id"].as_str(), v["title"].as_str(), v["provider"].as_str()])?;
        }
        drop(insert);
        tx.commit()?;
    }
    let queries = ["스마트", "수채화", "영어회화", "캘리"];
    let (mut ours, mut peer, mut initials) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..5 {
        for q in queries {
            let t = Instant::now();
            let page = k.videos(&VideoQuery { text: q.into(), ..Default::default() })?;
            ours.push(ms(t.elapsed()));
            let t = Instant::now();
            let n: i64 =
                conn.query_row("SELECT COUNT(*) FROM v WHERE title LIKE ?1", [format!("%{q}%")], |r| r.get(0))?;
            peer.push(ms(t.elapsed()));
            if q != "영어회화" && page.matches as i64 != n {
                return Err(format!("{q}: {} here, {n} by LIKE", page.matches).into());
            }
        }
        let t = Instant::now();
        let page = k.videos(&VideoQuery { text: "ㅅㅁㅌㅍ".into(), ..Default::default() })?;
        initials.push(ms(t.elapsed()));
        if page.matches < VIDEOS / WORDS.len() {
            return Err(format!("초성 found {}", page.matches).into());
        }
    }
    ours.sort_by(f64::total_cmp);
    peer.sort_by(f64::total_cmp);
    initials.sort_by(f64::total_cmp);
    println!("| Search {VIDEOS} videos | p50 | p99 |");
    println!("|---|---:|---:|");
    println!(
        "| Baeum kiosk (partial, spacing-insensitive) | {:.2} ms | {:.2} ms |",
        percentile(&ours, 50),
        percentile(&ours, 99)
    );
    println!(
        "| Baeum kiosk, 초성 ㅅㅁㅌㅍ | {:.2} ms | {:.2} ms |",
        percentile(&initials, 50),
        percentile(&initials, 99)
    );
    println!(
        "| peer: SQLite `LIKE '%…%'` (no 초성, no spacing rule) | {:.2} ms | {:.2} ms |",
        percentile(&peer, 50),
        percentile(&peer, 99)
    );
    Ok(())
}
