//! `sync_state`: where the local catalog copy stands and how the last sync went.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, params};
use serde::Serialize;

use super::StoreError;

/// The one row of `sync_state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct SyncState {
    pub hub_url: Option<String>,
    pub epoch: Option<String>,
    pub cursor: u64,
    /// The hub's newest cursor as last heard.
    pub hub_head: Option<u64>,
    /// When the hub produced the data we hold (its clock), for "14:05 기준".
    pub catalog_as_of: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_error_code: Option<String>,
    pub last_error_detail: Option<String>,
}

fn time(raw: Option<String>) -> Option<DateTime<Utc>> {
    raw.and_then(|s| DateTime::parse_from_rfc3339(&s).ok()).map(|t| t.to_utc())
}

pub fn get(conn: &Connection) -> Result<SyncState, StoreError> {
    Ok(conn.query_row(
        "SELECT hub_url, epoch, cursor, catalog_as_of, last_attempt_at, last_success_at, last_error_code, last_error_detail,
                hub_head
         FROM sync_state WHERE id = 1",
        [],
        |r| {
            Ok(SyncState {
                hub_url: r.get(0)?,
                epoch: r.get(1)?,
                cursor: u64::try_from(r.get::<_, i64>(2)?).unwrap_or_default(),
                catalog_as_of: time(r.get(3)?),
                last_attempt_at: time(r.get(4)?),
                last_success_at: time(r.get(5)?),
                last_error_code: r.get(6)?,
                last_error_detail: r.get(7)?,
                hub_head: r.get::<_, Option<i64>>(8)?.and_then(|h| u64::try_from(h).ok()),
            })
        },
    )?)
}

/// The hub's public address as last heard; `None` before the hub ever said one.
pub fn public_url(conn: &Connection) -> Result<Option<baeum_domain::PublicUrl>, StoreError> {
    let raw: Option<String> = conn.query_row("SELECT public_url FROM sync_state WHERE id = 1", [], |r| r.get(0))?;
    raw.map(|s| {
        baeum_domain::PublicUrl::parse(&s).map_err(|e| StoreError::Corrupt {
            what: "중앙 서버 공개 주소",
            id: s.clone(),
            problem: e.to_string(),
        })
    })
    .transpose()
}

pub fn set_public_url(conn: &Connection, public: &baeum_domain::PublicUrl) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE sync_state SET public_url = ?1 WHERE id = 1 AND public_url IS NOT ?1",
        params![public.as_str()],
    )?;
    Ok(())
}

/// Where the local catalog stands after a write.
#[derive(Debug, Clone, Copy)]
pub struct Position<'a> {
    pub hub_url: &'a str,
    pub epoch: &'a str,
    pub cursor: u64,
    pub hub_head: u64,
    pub as_of: DateTime<Utc>,
}

/// Moves the cursor; call only inside the transaction that wrote the rows it covers.
pub fn set_position(tx: &Transaction<'_>, p: Position<'_>) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE sync_state SET hub_url = ?1, epoch = ?2, cursor = ?3, catalog_as_of = ?4, hub_head = ?5 WHERE id = 1",
        params![p.hub_url, p.epoch, p.cursor as i64, p.as_of.to_rfc3339(), p.hub_head as i64],
    )?;
    Ok(())
}

/// Records how a sync attempt that started at `attempt_at` ended: one write, after the attempt,
/// so a sync costs no extra disk flush up front.
pub fn record_outcome(
    conn: &Connection,
    attempt_at: DateTime<Utc>,
    outcome: Result<DateTime<Utc>, (&str, &str)>,
) -> Result<(), StoreError> {
    match outcome {
        Ok(done_at) => conn.execute(
            "UPDATE sync_state SET last_attempt_at = ?1, last_success_at = ?2, last_error_code = NULL,
                                   last_error_detail = NULL WHERE id = 1",
            params![attempt_at.to_rfc3339(), done_at.to_rfc3339()],
        )?,
        Err((code, detail)) => conn.execute(
            "UPDATE sync_state SET last_attempt_at = ?1, last_error_code = ?2, last_error_detail = ?3 WHERE id = 1",
            params![attempt_at.to_rfc3339(), code, detail],
        )?,
    };
    Ok(())
}
