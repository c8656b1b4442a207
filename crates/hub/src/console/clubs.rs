//! 동아리: registrations waiting for approval (approve, or reject with a reason the leader
//! reads), join requests, and each club's activity records.

use axum::extract::{Path, State};
use axum::response::Response;
use baeum_domain::club::{ClubRole, ClubState};
use baeum_domain::{ClubId, LearnerId, kst};
use chrono::Datelike;
use maud::{Markup, html};

use super::{Act, Done, Officer, Refusal, back, done_banner, page};
use crate::api::HubState;
use crate::store;

fn state_label(state: ClubState) -> &'static str {
    match state {
        ClubState::AwaitingApproval => "승인 대기",
        ClubState::Active => "활동 중",
        ClubState::Rejected => "반려",
    }
}

pub async fn list(officer: Officer, State(state): State<HubState>, done: Done) -> Result<Markup, Refusal> {
    officer.require(officer.role() != baeum_domain::staff::StaffRole::Desk)?;
    let scope = officer.scope().map(|i| i.as_str().to_owned());
    let clubs = state
        .with_db(move |conn| {
            let mut out = Vec::new();
            for club in store::clubs::all(conn, false)? {
                if scope.as_deref().is_some_and(|s| s != club.application.institution_id.as_str()) {
                    continue;
                }
                let members = store::clubs::members(conn, &club.application.club_id)?;
                let asked = members.iter().filter(|(_, r)| *r == ClubRole::Asked).count();
                out.push((club, members.len() - asked, asked));
            }
            Ok(out)
        })
        .await?;
    let body = html! {
        main id="main" {
            h1 { "학습동아리" }
            (done_banner(done.done.as_deref()))
            table {
                caption { "동아리 (승인 대기가 먼저)" }
                thead { tr { th scope="col" { "동아리" } th scope="col" { "기관" } th scope="col" { "상태" } th scope="col" { "회원" } th scope="col" { "가입 신청" } } }
                tbody {
                    @for (club, members, asked) in clubs.iter().filter(|(c, _, _)| c.state == ClubState::AwaitingApproval).chain(clubs.iter().filter(|(c, _, _)| c.state != ClubState::AwaitingApproval)) {
                        tr {
                            td { a href={ "/console/clubs/" (club.application.club_id.as_str()) } { (club.application.name) } }
                            td { (club.application.institution_id.as_str()) }
                            td { (state_label(club.state)) }
                            td { (members) "명" }
                            td { (asked) "명" }
                        }
                    }
                }
            }
        }
    };
    Ok(page("동아리", Some(&officer), body))
}

pub async fn detail(
    officer: Officer,
    State(state): State<HubState>,
    Path(id): Path<String>,
    done: Done,
) -> Result<Markup, Refusal> {
    officer.require(officer.role() != baeum_domain::staff::StaffRole::Desk)?;
    let id = ClubId::parse(&id).map_err(|_| Refusal::NotFound)?;
    let now = super::now(&state);
    let year_start = chrono::NaiveDate::from_ymd_opt(now.with_timezone(&kst()).year() - 1, 1, 1).unwrap_or_default();
    let who = officer.clone();
    let found = state
        .with_db(move |conn| {
            let Some(club) = store::clubs::get(conn, &id)? else { return Ok(Err(who.missing())) };
            if !who.covers(club.application.institution_id.as_str()) {
                return Ok(Err(Refusal::Forbidden));
            }
            let mut members = Vec::new();
            for (learner, role) in store::clubs::members(conn, &id)? {
                let name = store::learners::get(conn, learner.as_str())?.map(|l| l.name.masked()).unwrap_or_default();
                members.push((learner, name, role));
            }
            let activities = store::clubs::activities(conn, &id, year_start)?;
            who.audit(conn, now, "console_club_roster", id.as_str())?;
            Ok(Ok((club, members, activities)))
        })
        .await??;
    let (club, members, activities) = found;
    let app = &club.application;
    let cid = app.club_id.as_str();
    let body = html! {
        main id="main" {
            h1 { (app.name) }
            (done_banner(done.done.as_deref()))
            p { "상태: " (state_label(club.state)) @if !club.reason.is_empty() { " (사유: " (club.reason) ")" } " · 기관 " (app.institution_id.as_str()) " · 모임 장소 " (app.place) }
            p { (app.summary) }
            @if club.state == ClubState::AwaitingApproval {
                form class="inline" method="post" action={ "/console/clubs/" (cid) } {
                    (officer.csrf_field())
                    input type="hidden" name="decision" value="approve";
                    button type="submit" { "등록 승인" }
                }
                " "
                form class="inline" method="post" action={ "/console/clubs/" (cid) } {
                    (officer.csrf_field())
                    input type="hidden" name="decision" value="reject";
                    label for="reason" { "반려 사유" }
                    input id="reason" name="reason" maxlength="200" required;
                    button type="submit" class="danger" { "반려" }
                }
            }
            h2 { "회원과 가입 신청" }
            table {
                caption { "이름은 가려서 보여 줍니다" }
                thead { tr { th scope="col" { "학습자 번호" } th scope="col" { "이름" } th scope="col" { "구분" } th scope="col" { "처리" } } }
                tbody {
                    @for (learner, name, role) in &members {
                        tr {
                            td { (learner.as_str()) }
                            td { (name) }
                            td { @match role { ClubRole::Leader => "대표", ClubRole::Member => "회원", ClubRole::Asked => "가입 신청" } }
                            td {
                                @if *role == ClubRole::Asked && club.state == ClubState::Active {
                                    form class="inline" method="post" action={ "/console/clubs/" (cid) } {
                                        (officer.csrf_field())
                                        input type="hidden" name="decision" value="accept";
                                        input type="hidden" name="learner" value=(learner.as_str());
                                        button type="submit" { "가입 승인" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "활동 기록 (작년부터)" }
            @if activities.is_empty() { p { "기록된 모임이 없습니다." } }
            @else {
                table {
                    caption { "모임" }
                    thead { tr { th scope="col" { "날짜" } th scope="col" { "장소" } th scope="col" { "시간" } th scope="col" { "참석" } th scope="col" { "내용" } } }
                    tbody {
                        @for a in &activities {
                            tr { td { (a.record.date) } td { (a.record.place) } td { (a.record.minutes) "분" } td { (a.record.attendees.len()) "명" } td { (a.record.summary) } }
                        }
                    }
                }
            }
        }
    };
    Ok(page("동아리", Some(&officer), body))
}

#[derive(Debug, serde::Deserialize)]
pub struct Decision {
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    learner: String,
}

pub async fn decide(
    State(state): State<HubState>,
    Path(id): Path<String>,
    Act(officer, form): Act<Decision>,
) -> Result<Response, Refusal> {
    officer.require(officer.role() != baeum_domain::staff::StaffRole::Desk)?;
    let id = ClubId::parse(&id).map_err(|_| Refusal::NotFound)?;
    let now = super::now(&state);
    let (by, who, cid) = (officer.by(), officer.clone(), id.clone());
    let done = state
        .with_db(move |conn| {
            let Some(club) = store::clubs::get(conn, &cid)? else { return Ok(Err(who.missing())) };
            if !who.covers(club.application.institution_id.as_str()) {
                return Ok(Err(Refusal::Forbidden));
            }
            let result = match form.decision.as_str() {
                "approve" => crate::clubs::approve(conn, &cid, &by, now).map(|()| "등록을 승인했습니다".to_owned()),
                "reject" => {
                    crate::clubs::reject(conn, &cid, &by, &form.reason, now).map(|()| "반려했습니다".to_owned())
                }
                "accept" => {
                    let Ok(learner) = LearnerId::parse(&form.learner) else {
                        return Ok(Err(Refusal::Invalid("학습자 번호가 맞지 않습니다".into())));
                    };
                    crate::clubs::accept(conn, &cid, &learner, &by, now)
                        .map(|()| format!("{learner}님의 가입을 받았습니다"))
                }
                _ => return Ok(Err(Refusal::Invalid("알 수 없는 처리입니다".into()))),
            };
            if result.is_ok() {
                who.audit(conn, now, &format!("console_club_{}", form.decision), cid.as_str())?;
            }
            Ok(result.map_err(Refusal::from))
        })
        .await??;
    Ok(back(&state, &format!("/console/clubs/{}", id.as_str()), &done))
}
