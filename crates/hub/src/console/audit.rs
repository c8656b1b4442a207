//! 접속 기록 (시스템 관리자): every staff action at a kiosk or in the console, and every console
//! view of personal data — who, what, when, from which kiosk or address — filterable.

use axum::extract::{Query, State};
use chrono::{NaiveDate, TimeZone};
use maud::{Markup, html};

use super::{Officer, Refusal, kst_time, page};
use crate::api::HubState;
use crate::store::staff::{AuditFilter, audit_log};

/// How many lines one page shows (newest first).
const PAGE_LINES: usize = 500;

#[derive(Debug, Default, serde::Deserialize)]
pub struct Filter {
    #[serde(default)]
    staff: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    contains: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
}

fn day(raw: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, Refusal> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let date: NaiveDate =
        raw.trim().parse().map_err(|_| Refusal::Invalid("날짜는 2026-12-07처럼 적어 주세요".into()))?;
    let start = date.and_hms_opt(0, 0, 0).and_then(|t| baeum_domain::kst().from_local_datetime(&t).single());
    Ok(start.map(|t| t.to_utc()))
}

fn some(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

pub async fn list(officer: Officer, State(state): State<HubState>, Query(f): Query<Filter>) -> Result<Markup, Refusal> {
    officer.require(officer.is_admin())?;
    let filter = AuditFilter {
        staff: some(&f.staff),
        action: some(&f.action),
        contains: some(&f.contains),
        from: day(&f.from)?,
        until: day(&f.until)?.map(|t| t + chrono::Duration::days(1)),
        newest: Some(PAGE_LINES),
    };
    let lines = state.with_db(move |conn| Ok(audit_log(conn, &filter)?)).await?;
    let body = html! {
        main id="main" {
            h1 { "접속 기록" }
            p { "직원이 키오스크와 관리 화면에서 한 일과 개인정보를 본 기록입니다 (개인정보 보호법의 접속기록). 최근 " (PAGE_LINES) "건까지 보여 줍니다." }
            form method="get" action="/console/audit" {
                label for="f-staff" { "직원 번호" } input id="f-staff" name="staff" value=(f.staff) size="8";
                label for="f-action" { "작업" } input id="f-action" name="action" value=(f.action) size="24";
                label for="f-contains" { "대상·키오스크" } input id="f-contains" name="contains" value=(f.contains) size="14";
                label for="f-from" { "시작일" } input id="f-from" name="from" type="date" value=(f.from);
                label for="f-until" { "종료일" } input id="f-until" name="until" type="date" value=(f.until);
                button type="submit" { "조회" }
            }
            table {
                caption { (lines.len()) "건 (최근 것부터)" }
                thead { tr { th scope="col" { "시각" } th scope="col" { "직원" } th scope="col" { "키오스크/주소" } th scope="col" { "작업" } th scope="col" { "대상" } } }
                tbody {
                    @for l in &lines {
                        tr {
                            td { (kst_time(l.at)) }
                            td { (l.staff_number) }
                            td { (l.kiosk_id) @if let Some(a) = &l.address { " " (a) } }
                            td { (l.action) }
                            td { (l.subject) }
                        }
                    }
                }
            }
        }
    };
    Ok(page("접속 기록", Some(&officer), body))
}
