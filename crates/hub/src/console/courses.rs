//! 강좌: each course's application state (확정, 대기, 미결제, 폐강 위험), its class list with
//! attendance, and the class list as CSV with phone numbers masked unless the role allows them.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use baeum_domain::{Course, CourseStatus};
use maud::{Markup, html};

use super::{Done, Officer, Refusal, done_banner, page};
use crate::api::HubState;
use crate::store::{self, enrollments::state};

/// One course's numbers on the list.
#[derive(Debug)]
struct Standing {
    course: Course,
    confirmed: u32,
    waiting: u32,
    unpaid: u32,
    minimum: u32,
}

impl Standing {
    /// Below the minimum with what is confirmed and awaiting payment: 폐강 if it stays so.
    fn at_risk(&self) -> bool {
        self.confirmed + self.unpaid < self.minimum
    }
}

pub async fn list(officer: Officer, State(state): State<HubState>, done: Done) -> Result<Markup, Refusal> {
    let scope = officer.scope().map(|i| i.as_str().to_owned());
    let standings = state
        .with_db(move |conn| {
            let mut out = Vec::new();
            for course in store::courses::all(conn)? {
                if scope.as_deref().is_some_and(|s| s != course.institution_id.as_str()) {
                    continue;
                }
                let count = |s: &str| store::enrollments::in_state(conn, &course.id, s).map(|r| r.len() as u32);
                let minimum = store::rules::for_course(conn, &course)?.minimum_seats(course.capacity);
                out.push(Standing {
                    confirmed: count(state::CONFIRMED)?,
                    waiting: store::enrollments::waiting(conn, &course.id)?,
                    unpaid: count(state::AWAITING_PAYMENT)?,
                    minimum,
                    course,
                });
            }
            Ok(out)
        })
        .await?;
    let at_risk = standings.iter().filter(|s| s.at_risk() && s.course.status == CourseStatus::Scheduled).count();
    let body = html! {
        main id="main" {
            h1 { "강좌별 신청 현황" }
            (done_banner(done.done.as_deref()))
            p { "강좌 " (standings.len()) "개 · 폐강 위험 " (at_risk) "개 (확정과 결제 대기를 합쳐도 최소 인원에 못 미치는 강좌)" }
            table {
                caption { "강좌 목록" }
                thead { tr { th scope="col" { "강좌" } th scope="col" { "기관" } th scope="col" { "정원" } th scope="col" { "확정" } th scope="col" { "결제 대기" } th scope="col" { "대기" } th scope="col" { "최소 인원" } th scope="col" { "상태" } } }
                tbody {
                    @for s in &standings {
                        tr {
                            td { a href={ "/console/courses/" (s.course.id.as_str()) } { (s.course.title.as_str()) } }
                            td { (s.course.institution_id.as_str()) }
                            td { (s.course.capacity) }
                            td { (s.confirmed) }
                            td { (s.unpaid) }
                            td { (s.waiting) }
                            td { (s.minimum) }
                            td {
                                @if s.course.status == CourseStatus::Cancelled { "폐강" }
                                @else if s.at_risk() { span class="warn" { "폐강 위험" } }
                                @else { "정상" }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("강좌", Some(&officer), body))
}

/// The course, if it exists and is this person's to see (the same refusal for both otherwise).
async fn course_for(officer: &Officer, state: &HubState, id: String) -> Result<Course, Refusal> {
    let course = state.with_db(move |conn| Ok(store::courses::get(conn, &id)?)).await?;
    match course {
        Some(c) if officer.covers(c.institution_id.as_str()) => Ok(c),
        Some(_) => Err(Refusal::Forbidden),
        None => Err(officer.missing()),
    }
}

/// One line of a class list as the console shows it.
#[derive(Debug)]
struct ClassLine {
    learner_id: String,
    name: String,
    phone: String,
    present: usize,
    absent: usize,
}

async fn class_list(
    officer: &Officer,
    state: &HubState,
    course: &Course,
    action: &'static str,
) -> Result<Vec<ClassLine>, Refusal> {
    let full_phone = officer.sees_phone_numbers(course.institution_id.as_str());
    let (id, who) = (course.id.clone(), officer.clone());
    let now = super::now(state);
    Ok(state
        .with_db(move |conn| {
            let Some(roster) = crate::roster::roster(conn, &id, now)? else { return Ok(Vec::new()) };
            let mut lines = Vec::new();
            for line in roster.learners {
                let learner = store::learners::get(conn, line.learner_id.as_str())?;
                let phone = match (&learner, full_phone) {
                    (Some(l), true) => dashed(l.mobile.as_str()),
                    (Some(l), false) => l.mobile.masked(),
                    (None, _) => String::new(),
                };
                lines.push(ClassLine {
                    learner_id: line.learner_id.to_string(),
                    name: learner.map_or(line.name_masked, |l| {
                        if full_phone { l.name.as_str().to_owned() } else { l.name.masked() }
                    }),
                    phone,
                    present: line.present.len(),
                    absent: line.absent.len(),
                });
            }
            // Opening a class list is a view of personal data: the access log keeps it.
            who.audit(conn, now, action, id.as_str())?;
            Ok(lines)
        })
        .await?)
}

pub async fn detail(
    officer: Officer,
    State(state): State<HubState>,
    Path(id): Path<String>,
) -> Result<Markup, Refusal> {
    let course = course_for(&officer, &state, id).await?;
    let lines = class_list(&officer, &state, &course, "console_class_list").await?;
    let sessions = course.sessions.len();
    let body = html! {
        main id="main" {
            h1 { (course.title.as_str()) " 수강생 명단" }
            p { "기관 " (course.institution_id.as_str()) " · 정원 " (course.capacity) "명 · 수업 " (sessions) "회 · 확정 " (lines.len()) "명" }
            p { a href={ "/console/courses/" (course.id.as_str()) "/class.csv" } download { "명단 CSV 내려받기" } }
            @if !officer.sees_phone_numbers(course.institution_id.as_str()) {
                p class="muted" { "전화번호와 이름은 가려서 보여 줍니다 (강좌를 운영하는 기관 담당자만 전체를 봅니다)." }
            }
            table {
                caption { "확정된 수강생과 출석" }
                thead { tr { th scope="col" { "학습자 번호" } th scope="col" { "이름" } th scope="col" { "휴대전화" } th scope="col" { "출석" } th scope="col" { "결석" } } }
                tbody {
                    @for l in &lines {
                        tr { td { (l.learner_id) } td { (l.name) } td { (l.phone) } td { (l.present) "/" (sessions) } td { (l.absent) } }
                    }
                }
            }
            p { a href="/console/courses" { "강좌 목록으로" } }
        }
    };
    Ok(page("수강생 명단", Some(&officer), body))
}

/// 01012345678 as 010-1234-5678.
fn dashed(digits: &str) -> String {
    let n = digits.len();
    if n < 10 {
        return digits.to_owned();
    }
    format!("{}-{}-{}", &digits[..3], &digits[3..n - 4], &digits[n - 4..])
}

/// A CSV field: quoted, and a leading `=`, `+`, `-` or `@` defused so a spreadsheet does not
/// run it as a formula.
fn csv_field(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_owned() };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

pub async fn class_csv(
    officer: Officer,
    State(state): State<HubState>,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let course = course_for(&officer, &state, id).await?;
    let lines = class_list(&officer, &state, &course, "console_class_csv").await?;
    // A BOM so Excel on an office PC opens the Korean text as UTF-8.
    let mut csv = String::from("\u{feff}학습자 번호,이름,휴대전화,출석,결석\r\n");
    for l in &lines {
        csv.push_str(&format!(
            "{},{},{},{},{}\r\n",
            csv_field(&l.learner_id),
            csv_field(&l.name),
            csv_field(&l.phone),
            l.present,
            l.absent
        ));
    }
    let file = format!("attachment; filename=\"class-{}.csv\"", course.id.as_str());
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, file)], csv)
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_csv_field_is_quoted_and_cannot_become_a_formula() {
        assert_eq!(super::csv_field("홍\"길동"), "\"홍\"\"길동\"");
        assert_eq!(super::csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    }
}
