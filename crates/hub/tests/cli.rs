//! The `baeum-hub` binary as operators run it: a real process.

use std::process::Command;

const HUB: &str = env!("CARGO_BIN_EXE_baeum-hub");

#[test]
fn serve_on_port_zero_prints_the_bound_address_and_answers_health() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let seeded = Command::new(HUB).args(["seed", "--demo", "--db"]).arg(&db).output().unwrap_or_else(|e| panic!("{e}"));
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    assert!(String::from_utf8_lossy(&seeded.stdout).contains("기관 31곳"));

    let hub = baeum_test_support::HubProcess::start(&db);
    let url = hub.url.clone();
    assert!(!url.ends_with(":0"), "the real port is printed: {url}");
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let body =
        runtime.block_on(async { reqwest::get(format!("{url}/health")).await?.text().await }).unwrap_or_default();
    drop(hub);
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
    let out = Command::new(HUB).args(["import", "--db"]).arg(&db).arg(&feed).output().unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{}:3: kind: 알 수 없는 기관 유형", feed.display())), "{stderr}");
    // The valid first row was not applied either.
    let conn = baeum_hub::store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    assert!(baeum_hub::store::institutions::all(&conn).unwrap_or_default().is_empty());
}

fn hub(args: &[&str], db: &std::path::Path) -> std::process::Output {
    Command::new(HUB).args(args).arg("--db").arg(db).output().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn import_reads_cp949_csv_and_json_atomically_and_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    // What a community centre's spreadsheet exports: CP949 with Korean headings.
    let institutions = "기관ID,기관명,기관유형,동,주소,전화번호\n\
        dong-ha1,하안1동 행정복지센터,행정복지센터,하안1동,경기도 광명시 하안로 230,02-2680-6432\n";
    let (cp949, _, _) = encoding_rs::EUC_KR.encode(institutions);
    let csv_path = dir.path().join("기관.csv");
    std::fs::write(&csv_path, &cp949).unwrap_or_else(|e| panic!("{e}"));
    let json_path = dir.path().join("강좌.json");
    std::fs::write(
        &json_path,
        r#"{"places": [{"id": "dong-ha1-program", "institution_id": "dong-ha1", "name": "자치회관 프로그램실", "seats": 25}],
 "courses": [{"강좌ID": "ha1-yoga", "기관ID": "dong-ha1", "장소ID": "dong-ha1-program", "강좌명": "아침 요가",
   "분야": "문화예술", "생애주기": "중장년|노년", "수강대상": "하안1동 주민", "강사": "김은정", "수강료": "20,000원",
   "재료비": 0, "정원": 20, "선발방식": "선착순", "접수시작": "2026-11-20 10:00", "접수마감": "2026-11-30 18:00",
   "개강일": "2026.12.01", "종강일": "2026.12.29", "요일": "화", "시작시간": "09:30", "종료시간": "10:30",
   "강좌소개": "", "휴강일": ""}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let paths = [csv_path.to_string_lossy().into_owned(), json_path.to_string_lossy().into_owned()];

    let first = hub(&["import", &paths[1], &paths[0]], &db);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("새로 추가 3"),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );
    let again = hub(&["import", &paths[0], &paths[1]], &db);
    assert!(String::from_utf8_lossy(&again.stdout).contains("새로 추가 0, 변경 0, 그대로 3"));
    let conn = baeum_hub::store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    let head = baeum_hub::store::catalog_log::head(&conn).unwrap_or_default();
    assert_eq!(head, 3, "re-importing did not move the change log");
    let course =
        baeum_hub::store::courses::get(&conn, "ha1-yoga").unwrap_or_default().unwrap_or_else(|| panic!("no course"));
    assert_eq!((course.sessions.len(), course.fee.0), (5, 20_000));

    // A second file with one bad row: nothing from either file is applied.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "id,name,kind,dong,address,phone\nlib-new,새 도서관,도서관,하안1동,경기도 광명시,02-2680-0000\nlib-bad,나쁜 도서관,학교,하안1동,주소,02-2680-0001\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let refused = hub(&["import", &bad.to_string_lossy()], &db);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("bad.csv:3: kind"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(baeum_hub::store::catalog_log::head(&conn).unwrap_or_default(), 3);
}

#[test]
fn operators_set_rules_per_scope_and_bad_rules_or_scopes_are_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let rules = dir.path().join("rules.json");
    std::fs::write(
        &rules,
        r#"{"per_person_limit": 1, "term": "half", "reductions": [{"kind": "senior", "percent_off": 30}],
            "payment_hours": 24, "early_windows": null, "minimum_enrolment_percent": 60}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run =
        |args: &[&str]| Command::new(HUB).args(args).arg("--db").arg(&db).output().unwrap_or_else(|e| panic!("{e}"));
    let rules_arg = rules.to_str().unwrap_or_default();
    let ok = run(&["rules", "--scope", "institution:gm-llc", rules_arg]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let bad_scope = run(&["rules", "--scope", "everyone", rules_arg]);
    assert!(!bad_scope.status.success());
    assert!(String::from_utf8_lossy(&bad_scope.stderr).contains("--scope"));
    std::fs::write(&rules, r#"{"per_person_limit": "two"}"#).unwrap_or_else(|e| panic!("{e}"));
    let bad_json = run(&["rules", "--scope", "default", rules_arg]);
    assert!(String::from_utf8_lossy(&bad_json.stderr).contains("운영 규칙 JSON"), "a clear error");
    let no_draw = run(&["lottery", "gm-llc-001"]);
    assert!(!no_draw.status.success());
    assert!(String::from_utf8_lossy(&no_draw.stderr).contains("기록된 추첨이 없습니다"));
}
