//! Excel workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`) and OpenDocument spreadsheets (`.ods`), read
//! with calamine. Each visible worksheet with content is one sheet of the feed, its kind told
//! from the headings in its first row exactly as for a CSV file; errors name the worksheet and the
//! row Excel shows, e.g. `courses.xlsx[강좌]:5: fee: ...`.
//!
//! Cells are turned into the text a CSV export would hold: whole numbers without `.0`, dates as
//! `2027-03-02` (with the time if it has one, and always in the application window columns), times
//! as `14:00`. A date column also takes a plain serial number or `20270302` typed as a number.

use std::io::Cursor;
use std::path::Path;

use calamine::{
    Data, ExcelDateTime, ExcelDateTimeType, Ods, Range, Reader, SheetType, SheetVisible, Sheets, StyleRange, Xls, Xlsb,
    Xlsx,
};

use super::{FeedError, FeedErrors, FeedKind, Record, Sheet, headers};

/// A sheet of one kind, with the problems of cells that could not be read (formula errors).
pub type KindSheet = (FeedKind, Sheet, Vec<FeedError>);

/// The container a workbook comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn file_error(file: &str, problem: impl Into<String>) -> FeedErrors {
    FeedErrors(vec![FeedError { file: file.to_owned(), line: 1, column: "-".into(), problem: problem.into() }])
}

/// Whether the file is a workbook, from its content first (a ZIP or OLE container) and then its
/// extension. A file named like a workbook that is none is refused with what it seems to be.
pub fn format_of(file: &str, bytes: &[u8]) -> Result<Option<Format>, FeedErrors> {
    if bytes.starts_with(ZIP) {
        return Ok(Some(if contains(bytes, b"xl/workbook.bin") {
            Format::Xlsb
        } else if contains(bytes, b"application/vnd.oasis.opendocument.spreadsheet") {
            Format::Ods
        } else {
            Format::Xlsx
        }));
    }
    if bytes.starts_with(OLE) {
        // Excel keeps a password-protected .xlsx in an OLE container with this stream.
        let encrypted: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
        if contains(bytes, &encrypted) {
            return Err(file_error(file, "암호가 걸린 통합 문서입니다: 암호를 풀고 다시 저장해 주세요"));
        }
        return Ok(Some(Format::Xls));
    }
    let extension = Path::new(file).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !extension.as_deref().is_some_and(|e| EXTENSIONS.contains(&e)) {
        return Ok(None);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    if ["<html", "<table", "<!doctype", "<?xml"].iter().any(|tag| head.contains(tag)) {
        // What many web portals hand out as "엑셀 다운로드".
        return Err(file_error(
            file,
            "엑셀 파일이 아니라 웹 페이지(HTML) 형식입니다: 엑셀에서 열어 'Excel 통합 문서(.xlsx)'로 다시 저장해 주세요",
        ));
    }
    Err(file_error(
        file,
        "엑셀 파일로 읽을 수 없습니다: 파일이 손상되었거나 다른 형식입니다 (CSV라면 확장자를 .csv로 해 주세요)",
    ))
}

/// Reads every visible worksheet with content into a sheet of its kind. Empty worksheets are
/// skipped, and so are hidden ones (lists behind drop-downs, old terms).
pub fn sheets(file: &str, bytes: &[u8], format: Format) -> Result<Vec<KindSheet>, FeedErrors> {
    let cursor = Cursor::new(bytes);
    let opened: Result<Sheets<Cursor<&[u8]>>, String> = match format {
        Format::Xlsx => Xlsx::new(cursor).map(Sheets::Xlsx).map_err(|e| e.to_string()),
        Format::Xlsb => Xlsb::new(cursor).map(Sheets::Xlsb).map_err(|e| e.to_string()),
        Format::Xls => Xls::new(cursor).map(Sheets::Xls).map_err(|e| e.to_string()),
        Format::Ods => Ods::new(cursor).map(Sheets::Ods).map_err(|e| e.to_string()),
    };
    let mut book = opened.map_err(|e| {
        file_error(file, format!("엑셀 파일을 열 수 없습니다 (손상되었거나 엑셀 통합 문서가 아닙니다): {e}"))
    })?;
    let worksheets: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for name in worksheets {
        let label = format!("{file}[{name}]");
        // Number formats (read from .xlsx only) tell a date+time cell at midnight from a date.
        let styles = book.worksheet_style(&name).ok();
        match book.worksheet_range(&name) {
            Ok(range) => match worksheet(&label, &range, styles.as_ref()) {
                Ok(Some(sheet)) => out.push(sheet),
                Ok(None) => {}
                Err(mut e) => errors.append(&mut e.0),
            },
            Err(e) => errors.append(&mut file_error(&label, format!("시트를 읽을 수 없습니다: {e}")).0),
        }
    }
    if !errors.is_empty() {
        return Err(FeedErrors(errors));
    }
    if out.is_empty() {
        return Err(file_error(file, "내용이 있는 시트가 없습니다"));
    }
    Ok(out)
}

fn is_blank(cells: &[Data]) -> bool {
    cells.iter().all(|c| match c {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    })
}

/// Whether an Excel number format shows the hour (`yyyy-mm-dd h:mm`, `m/d/yy h:mm`), leaving out
/// quoted text (`"시"`), escapes and `[...]` sections.
fn format_shows_time(code: &str) -> bool {
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            _ if quoted => {}
            '[' => bracket = true,
            ']' => bracket = false,
            'h' | 'H' if !bracket => return true,
            _ => {}
        }
    }
    false
}

/// One worksheet as a sheet of its kind (None if it holds nothing).
fn worksheet(label: &str, range: &Range<Data>, styles: Option<&StyleRange>) -> Result<Option<KindSheet>, FeedErrors> {
    let Some((top, left)) = range.start() else {
        return Ok(None);
    };
    // Rows with their 0-based worksheet index; Excel shows index + 1.
    let mut rows = (top..).zip(range.rows());
    let Some((header_index, heading_cells)) = rows.find(|(_, cells)| !is_blank(cells)) else {
        return Ok(None);
    };
    let header_line = u64::from(header_index) + 1;
    let raw_headings: Vec<String> =
        heading_cells.iter().map(|c| cell_text(c, "", false).unwrap_or_default().trim().to_owned()).collect();
    let Some(kind) = headers::detect(&raw_headings) else {
        return Err(FeedErrors(vec![FeedError {
            file: label.to_owned(),
            line: header_line,
            column: "-".into(),
            problem: "머리글로 기관·장소·강좌 중 무엇인지 알 수 없습니다 (내용이 있는 첫 행이 머리글이어야 합니다)"
                .into(),
        }]));
    };
    let headers: Vec<String> = raw_headings.iter().map(|h| headers::canonical(kind, h)).collect();
    let mut records = Vec::new();
    let mut cell_errors = Vec::new();
    for (index, cells) in rows {
        if is_blank(cells) {
            continue;
        }
        let line = u64::from(index) + 1;
        let mut values = std::collections::HashMap::new();
        // A cell under no heading is a note beside the table, as an unknown heading would be.
        for ((column, cell), at) in headers.iter().zip(cells).zip(left..).filter(|((h, _), _)| !h.is_empty()) {
            let shows_time = styles
                .and_then(|s| s.get((index, at)))
                .and_then(|style| style.number_format.as_ref())
                .is_some_and(|format| format_shows_time(&format.format_code));
            let text = cell_text(cell, column, shows_time).unwrap_or_else(|problem| {
                cell_errors.push(FeedError { file: label.to_owned(), line, column: column.clone(), problem });
                String::new()
            });
            values.insert(column.clone(), text);
        }
        records.push(Record { line, sheet_row: None, values });
    }
    Ok(Some((kind, Sheet { file: label.to_owned(), header_line, headers, records }, cell_errors)))
}

const DATE_COLUMNS: &[&str] = &["first_date", "last_date", "skip_dates"];
const DATETIME_COLUMNS: &[&str] = &["application_opens", "application_closes"];
const TIME_COLUMNS: &[&str] = &["starts_at", "ends_at"];
/// Excel's last day, 9999-12-31, as a serial number.
const LAST_SERIAL: f64 = 2_958_466.0;

/// A calendar date and time as feed text for `column`: the time alone for a time-only value, the
/// date alone at midnight, unless the cell shows its time and the column takes date and time
/// (a date alone there is refused, as in a CSV file, rather than read as midnight).
fn civil_text(date: (u16, u8, u8), time: (u8, u8, u8), time_only: bool, column: &str, shows_time: bool) -> String {
    let (h, m, s) = time;
    let clock = if s == 0 { format!("{h:02}:{m:02}") } else { format!("{h:02}:{m:02}:{s:02}") };
    if time_only {
        return clock;
    }
    let (y, mo, d) = date;
    let day = format!("{y:04}-{mo:02}-{d:02}");
    if time != (0, 0, 0) || (shows_time && DATETIME_COLUMNS.contains(&column)) { format!("{day} {clock}") } else { day }
}

fn serial_text(serial: ExcelDateTime, column: &str, shows_time: bool) -> String {
    let (y, mo, d, h, mi, s, _) = serial.to_ymd_hms_milli();
    civil_text((y, mo, d), (h, mi, s), serial.as_f64() < 1.0, column, shows_time)
}

fn duration_text(days: f64) -> String {
    let seconds = (days * 86_400.0).round() as i64;
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if s == 0 { format!("{h:02}:{m:02}") } else { format!("{h:02}:{m:02}:{s:02}") }
}

fn number_text(n: f64, column: &str) -> String {
    let whole = n.fract() == 0.0;
    if DATE_COLUMNS.contains(&column) || DATETIME_COLUMNS.contains(&column) {
        if whole && (10_000_101.0..=99_991_231.0).contains(&n) {
            return format!("{n:.0}"); // 20270302 typed as a number
        }
        if (1.0..LAST_SERIAL).contains(&n) {
            // A date whose cell lost its date format shows its serial number.
            return serial_text(ExcelDateTime::new(n, ExcelDateTimeType::DateTime, false), column, false);
        }
    }
    if TIME_COLUMNS.contains(&column) && (0.0..1.0).contains(&n) {
        return serial_text(ExcelDateTime::new(n, ExcelDateTimeType::DateTime, false), column, false);
    }
    if n == 0.0 {
        "0".into()
    } else if whole && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

/// ISO 8601 date-times of OpenDocument files (`2027-03-02`, `2027-03-02T14:00:00`).
fn iso_datetime_text(iso: &str, column: &str) -> String {
    let (date, time) = iso.split_once('T').unwrap_or((iso, ""));
    let date: Vec<u32> = date.split('-').filter_map(|p| p.parse().ok()).collect();
    let time: Vec<u32> = time.split(':').filter_map(|p| p.split('.').next().and_then(|p| p.parse().ok())).collect();
    match (date.as_slice(), time.as_slice()) {
        ([y, mo, d], [] | [_, _] | [_, _, _]) => {
            let t = (
                time.first().copied().unwrap_or(0),
                time.get(1).copied().unwrap_or(0),
                time.get(2).copied().unwrap_or(0),
            );
            let narrow = |v: u32| u8::try_from(v).unwrap_or(u8::MAX);
            civil_text(
                (u16::try_from(*y).unwrap_or(u16::MAX), narrow(*mo), narrow(*d)),
                (narrow(t.0), narrow(t.1), narrow(t.2)),
                false,
                column,
                !time.is_empty(),
            )
        }
        _ => iso.to_owned(),
    }
}

/// ISO 8601 durations of OpenDocument time cells (`PT14H30M00S`).
fn iso_duration_text(iso: &str) -> String {
    let Some(rest) = iso.strip_prefix("PT") else {
        return iso.to_owned();
    };
    let mut seconds = 0.0;
    let mut number = String::new();
    for c in rest.chars() {
        let unit = match c {
            'H' => 3600.0,
            'M' => 60.0,
            'S' => 1.0,
            _ => {
                number.push(c);
                continue;
            }
        };
        let Ok(value) = number.parse::<f64>() else {
            return iso.to_owned();
        };
        seconds += value * unit;
        number.clear();
    }
    if number.is_empty() { duration_text(seconds / 86_400.0) } else { iso.to_owned() }
}

/// The text of one cell for `column` (canonical name), or why it cannot be read; `shows_time`
/// says the cell's number format shows a time of day.
fn cell_text(cell: &Data, column: &str, shows_time: bool) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::Int(i) if i.unsigned_abs() < 1 << 53 => number_text(*i as f64, column),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f, column),
        Data::DateTime(dt) if dt.is_duration() => duration_text(dt.as_f64()),
        Data::DateTime(dt) => serial_text(*dt, column, shows_time),
        Data::DateTimeIso(iso) => iso_datetime_text(iso, column),
        Data::DurationIso(iso) => iso_duration_text(iso),
        Data::Error(e) => {
            return Err(format!("셀에 수식 오류가 있습니다 ({e}): 수식을 고치거나 값을 직접 적어 주세요"));
        }
    })
}

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::{ExcelDateTime as XlDate, Format as XlFormat, Formula, Workbook};

    use super::*;
    use crate::feed::parse_file;

    /// A cell of a test workbook.
    #[derive(Clone, Copy)]
    enum C<'a> {
        S(&'a str),
        N(f64),
        B(bool),
        Date(u16, u8, u8),
        DateTime(u16, u8, u8, u16, u8),
        Time(u16, u8),
        Formula(&'a str, &'a str),
        Empty,
    }

    struct TestSheet<'a> {
        name: &'a str,
        hidden: bool,
        rows: Vec<Vec<C<'a>>>,
    }

    fn sheet<'a>(name: &'a str, rows: Vec<Vec<C<'a>>>) -> TestSheet<'a> {
        TestSheet { name, hidden: false, rows }
    }

    /// Writes an .xlsx the way Excel would, with real date and time formats.
    fn xlsx(sheets: &[TestSheet<'_>]) -> Vec<u8> {
        let run = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
            let mut book = Workbook::new();
            let date = XlFormat::new().set_num_format("yyyy-mm-dd");
            let datetime = XlFormat::new().set_num_format("yyyy-mm-dd hh:mm");
            let time = XlFormat::new().set_num_format("hh:mm");
            for s in sheets {
                let ws = book.add_worksheet();
                ws.set_name(s.name)?;
                if s.hidden {
                    ws.set_hidden(true);
                }
                for (r, row) in s.rows.iter().enumerate() {
                    for (c, cell) in row.iter().enumerate() {
                        let (r, c) = (u32::try_from(r).unwrap_or(0), u16::try_from(c).unwrap_or(0));
                        match *cell {
                            C::S(text) => ws.write_string(r, c, text).map(|_| ())?,
                            C::N(n) => ws.write_number(r, c, n).map(|_| ())?,
                            C::B(b) => ws.write_boolean(r, c, b).map(|_| ())?,
                            C::Date(y, m, d) => {
                                ws.write_datetime_with_format(r, c, XlDate::from_ymd(y, m, d)?, &date).map(|_| ())?
                            }
                            C::DateTime(y, m, d, h, mi) => ws
                                .write_datetime_with_format(
                                    r,
                                    c,
                                    XlDate::from_ymd(y, m, d)?.and_hms(h, mi, 0)?,
                                    &datetime,
                                )
                                .map(|_| ())?,
                            C::Time(h, mi) => {
                                ws.write_datetime_with_format(r, c, XlDate::from_hms(h, mi, 0)?, &time).map(|_| ())?
                            }
                            C::Formula(f, result) => {
                                ws.write_formula(r, c, Formula::new(f).set_result(result)).map(|_| ())?
                            }
                            C::Empty => {}
                        }
                    }
                }
            }
            book.save_to_buffer()
        };
        run().unwrap_or_else(|e| panic!("{e}"))
    }

    fn institutions() -> TestSheet<'static> {
        sheet(
            "기관",
            vec![
                ["기관ID", "기관명", "기관유형", "동", "주소", "전화번호"].map(C::S).to_vec(),
                ["gm-llc", "광명시평생학습원", "평생학습기관", "철산3동", "경기도 광명시 철산로 13", "02-2680-6401"]
                    .map(C::S)
                    .to_vec(),
            ],
        )
    }

    fn places() -> TestSheet<'static> {
        sheet(
            "장소",
            vec![
                ["장소ID", "기관ID", "장소명", "좌석수"].map(C::S).to_vec(),
                vec![C::S("gm-llc-101"), C::S("gm-llc"), C::S("101호"), C::N(30.0)],
            ],
        )
    }

    const COURSE_HEADINGS: [&str; 22] = [
        "강좌ID",
        "기관ID",
        "장소ID",
        "강좌명",
        "강좌소개",
        "분야",
        "생애주기",
        "수강대상",
        "강사",
        "수강료",
        "재료비",
        "정원",
        "선발방식",
        "상태",
        "접수시작",
        "접수마감",
        "개강일",
        "종강일",
        "요일",
        "시작시간",
        "종료시간",
        "휴강일",
    ];

    /// A course row as Excel holds it: numbers, date, datetime and time cells.
    fn course(id: &'static str) -> Vec<C<'static>> {
        vec![
            C::S(id),
            C::S("gm-llc"),
            C::S("gm-llc-101"),
            C::S("스마트폰 기초"),
            C::Empty,
            C::S("인문교양"),
            C::S("노년|중장년"),
            C::S("60세 이상"),
            C::S("김은정"),
            C::N(30000.0),
            C::N(0.0),
            C::N(20.0),
            C::S("선착순"),
            C::Empty,
            C::DateTime(2026, 11, 20, 10, 0),
            C::DateTime(2026, 11, 30, 18, 0),
            C::Date(2026, 12, 1),
            C::Date(2026, 12, 22),
            C::S("화,목"),
            C::Time(10, 0),
            C::Time(12, 0),
            C::Date(2026, 12, 17),
        ]
    }

    fn courses(rows: Vec<Vec<C<'static>>>) -> TestSheet<'static> {
        let mut all = vec![COURSE_HEADINGS.map(C::S).to_vec()];
        all.extend(rows);
        sheet("강좌", all)
    }

    /// The plain CSV the same course would be exported as.
    const PLAIN_COURSE_CSV: &str = "id,institution_id,place_id,title,summary,field,life_stages,target,instructor,fee,materials_fee,capacity,selection,status,application_opens,application_closes,first_date,last_date,weekdays,starts_at,ends_at,skip_dates
c1,gm-llc,gm-llc-101,스마트폰 기초,,인문교양,노년|중장년,60세 이상,김은정,30000,0,20,선착순,,2026-11-20 10:00,2026-11-30 18:00,2026-12-01,2026-12-22,\"화,목\",10:00,12:00,2026-12-17
";

    #[test]
    fn cells_become_the_text_a_csv_export_would_hold() {
        let text = |cell: Data, column: &str| cell_text(&cell, column, false);
        assert_eq!(text(Data::Float(20.0), "capacity"), Ok("20".into()));
        assert_eq!(text(Data::Float(30000.0), "fee"), Ok("30000".into()));
        assert_eq!(text(Data::Float(2.5), "capacity"), Ok("2.5".into()));
        assert_eq!(text(Data::Float(-0.0), "fee"), Ok("0".into()));
        assert_eq!(text(Data::Int(7), "seats"), Ok("7".into()));
        assert_eq!(text(Data::Bool(true), "status"), Ok("TRUE".into()));
        assert_eq!(text(Data::Empty, "fee"), Ok(String::new()));
        // 2027-03-02 is serial 46448; 14:00 is 7/12 of a day.
        let serial = |v: f64| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(text(serial(46448.0), "first_date"), Ok("2027-03-02".into()));
        assert_eq!(text(serial(46448.0), "application_opens"), Ok("2027-03-02".into()), "a date alone");
        assert_eq!(cell_text(&serial(46448.0), "application_opens", true), Ok("2027-03-02 00:00".into()));
        assert_eq!(cell_text(&serial(46448.0), "first_date", true), Ok("2027-03-02".into()));
        assert_eq!(text(serial(46448.0 + 7.0 / 12.0), "application_closes"), Ok("2027-03-02 14:00".into()));
        assert_eq!(text(serial(46448.0 + 7.0 / 12.0), "first_date"), Ok("2027-03-02 14:00".into()));
        assert_eq!(text(serial(7.0 / 12.0), "starts_at"), Ok("14:00".into()));
        let in_1904 = Data::DateTime(ExcelDateTime::new(46448.0 - 1462.0, ExcelDateTimeType::DateTime, true));
        assert_eq!(text(in_1904, "first_date"), Ok("2027-03-02".into()));
        let duration = Data::DateTime(ExcelDateTime::new(0.5625, ExcelDateTimeType::TimeDelta, false));
        assert_eq!(text(duration, "ends_at"), Ok("13:30".into()));
        // Numbers in date and time columns.
        assert_eq!(text(Data::Float(46448.0), "last_date"), Ok("2027-03-02".into()));
        assert_eq!(text(Data::Float(20270302.0), "first_date"), Ok("20270302".into()));
        assert_eq!(text(Data::Float(0.4375), "starts_at"), Ok("10:30".into()));
        assert_eq!(text(Data::Float(46448.0), "fee"), Ok("46448".into()));
        // OpenDocument values.
        assert_eq!(text(Data::DateTimeIso("2027-03-02".into()), "first_date"), Ok("2027-03-02".into()));
        assert_eq!(
            text(Data::DateTimeIso("2027-03-02T14:00:00".into()), "application_opens"),
            Ok("2027-03-02 14:00".into())
        );
        let midnight = text(Data::DateTimeIso("2027-03-02T00:00:00".into()), "application_opens");
        assert_eq!(midnight, Ok("2027-03-02 00:00".into()));
        assert_eq!(text(Data::DateTimeIso("2027-03-02".into()), "application_opens"), Ok("2027-03-02".into()));
        assert_eq!(text(Data::DurationIso("PT14H30M00S".into()), "starts_at"), Ok("14:30".into()));
        let problem = text(Data::Error(calamine::CellErrorType::Div0), "fee").unwrap_err();
        assert!(problem.contains("수식 오류") && problem.contains("#DIV/0!"), "{problem}");
        assert!(format_shows_time("yyyy-mm-dd hh:mm") && format_shows_time("m/d/yy h:mm"));
        assert!(!format_shows_time("yyyy\"년\" m\"월\" d\"일\"") && !format_shows_time("[$-412]yyyy-mm-dd"));
        assert!(format_shows_time("[$-412]AM/PM h\"시\" mm\"분\""));
    }

    #[test]
    fn a_workbook_with_a_sheet_per_kind_reads_like_the_csv_feeds() {
        let hidden_lists =
            TestSheet { name: "목록", hidden: true, rows: vec![vec![C::S("분야")], vec![C::S("인문교양")]] };
        let book = xlsx(&[
            institutions(),
            sheet("비어 있음", vec![]),
            places(),
            courses(vec![course("c1")]),
            hidden_lists,
            sheet("공백만", vec![vec![C::S("  "), C::Empty]]),
        ]);
        let batch = parse_file("feed.xlsx", &book).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((batch.institutions.len(), batch.places.len(), batch.courses.len()), (1, 1, 1));
        assert_eq!(batch.places[0].seats, 30);
        let plain =
            crate::feed::parse_courses("plain.csv", PLAIN_COURSE_CSV.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(batch.courses, plain, "same course as the CSV export");
        assert_eq!(batch.courses[0].sessions.len(), 6);
        // Told by content, whatever the name says.
        assert_eq!(parse_file("강좌 목록.csv", &book).map(|b| b.courses.len()), Ok(1));
    }

    #[test]
    fn an_xls_workbook_from_old_excel_is_read_too() {
        // Written once by tests/fixtures/feeds/make_xls.py (xlwt): no Rust crate writes .xls.
        let book = include_bytes!("../../tests/fixtures/feeds/feed.xls");
        assert_eq!(format_of("feed.xls", book), Ok(Some(Format::Xls)));
        let batch = parse_file("feed.xls", book).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((batch.institutions.len(), batch.places.len()), (1, 1));
        let plain =
            crate::feed::parse_courses("plain.csv", PLAIN_COURSE_CSV.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(batch.courses, plain);
    }

    #[test]
    fn workbook_errors_name_the_sheet_row_and_column() {
        let mut bad_fee = course("c2");
        bad_fee[9] = C::S("삼만원");
        let mut formula = course("c3");
        formula[11] = C::Formula("=1/0", "#DIV/0!");
        let mut text_dates = course("c4");
        text_dates[16] = C::S("2026. 12. 1.(화)");
        text_dates[17] = C::S("12월 22일");
        let rows = vec![course("c1"), vec![C::Empty; 3], bad_fee, formula, text_dates, vec![C::B(true)]];
        let errors = parse_file("courses.xlsx", &xlsx(&[courses(rows)])).unwrap_err();
        let found: Vec<(&str, u64, &str)> =
            errors.0.iter().filter(|e| e.line < 7).map(|e| (e.file.as_str(), e.line, e.column.as_str())).collect();
        assert_eq!(
            found,
            vec![
                ("courses.xlsx[강좌]", 4, "fee"),
                ("courses.xlsx[강좌]", 5, "capacity"),
                ("courses.xlsx[강좌]", 6, "last_date")
            ]
        );
        let text = errors.to_string();
        assert!(text.contains("courses.xlsx[강좌]:4: fee: 금액을 숫자로 읽을 수 없습니다"), "{text}");
        assert!(text.contains("courses.xlsx[강좌]:5: capacity: 셀에 수식 오류가 있습니다 (#DIV/0!)"), "{text}");
        assert_eq!(text.matches(":5: capacity").count(), 1, "the formula error is not also an empty capacity: {text}");
        assert!(text.contains("courses.xlsx[강좌]:6: last_date: 연도가 없습니다"), "{text}");
        assert!(!text.contains(":6: first_date"), "a date typed as text is read too: {text}");
        assert!(text.contains("courses.xlsx[강좌]:7: id:"), "a row with only TRUE in it is checked: {text}");
    }

    #[test]
    fn a_date_alone_in_an_application_column_is_refused_but_a_midnight_time_is_kept() {
        let mut date_only = course("c1");
        date_only[15] = C::Date(2026, 11, 30);
        let errors = parse_file("courses.xlsx", &xlsx(&[courses(vec![date_only])])).unwrap_err();
        assert_eq!(errors.0.len(), 1, "{errors}");
        assert_eq!((errors.0[0].line, errors.0[0].column.as_str()), (2, "application_closes"));
        assert!(errors.0[0].problem.starts_with("시각이 없습니다"), "{errors}");
        let mut midnight = course("c1");
        midnight[14] = C::DateTime(2026, 11, 20, 0, 0);
        let batch = parse_file("courses.xlsx", &xlsx(&[courses(vec![midnight])])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(batch.courses[0].application.opens_at.to_rfc3339(), "2026-11-20T00:00:00+09:00");
    }

    #[test]
    fn a_sheet_whose_headings_say_nothing_is_refused_by_name() {
        let notes = sheet("작성 요령", vec![vec![C::S("강좌 목록을 입력하세요")]]);
        let errors = parse_file("feed.xlsx", &xlsx(&[institutions(), notes])).unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!((errors.0[0].file.as_str(), errors.0[0].line), ("feed.xlsx[작성 요령]", 1));
        assert!(errors.0[0].problem.contains("무엇인지 알 수 없습니다"));
        let empty = parse_file("feed.xlsx", &xlsx(&[sheet("Sheet1", vec![])])).unwrap_err();
        assert!(empty.0[0].problem.contains("내용이 있는 시트가 없습니다"), "{empty}");
    }

    #[test]
    fn headings_below_blank_rows_give_excel_row_numbers() {
        let mut rows = vec![vec![C::Empty], vec![C::Empty]];
        rows.extend(places().rows);
        rows.push(vec![C::S("gm-llc-102"), C::S("gm-llc"), C::S("102호"), C::S("삼십")]);
        let errors = parse_file("places.xlsx", &xlsx(&[sheet("장소", rows)])).unwrap_err();
        assert_eq!(errors.to_string().lines().nth(1), Some("  places.xlsx[장소]:5: seats: 숫자가 아닙니다: \"삼십\""));
        let missing = xlsx(&[sheet("장소", vec![vec![C::Empty], vec![C::S("장소ID"), C::S("좌석수")]])]);
        let errors = parse_file("places.xlsx", &missing).unwrap_err();
        assert_eq!((errors.0[0].line, errors.0[0].column.as_str()), (2, "institution_id"));
    }

    #[test]
    fn a_workbook_is_known_by_its_content_or_its_name_and_fakes_are_refused() {
        assert_eq!(format_of("feed.csv", b"PK\x03\x04rest"), Ok(Some(Format::Xlsx)));
        assert_eq!(format_of("feed", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), Ok(Some(Format::Xls)));
        assert_eq!(format_of("feed.csv", b"id,name\n"), Ok(None));
        assert_eq!(format_of("feed.json", b"[]"), Ok(None));
        let html = format_of("강좌목록.xls", b"<html><body><table><tr><td>1</td></tr></table>").unwrap_err();
        assert!(html.0[0].problem.contains("웹 페이지(HTML)"), "{html}");
        let other = format_of("강좌.XLSX", b"id,name\n").unwrap_err();
        assert!(other.0[0].problem.contains("엑셀 파일로 읽을 수 없습니다"), "{other}");
        let mut encrypted = OLE.to_vec();
        encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(format_of("a.xlsx", &encrypted).unwrap_err().0[0].problem.contains("암호"));
        let broken = sheets("a.xlsx", b"PK\x03\x04junk", Format::Xlsx).unwrap_err();
        assert!(broken.0[0].problem.starts_with("엑셀 파일을 열 수 없습니다"), "{broken}");
    }
}
