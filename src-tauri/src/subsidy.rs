//! 지원금 신청 commands: the offer with its pre-check, applying with the two residence answers,
//! withdrawing, 나의 신청 내역 and the 선정 notice. Each names the learner, and the shell refuses
//! anyone but the person at the kiosk (`Visit::require`).

use baeum_domain::ProgrammeId;
use baeum_domain::subsidy::ResidenceDeclaration;
use baeum_kiosk::ErrorView;
use baeum_kiosk::subsidy::{SubsidyCard, SubsidyOffer};
use tauri::State;

use crate::commands::{Shell, bad_request, learner_id, parse, printer};

/// How long the offer waits for the hub's latest word before explaining from what the kiosk
/// knows (the programme and her earlier grants as of the last sync).
const REFRESH_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

fn programme_id(raw: &str) -> Result<ProgrammeId, ErrorView> {
    ProgrammeId::parse(raw).map_err(|e| bad_request("programme_id", e))
}

/// The programme on offer and whether she may apply, in plain words.
#[tauri::command]
pub async fn subsidy_offer(shell: State<'_, Shell>, learner_id: String) -> Result<Option<SubsidyOffer>, ErrorView> {
    let learner = self::learner_id(&learner_id)?;
    shell.visit.require(&learner)?;
    match tokio::time::timeout(REFRESH_WAIT, shell.kiosk.refresh_subsidy(std::slice::from_ref(&learner))).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::info!(code = %e.code(), "subsidy refresh failed; explaining from the last sync"),
        Err(_) => tracing::info!("subsidy refresh took too long; explaining from the last sync"),
    }
    shell.kiosk.subsidy_offer(&learner).map_err(|e| e.view())
}

/// 지원금 신청 with her answers to the residence questions, then a short wait for the hub.
#[tauri::command]
pub async fn apply_subsidy(
    shell: State<'_, Shell>,
    learner_id: String,
    programme_id: String,
    residence: serde_json::Value,
) -> Result<SubsidyCard, ErrorView> {
    let (learner, programme) = (self::learner_id(&learner_id)?, self::programme_id(&programme_id)?);
    shell.visit.require(&learner)?;
    let residence: ResidenceDeclaration = parse("residence", residence)?;
    shell.kiosk.apply_subsidy(&learner, &programme, residence, None).map_err(|e| e.view())?;
    shell.kiosk.exchange_briefly(crate::commands::ANSWER_WAIT).await;
    card(&shell, &learner, &programme)
}

/// 신청 취소 (before the selection), then a short wait for the hub.
#[tauri::command]
pub async fn withdraw_subsidy(
    shell: State<'_, Shell>,
    learner_id: String,
    programme_id: String,
) -> Result<SubsidyCard, ErrorView> {
    let (learner, programme) = (self::learner_id(&learner_id)?, self::programme_id(&programme_id)?);
    shell.visit.require(&learner)?;
    shell.kiosk.withdraw_subsidy(&learner, &programme).map_err(|e| e.view())?;
    shell.kiosk.exchange_briefly(crate::commands::ANSWER_WAIT).await;
    card(&shell, &learner, &programme)
}

/// 나의 신청 내역 (지원금).
#[tauri::command]
pub async fn my_subsidy(shell: State<'_, Shell>, learner_id: String) -> Result<Vec<SubsidyCard>, ErrorView> {
    let learner = self::learner_id(&learner_id)?;
    shell.visit.require(&learner)?;
    shell.kiosk.subsidy_cards(&learner).map_err(|e| e.view())
}

/// Prints the 선정 notice on the configured printer.
#[tauri::command]
pub async fn print_subsidy_notice(
    shell: State<'_, Shell>,
    learner_id: String,
    programme_id: String,
) -> Result<baeum_kiosk::store::print_jobs::PrintJob, ErrorView> {
    let (learner, programme) = (self::learner_id(&learner_id)?, self::programme_id(&programme_id)?);
    shell.visit.require(&learner)?;
    let printer = printer(&shell)?;
    shell.kiosk.print_subsidy_notice(&learner, &programme, &printer).await.map_err(|e| e.view())
}

fn card(shell: &Shell, learner: &baeum_domain::LearnerId, programme: &ProgrammeId) -> Result<SubsidyCard, ErrorView> {
    shell
        .kiosk
        .subsidy_cards(learner)
        .map_err(|e| e.view())?
        .into_iter()
        .find(|c| c.programme_id == programme.as_str())
        .ok_or_else(|| baeum_kiosk::KioskError::NotEnrolled.view())
}
