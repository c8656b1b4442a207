//! Column names as Korean offices write them. Each feed kind accepts its English column names
//! and the Korean headings public-portal exports use; everything is mapped to the English name.

use super::FeedKind;

const INSTITUTION: &[(&str, &str)] = &[
    ("기관ID", "id"),
    ("기관명", "name"),
    ("기관유형", "kind"),
    ("동", "dong"),
    ("행정동", "dong"),
    ("주소", "address"),
    ("전화번호", "phone"),
    ("연락처", "phone"),
];

const PLACE: &[(&str, &str)] = &[
    ("장소ID", "id"),
    ("기관ID", "institution_id"),
    ("장소명", "name"),
    ("강의실", "name"),
    ("좌석수", "seats"),
    ("수용인원", "seats"),
];

const COURSE: &[(&str, &str)] = &[
    ("강좌ID", "id"),
    ("기관ID", "institution_id"),
    ("장소ID", "place_id"),
    ("강좌명", "title"),
    ("강좌소개", "summary"),
    ("분야", "field"),
    ("생애주기", "life_stages"),
    ("수강대상", "target"),
    ("강사", "instructor"),
    ("강사명", "instructor"),
    ("수강료", "fee"),
    ("재료비", "materials_fee"),
    ("정원", "capacity"),
    ("모집인원", "capacity"),
    ("선발방식", "selection"),
    ("접수방법", "selection"),
    ("상태", "status"),
    ("접수시작", "application_opens"),
    ("접수시작일시", "application_opens"),
    ("접수마감", "application_closes"),
    ("접수마감일시", "application_closes"),
    ("개강일", "first_date"),
    ("종강일", "last_date"),
    ("요일", "weekdays"),
    ("시작시간", "starts_at"),
    ("종료시간", "ends_at"),
    ("휴강일", "skip_dates"),
];

const VIDEO: &[(&str, &str)] = &[
    ("동영상ID", "id"),
    ("강좌ID", "id"),
    ("강좌명", "title"),
    ("제목", "title"),
    ("강좌소개", "summary"),
    ("소개", "summary"),
    ("분야", "field"),
    ("생애주기", "life_stages"),
    ("학습시간", "minutes"),
    ("재생시간", "minutes"),
    ("재생시간(분)", "minutes"),
    ("분량", "minutes"),
    ("난이도", "level"),
    ("수준", "level"),
    ("제공기관", "provider"),
    ("제공처", "provider"),
    ("링크", "url"),
    ("주소", "url"),
    ("URL", "url"),
    ("미리보기", "preview"),
    ("썸네일", "preview"),
    ("상태", "status"),
];

/// The English column name for a heading of a `kind` feed (unknown headings pass through).
pub fn canonical(kind: FeedKind, heading: &str) -> String {
    let heading = heading.trim();
    let table = match kind {
        FeedKind::Institutions => INSTITUTION,
        FeedKind::Places => PLACE,
        FeedKind::Courses => COURSE,
        FeedKind::Videos => VIDEO,
    };
    table.iter().find(|(ko, _)| *ko == heading).map_or_else(|| heading.to_owned(), |(_, en)| (*en).to_owned())
}

/// Guesses what a sheet holds from its headings.
pub fn detect(headings: &[String]) -> Option<FeedKind> {
    let has = |kind: FeedKind, column: &str| headings.iter().any(|h| canonical(kind, h) == column);
    if has(FeedKind::Videos, "url") && has(FeedKind::Videos, "minutes") {
        Some(FeedKind::Videos)
    } else if has(FeedKind::Courses, "title") && has(FeedKind::Courses, "capacity") {
        Some(FeedKind::Courses)
    } else if has(FeedKind::Places, "seats") {
        Some(FeedKind::Places)
    } else if has(FeedKind::Institutions, "kind") && has(FeedKind::Institutions, "phone") {
        Some(FeedKind::Institutions)
    } else {
        None
    }
}
