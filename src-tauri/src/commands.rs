//! Tauri commands: parse the UI's arguments at the edge, call the engine, return data or
//! `{code, message}`. Each is declared in build.rs and granted in capabilities/kiosk.json.

use std::sync::Arc;

use baeum_domain::LifeStage;
use baeum_kiosk::{BrowseQuery, CatalogPage, ErrorView, Kiosk, SyncStatus};
use tauri::{AppHandle, State};

use crate::app::publish_status;

pub struct Shell {
    pub kiosk: Arc<Kiosk>,
}

fn bad_request(message: String) -> ErrorView {
    ErrorView { code: "bad_request".into(), message }
}

/// The home screen's course list, optionally for one life stage (wire code such as `senior`).
#[tauri::command]
pub async fn catalog_page(shell: State<'_, Shell>, life_stage: Option<String>) -> Result<CatalogPage, ErrorView> {
    let life_stage = life_stage.as_deref().map(LifeStage::parse).transpose().map_err(bad_request)?;
    shell.kiosk.browse(&BrowseQuery { life_stage }).map_err(|e| e.view())
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
