//! Tauri commands: parse the UI's arguments at the edge, call the engine, return data or
//! `{code, message}`. Each is declared in build.rs and granted in capabilities/kiosk.json.

use std::sync::Arc;

use baeum_kiosk::{CatalogPage, ErrorView, Kiosk, SearchQuery, SyncStatus};
use tauri::{AppHandle, State};

use crate::app::publish_status;

pub struct Shell {
    pub kiosk: Arc<Kiosk>,
}

fn bad_request(message: String) -> ErrorView {
    ErrorView { code: "bad_request".into(), message }
}

/// A page of the catalog for a search (text and filters). The query is parsed here rather than
/// by Tauri so a malformed one gets the same `{code, message}` as every other error.
#[tauri::command]
pub async fn catalog_page(shell: State<'_, Shell>, query: serde_json::Value) -> Result<CatalogPage, ErrorView> {
    let query: SearchQuery = serde_json::from_value(query).map_err(|e| bad_request(e.to_string()))?;
    shell.kiosk.search(&query).map_err(|e| e.view())
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
