//! Tauri commands: parse the UI's arguments at the edge, call the engine, return data or
//! `{code, message}`. Each is declared in build.rs and granted in capabilities/kiosk.json.

use std::sync::{Arc, Mutex};

use baeum_domain::refund::Refund;
use baeum_domain::rules::ReductionKind;
use baeum_domain::{CourseId, ErrorCode, LearnerId};
use baeum_kiosk::{
    CatalogPage, DataDir, EnrollmentCard, ErrorView, Kiosk, KioskConfig, KioskError, LearnerSummary, RegistrationForm,
    SearchQuery, SyncStatus,
};
use tauri::{AppHandle, State};

use crate::app::publish_status;

pub struct Shell {
    pub kiosk: Arc<Kiosk>,
    /// Where staff's settings changes are saved.
    pub data_dir: DataDir,
    /// This run's settings (the saved ones with this run's command-line overrides).
    pub config: Mutex<KioskConfig>,
    pub staff: crate::staff::StaffSession,
    /// The learner at the kiosk and her hub session.
    pub visit: crate::visit::Visit,
    pub voice: Arc<baeum_kiosk::voice::VoiceGuide>,
    /// Told when the window drew its first screen (the first background sync waits for it).
    pub ui_ready: Arc<tokio::sync::Notify>,
}

impl Shell {
    pub fn config(&self) -> KioskConfig {
        self.config.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn ui_settings(&self) -> UiSettings {
        let config = self.config();
        UiSettings {
            idle_warning_secs: config.idle_warning_secs,
            idle_grace_secs: config.idle_grace_secs,
            printer: config.printer_uri.is_some(),
        }
    }
}

/// Settings the screens need from this kiosk's configuration.
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct UiSettings {
    pub idle_warning_secs: u64,
    pub idle_grace_secs: u64,
    /// A printer is configured, so receipts can be printed.
    pub printer: bool,
}

#[tauri::command]
pub async fn kiosk_settings(shell: State<'_, Shell>) -> Result<UiSettings, ErrorView> {
    Ok(shell.ui_settings())
}

/// Runs blocking engine work (Argon2, the speech socket) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, KioskError> + Send + 'static,
) -> Result<T, ErrorView> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| {
            tracing::error!(code = %ErrorCode::Unexpected, detail = %e, "engine work thread failed");
            ErrorView::new(ErrorCode::Unexpected, "키오스크 프로그램에 문제가 생겼습니다. 직원에게 알려 주세요")
        })?
        .map_err(|e| e.view())
}

/// A value from the screen that the engine cannot read: a bug in the screens, not the person's
/// fault. The serde detail goes to the log; the message names the value in Korean.
pub(crate) fn bad_request(what: &str, detail: impl std::fmt::Display) -> ErrorView {
    tracing::warn!(code = %ErrorCode::BadRequest, what, detail = %detail, "unreadable command argument");
    ErrorView::new(ErrorCode::BadRequest, format!("화면에서 보낸 값({what})을 읽을 수 없습니다"))
}

/// A page of the catalog for a search (text and filters). The query is parsed here rather than
/// by Tauri so a malformed one gets the same `{code, message}` as every other error.
#[tauri::command]
pub async fn catalog_page(shell: State<'_, Shell>, query: serde_json::Value) -> Result<CatalogPage, ErrorView> {
    let query: SearchQuery = serde_json::from_value(query).map_err(|e| bad_request("query", e))?;
    let page = shell.kiosk.search(&query).map_err(|e| e.view());
    crate::startup::mark(crate::startup::Phase::FirstCatalog);
    page
}

#[tauri::command]
pub async fn sync_status(shell: State<'_, Shell>) -> Result<SyncStatus, ErrorView> {
    shell.kiosk.status().map_err(|e| e.view())
}

/// Syncs now. A failed sync is not an error here: the returned status says what happened.
#[tauri::command]
pub async fn sync_now(app: AppHandle, shell: State<'_, Shell>) -> Result<SyncStatus, ErrorView> {
    let outcome = shell.kiosk.sync_now().await;
    publish_status(&app, &shell.kiosk, outcome.as_ref().is_ok_and(|r| r.changes_applied > 0)).map_err(|e| e.view())
}

/// How long an action waits for the hub's answer before showing "접수 대기 (확정 전)".
pub(crate) const ANSWER_WAIT: std::time::Duration = std::time::Duration::from_secs(4);

pub(crate) fn parse<T: serde::de::DeserializeOwned>(what: &str, value: serde_json::Value) -> Result<T, ErrorView> {
    serde_json::from_value(value).map_err(|e| bad_request(what, e))
}

pub(crate) fn learner_id(raw: &str) -> Result<LearnerId, ErrorView> {
    LearnerId::parse(raw).map_err(|e| bad_request("learner_id", e))
}

pub(crate) fn course_id(raw: &str) -> Result<CourseId, ErrorView> {
    CourseId::parse(raw).map_err(|e| bad_request("course_id", e))
}

/// Registers a learner from the form (offline too). "Staff checked the ID card" only from
/// staff mode.
#[tauri::command]
pub async fn register_learner(shell: State<'_, Shell>, form: serde_json::Value) -> Result<LearnerSummary, ErrorView> {
    let form: RegistrationForm = parse("form", form)?;
    let registered = match form.identity {
        baeum_domain::learner::IdentityCheck::StaffChecked => {
            let on_duty = shell.staff.on_duty()?;
            shell.kiosk.register_learner_by_staff(&form, &on_duty)
        }
        _ => shell.kiosk.register_learner(&form),
    }
    .map_err(|e| e.view())?;
    // Once the hub has her registration, her PIN opens a session there like any returning
    // learner's; offline, she goes on with what this kiosk knows.
    shell.kiosk.exchange_briefly(ANSWER_WAIT).await;
    let offline = baeum_kiosk::SignedIn { learner: registered.clone(), session: None };
    // Only once the hub has her: asked before, the hub would count a wrong PIN against someone
    // else with her number and birth date.
    let signed_in = match shell.kiosk.registration_pending(&registered.id) {
        Ok(false) => match shell.kiosk.find_learner(&form.mobile, &form.birth_date, &form.pin).await {
            Ok(found) if found.learner.id == registered.id => found,
            Ok(other) => {
                if let Some(session) = &other.session {
                    shell.kiosk.end_session(session).await;
                }
                offline
            }
            Err(_) => offline,
        },
        _ => offline,
    };
    begin_visit(&shell, signed_in).await;
    Ok(registered)
}

/// She is the person at the kiosk now; the previous person's hub session ends.
async fn begin_visit(shell: &Shell, signed_in: baeum_kiosk::SignedIn) {
    if let Some(previous) = shell.visit.begin(signed_in) {
        shell.kiosk.end_session(&previous).await;
    }
}

/// A returning learner: mobile number, birth date and PIN.
#[tauri::command]
pub async fn find_learner(
    shell: State<'_, Shell>,
    mobile: String,
    birth_date: String,
    pin: String,
) -> Result<LearnerSummary, ErrorView> {
    let signed_in = shell.kiosk.find_learner(&mobile, &birth_date, &pin).await.map_err(|e| e.view())?;
    let learner = signed_in.learner.clone();
    begin_visit(&shell, signed_in).await;
    Ok(learner)
}

/// 수강신청, then a short wait for the hub's answer.
#[tauri::command]
pub async fn apply(
    shell: State<'_, Shell>,
    learner_id: String,
    course_id: String,
    claims: serde_json::Value,
) -> Result<EnrollmentCard, ErrorView> {
    let (learner, course) = (self::learner_id(&learner_id)?, self::course_id(&course_id)?);
    shell.visit.require(&learner)?;
    let claims: Vec<ReductionKind> = parse("claims", claims)?;
    shell.kiosk.apply(&learner, &course, &claims).map_err(|e| e.view())?;
    shell.kiosk.exchange_briefly(ANSWER_WAIT).await;
    card(&shell.kiosk, &learner, &course)
}

/// The learner's applications, refreshed from the hub when it answers quickly.
#[tauri::command]
pub async fn my_enrollments(shell: State<'_, Shell>, learner_id: String) -> Result<Vec<EnrollmentCard>, ErrorView> {
    let learner = self::learner_id(&learner_id)?;
    shell.visit.require(&learner)?;
    shell.kiosk.exchange_briefly(ANSWER_WAIT).await;
    shell.kiosk.enrollment_cards(&learner).map_err(|e| e.view())
}

/// What cancelling now would refund, shown before the person confirms.
#[tauri::command]
pub async fn cancellation_quote(
    shell: State<'_, Shell>,
    learner_id: String,
    course_id: String,
) -> Result<Refund, ErrorView> {
    let (learner, course) = (self::learner_id(&learner_id)?, self::course_id(&course_id)?);
    shell.visit.require(&learner)?;
    shell.kiosk.cancellation_quote(&learner, &course).map_err(|e| e.view())
}

/// 수강취소, then a short wait for the hub's answer.
#[tauri::command]
pub async fn cancel_enrollment(
    shell: State<'_, Shell>,
    learner_id: String,
    course_id: String,
) -> Result<EnrollmentCard, ErrorView> {
    let (learner, course) = (self::learner_id(&learner_id)?, self::course_id(&course_id)?);
    shell.visit.require(&learner)?;
    shell.kiosk.cancel(&learner, &course).map_err(|e| e.view())?;
    shell.kiosk.exchange_briefly(ANSWER_WAIT).await;
    card(&shell.kiosk, &learner, &course)
}

pub(crate) fn card(kiosk: &Kiosk, learner: &LearnerId, course: &CourseId) -> Result<EnrollmentCard, ErrorView> {
    kiosk
        .enrollment_cards(learner)
        .map_err(|e| e.view())?
        .into_iter()
        .find(|c| c.course_id == course.as_str())
        .ok_or_else(|| KioskError::NotEnrolled.view())
}

/// Prints the receipt of an application on the configured printer. The answer is the print job:
/// `printed`/`submitted` when the printer took it, `queued` with the reason when it is off.
#[tauri::command]
pub async fn print_receipt(
    shell: State<'_, Shell>,
    learner_id: String,
    course_id: String,
) -> Result<baeum_kiosk::store::print_jobs::PrintJob, ErrorView> {
    let (learner, course) = (self::learner_id(&learner_id)?, self::course_id(&course_id)?);
    shell.visit.require(&learner)?;
    let printer = printer(&shell)?;
    shell.kiosk.print_receipt(&learner, &course, &printer).await.map_err(|e| e.view())
}

pub(crate) fn printer(shell: &Shell) -> Result<String, ErrorView> {
    shell.config().printer_uri.ok_or_else(|| ErrorView::new(ErrorCode::PrinterMissing, "프린터가 설정되지 않았습니다"))
}

/// Prints the learner's certificate of a completed course (the hub checks completion and signs).
#[tauri::command]
pub async fn print_certificate(
    shell: State<'_, Shell>,
    learner_id: String,
    course_id: String,
) -> Result<baeum_kiosk::store::print_jobs::PrintJob, ErrorView> {
    let (learner, course) = (self::learner_id(&learner_id)?, self::course_id(&course_id)?);
    let session = shell.visit.require(&learner)?.or_else(|| shell.staff.hub_session());
    let printer = printer(&shell)?;
    shell.kiosk.print_certificate(session.as_ref(), &learner, &course, &printer).await.map_err(|e| e.view())
}

/// Prints the learner's learning-history statement (학습이력 확인서).
#[tauri::command]
pub async fn print_learning_history(
    shell: State<'_, Shell>,
    learner_id: String,
) -> Result<baeum_kiosk::store::print_jobs::PrintJob, ErrorView> {
    let learner = self::learner_id(&learner_id)?;
    let session = shell.visit.require(&learner)?.or_else(|| shell.staff.hub_session());
    let printer = printer(&shell)?;
    shell.kiosk.print_learning_history(session.as_ref(), &learner, &printer).await.map_err(|e| e.view())
}

/// Voice guidance: says one sentence through the OS speech service, cutting off the last one.
#[tauri::command]
pub async fn speak(shell: State<'_, Shell>, utterance: serde_json::Value) -> Result<u32, ErrorView> {
    let utterance: baeum_kiosk::voice::Utterance = parse("utterance", utterance)?;
    let voice = Arc::clone(&shell.voice);
    blocking(move || Ok(voice.say(&utterance)?)).await
}

/// Stops the voice (the person pressed 멈춤 or turned voice guidance off).
#[tauri::command]
pub async fn stop_speaking(shell: State<'_, Shell>) -> Result<(), ErrorView> {
    let voice = Arc::clone(&shell.voice);
    blocking(move || Ok(voice.stop()?)).await
}

/// The window drew its first usable screen, `ms` after the page started loading (start-up time
/// for the log and the start-up benchmark).
#[tauri::command]
pub async fn ui_ready(shell: State<'_, Shell>, ms: u64) -> Result<(), ErrorView> {
    crate::startup::mark(crate::startup::Phase::UiReady);
    tracing::info!(page_ms = ms, "ui ready");
    shell.ui_ready.notify_one();
    Ok(())
}
