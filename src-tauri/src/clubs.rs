//! 학습동아리 commands: the club list (anyone), registering a club with founders who each confirm
//! their own PIN here, asking to join, and for a leader accepting members, filing activity
//! records and printing the 동아리 활동 실적서. Commands about a person's clubs name the learner;
//! the shell refuses anyone but the person at the kiosk (`Visit::require`).

use baeum_domain::{ClubId, LearnerId};
use baeum_kiosk::ErrorView;
use baeum_kiosk::LearnerSummary;
use baeum_kiosk::clubs::{ActivityForm, ClubForm, ClubPage, ClubQuery, FounderCheck, MyClub};
use tauri::State;

use crate::commands::{ANSWER_WAIT, Shell, bad_request, learner_id, parse, printer};

fn club_id(raw: &str) -> Result<ClubId, ErrorView> {
    ClubId::parse(raw).map_err(|e| bad_request("club_id", e))
}

fn learner_ids(raw: &[String]) -> Result<Vec<LearnerId>, ErrorView> {
    raw.iter().map(|r| learner_id(r)).collect()
}

#[tauri::command]
pub async fn clubs_page(shell: State<'_, Shell>, query: serde_json::Value) -> Result<ClubPage, ErrorView> {
    let query: ClubQuery = parse("query", query)?;
    shell.kiosk.clubs(&query).map_err(|e| e.view())
}

/// A founding member confirms who they are with their own PIN; the person at the kiosk stays
/// who she is (the founder's hub session is ended at once).
#[tauri::command]
pub async fn club_find_founder(
    shell: State<'_, Shell>,
    learner_id: String,
    mobile: String,
    birth_date: String,
    pin: String,
) -> Result<LearnerSummary, ErrorView> {
    let leader = self::learner_id(&learner_id)?;
    shell.visit.require(&leader)?;
    let found = shell.kiosk.find_learner(&mobile, &birth_date, &pin).await.map_err(|e| e.view())?;
    if let Some(session) = &found.session {
        shell.kiosk.end_session(session).await;
    }
    shell.visit.add_founder(found.learner.id.clone());
    Ok(found.learner)
}

#[tauri::command]
pub async fn club_founder_check(
    shell: State<'_, Shell>,
    learner_id: String,
    founders: Vec<String>,
    per_month: u32,
) -> Result<FounderCheck, ErrorView> {
    let leader = self::learner_id(&learner_id)?;
    shell.visit.require(&leader)?;
    let founders = learner_ids(&founders)?;
    shell.visit.require_founders(&founders)?;
    shell.kiosk.founder_check(&leader, &founders, per_month).map_err(|e| e.view())
}

/// 동아리 등록 신청, then a short wait for the hub's answer.
#[tauri::command]
pub async fn register_club(
    shell: State<'_, Shell>,
    learner_id: String,
    form: serde_json::Value,
) -> Result<MyClub, ErrorView> {
    let leader = self::learner_id(&learner_id)?;
    shell.visit.require(&leader)?;
    let form: ClubForm = parse("form", form)?;
    shell.visit.require_founders(&learner_ids(&form.founders)?)?;
    let club = shell.kiosk.register_club(&leader, &form, None).map_err(|e| e.view())?;
    shell.kiosk.exchange_briefly(ANSWER_WAIT).await;
    shell.kiosk.my_club(&leader, &club_id(&club.club_id)?).map_err(|e| e.view())
}

#[tauri::command]
pub async fn ask_to_join(shell: State<'_, Shell>, learner_id: String, club_id: String) -> Result<MyClub, ErrorView> {
    let (learner, club) = (self::learner_id(&learner_id)?, self::club_id(&club_id)?);
    shell.visit.require(&learner)?;
    shell.kiosk.ask_to_join(&learner, &club).map_err(|e| e.view())?;
    shell.kiosk.exchange_briefly(ANSWER_WAIT).await;
    shell.kiosk.my_club(&learner, &club).map_err(|e| e.view())
}

/// Her clubs, refreshed from the hub when it answers quickly.
#[tauri::command]
pub async fn my_clubs(shell: State<'_, Shell>, learner_id: String) -> Result<Vec<MyClub>, ErrorView> {
    let learner = self::learner_id(&learner_id)?;
    shell.visit.require(&learner)?;
    if let Ok(Err(e)) =
        tokio::time::timeout(ANSWER_WAIT, shell.kiosk.refresh_clubs(std::slice::from_ref(&learner))).await
    {
        tracing::info!(code = %e.code(), "club lookup failed; showing what this kiosk knows");
    }
    shell.kiosk.my_clubs(&learner).map_err(|e| e.view())
}

#[tauri::command]
pub async fn accept_member(
    shell: State<'_, Shell>,
    learner_id: String,
    club_id: String,
    member_id: String,
) -> Result<MyClub, ErrorView> {
    let (leader, club, member) =
        (self::learner_id(&learner_id)?, self::club_id(&club_id)?, self::learner_id(&member_id)?);
    shell.visit.require(&leader)?;
    shell.kiosk.accept_member(&leader, &club, &member).map_err(|e| e.view())?;
    shell.kiosk.exchange_briefly(ANSWER_WAIT).await;
    shell.kiosk.my_club(&leader, &club).map_err(|e| e.view())
}

/// 활동 실적 by the leader (kept in the outbox when the hub cannot be reached).
#[tauri::command]
pub async fn file_activity(
    shell: State<'_, Shell>,
    learner_id: String,
    club_id: String,
    form: serde_json::Value,
) -> Result<MyClub, ErrorView> {
    let (leader, club) = (self::learner_id(&learner_id)?, self::club_id(&club_id)?);
    shell.visit.require(&leader)?;
    let form: ActivityForm = parse("form", form)?;
    shell.kiosk.file_activity(&leader, &club, &form, None).map_err(|e| e.view())?;
    shell.kiosk.exchange_briefly(ANSWER_WAIT).await;
    shell.kiosk.my_club(&leader, &club).map_err(|e| e.view())
}

#[tauri::command]
pub async fn print_club_report(
    shell: State<'_, Shell>,
    learner_id: String,
    club_id: String,
    year: i32,
) -> Result<baeum_kiosk::store::print_jobs::PrintJob, ErrorView> {
    let (leader, club) = (self::learner_id(&learner_id)?, self::club_id(&club_id)?);
    shell.visit.require(&leader)?;
    let printer = printer(&shell)?;
    shell.kiosk.print_club_report(&leader, &club, year, &printer).await.map_err(|e| e.view())
}
