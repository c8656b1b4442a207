//! Staff mode in the window: opened with the staff PIN (the engine counts wrong tries and locks),
//! closed by staff, by the idle wipe, or after ten minutes without a staff action. Every staff
//! command checks the session here, so hiding buttons in the UI is not what protects them.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use baeum_domain::attendance::Roster;
use baeum_domain::enrollment::PaymentMethod;
use baeum_domain::money::Won;
use baeum_kiosk::attendance::AttendanceMark;
use baeum_kiosk::certificates::ClassPrint;
use baeum_kiosk::on_duty::OnDuty;
use baeum_kiosk::printing::PrinterStatus;
use baeum_kiosk::staff::PendingIntents;
use baeum_kiosk::store::print_jobs::PrintJob;
use baeum_kiosk::{EnrollmentCard, ErrorView, KioskError, LearnerSummary, SyncStatus};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::commands::{Shell, UiSettings, card, course_id, learner_id, parse, printer};

/// Staff mode closes by itself after this long without a staff action.
const STAFF_IDLE: Duration = Duration::from_secs(10 * 60);

/// Whether staff mode is open, until when, and who is on duty (signed in at the hub). Staff mode
/// opened with the kiosk's own PIN while the hub was unreachable has nobody on duty: it shows
/// the status, the print queue and the settings, and refuses what the hub must accept from a
/// staff member (payments, attendance, class lists, ID-checked registrations).
#[derive(Debug, Default)]
pub struct StaffSession(Mutex<Option<(Instant, Option<OnDuty>)>>);

impl StaffSession {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<(Instant, Option<OnDuty>)>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn open(&self, on_duty: Option<OnDuty>) {
        *self.slot() = Some((Instant::now() + STAFF_IDLE, on_duty));
    }

    /// Closes staff mode; the hub session to end, if one was open.
    pub fn close(&self) -> Option<OnDuty> {
        self.slot().take().and_then(|(_, on_duty)| on_duty)
    }

    /// Refuses unless staff mode is open; each staff action keeps it open longer.
    pub fn require(&self) -> Result<(), ErrorView> {
        self.held().map(|_| ())
    }

    /// Refuses unless someone is on duty (signed in at the hub); their stamp and session.
    pub fn on_duty(&self) -> Result<OnDuty, ErrorView> {
        self.held()?.ok_or_else(|| KioskError::StaffSignInNeeded.view())
    }

    /// The staff session, if staff mode is open with someone on duty (for a learner's records
    /// staff look up on her behalf).
    pub fn hub_session(&self) -> Option<baeum_kiosk::HubSession> {
        self.held().ok().flatten().map(|d| d.session().clone())
    }

    fn held(&self) -> Result<Option<OnDuty>, ErrorView> {
        let mut slot = self.slot();
        match slot.as_mut() {
            Some((until, on_duty)) if *until > Instant::now() => {
                *until = Instant::now() + STAFF_IDLE;
                Ok(on_duty.clone())
            }
            _ => {
                *slot = None;
                Err(KioskError::StaffRequired.view())
            }
        }
    }
}

/// An engine error as the screen gets it; when the hub says the staff session ended, staff mode
/// closes here too, so the screen asks for the sign-in again.
fn closing_if_ended(shell: &Shell, e: KioskError) -> ErrorView {
    if matches!(e, KioskError::StaffRequired) {
        shell.staff.close();
    }
    e.view()
}

/// Who is on duty, as the staff screen shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct OnDutyView {
    pub staff_number: String,
    pub name: String,
    /// 시스템 관리자 / 기관 담당자 / 데스크 직원
    pub role: String,
}

impl OnDutyView {
    fn of(on_duty: &OnDuty) -> Self {
        Self {
            staff_number: on_duty.profile.staff_number.to_string(),
            name: on_duty.profile.name.clone(),
            role: on_duty.profile.role.label_ko().to_owned(),
        }
    }
}

/// Opens staff mode. With a staff number, the hub checks the number and PIN and signs them in;
/// when the hub cannot be reached (or without a number), the kiosk's own staff PIN opens the
/// limited offline staff mode. The engine counts wrong local PINs and locks.
#[tauri::command]
pub async fn staff_unlock(
    shell: State<'_, Shell>,
    staff_number: String,
    pin: String,
) -> Result<Option<OnDutyView>, ErrorView> {
    if !staff_number.trim().is_empty() {
        match shell.kiosk.staff_sign_in(&staff_number, &pin).await {
            Ok(on_duty) => {
                let view = OnDutyView::of(&on_duty);
                if let Some(previous) = shell.staff.close() {
                    shell.kiosk.end_session(previous.session()).await;
                }
                shell.staff.open(Some(on_duty));
                return Ok(Some(view));
            }
            Err(e) if !e.is_offline() => return Err(e.view()),
            Err(e) => {
                tracing::info!(code = %e.code(), "staff sign-in: the hub cannot be reached; the kiosk's PIN decides")
            }
        }
    }
    let kiosk = shell.kiosk.clone();
    // Argon2 takes tens of milliseconds: off the async threads.
    crate::commands::blocking(move || kiosk.check_staff_pin(&pin)).await?;
    shell.staff.open(None);
    Ok(None)
}

#[tauri::command]
pub async fn staff_lock(shell: State<'_, Shell>) -> Result<(), ErrorView> {
    if let Some(on_duty) = shell.staff.close() {
        shell.kiosk.end_session(on_duty.session()).await;
    }
    Ok(())
}

/// Settings staff may change from the screen (the hub address stays with `provision`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct StaffSettings {
    pub idle_warning_secs: u64,
    pub idle_grace_secs: u64,
    /// Empty: no printer.
    pub printer_uri: String,
}

/// Everything the staff desk shows at a glance.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StaffOverview {
    pub sync: SyncStatus,
    pub pending: PendingIntents,
    /// None when no printer is configured.
    pub printer: Option<PrinterStatus>,
    /// The latest 30 print jobs, newest first.
    pub jobs: Vec<PrintJob>,
    pub settings: StaffSettings,
    /// Who is signed in at the hub; none in the offline staff mode the kiosk's PIN opened.
    pub on_duty: Option<OnDutyView>,
}

#[tauri::command]
pub async fn staff_overview(shell: State<'_, Shell>) -> Result<StaffOverview, ErrorView> {
    shell.staff.require()?;
    let on_duty = shell.staff.on_duty().ok().map(|d| OnDutyView::of(&d));
    let config = shell.config();
    let printer = match &config.printer_uri {
        Some(uri) => Some(baeum_kiosk::printing::printer_status(uri).await.map_err(|e| e.view())?),
        None => None,
    };
    let mut jobs = shell.kiosk.print_jobs().map_err(|e| e.view())?;
    jobs.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    jobs.truncate(30);
    Ok(StaffOverview {
        sync: shell.kiosk.status().map_err(|e| e.view())?,
        pending: shell.kiosk.pending_intents().map_err(|e| e.view())?,
        printer,
        jobs,
        settings: StaffSettings {
            idle_warning_secs: config.idle_warning_secs,
            idle_grace_secs: config.idle_grace_secs,
            printer_uri: config.printer_uri.unwrap_or_default(),
        },
        on_duty,
    })
}

/// Staff looked at the ID card: learners with this mobile number and birth date, no PIN.
#[tauri::command]
pub async fn staff_find_learner(
    shell: State<'_, Shell>,
    mobile: String,
    birth_date: String,
) -> Result<Vec<LearnerSummary>, ErrorView> {
    shell.staff.require()?;
    shell.kiosk.find_learner_staff_checked(&mobile, &birth_date).map_err(|e| e.view())
}

/// A payment taken at the desk (cash or card, with the receipt number).
#[tauri::command]
pub async fn staff_record_payment(
    shell: State<'_, Shell>,
    learner_id: String,
    course_id: String,
    method: serde_json::Value,
    receipt: String,
    amount: u32,
) -> Result<EnrollmentCard, ErrorView> {
    let on_duty = shell.staff.on_duty()?;
    let (learner, course) = (self::learner_id(&learner_id)?, self::course_id(&course_id)?);
    let method: PaymentMethod = parse("method", method)?;
    let amount = Won(amount);
    shell.kiosk.record_desk_payment(&learner, &course, method, &receipt, amount, &on_duty).map_err(|e| e.view())?;
    shell.kiosk.exchange_briefly(Duration::from_secs(4)).await;
    card(&shell.kiosk, &learner, &course)
}

#[tauri::command]
pub async fn staff_roster(shell: State<'_, Shell>, course_id: String) -> Result<Roster, ErrorView> {
    let on_duty = shell.staff.on_duty()?;
    let course = self::course_id(&course_id)?;
    shell.kiosk.roster(&course, &on_duty).await.map_err(|e| closing_if_ended(&shell, e))
}

#[tauri::command]
pub async fn staff_mark_attendance(
    shell: State<'_, Shell>,
    learner_id: String,
    course_id: String,
    date: String,
    present: bool,
) -> Result<AttendanceMark, ErrorView> {
    let on_duty = shell.staff.on_duty()?;
    let (learner, course) = (self::learner_id(&learner_id)?, self::course_id(&course_id)?);
    let date: chrono::NaiveDate = date.parse().map_err(|e| crate::commands::bad_request("date", e))?;
    shell.kiosk.take_attendance(&learner, &course, date, present, &on_duty).await.map_err(|e| e.view())
}

/// Certificates of every learner of the course who completed, one print job each.
#[tauri::command]
pub async fn staff_print_class(shell: State<'_, Shell>, course_id: String) -> Result<ClassPrint, ErrorView> {
    let on_duty = shell.staff.on_duty()?;
    let course = self::course_id(&course_id)?;
    let printer = printer(&shell)?;
    let class = shell.kiosk.print_class(&course, &printer, &on_duty).await.map_err(|e| closing_if_ended(&shell, e))?;
    // Send now rather than at the next background pass, so staff see them come out.
    for id in &class.jobs {
        if let Err(e) = shell.kiosk.print_now(id).await {
            tracing::warn!(code = %e.code(), "batch print: a certificate stays queued");
        }
    }
    Ok(class)
}

/// Puts a failed job back in the queue and tries it now.
#[tauri::command]
pub async fn staff_retry_print(shell: State<'_, Shell>, job_id: String) -> Result<PrintJob, ErrorView> {
    shell.staff.require()?;
    shell.kiosk.retry_print(&job_id).map_err(|e| e.view())?;
    shell.kiosk.print_now(&job_id).await.map_err(|e| e.view())
}

/// Saves staff's settings in the kiosk's settings file and applies them now.
#[tauri::command]
pub async fn staff_save_settings(
    shell: State<'_, Shell>,
    settings: serde_json::Value,
) -> Result<UiSettings, ErrorView> {
    shell.staff.require()?;
    let settings: StaffSettings = parse("settings", settings)?;
    let invalid = |field, problem: &str| KioskError::invalid(field, problem).view();
    if !(30..=1800).contains(&settings.idle_warning_secs) {
        return Err(invalid("idle_warning_secs", "30초에서 1800초 사이로 정해 주세요"));
    }
    if !(10..=300).contains(&settings.idle_grace_secs) {
        return Err(invalid("idle_grace_secs", "10초에서 300초 사이로 정해 주세요"));
    }
    let printer_uri = match settings.printer_uri.trim() {
        "" => None,
        raw => {
            baeum_kiosk::printing::printer_uri(raw).map_err(|e| e.view())?;
            Some(raw.to_owned())
        }
    };
    // Only what staff changed goes into the file; this run's command-line overrides stay out.
    let mut saved = shell.data_dir.load_config().map_err(|e| e.view())?;
    saved.idle_warning_secs = settings.idle_warning_secs;
    saved.idle_grace_secs = settings.idle_grace_secs;
    saved.printer_uri = printer_uri.clone();
    shell.data_dir.save_config(&saved).map_err(|e| e.view())?;
    {
        let mut running = shell.config.lock().unwrap_or_else(|p| p.into_inner());
        running.idle_warning_secs = settings.idle_warning_secs;
        running.idle_grace_secs = settings.idle_grace_secs;
        running.printer_uri = printer_uri;
    }
    tracing::info!("staff changed the kiosk settings");
    Ok(shell.ui_settings())
}
