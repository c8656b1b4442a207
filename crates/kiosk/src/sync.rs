//! One catalog sync: snapshot when the kiosk has nothing (or the hub says its cursor is not from
//! its history), otherwise changes after the cursor, page by page. Each page lands in its own
//! transaction with the cursor, so an interrupted sync resumes where it stopped.

use std::sync::Mutex;

use baeum_domain::Clock;
use rusqlite::Connection;
use serde::Serialize;

use crate::error::KioskError;
use crate::hub_client::{ChangesAnswer, HubClient};
use crate::store::{self, sync_state};

/// Page size asked of the hub.
pub const CHANGES_PAGE: usize = 1_000;
/// A hub that keeps saying "more" forever is broken; stop after this many pages per sync.
const MAX_PAGES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    Snapshot,
    Changes,
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub mode: SyncMode,
    pub changes_applied: usize,
    pub cursor: u64,
    pub courses: u64,
}

fn lock(db: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    db.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs one sync and records its outcome in `sync_state` (success, or the error code and detail).
pub async fn sync_once(db: &Mutex<Connection>, hub: &HubClient, clock: &dyn Clock) -> Result<SyncReport, KioskError> {
    sync_state::record_attempt(&lock(db), clock.now())?;
    let outcome = run(db, hub, clock).await;
    let conn = lock(db);
    match &outcome {
        Ok(_) => sync_state::record_success(&conn, clock.now())?,
        Err(e) => {
            tracing::warn!(code = e.code(), error = %e, "catalog sync failed; keeping the local catalog");
            sync_state::record_failure(&conn, e.code(), &e.to_string())?;
        }
    }
    outcome
}

async fn run(db: &Mutex<Connection>, hub: &HubClient, clock: &dyn Clock) -> Result<SyncReport, KioskError> {
    let hub_url = hub.base().as_str().to_owned();
    let state = sync_state::get(&lock(db))?;
    // Data from another hub, or none yet: start from a snapshot.
    let resume = match (&state.epoch, &state.hub_url) {
        (Some(epoch), Some(url)) if *url == hub_url => Some((epoch.clone(), state.cursor)),
        _ => None,
    };
    let Some((epoch, mut cursor)) = resume else {
        return snapshot(db, hub).await;
    };
    let mut applied = 0;
    for _ in 0..MAX_PAGES {
        match hub.changes(&epoch, cursor, CHANGES_PAGE).await? {
            ChangesAnswer::ResnapshotRequired => return snapshot(db, hub).await,
            ChangesAnswer::Page(page) => {
                if page.epoch != epoch {
                    return snapshot(db, hub).await;
                }
                store::catalog::apply_changes(&mut lock(db), &hub_url, &page, clock.now())?;
                applied += page.changes.len();
                cursor = page.cursor;
                if !page.has_more {
                    let courses = store::courses::count(&lock(db))?;
                    return Ok(SyncReport { mode: SyncMode::Changes, changes_applied: applied, cursor, courses });
                }
            }
        }
    }
    Err(KioskError::HubBadAnswer(format!("변경 목록이 {MAX_PAGES}쪽을 넘어 멈췄습니다")))
}

async fn snapshot(db: &Mutex<Connection>, hub: &HubClient) -> Result<SyncReport, KioskError> {
    let snapshot = hub.snapshot().await?;
    let hub_url = hub.base().as_str().to_owned();
    let mut conn = lock(db);
    store::catalog::replace_with_snapshot(&mut conn, &hub_url, &snapshot)?;
    Ok(SyncReport {
        mode: SyncMode::Snapshot,
        changes_applied: snapshot.institutions.len() + snapshot.places.len() + snapshot.courses.len(),
        cursor: snapshot.cursor,
        courses: store::courses::count(&conn)?,
    })
}
