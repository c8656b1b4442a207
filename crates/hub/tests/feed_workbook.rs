//! `baeum-hub import` with an Excel workbook, as an office hands one over: one worksheet per kind,
//! Korean headings, real number, date and time cells.

use std::process::Command;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

const HUB: &str = env!("CARGO_BIN_EXE_baeum-hub");

fn strings(ws: &mut Worksheet, row: u32, cells: &[&str]) -> Result<(), XlsxError> {
    for (col, text) in (0u16..).zip(cells) {
        if !text.is_empty() {
            ws.write_string(row, col, *text)?;
        }
    }
    Ok(())
}

/// A workbook with an institution, a place and a course whose fee cell holds `fee`.
fn workbook(fee: Option<&str>) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let clock = Format::new().set_num_format("hh:mm");

    let ws = book.add_worksheet().set_name("기관")?;
    strings(ws, 0, &["기관ID", "기관명", "기관유형", "동", "주소", "전화번호"])?;
    strings(
        ws,
        1,
        &["dong-ha1", "하안1동 행정복지센터", "행정복지센터", "하안1동", "경기도 광명시 하안로 230", "02-2680-6432"],
    )?;

    let ws = book.add_worksheet().set_name("장소")?;
    strings(ws, 0, &["장소ID", "기관ID", "장소명", "좌석수"])?;
    strings(ws, 1, &["dong-ha1-program", "dong-ha1", "자치회관 프로그램실"])?;
    ws.write_number(1, 3, 25)?;

    book.add_worksheet().set_name("빈 시트")?;

    let ws = book.add_worksheet().set_name("강좌")?;
    strings(
        ws,
        0,
        &[
            "강좌ID",
            "기관ID",
            "장소ID",
            "강좌명",
            "분야",
            "생애주기",
            "수강대상",
            "강사",
            "수강료",
            "재료비",
            "정원",
            "선발방식",
            "접수시작",
            "접수마감",
            "개강일",
            "종강일",
            "요일",
            "시작시간",
            "종료시간",
            "강좌소개",
            "휴강일",
        ],
    )?;
    strings(
        ws,
        1,
        &["ha1-yoga", "dong-ha1", "dong-ha1-program", "아침 요가", "문화예술", "중장년|노년", "하안1동 주민", "김은정"],
    )?;
    match fee {
        Some(text) => ws.write_string(1, 8, text)?,
        None => ws.write_number(1, 8, 20000)?,
    };
    ws.write_number(1, 9, 0)?;
    ws.write_number(1, 10, 20)?;
    ws.write_string(1, 11, "선착순")?;
    ws.write_datetime_with_format(1, 12, ExcelDateTime::from_ymd(2026, 11, 20)?.and_hms(10, 0, 0)?, &stamp)?;
    ws.write_datetime_with_format(1, 13, ExcelDateTime::from_ymd(2026, 11, 30)?.and_hms(18, 0, 0)?, &stamp)?;
    ws.write_datetime_with_format(1, 14, ExcelDateTime::from_ymd(2026, 12, 1)?, &date)?;
    // Typed as text the way offices write it, weekday and all.
    ws.write_string(1, 15, "2026. 12. 29.(화)")?;
    ws.write_string(1, 16, "화")?;
    ws.write_datetime_with_format(1, 17, ExcelDateTime::from_hms(9, 30, 0)?, &clock)?;
    ws.write_string(1, 18, "오전 10시 30분")?;
    book.save_to_buffer()
}

fn hub(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(HUB).args(args).output().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_workbook_imports_whole_and_importing_it_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let feed = dir.path().join("하안1동 강좌.xlsx");
    std::fs::write(&feed, workbook(None).unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"));
    let import = || hub(&["import".as_ref(), "--db".as_ref(), db.as_os_str(), feed.as_os_str()]);

    let first = import();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("기관 1곳, 장소 1곳, 강좌 1개") && stdout.contains("새로 추가 3"), "{stdout}");
    let again = import();
    assert!(String::from_utf8_lossy(&again.stdout).contains("새로 추가 0, 변경 0, 그대로 3"));

    let conn = baeum_hub::store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(baeum_hub::store::catalog_log::head(&conn).unwrap_or_default(), 3);
    let course =
        baeum_hub::store::courses::get(&conn, "ha1-yoga").unwrap_or_default().unwrap_or_else(|| panic!("no course"));
    assert_eq!((course.sessions.len(), course.fee.0, course.capacity), (5, 20_000, 20));
    assert_eq!(course.sessions[0].starts_at.format("%H:%M").to_string(), "09:30");
}

#[test]
fn a_bad_cell_in_a_workbook_is_refused_by_sheet_row_and_column_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let feed = dir.path().join("courses.xlsx");
    std::fs::write(&feed, workbook(Some("이만원")).unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"));
    let out = hub(&["import".as_ref(), "--db".as_ref(), db.as_os_str(), feed.as_os_str()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{}[강좌]:2: fee: 금액을 숫자로 읽을 수 없습니다", feed.display())), "{stderr}");
    let conn = baeum_hub::store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        baeum_hub::store::institutions::all(&conn).unwrap_or_default().is_empty(),
        "the good sheets were not applied"
    );
}
