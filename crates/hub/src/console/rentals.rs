//! 대관: requests waiting for approval on a calendar of the coming weeks; approve, reject with a
//! reason the person reads at the kiosk, record a desk payment, and record a no-show.

use axum::extract::{Path, State};
use axum::response::Response;
use baeum_domain::rental::{Booking, BookingStatus, Room};
use baeum_domain::{BookingId, kst};
use chrono::{Datelike, Duration, NaiveDate};
use maud::{Markup, html};

use super::{Act, Done, Officer, Refusal, back, done_banner, page};
use crate::api::HubState;
use crate::store;

/// The institution a room belongs to.
pub(crate) fn institution_of_room(
    conn: &crate::db::Connection,
    room: &str,
) -> Result<Option<String>, store::StoreError> {
    let Ok(id) = baeum_domain::RoomId::parse(room) else { return Ok(None) };
    Ok(store::rentals::room(conn, &id)?.map(|r| r.institution_id.to_string()))
}

const WEEKS: i64 = 5;

pub async fn list(officer: Officer, State(state): State<HubState>, done: Done) -> Result<Markup, Refusal> {
    officer.require(officer.role() != baeum_domain::staff::StaffRole::Desk)?;
    let scope = officer.scope().map(|i| i.as_str().to_owned());
    let (rooms, bookings) = state
        .with_db(move |conn| {
            let rooms: Vec<Room> = store::rentals::rooms(conn)?
                .into_iter()
                .filter(|r| scope.as_deref().is_none_or(|s| s == r.institution_id.as_str()))
                .collect();
            let bookings: Vec<Booking> = store::rentals::listed(conn, false)?
                .into_iter()
                .filter(|b| rooms.iter().any(|r| r.id == b.request.room_id))
                .collect();
            Ok((rooms, bookings))
        })
        .await?;
    let today = super::now(&state).with_timezone(&kst()).date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let room_name =
        |b: &Booking| rooms.iter().find(|r| r.id == b.request.room_id).map_or_else(String::new, |r| r.name.clone());
    // When a booking ends: its slots are the room's own length.
    let until = |b: &Booking| {
        let minutes = rooms.iter().find(|r| r.id == b.request.room_id).map_or(60, |r| r.slot_minutes) * b.request.slots;
        (b.request.start + Duration::minutes(i64::from(minutes))).format("%H:%M").to_string()
    };
    let waiting: Vec<&Booking> =
        bookings.iter().filter(|b| matches!(b.status, BookingStatus::AwaitingApproval)).collect();
    let on = |day: NaiveDate| bookings.iter().filter(move |b| b.request.date == day && b.status.is_live());
    let body = html! {
        main id="main" {
            h1 { "대관 신청" }
            (done_banner(done.done.as_deref()))
            h2 { "달력 (" (monday.format("%m월 %d일")) "부터 " (WEEKS) "주)" }
            table class="calendar" {
                caption { "승인 대기는 ★로 표시합니다" }
                thead { tr { @for d in ["월", "화", "수", "목", "금", "토", "일"] { th scope="col" { (d) } } } }
                tbody {
                    @for week in 0..WEEKS {
                        tr {
                            @for day in 0..7 {
                                @let date = monday + Duration::days(week * 7 + day);
                                td {
                                    div { strong { (date.format("%m/%d")) } }
                                    @for b in on(date) {
                                        div {
                                            @if matches!(b.status, BookingStatus::AwaitingApproval) { "★ " }
                                            (b.request.start.format("%H:%M")) " " (room_name(b))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "승인 기다리는 신청 " (waiting.len()) "건" }
            @if waiting.is_empty() { p { "승인을 기다리는 대관 신청이 없습니다." } }
            @for b in &waiting { (request(&officer, b, &room_name(b), &until(b))) }
            h2 { "예약 목록" }
            table {
                caption { "다가오는 예약과 지난 예약" }
                thead { tr { th scope="col" { "예약 번호" } th scope="col" { "날짜" } th scope="col" { "시설" } th scope="col" { "단체" } th scope="col" { "상태" } th scope="col" { "처리" } } }
                tbody {
                    @for b in bookings.iter().filter(|b| !matches!(b.status, BookingStatus::AwaitingApproval)) {
                        tr {
                            td { (b.booking_id.as_str()) }
                            td { (b.request.date) " " (b.request.start.format("%H:%M")) }
                            td { (room_name(b)) }
                            td { (b.request.organisation.clone().unwrap_or_default()) }
                            td { (b.status.label_ko()) }
                            td {
                                @if matches!(b.status, BookingStatus::Approved { .. }) {
                                    form class="inline" method="post" action={ "/console/rentals/" (b.booking_id.as_str()) } {
                                        (officer.csrf_field())
                                        input type="hidden" name="decision" value="paid";
                                        label { "영수증 번호 " input name="receipt" required; }
                                        button type="submit" { "결제 기록" }
                                    }
                                }
                                @if matches!(b.status, BookingStatus::Confirmed) && b.request.date <= today {
                                    form class="inline" method="post" action={ "/console/rentals/" (b.booking_id.as_str()) } {
                                        (officer.csrf_field())
                                        input type="hidden" name="decision" value="no_show";
                                        button type="submit" class="danger" { "미이용(노쇼) 처리" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("대관", Some(&officer), body))
}

fn request(officer: &Officer, b: &Booking, room: &str, until: &str) -> Markup {
    let id = b.booking_id.as_str();
    html! {
        section class="request" aria-labelledby={ "b-" (id) } {
            h3 id={ "b-" (id) } { (room) " · " (b.request.date) " " (b.request.start.format("%H:%M")) "~" (until) }
            p { "예약 번호 " (id) " · 목적: " (b.request.purpose) " · " (b.request.headcount) "명"
                @if let Some(org) = &b.request.organisation { " · 단체: " (org) }
                " · 이용료 " (b.fee) }
            form class="inline" method="post" action={ "/console/rentals/" (id) } {
                (officer.csrf_field())
                input type="hidden" name="decision" value="approve";
                button type="submit" { "승인" }
            }
            " "
            form class="inline" method="post" action={ "/console/rentals/" (id) } {
                (officer.csrf_field())
                input type="hidden" name="decision" value="reject";
                label for={ "reason-" (id) } { "반려 사유" }
                input id={ "reason-" (id) } name="reason" maxlength="200" required;
                button type="submit" class="danger" { "반려" }
            }
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct Decision {
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    receipt: String,
}

pub async fn decide(
    State(state): State<HubState>,
    Path(id): Path<String>,
    Act(officer, form): Act<Decision>,
) -> Result<Response, Refusal> {
    officer.require(officer.role() != baeum_domain::staff::StaffRole::Desk)?;
    let id = BookingId::parse(&id).map_err(|_| Refusal::NotFound)?;
    let now = super::now(&state);
    let by = officer.by();
    let who = officer.clone();
    let done = state
        .with_db(move |conn| {
            let Some(stored) = store::rentals::get(conn, &id)? else { return Ok(Err(who.missing())) };
            let institution = institution_of_room(conn, stored.booking.request.room_id.as_str())?;
            if !institution.as_deref().is_some_and(|i| who.covers(i)) {
                return Ok(Err(Refusal::Forbidden));
            }
            let result = match form.decision.as_str() {
                "approve" => crate::rentals::approve(conn, &id, &by, now).map(|s| format!("{id}: {}", s.label_ko())),
                "reject" => {
                    crate::rentals::reject(conn, &id, &by, &form.reason, now).map(|()| format!("{id}: 반려했습니다"))
                }
                "paid" if !form.receipt.trim().is_empty() => {
                    crate::rentals::paid(conn, &id, &by, form.receipt.trim(), now)
                        .map(|()| format!("{id}: 결제를 기록했습니다 (예약 확정)"))
                }
                "paid" => return Ok(Err(Refusal::Invalid("영수증 번호를 적어 주세요".into()))),
                "no_show" => {
                    crate::rentals::no_show(conn, &id, &by, now).map(|()| format!("{id}: 노쇼로 기록했습니다"))
                }
                _ => return Ok(Err(Refusal::Invalid("알 수 없는 처리입니다".into()))),
            };
            if result.is_ok() {
                who.audit(conn, now, &format!("console_rental_{}", form.decision), id.as_str())?;
            }
            Ok(result.map_err(Refusal::from))
        })
        .await??;
    Ok(back(&state, "/console/rentals", &done))
}
