//! The kiosk window and the background sync that keeps its catalog fresh.

use std::sync::Arc;
use std::time::Duration;

use baeum_kiosk::{DataDir, Kiosk, KioskConfig, KioskError, SyncStatus};
use serde::Serialize;
use tauri::{AppHandle, Emitter, WebviewUrl, WebviewWindowBuilder, WindowEvent};

use crate::commands::{self, Shell};
use crate::staff;
use crate::startup::{self, Phase};

/// Event the UI listens to; sent after every sync attempt.
pub const SYNC_EVENT: &str = "sync-status";

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub(crate) struct SyncEvent {
    status: SyncStatus,
    /// The catalog changed: reload the list.
    catalog_changed: bool,
}

/// Reads the status and tells the window about it.
pub fn publish_status(app: &AppHandle, kiosk: &Kiosk, catalog_changed: bool) -> Result<SyncStatus, KioskError> {
    let status = kiosk.status()?;
    if let Err(e) = app.emit(SYNC_EVENT, SyncEvent { status: status.clone(), catalog_changed }) {
        tracing::warn!(error = %e, "could not send sync status to the window");
    }
    Ok(status)
}

/// How long the first background sync waits for the window's first screen at most.
const FIRST_SYNC_AFTER: Duration = Duration::from_secs(3);

fn start_background_sync(app: AppHandle, kiosk: Arc<Kiosk>, every: Duration, ui_ready: Arc<tokio::sync::Notify>) {
    tauri::async_runtime::spawn(async move {
        // The stored catalog is shown first; the sync (network, database, CPU) follows once the
        // screen is up, so it does not slow the first screen on a two-core kiosk.
        let _ = tokio::time::timeout(FIRST_SYNC_AFTER, ui_ready.notified()).await;
        // Nothing wakes it early yet; the UI asks for a sync itself when the network returns.
        let wake = tokio::sync::Notify::new();
        kiosk
            .sync_forever(every, &wake, |outcome| {
                let changed = outcome.is_ok_and(|r| r.changes_applied > 0);
                if let Err(e) = publish_status(&app, &kiosk, changed) {
                    tracing::error!(code = %e.code(), "sync status unavailable");
                }
            })
            .await;
    });
}

/// Sends the heartbeat every few minutes (the console's fleet page), and tells the window when
/// the notices it shows changed. The printer address is read each time: staff may change it.
fn start_heartbeat(app: AppHandle, kiosk: Arc<Kiosk>) {
    use tauri::Manager;
    let started = std::time::Instant::now();
    tauri::async_runtime::spawn(async move {
        let every = Duration::from_secs(u64::from(baeum_domain::fleet::HEARTBEAT_SECS));
        // The first one soon after start, so the console sees a restarted kiosk at once.
        tokio::time::sleep(FIRST_SYNC_AFTER * 2).await;
        loop {
            let shell = app.state::<Shell>();
            let printer = shell.config.lock().map(|c| c.printer_uri.clone()).unwrap_or_default();
            let dir = shell.data_dir.path().to_path_buf();
            let before = kiosk.notices();
            match kiosk.send_heartbeat(printer.as_deref(), started, &dir).await {
                Ok(notices) if notices != before => {
                    if let Err(e) = publish_status(&app, &kiosk, false) {
                        tracing::warn!(code = %e.code(), "sync status unavailable");
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::info!(code = %e.code(), "heartbeat not sent; next one later"),
            }
            tokio::time::sleep(every).await;
        }
    });
}

pub fn run(kiosk: Kiosk, data_dir: DataDir, config: KioskConfig, size: (u32, u32)) -> tauri::Result<()> {
    // Without this WebKitGTK can leave the window blank on some GPUs and under Xvfb.
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // SAFETY: called before Tauri starts any thread; nothing else reads the environment yet.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
        }
    }
    let kiosk = Arc::new(kiosk);
    let ui_ready = Arc::new(tokio::sync::Notify::new());
    let fullscreen = config.fullscreen;
    let every = Duration::from_secs(config.sync_interval_secs.max(5));
    // WebKit's own storage (cache, local storage) in the kiosk's data folder, owner-only like
    // the rest, rather than under a home folder an installed kiosk's user may not have.
    let webview_data = data_dir.path().join("webview");
    tauri::Builder::default()
        .manage(Shell {
            kiosk: Arc::clone(&kiosk),
            data_dir,
            config: std::sync::Mutex::new(config),
            staff: crate::staff::StaffSession::default(),
            visit: crate::visit::Visit::default(),
            voice: Arc::new(baeum_kiosk::voice::VoiceGuide::default()),
            ui_ready: Arc::clone(&ui_ready),
        })
        .invoke_handler(tauri::generate_handler![
            commands::catalog_page,
            commands::sync_status,
            commands::sync_now,
            commands::register_learner,
            commands::find_learner,
            commands::apply,
            commands::my_enrollments,
            commands::cancellation_quote,
            commands::cancel_enrollment,
            commands::kiosk_settings,
            commands::print_receipt,
            commands::print_certificate,
            commands::print_learning_history,
            crate::visit::end_visit,
            crate::visit::staff_choose_learner,
            crate::subsidy::subsidy_offer,
            crate::subsidy::apply_subsidy,
            crate::subsidy::withdraw_subsidy,
            crate::subsidy::my_subsidy,
            crate::subsidy::print_subsidy_notice,
            crate::rental::rooms_list,
            crate::rental::room_calendar,
            crate::rental::room_quote,
            crate::rental::request_room,
            crate::rental::room_refund_quote,
            crate::rental::cancel_room,
            crate::rental::my_rentals,
            crate::rental::print_rental_slip,
            crate::learning::videos_page,
            crate::learning::video_detail,
            crate::learning::similar_videos,
            crate::learning::saved_videos,
            crate::learning::keep_video,
            crate::learning::print_saved_videos,
            crate::learning::my_live_classes,
            crate::learning::print_live_slip,
            crate::clubs::clubs_page,
            crate::clubs::club_find_founder,
            crate::clubs::club_founder_check,
            crate::clubs::register_club,
            crate::clubs::ask_to_join,
            crate::clubs::my_clubs,
            crate::clubs::accept_member,
            crate::clubs::file_activity,
            crate::clubs::print_club_report,
            staff::staff_unlock,
            staff::staff_lock,
            staff::staff_overview,
            staff::staff_find_learner,
            staff::staff_record_payment,
            staff::staff_roster,
            staff::staff_mark_attendance,
            staff::staff_print_class,
            staff::staff_retry_print,
            staff::staff_save_settings,
            commands::speak,
            commands::stop_speaking,
            commands::ui_ready
        ])
        .setup(move |app| {
            startup::mark(Phase::Setup);
            let mut window = WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
                .title("배움 키오스크")
                .fullscreen(fullscreen)
                .decorations(!fullscreen)
                .resizable(!fullscreen)
                .always_on_top(fullscreen)
                .skip_taskbar(fullscreen)
                .disable_drag_drop_handler()
                .data_directory(webview_data.clone());
            if !fullscreen {
                window = window.inner_size(f64::from(size.0), f64::from(size.1));
            }
            window.build()?;
            startup::mark(Phase::Window);
            start_background_sync(app.handle().clone(), Arc::clone(&kiosk), every, Arc::clone(&ui_ready));
            start_heartbeat(app.handle().clone(), Arc::clone(&kiosk));
            Ok(())
        })
        .on_page_load(|_, payload| match payload.event() {
            tauri::webview::PageLoadEvent::Started => startup::mark(Phase::PageStarted),
            tauri::webview::PageLoadEvent::Finished => startup::mark(Phase::PageFinished),
        })
        .on_window_event(move |window, event| {
            // A kiosk window is not closed by a passer-by; staff stop the program instead.
            if let WindowEvent::CloseRequested { api, .. } = event
                && fullscreen
            {
                api.prevent_close();
                tracing::info!(window = window.label(), "close refused in kiosk mode");
            }
        })
        .run(tauri::generate_context!())
}
