//! 지원금 (시스템 관리자): each programme's applications, the residence confirmation staff
//! record after checking 주민등록 records, the draw (seed, algorithm and entrants' digest shown,
//! and the re-run check), and the results.

use axum::extract::{Path, State};
use axum::response::Response;
use baeum_domain::{LearnerId, ProgrammeId};
use maud::{Markup, html};

use super::{Act, Done, Officer, Refusal, back, done_banner, kst_time, page};
use crate::api::HubState;
use crate::store;

pub async fn list(officer: Officer, State(state): State<HubState>) -> Result<Markup, Refusal> {
    officer.require(officer.is_admin())?;
    let programmes = state
        .with_db(|conn| {
            let mut out = Vec::new();
            for p in store::subsidy::programmes(conn)? {
                let count = store::subsidy::listed(conn, &p.id)?.len();
                let drawn = store::subsidy::draw(conn, &p.id)?.is_some();
                out.push((p, count, drawn));
            }
            Ok(out)
        })
        .await?;
    let body = html! {
        main id="main" {
            h1 { "평생학습 지원금" }
            table {
                caption { "지원금 사업" }
                thead { tr { th scope="col" { "사업" } th scope="col" { "신청 기간" } th scope="col" { "선정 인원" } th scope="col" { "신청" } th scope="col" { "추첨" } } }
                tbody {
                    @for (p, count, drawn) in &programmes {
                        tr {
                            td { a href={ "/console/subsidy/" (p.id.as_str()) } { (p.name) } }
                            td { (p.opens_on) " ~ " (p.closes_on) }
                            td { (p.places) "명" }
                            td { (count) "명" }
                            td { @if *drawn { "완료" } @else { "추첨 전" } }
                        }
                    }
                }
            }
        }
    };
    Ok(page("지원금", Some(&officer), body))
}

fn programme_id(raw: &str) -> Result<ProgrammeId, Refusal> {
    ProgrammeId::parse(raw).map_err(|_| Refusal::NotFound)
}

pub async fn detail(
    officer: Officer,
    State(state): State<HubState>,
    Path(id): Path<String>,
    done: Done,
) -> Result<Markup, Refusal> {
    officer.require(officer.is_admin())?;
    let id = programme_id(&id)?;
    let now = super::now(&state);
    let who = officer.clone();
    let (programme, applications, draw, check, entrants) = state
        .with_db(move |conn| {
            let Some(programme) = store::subsidy::programme(conn, &id)? else { return Ok(None) };
            let applications = store::subsidy::listed(conn, &id)?;
            let draw = store::subsidy::draw(conn, &id)?;
            // The re-run check: the recorded draw again from its seed and entrants, against what
            // every application says now.
            let check = draw.as_ref().map(|_| crate::subsidy::verify(conn, &id).map(|_| ()).map_err(|e| e.to_string()));
            let entrants = crate::subsidy::entrants(conn, &id).ok();
            who.audit(conn, now, "console_subsidy_applications", id.as_str())?;
            Ok(Some((programme, applications, draw, check, entrants)))
        })
        .await?
        .ok_or(Refusal::NotFound)?;
    let today = now.with_timezone(&baeum_domain::kst()).date_naive();
    let pid = programme.id.as_str().to_owned();
    let body = html! {
        main id="main" {
            h1 { (programme.name) }
            (done_banner(done.done.as_deref()))
            p { "신청 " (programme.opens_on) " ~ " (programme.closes_on) " · " (programme.birth_years.from) "~" (programme.birth_years.to) "년생 · "
                (programme.places) "명 · 1인 " (programme.amount) " · 결과 발표 " (programme.results_on) }
            h2 { "추첨" }
            @if let Some(record) = &draw {
                dl {
                    dt { "추첨한 때" } dd { (kst_time(record.drawn_at)) }
                    dt { "방식" } dd { code { (record.algorithm) } }
                    dt { "시드" } dd { code id="draw-seed" { (record.seed) } }
                    dt { "신청자 목록 SHA-256" } dd { code id="draw-digest" { (record.entrants_sha256) } }
                    dt { "신청자 / 선정" } dd { (record.entrants.len()) "명 / " (record.selected.len()) "명" }
                    dt { "다시 추첨해 본 결과" }
                    dd id="draw-check" {
                        @match &check {
                            Some(Ok(())) => "기록과 같습니다 (같은 시드와 신청자 목록으로 다시 추첨해도 같은 사람이 선정됩니다)",
                            Some(Err(e)) => span class="warn" { "기록과 다릅니다: " (e) },
                            None => "",
                        }
                    }
                }
            } @else {
                @if let Some((count, digest)) = &entrants {
                    p { "지금 추첨 대상 " (count) "명 · 신청자 목록 SHA-256 " code { (digest) } }
                }
                @if today <= programme.closes_on {
                    p { "신청 기간(" (programme.closes_on) "까지)이 끝난 뒤에 추첨할 수 있습니다." }
                } @else {
                    form method="post" action={ "/console/subsidy/" (pid) "/draw" } {
                        (officer.csrf_field())
                        p { "추첨은 한 번만 합니다. 시드는 허브가 새로 만들고, 방식과 신청자 목록의 해시와 함께 기록·공개되어 누구나 다시 계산해 볼 수 있습니다." }
                        button type="submit" { "추첨하기" }
                    }
                }
            }
            h2 { "신청자 " (applications.len()) "명" }
            table {
                caption { "접수번호 순" }
                thead { tr { th scope="col" { "접수번호" } th scope="col" { "학습자 번호" } th scope="col" { "첫 수혜" } th scope="col" { "상태" } th scope="col" { "거주 확인" } } }
                tbody {
                    @for a in &applications {
                        tr {
                            td { (a.receipt) }
                            td { (a.learner_id) }
                            td { @if a.first_taken { "예" } @else { "아니오" } }
                            td { (a.status.label_ko()) }
                            td {
                                @match &a.residence_checked {
                                    Some(note) if note.starts_with("confirmed") => "확인함",
                                    Some(_) => "요건 미충족",
                                    None => {
                                        form class="inline" method="post" action={ "/console/subsidy/" (pid) "/residence" } {
                                            (officer.csrf_field())
                                            input type="hidden" name="learner" value=(a.learner_id);
                                            button type="submit" name="met" value="yes" { "거주 확인" }
                                            " "
                                            button type="submit" name="met" value="no" class="danger" { "요건 미충족" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("지원금", Some(&officer), body))
}

#[derive(Debug, serde::Deserialize)]
pub struct Residence {
    learner: String,
    met: String,
}

pub async fn residence(
    State(state): State<HubState>,
    Path(id): Path<String>,
    Act(officer, form): Act<Residence>,
) -> Result<Response, Refusal> {
    officer.require(officer.is_admin())?;
    let id = programme_id(&id)?;
    let learner =
        LearnerId::parse(&form.learner).map_err(|_| Refusal::Invalid("학습자 번호가 맞지 않습니다".into()))?;
    let met = form.met == "yes";
    let now = super::now(&state);
    let (by, who, pid) = (officer.by(), officer.clone(), id.clone());
    let status = state
        .with_db(move |conn| {
            let status = crate::subsidy::check_residence(conn, &pid, &learner, met, &by, now);
            if status.is_ok() {
                who.audit(
                    conn,
                    now,
                    if met { "console_residence_confirmed" } else { "console_residence_not_met" },
                    learner.as_str(),
                )?;
            }
            Ok(status
                .map(|s| format!("{learner}: 거주 요건 {} · {}", if met { "확인" } else { "미충족" }, s.label_ko())))
        })
        .await??;
    Ok(back(&state, &format!("/console/subsidy/{}", id.as_str()), &status))
}

pub async fn draw(
    State(state): State<HubState>,
    Path(id): Path<String>,
    Act(officer, _): Act<super::Nothing>,
) -> Result<Response, Refusal> {
    officer.require(officer.is_admin())?;
    let id = programme_id(&id)?;
    let seed = crate::subsidy::fresh_seed()?;
    let now = super::now(&state);
    let (who, pid) = (officer.clone(), id.clone());
    let done = state
        .with_db(move |conn| {
            let record = crate::subsidy::select(conn, &pid, seed, now);
            if let Ok(r) = &record {
                who.audit(conn, now, "console_subsidy_draw", &format!("{} seed {}", pid.as_str(), r.seed))?;
            }
            Ok(record.map(|r| format!("추첨했습니다: 신청 {}명 가운데 {}명 선정", r.entrants.len(), r.selected.len())))
        })
        .await??;
    Ok(back(&state, &format!("/console/subsidy/{}", id.as_str()), &done))
}
