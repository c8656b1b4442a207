//! Institution feeds as CSV (what office software exports, UTF-8 or CP949), Excel workbooks or
//! JSON. Every row is checked and every problem is reported as `file:line: column: problem` (for a
//! workbook `file[sheet]:row: column: problem`); a feed with any problem is refused whole.

pub mod encoding;
pub mod headers;
pub mod json;
pub mod text;
pub mod values;
pub mod workbook;

use std::collections::{HashMap, HashSet};
use std::fmt;

use baeum_domain::course::{ApplicationWindow, CourseDraft, CourseStatus};
use baeum_domain::institution::{InstitutionDraft, PlaceDraft};
use baeum_domain::schedule::{WeeklyPattern, parse_weekdays};
use baeum_domain::video::{Video, VideoDraft, VideoId};
use baeum_domain::{Course, Field, Institution, LifeStage, Place, Selection};

use self::values::{parse_count, parse_money};
pub use self::values::{parse_date, parse_datetime, parse_time};
use crate::store::catalog::CatalogBatch;

/// One problem in a feed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedError {
    pub file: String,
    pub line: u64,
    pub column: String,
    pub problem: String,
}

impl fmt::Display for FeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}: {}", self.file, self.line, self.column, self.problem)
    }
}

/// All problems found in a feed (never just the first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FeedErrors(pub Vec<FeedError>);

impl fmt::Display for FeedErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "피드에 문제가 {}건 있어 아무것도 반영하지 않았습니다:", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

/// What a feed sheet lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    Institutions,
    Places,
    Courses,
    /// 동영상 강좌 (the city's own and other institutions', e.g. GSEEK).
    Videos,
}

/// One record of a sheet: its values by column name and the line it starts on.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub line: u64,
    /// The row a spreadsheet shows the record in, when that is not `line` (a CSV record after a
    /// cell with line breaks in it).
    pub sheet_row: Option<u64>,
    pub values: HashMap<String, String>,
}

/// A table of records from one file (a CSV file, one array of a JSON file, or one worksheet).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub file: String,
    /// The line (or worksheet row) of the headings; 0 counts as 1.
    pub header_line: u64,
    pub headers: Vec<String>,
    pub records: Vec<Record>,
}

impl Sheet {
    /// Renames Korean headings to the English column names of `kind`.
    fn canonical(mut self, kind: FeedKind) -> Self {
        self.headers = self.headers.iter().map(|h| headers::canonical(kind, h)).collect();
        for record in &mut self.records {
            record.values = std::mem::take(&mut record.values)
                .into_iter()
                .map(|(k, v)| (headers::canonical(kind, &k), v))
                .collect();
        }
        self
    }
}

/// A data row being checked, addressed by column name; collects its problems.
pub(crate) struct Row<'a> {
    file: &'a str,
    line: u64,
    sheet_row: Option<u64>,
    values: &'a HashMap<String, String>,
    errors: Vec<FeedError>,
}

/// Tells where a spreadsheet shows a record when its text line is elsewhere.
fn with_sheet_row(problem: String, line: u64, sheet_row: Option<u64>) -> String {
    match sheet_row {
        Some(row) if row != line => format!("{problem} (스프레드시트에서는 {row}행)"),
        _ => problem,
    }
}

impl Row<'_> {
    pub(crate) fn get(&self, column: &str) -> &str {
        self.values.get(column).map_or("", |v| v.trim())
    }

    fn fail(&mut self, column: &str, problem: impl Into<String>) {
        self.errors.push(FeedError {
            file: self.file.to_owned(),
            line: self.line,
            column: column.to_owned(),
            problem: with_sheet_row(problem.into(), self.line, self.sheet_row),
        });
    }

    pub(crate) fn parse<T, E: std::fmt::Display>(
        &mut self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match parse(self.get(column)) {
            Ok(v) => Some(v),
            Err(problem) => {
                self.fail(column, problem.to_string());
                None
            }
        }
    }
}

/// Reads CSV text into a sheet (headings as written). Lines are counted the same for CRLF, LF and
/// CR-only files, with the heading line as line 1; a record with line breaks inside a quoted cell
/// is on the line where it starts.
pub fn csv_sheet(file: &str, text: &str) -> Result<Sheet, FeedErrors> {
    let text = text::unix_newlines(text);
    let starts = text::record_starts(&text);
    // (line, row a spreadsheet shows) of the record at a position the csv crate reports.
    let locate = |position: Option<&csv::Position>| {
        position.and_then(|p| text::record_at(&starts, p.byte())).map_or((1, None), |s| (s.line, Some(s.row)))
    };
    let error = |(line, row): (u64, Option<u64>), problem: String| FeedError {
        file: file.to_owned(),
        line,
        column: "-".into(),
        problem: with_sheet_row(problem, line, row),
    };
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let (headers, header_line): (Vec<String>, u64) = match reader.headers() {
        Ok(h) => (h.iter().map(|s| s.trim().to_owned()).collect(), locate(h.position()).0),
        Err(e) => return Err(FeedErrors(vec![error((1, None), format!("머리글 행을 읽을 수 없습니다: {e}"))])),
    };
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                if r.iter().all(|v| v.trim().is_empty()) {
                    continue; // blank lines at the end of office exports
                }
                let (line, sheet_row) = locate(r.position());
                let values = headers.iter().cloned().zip(r.iter().map(str::to_owned)).collect();
                records.push(Record { line, sheet_row, values });
            }
            Err(e) => {
                let problem = format!("행을 읽을 수 없습니다 (열 개수나 따옴표를 확인해 주세요): {e}");
                errors.push(error(locate(e.position()), problem));
            }
        }
    }
    if errors.is_empty() {
        Ok(Sheet { file: file.to_owned(), header_line, headers, records })
    } else {
        Err(FeedErrors(errors))
    }
}

/// Checks the sheet has every required column, then hands each record to `build`.
pub(crate) fn build_rows<T>(
    sheet: &Sheet,
    required: &[&'static str],
    mut build: impl FnMut(&mut Row<'_>) -> Option<T>,
) -> Result<Vec<T>, FeedErrors> {
    let missing: Vec<FeedError> = required
        .iter()
        .filter(|c| !sheet.headers.iter().any(|h| h == *c))
        .map(|c| FeedError {
            file: sheet.file.clone(),
            line: sheet.header_line.max(1),
            column: (*c).to_owned(),
            problem: "필수 열이 없습니다".into(),
        })
        .collect();
    if !missing.is_empty() {
        return Err(FeedErrors(missing));
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for record in &sheet.records {
        let mut row = Row {
            file: &sheet.file,
            line: record.line,
            sheet_row: record.sheet_row,
            values: &record.values,
            errors: Vec::new(),
        };
        let built = build(&mut row);
        if row.errors.is_empty() {
            out.extend(built);
        } else {
            errors.append(&mut row.errors);
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(FeedErrors(errors)) }
}

/// Decodes and reads a CSV file, then builds each row (for sheets with their own columns).
pub(crate) fn read_sheet<T>(
    file: &str,
    bytes: &[u8],
    required: &[&'static str],
    build: impl FnMut(&mut Row<'_>) -> Option<T>,
) -> Result<Vec<T>, FeedErrors> {
    let sheet = csv_sheet(file, &encoding::decode_text(file, bytes)?)?;
    build_rows(&sheet, required, build)
}

fn csv_of_kind(file: &str, bytes: &[u8], kind: FeedKind) -> Result<Sheet, FeedErrors> {
    Ok(csv_sheet(file, &encoding::decode_text(file, bytes)?)?.canonical(kind))
}

/// Reads any feed file — CSV (UTF-8 or CP949) of institutions, places or courses, told apart by
/// its headings, an Excel workbook (`.xlsx`, `.xls`; one kind per worksheet, told apart the same
/// way), or JSON — into one batch. Workbooks are recognised by their content or their extension.
pub fn parse_file(file: &str, bytes: &[u8]) -> Result<CatalogBatch, FeedErrors> {
    let sheets: Vec<workbook::KindSheet> = if let Some(format) = workbook::format_of(file, bytes)? {
        workbook::sheets(file, bytes, format)?
    } else {
        let text = encoding::decode_text(file, bytes)?;
        if file.to_lowercase().ends_with(".json") {
            json::sheets(file, &text)?.into_iter().map(|(kind, sheet)| (kind, sheet, Vec::new())).collect()
        } else {
            let sheet = csv_sheet(file, &text)?;
            let Some(kind) = headers::detect(&sheet.headers) else {
                return Err(FeedErrors(vec![FeedError {
                    file: file.to_owned(),
                    line: sheet.header_line.max(1),
                    column: "-".into(),
                    problem: "머리글로 기관·장소·강좌·동영상 중 무엇인지 알 수 없습니다".into(),
                }]));
            };
            vec![(kind, sheet.canonical(kind), Vec::new())]
        }
    };
    let mut batch = CatalogBatch::default();
    let mut errors = Vec::new();
    for (kind, sheet, cell_errors) in sheets {
        let result = match kind {
            FeedKind::Institutions => institutions_from(&sheet).map(|v| batch.institutions.extend(v)),
            FeedKind::Places => places_from(&sheet).map(|v| batch.places.extend(v)),
            FeedKind::Courses => courses_from(&sheet).map(|v| batch.courses.extend(v)),
            FeedKind::Videos => videos_from(&sheet).map(|(keep, gone)| {
                batch.videos.extend(keep);
                batch.deleted_videos.extend(gone);
            }),
        };
        let mut found = result.err().map(|e| e.0).unwrap_or_default();
        if !cell_errors.is_empty() {
            // A cell that could not be read is reported as such, not again as an empty value.
            found.retain(|e| !cell_errors.iter().any(|c| c.line == e.line && c.column == e.column));
            found.extend(cell_errors);
            found.sort_by_key(|e| e.line);
        }
        errors.append(&mut found);
    }
    if errors.is_empty() { Ok(batch) } else { Err(FeedErrors(errors)) }
}

/// Refuses a second row with an id already seen in the same file.
fn unique_ids<T>(file: &str, items: Vec<(u64, String, T)>) -> Result<Vec<T>, FeedErrors> {
    let mut seen = HashSet::new();
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (line, id, item) in items {
        if seen.insert(id.clone()) {
            out.push(item);
        } else {
            errors.push(FeedError {
                file: file.to_owned(),
                line,
                column: "id".into(),
                problem: format!("id {id}가 이미 앞에서 쓰였습니다"),
            });
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(FeedErrors(errors)) }
}

fn domain_errors(row: &mut Row<'_>, errors: baeum_domain::ValidationErrors, columns: &dyn Fn(&str) -> &'static str) {
    for e in errors.0 {
        row.fail(columns(e.field), e.problem);
    }
}

pub const INSTITUTION_COLUMNS: &[&str] = &["id", "name", "kind", "dong", "address", "phone"];

pub fn parse_institutions(file: &str, bytes: &[u8]) -> Result<Vec<Institution>, FeedErrors> {
    institutions_from(&csv_of_kind(file, bytes, FeedKind::Institutions)?)
}

fn institutions_from(sheet: &Sheet) -> Result<Vec<Institution>, FeedErrors> {
    let file = sheet.file.as_str();
    let rows = build_rows(sheet, INSTITUTION_COLUMNS, |row| {
        let draft = InstitutionDraft {
            id: row.get("id").into(),
            name: row.get("name").into(),
            kind: row.get("kind").into(),
            dong: row.get("dong").into(),
            address: row.get("address").into(),
            phone: row.get("phone").into(),
        };
        match Institution::try_from(draft) {
            Ok(i) => Some((row.line, i.id.to_string(), i)),
            Err(e) => {
                domain_errors(row, e, &|f| INSTITUTION_COLUMNS.iter().find(|c| **c == f).copied().unwrap_or("-"));
                None
            }
        }
    })?;
    unique_ids(file, rows)
}

pub const PLACE_COLUMNS: &[&str] = &["id", "institution_id", "name", "seats"];

pub fn parse_places(file: &str, bytes: &[u8]) -> Result<Vec<Place>, FeedErrors> {
    places_from(&csv_of_kind(file, bytes, FeedKind::Places)?)
}

fn places_from(sheet: &Sheet) -> Result<Vec<Place>, FeedErrors> {
    let file = sheet.file.as_str();
    let rows = build_rows(sheet, PLACE_COLUMNS, |row| {
        let seats = row.parse("seats", parse_count)?;
        let draft = PlaceDraft {
            id: row.get("id").into(),
            institution_id: row.get("institution_id").into(),
            name: row.get("name").into(),
            seats,
        };
        match Place::try_from(draft) {
            Ok(p) => Some((row.line, p.id.to_string(), p)),
            Err(e) => {
                domain_errors(row, e, &|f| PLACE_COLUMNS.iter().find(|c| **c == f).copied().unwrap_or("-"));
                None
            }
        }
    })?;
    unique_ids(file, rows)
}

pub const COURSE_COLUMNS: &[&str] = &[
    "id",
    "institution_id",
    "place_id",
    "title",
    "summary",
    "field",
    "life_stages",
    "target",
    "instructor",
    "fee",
    "materials_fee",
    "capacity",
    "selection",
    "status",
    "application_opens",
    "application_closes",
    "first_date",
    "last_date",
    "weekdays",
    "starts_at",
    "ends_at",
    "skip_dates",
];

/// Which CSV column a domain-level course error belongs to.
fn course_column(field: &str) -> &'static str {
    match field {
        "application" => "application_opens",
        "sessions" => "first_date",
        other => COURSE_COLUMNS.iter().find(|c| **c == other).copied().unwrap_or("-"),
    }
}

pub fn parse_courses(file: &str, bytes: &[u8]) -> Result<Vec<Course>, FeedErrors> {
    courses_from(&csv_of_kind(file, bytes, FeedKind::Courses)?)
}

fn courses_from(sheet: &Sheet) -> Result<Vec<Course>, FeedErrors> {
    let file = sheet.file.as_str();
    let required: Vec<&str> =
        COURSE_COLUMNS.iter().copied().filter(|c| !matches!(*c, "skip_dates" | "status" | "place_id")).collect();
    let rows = build_rows(sheet, &required, |row| {
        let field = row.parse("field", Field::parse);
        let life_stages = row.parse("life_stages", LifeStage::parse_list);
        let fee = row.parse("fee", parse_money);
        let materials_fee = row.parse("materials_fee", parse_money);
        let capacity = row.parse("capacity", parse_count);
        let selection = row.parse("selection", Selection::parse);
        let status = row.parse("status", CourseStatus::parse);
        let opens_at = row.parse("application_opens", parse_datetime);
        let closes_at = row.parse("application_closes", parse_datetime);
        let first_date = row.parse("first_date", parse_date);
        let last_date = row.parse("last_date", parse_date);
        let weekdays = row.parse("weekdays", parse_weekdays);
        let starts_at = row.parse("starts_at", parse_time);
        let ends_at = row.parse("ends_at", parse_time);
        let skip = row.parse("skip_dates", |raw| {
            raw.split([';', '|', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(parse_date)
                .collect::<Result<Vec<_>, _>>()
        });
        // Keep going with placeholders after a column fails, so the cross-field rules of the
        // domain still run and the office gets every problem of the row in one report.
        let schedule_ok = first_date.is_some()
            && last_date.is_some()
            && weekdays.is_some()
            && starts_at.is_some()
            && ends_at.is_some()
            && skip.is_some();
        let sessions = if schedule_ok {
            let pattern = WeeklyPattern {
                first_date: first_date.unwrap_or_default(),
                last_date: last_date.unwrap_or_default(),
                weekdays: weekdays.unwrap_or_default(),
                starts_at: starts_at.unwrap_or_default(),
                ends_at: ends_at.unwrap_or_default(),
                skip: skip.unwrap_or_default(),
            };
            match pattern.sessions() {
                Ok(s) => Some(s),
                Err(problem) => {
                    row.fail("last_date", problem);
                    None
                }
            }
        } else {
            None
        };
        let window_ok = opens_at.is_some() && closes_at.is_some();
        let optional = |v: &str| if v.is_empty() { None } else { Some(v.to_owned()) };
        let draft = CourseDraft {
            id: row.get("id").into(),
            institution_id: row.get("institution_id").into(),
            place_id: optional(row.get("place_id")),
            title: row.get("title").into(),
            summary: row.get("summary").into(),
            field: field.unwrap_or(Field::Humanities),
            life_stages: life_stages.unwrap_or_else(|| vec![LifeStage::Senior]),
            target: row.get("target").into(),
            instructor: optional(row.get("instructor")),
            fee: fee.unwrap_or_default(),
            materials_fee: materials_fee.unwrap_or_default(),
            capacity: capacity.unwrap_or(1),
            selection: selection.unwrap_or(Selection::FirstCome),
            status: status.unwrap_or_default(),
            application: ApplicationWindow {
                opens_at: opens_at.unwrap_or_default(),
                closes_at: closes_at.unwrap_or_default(),
            },
            sessions: sessions.clone().unwrap_or_default(),
        };
        let failed: HashSet<String> = row.errors.iter().map(|e| e.column.clone()).collect();
        match Course::try_from(draft) {
            Ok(c) => Some((row.line, c.id.to_string(), c)),
            Err(e) => {
                let relevant = e.0.into_iter().filter(|fe| match fe.field {
                    "sessions" => sessions.is_some(),
                    "application" => window_ok && sessions.is_some(),
                    other => !failed.contains(course_column(other)),
                });
                domain_errors(row, baeum_domain::ValidationErrors(relevant.collect()), &course_column);
                None
            }
        }
    })?;
    unique_ids(file, rows)
}

pub const VIDEO_COLUMNS: &[&str] =
    &["id", "title", "summary", "field", "life_stages", "minutes", "level", "provider", "url", "preview", "status"];

/// Video rows: those to keep, and the ids of those whose status says 삭제 (taken off the list).
fn videos_from(sheet: &Sheet) -> Result<(Vec<Video>, Vec<VideoId>), FeedErrors> {
    let file = sheet.file.as_str();
    let required: Vec<&str> =
        VIDEO_COLUMNS.iter().copied().filter(|c| !matches!(*c, "summary" | "preview" | "status")).collect();
    let rows = build_rows(sheet, &required, |row| {
        if matches!(row.get("status"), "삭제" | "deleted") {
            let id = row.parse("id", VideoId::parse)?;
            return Some((row.line, id.to_string(), Err(id)));
        }
        let draft = VideoDraft {
            id: row.get("id").into(),
            title: row.get("title").into(),
            summary: row.get("summary").into(),
            field: row.get("field").into(),
            life_stages: row.get("life_stages").into(),
            minutes: row.get("minutes").into(),
            level: row.get("level").into(),
            provider: row.get("provider").into(),
            url: row.get("url").into(),
            preview: row.get("preview").into(),
        };
        match Video::try_from(draft) {
            Ok(v) => Some((row.line, v.id.to_string(), Ok(v))),
            Err(e) => {
                domain_errors(row, e, &|f| VIDEO_COLUMNS.iter().find(|c| **c == f).copied().unwrap_or("-"));
                None
            }
        }
    })?;
    let (keep, gone): (Vec<_>, Vec<_>) = unique_ids(file, rows)?.into_iter().partition(Result::is_ok);
    Ok((keep.into_iter().flatten().collect(), gone.into_iter().filter_map(Result::err).collect()))
}

#[cfg(test)]
mod tests {
    use baeum_domain::Won;

    use super::*;

    const HEADER: &str = "id,institution_id,place_id,title,summary,field,life_stages,target,instructor,fee,materials_fee,capacity,selection,status,application_opens,application_closes,first_date,last_date,weekdays,starts_at,ends_at,skip_dates\n";

    fn course_row(id: &str, capacity: &str, stages: &str, first: &str) -> String {
        format!(
            "{id},gm-llc,,스마트폰 기초,설명,인문교양,{stages},60세 이상,김은정,\"30,000원\",0,{capacity},선착순,,2026-11-20 10:00,2026-11-30 18:00,{first},2026-12-22,\"화,목\",10:00,12:00,2026-12-17\n"
        )
    }

    #[test]
    fn a_good_course_row_expands_its_weekly_schedule() {
        let csv = format!("{HEADER}{}", course_row("c1", "20", "노년|중장년", "2026-12-01"));
        let courses = parse_courses("courses.csv", csv.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(courses.len(), 1);
        assert_eq!(courses[0].sessions.len(), 6, "Tue/Thu from 12-01 to 12-22 without 12-17");
        assert_eq!(courses[0].fee, Won(30_000));
    }

    #[test]
    fn bad_rows_are_reported_with_file_line_and_column() {
        let csv = format!(
            "{HEADER}{}{}{}",
            course_row("c1", "20", "노년", "2026-12-01"),
            course_row("c2", "-3", "어르신", "2026-12-01"),
            course_row("c3", "20", "노년", "2026-13-45"),
        );
        let errors = parse_courses("feeds/courses.csv", csv.as_bytes()).unwrap_err();
        let found: Vec<(u64, &str)> = errors.0.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(found, vec![(3, "life_stages"), (3, "capacity"), (4, "first_date")]);
        let text = errors.to_string();
        assert!(text.contains("feeds/courses.csv:3: capacity: 정원은 1~1000명"), "{text}");
        assert!(text.contains("feeds/courses.csv:3: life_stages: 알 수 없는 생애주기"), "{text}");
    }

    #[test]
    fn a_missing_column_and_broken_encoding_are_explained() {
        let errors = parse_institutions("inst.csv", b"id,name,kind\n").unwrap_err();
        assert_eq!(errors.0[0].column, "dong");
        assert_eq!(errors.0[0].line, 1);
        let broken = b"id,name,kind,dong,address,phone\nx,\xff\xfe,a,b,c,d\n";
        let errors = parse_institutions("inst.csv", broken).unwrap_err();
        assert_eq!((errors.0[0].line, errors.0[0].problem.contains("CP949")), (2, true));
    }

    #[test]
    fn a_cp949_export_with_korean_headings_is_read() {
        let text = "기관ID,기관명,기관유형,동,주소,전화번호\ngm-llc,광명시평생학습원,평생학습기관,철산3동,경기도 광명시 철산로 13,02-2680-6401\n";
        let (cp949, _, unmappable) = encoding_rs::EUC_KR.encode(text);
        assert!(!unmappable);
        let batch = parse_file("기관.csv", &cp949).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(batch.institutions.len(), 1);
        assert_eq!(batch.institutions[0].name.as_str(), "광명시평생학습원");
    }

    #[test]
    fn json_feeds_report_the_line_of_the_bad_record() {
        let json = r#"{
  "institutions": [
    {"id": "gm-llc", "name": "광명시평생학습원", "kind": "평생학습기관", "dong": "철산3동",
     "address": "경기도 광명시 철산로 13", "phone": "02-2680-6401"}
  ],
  "courses": [
    {"id": "c1", "institution_id": "gm-llc", "title": "요가", "field": "문화예술",
     "life_stages": ["노년", "중장년"], "fee": 0, "materials_fee": 0, "capacity": 20, "selection": "선착순",
     "application_opens": "2026-11-20 10:00", "application_closes": "2026-11-30 18:00",
     "first_date": "2026-12-01", "last_date": "2026-12-22", "weekdays": "화,목", "starts_at": "10:00", "ends_at": "11:00",
     "summary": "", "target": "", "instructor": ""},
    {"id": "c2", "institution_id": "gm-llc", "title": "요가", "field": "문화예술",
     "life_stages": ["어르신"], "fee": 0, "materials_fee": 0, "capacity": -1, "selection": "선착순",
     "application_opens": "2026-11-20 10:00", "application_closes": "2026-11-30 18:00",
     "first_date": "2026-12-01", "last_date": "2026-12-22", "weekdays": "화,목", "starts_at": "10:00", "ends_at": "11:00",
     "summary": "", "target": "", "instructor": ""}
  ]
}"#;
        let errors = parse_file("feed.json", json.as_bytes()).unwrap_err();
        let found: Vec<(u64, &str)> = errors.0.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(found, vec![(12, "life_stages"), (12, "capacity")]);
        let good = json.replace("[\"어르신\"]", "[\"노년\"]").replace("\"capacity\": -1", "\"capacity\": 10");
        let batch = parse_file("feed.json", good.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((batch.institutions.len(), batch.courses.len()), (1, 2));
        let broken = parse_file("feed.json", b"{\n  \"courses\": [\n    {\"id\": }\n  ]\n}").unwrap_err();
        assert_eq!(broken.0[0].line, 3);
    }

    #[test]
    fn duplicate_ids_in_one_file_are_refused() {
        let csv = "\u{feff}id,institution_id,name,seats\nr1,gm-llc,강의실,30\nr1,gm-llc,강당,80\n";
        let errors = parse_places("places.csv", csv.as_bytes()).unwrap_err();
        assert_eq!((errors.0[0].line, errors.0[0].column.as_str()), (3, "id"));
    }

    /// The same feed with every line break (also those inside quoted cells) written as `newline`.
    fn with_newlines(csv: &str, newline: &str) -> String {
        csv.replace('\n', newline)
    }

    fn lines_and_columns(errors: &FeedErrors) -> Vec<(u64, &str)> {
        errors.0.iter().map(|e| (e.line, e.column.as_str())).collect()
    }

    #[test]
    fn a_crlf_feed_reports_the_line_a_spreadsheet_shows() {
        let csv = format!(
            "{HEADER}{}{}",
            course_row("c1", "20", "노년", "2026-12-01"),
            course_row("c2", "-3", "노년", "2026-12-01")
        );
        let errors = parse_courses("courses.csv", with_newlines(&csv, "\r\n").as_bytes()).unwrap_err();
        assert_eq!(lines_and_columns(&errors), vec![(3, "capacity")]);
        assert!(errors.to_string().contains("courses.csv:3: capacity: 정원은"), "{errors}");
    }

    #[test]
    fn lf_crlf_and_cr_only_feeds_report_the_same_lines_even_after_a_multi_line_cell() {
        // Line 3 starts a record whose summary spans lines 3-5; the record after it is on line 6,
        // which a spreadsheet shows as row 4. A blank line 7 is skipped; line 8 is bad too.
        let multi_line = course_row("c2", "20", "어르신", "2026-12-01")
            .replace(",설명,", ",\"첫째 줄\n둘째 줄, \"\"인용\"\"\n셋째 줄\",");
        let csv = format!(
            "{HEADER}{}{multi_line}{}\n{}",
            course_row("c1", "20", "노년", "2026-12-01"),
            course_row("c3", "0", "노년", "2026-12-01"),
            course_row("c4", "20", "노년", "2026-02-30"),
        );
        for newline in ["\n", "\r\n", "\r"] {
            let errors = parse_file("courses.csv", with_newlines(&csv, newline).as_bytes()).unwrap_err();
            assert_eq!(
                lines_and_columns(&errors),
                vec![(3, "life_stages"), (6, "capacity"), (8, "first_date")],
                "{newline:?}: {errors}"
            );
            assert!(!errors.0[0].problem.contains("스프레드시트"), "the multi-line record is where it starts");
            assert!(errors.0[1].problem.ends_with("(스프레드시트에서는 4행)"), "{}", errors.0[1]);
            assert!(errors.0[2].problem.ends_with("(스프레드시트에서는 6행)"), "{}", errors.0[2]);
        }
        let good = csv.replace("어르신", "노년").replace(",0,선착순", ",20,선착순").replace("2026-02-30", "2026-12-01");
        for newline in ["\n", "\r\n", "\r"] {
            let batch =
                parse_file("courses.csv", with_newlines(&good, newline).as_bytes()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(batch.courses.len(), 4);
            assert_eq!(batch.courses[1].summary, "첫째 줄\n둘째 줄, \"인용\"\n셋째 줄", "{newline:?}");
        }
    }

    #[test]
    fn a_row_with_a_wrong_number_of_cells_is_placed_right_whatever_the_line_endings() {
        let multi_line = course_row("c1", "20", "노년", "2026-12-01").replace(",설명,", ",\"한 줄\n두 줄\",");
        let csv = format!("{HEADER}{multi_line}c2,gm-llc\n");
        for newline in ["\n", "\r\n", "\r"] {
            let errors = parse_courses("courses.csv", with_newlines(&csv, newline).as_bytes()).unwrap_err();
            assert_eq!(lines_and_columns(&errors), vec![(4, "-")], "{newline:?}");
            assert!(
                errors.0[0].problem.contains("열 개수") && errors.0[0].problem.ends_with("(스프레드시트에서는 3행)")
            );
        }
        let errors = parse_institutions("inst.csv", b"id,name,kind\r\n").unwrap_err();
        assert_eq!((errors.0[0].line, errors.0[0].column.as_str()), (1, "dong"));
    }

    #[test]
    fn a_course_row_written_the_office_way_reads_like_the_plain_one() {
        let plain = format!("{HEADER}{}", course_row("c1", "20", "노년", "2026-12-01"));
        let office = format!(
            "{HEADER}c1,gm-llc,,스마트폰 기초,설명,인문교양,노년,60세 이상,김은정,３０，０００원,,２０명,선착순,,\
             2026년 11월 20일 (금) 오전 10시,2026. 11. 30. 오후 6시,2026. 12. 1.(화),２０２６년 １２월 ２２일,\"화,목\",\
             오전 10시,12시,2026/12/17\n"
        );
        let plain = parse_courses("plain.csv", plain.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let office = parse_courses("office.csv", office.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(office, plain);
        assert_eq!((office[0].fee, office[0].materials_fee, office[0].capacity), (Won(30_000), Won(0), 20));
    }

    #[test]
    fn money_with_a_won_sign_and_seats_in_full_width_digits_are_read() {
        let csv = format!(
            "{HEADER}{}",
            course_row("c1", "20", "노년", "2026-12-01").replace("\"30,000원\",0,", "\"₩30,000\",무료,")
        );
        let courses = parse_courses("courses.csv", csv.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((courses[0].fee, courses[0].materials_fee), (Won(30_000), Won(0)));
        let places = parse_places("places.csv", "id,institution_id,name,seats\nr1,gm-llc,강의실,３０석\n".as_bytes());
        assert_eq!(places.map(|p| p[0].seats).ok(), Some(30));
    }

    #[test]
    fn a_date_without_a_year_is_refused_in_its_column() {
        let csv = format!("{HEADER}{}", course_row("c1", "20", "노년", "12월 1일"));
        let errors = parse_courses("courses.csv", csv.as_bytes()).unwrap_err();
        assert_eq!(lines_and_columns(&errors), vec![(2, "first_date")]);
        assert!(
            errors.0[0].problem.starts_with("연도가 없습니다: 2027년 3월 2일처럼 연도를 함께 적어 주세요"),
            "{errors}"
        );
    }

    #[test]
    fn korean_date_and_time_spellings_parse() {
        assert_eq!(parse_date("2026.12.01").map(|d| d.to_string()), Ok("2026-12-01".into()));
        assert_eq!(parse_date("20261201").map(|d| d.to_string()), Ok("2026-12-01".into()));
        assert!(parse_date("12/01/2026").is_err());
        let dt = parse_datetime("2026-11-20 10:00").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dt.to_rfc3339(), "2026-11-20T10:00:00+09:00");
        assert!(parse_time("25:00").is_err());
    }

    #[test]
    fn a_video_feed_as_offices_save_it_is_read_and_every_bad_row_named() {
        let csv = "동영상ID,제목,분야,생애주기,재생시간(분),난이도,제공기관,링크,상태\n\
                   gseek-1,엑셀 기초,직업능력향상,청년|중장년,180,초급,GSEEK,https://www.gseek.kr/c/1,\n\
                   gseek-2,한국사,학력보완,청년,,중급,GSEEK,http://www.gseek.kr/c/2,\n\
                   gseek-3,줌 수업,인문교양,노년,30,아주 쉬움,GSEEK,zoommtg://zoom.us/join?confno=1,\n\
                   gseek-1,엑셀 기초 (다시),직업능력향상,청년,180,초급,GSEEK,https://www.gseek.kr/c/1,\n";
        let errors = parse_file("videos.csv", csv.as_bytes()).unwrap_err().0;
        let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(found, vec![(3, "minutes"), (3, "url"), (4, "level"), (4, "url")], "{errors:?}");
        // Without the bad rows: the videos, and a 삭제 row as a deletion.
        let good = "동영상ID,제목,분야,생애주기,재생시간(분),난이도,제공기관,링크,상태\n\
                    gseek-1,엑셀 기초,직업능력향상,청년|중장년,180,초급,GSEEK,https://www.gseek.kr/c/1,\n\
                    gseek-9,옛 강좌,직업능력향상,청년,10,초급,GSEEK,https://www.gseek.kr/c/9,삭제\n";
        let batch = parse_file("videos.csv", good.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(batch.videos.len(), 1);
        assert_eq!(batch.deleted_videos.iter().map(|v| v.as_str()).collect::<Vec<_>>(), vec!["gseek-9"]);
        assert!(batch.courses.is_empty());
        let json = r#"{"videos": [
          {"id": "gm-video-1", "title": "키오스크 주문 따라 하기", "field": "인문교양", "life_stages": ["노년"],
           "minutes": 30, "level": "초급", "provider": "광명시평생학습원", "url": "https://www.gm.go.kr/v/1"}
        ]}"#;
        let batch = parse_file("videos.json", json.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(batch.videos[0].minutes, 30);
    }
}
