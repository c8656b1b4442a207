//! 키오스크: every kiosk with its last heartbeat — last seen (offline after three missed),
//! version, outbox, last sync, catalog behind, printer, free disk, device key — and the notices
//! kiosks show on their screens.

use axum::extract::State;
use axum::response::Response;
use baeum_domain::staff::StaffRole;
use maud::{Markup, html};

use super::{Act, Done, Officer, Refusal, back, done_banner, kst_time, page};
use crate::api::HubState;
use crate::store;

pub async fn list(officer: Officer, State(state): State<HubState>, done: Done) -> Result<Markup, Refusal> {
    officer.require(officer.role() != StaffRole::Desk)?;
    let scope = officer.scope().map(|i| i.as_str().to_owned());
    let now = super::now(&state);
    let (kiosks, notices) = state
        .with_db(move |conn| {
            let kiosks = store::fleet::kiosks(conn, scope.as_deref())?;
            let notices = store::fleet::notices(conn, scope.as_deref(), now)?;
            Ok((kiosks, notices))
        })
        .await?;
    let offline = kiosks.iter().filter(|k| !k.revoked && k.offline(now)).count();
    let body = html! {
        main id="main" {
            h1 { "키오스크 현황" }
            (done_banner(done.done.as_deref()))
            p { "키오스크 " (kiosks.len()) "대 · 연결 끊김 " (offline) "대 (상태 보고가 세 번 연속 오지 않으면 연결 끊김으로 봅니다)" }
            table {
                caption { "키오스크별 마지막 상태 보고" }
                thead { tr {
                    th scope="col" { "키오스크" } th scope="col" { "기관" } th scope="col" { "상태" } th scope="col" { "마지막 보고" }
                    th scope="col" { "버전" } th scope="col" { "미전송 기록" } th scope="col" { "마지막 동기화" } th scope="col" { "강좌 정보 미반영" }
                    th scope="col" { "프린터" } th scope="col" { "남은 저장 공간" } th scope="col" { "기기 키" }
                } }
                tbody {
                    @for k in &kiosks {
                        tr {
                            td { (k.kiosk_id) }
                            td { (k.institution_id) }
                            td {
                                @if k.revoked { "사용 중지" }
                                @else if k.offline(now) { span class="warn" { "연결 끊김" } }
                                @else if let Some(b) = &k.last {
                                    @if b.status == baeum_domain::fleet::KioskHealth::Ok { (b.status.label_ko()) }
                                    @else { span class="warn" { (b.status.label_ko()) } }
                                }
                            }
                            @if let Some(b) = &k.last {
                                td { (kst_time(b.received_at)) }
                                td { (b.version) }
                                td { (b.outbox) "건" }
                                td { (b.last_sync_at.map(kst_time).unwrap_or_else(|| "없음".into())) }
                                td { (b.catalog_behind.map_or_else(|| "모름".to_owned(), |n| format!("{n}건"))) }
                                td { (b.printer.label_ko()) }
                                td { (b.free_disk_mb.map_or_else(|| "모름".to_owned(), |mb| format!("{:.1} GB", mb as f64 / 1024.0))) }
                                td { @if k.key_endorsed { "보증됨" } @else { (b.device_key.label_ko()) } }
                            } @else {
                                td colspan="8" { "아직 상태 보고가 없습니다" }
                            }
                        }
                    }
                }
            }
            h2 { "키오스크 화면 공지" }
            @if notices.is_empty() { p { "게시 중인 공지가 없습니다." } }
            ul {
                @for n in &notices {
                    li { (n.notice.text) " (" (kst_time(n.starts_at)) " ~ " (kst_time(n.notice.ends_at)) ", "
                        (n.institution_id.clone().unwrap_or_else(|| "모든 기관".into())) ", " (n.created_by) ") "
                        @if officer.is_admin() || n.institution_id.as_deref().is_some_and(|i| officer.covers(i)) {
                            form class="inline" method="post" action={ "/console/notices/" (n.notice.id) "/end" } {
                                (officer.csrf_field())
                                button type="submit" class="danger" { "게시 중지" }
                            }
                        }
                    }
                }
            }
            form method="post" action="/console/notices" {
                (officer.csrf_field())
                p { label for="notice-text" { "공지 내용" } input id="notice-text" name="text" maxlength="80" size="50" required placeholder="오늘 오후 3시 정전 예정"; }
                p { label for="notice-hours" { "게시 시간" }
                    select id="notice-hours" name="hours" { option value="4" { "4시간" } option value="12" selected { "12시간" } option value="24" { "하루" } option value="72" { "사흘" } } }
                p { button type="submit" { "공지 게시" } }
            }
        }
    };
    Ok(page("키오스크", Some(&officer), body))
}

/// Takes a notice down now: kiosks drop it at their next heartbeat. A 기관 담당자 takes down
/// their institution's own notices only.
pub async fn end_notice(
    State(state): State<HubState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Act(officer, _): Act<super::Nothing>,
) -> Result<Response, Refusal> {
    officer.require(officer.role() != StaffRole::Desk)?;
    let now = super::now(&state);
    let who = officer.clone();
    let scope = officer.scope().map(|i| i.as_str().to_owned());
    let ended = state
        .with_db(move |conn| {
            let theirs = store::fleet::notices(conn, scope.as_deref(), now)?
                .into_iter()
                .any(|n| n.notice.id == id && (who.is_admin() || n.institution_id.is_some()));
            if !theirs {
                return Ok(false);
            }
            let ended = store::fleet::end_notice(conn, id, now)?;
            if ended {
                who.audit(conn, now, "console_notice_end", &id.to_string())?;
            }
            Ok(ended)
        })
        .await?;
    if !ended {
        return Err(officer.missing());
    }
    Ok(back(&state, "/console/fleet", "공지 게시를 중지했습니다. 키오스크는 다음 상태 보고 때 화면에서 내립니다."))
}

#[derive(Debug, serde::Deserialize)]
pub struct Notice {
    text: String,
    hours: String,
}

pub async fn notice(State(state): State<HubState>, Act(officer, form): Act<Notice>) -> Result<Response, Refusal> {
    officer.require(officer.role() != StaffRole::Desk)?;
    let text = baeum_domain::text::clean(&form.text, 80, true, false)
        .map_err(|_| Refusal::Invalid("공지 내용은 80자 이내의 한 줄로 적어 주세요".into()))?;
    let hours: i64 = form
        .hours
        .parse()
        .ok()
        .filter(|h| (1..=168).contains(h))
        .ok_or_else(|| Refusal::Invalid("게시 시간을 골라 주세요".into()))?;
    let now = super::now(&state);
    // A 기관 담당자's notice goes to their institution's kiosks only.
    let institution = officer.scope().map(|i| i.as_str().to_owned());
    let (by, who) = (officer.by(), officer.clone());
    state
        .with_db(move |conn| {
            store::fleet::add_notice(
                conn,
                &text,
                institution.as_deref(),
                now,
                now + chrono::Duration::hours(hours),
                &by,
                now,
            )?;
            who.audit(conn, now, "console_notice", &text)?;
            Ok(())
        })
        .await?;
    Ok(back(&state, "/console/fleet", "공지를 게시했습니다. 키오스크는 다음 상태 보고 때(몇 분 안에) 화면에 띄웁니다."))
}
