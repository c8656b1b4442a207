//! `snapshot_staging` and `snapshot_progress`: a chunked snapshot on its way in. Each chunk is
//! stored with the progress in one transaction (so a crash wastes at most the chunk in flight);
//! the finished snapshot replaces the live catalog in one transaction with the cursor.

use baeum_domain::protocol::{CatalogChange, SnapshotChunk};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{StoreError, courses, decode, encode, institutions, places, sync_state};

/// How far a snapshot download has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub hub_url: String,
    pub epoch: String,
    pub base_cursor: u64,
    /// Continue after this key; None when every chunk is stored (progress only exists once the
    /// first chunk is in).
    pub next_key: Option<String>,
    pub chunks: u64,
}

pub fn progress(conn: &Connection) -> Result<Option<Progress>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT hub_url, epoch, base_cursor, next_key, chunks FROM snapshot_progress WHERE id = 1",
            [],
            |r| {
                Ok(Progress {
                    hub_url: r.get(0)?,
                    epoch: r.get(1)?,
                    base_cursor: u64::try_from(r.get::<_, i64>(2)?).unwrap_or_default(),
                    next_key: r.get(3)?,
                    chunks: u64::try_from(r.get::<_, i64>(4)?).unwrap_or_default(),
                })
            },
        )
        .optional()?)
}

/// Forgets any partial download.
pub fn discard(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch("DELETE FROM snapshot_staging; DELETE FROM snapshot_progress;")?;
    tx.commit()?;
    Ok(())
}

fn key_of(record: &CatalogChange) -> String {
    match record {
        CatalogChange::UpsertInstitution { institution } => format!("1:{}", institution.id),
        CatalogChange::UpsertPlace { place } => format!("2:{}", place.id),
        CatalogChange::UpsertCourse { course } => format!("3:{}", course.id),
        CatalogChange::DeleteCourse { id } => format!("3:{id}"),
    }
}

/// Stores one verified chunk and moves the progress past it. The first chunk of a download
/// (`start` is Some) also clears what an abandoned download left.
pub fn store_chunk(
    conn: &mut Connection,
    start: Option<(&str, &SnapshotChunk)>,
    chunk: &SnapshotChunk,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some((hub_url, first)) = start {
        tx.execute_batch("DELETE FROM snapshot_staging; DELETE FROM snapshot_progress;")?;
        tx.execute(
            "INSERT INTO snapshot_progress (id, hub_url, epoch, base_cursor) VALUES (1, ?1, ?2, ?3)",
            params![hub_url, first.epoch, first.head as i64],
        )?;
    }
    {
        let mut insert = tx.prepare_cached("INSERT OR REPLACE INTO snapshot_staging (key, body) VALUES (?1, ?2)")?;
        for record in &chunk.records {
            insert.execute(params![key_of(record), encode(record)])?;
        }
    }
    tx.execute(
        "UPDATE snapshot_progress SET next_key = ?1, chunks = chunks + 1 WHERE id = 1",
        // NULL once the last chunk is in: the download is complete and waits only for swap_in.
        params![chunk.next],
    )?;
    tx.commit()?;
    Ok(())
}

/// Replaces the live catalog with the staged snapshot and sets the cursor to the snapshot's base,
/// all in one transaction; clears the staging area.
pub fn swap_in(conn: &mut Connection, as_of: DateTime<Utc>, hub_head: u64) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(p) = progress(&tx)? else {
        return Ok(());
    };
    tx.execute_batch("DELETE FROM courses; DELETE FROM places; DELETE FROM institutions;")?;
    {
        let mut stmt = tx.prepare("SELECT key, body FROM snapshot_staging ORDER BY key")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (key, body) = row?;
            match decode::<CatalogChange>("받는 중인 목록", &key, &body)? {
                CatalogChange::UpsertInstitution { institution } => institutions::upsert(&tx, &institution)?,
                CatalogChange::UpsertPlace { place } => places::upsert(&tx, &place)?,
                CatalogChange::UpsertCourse { course } => courses::upsert(&tx, &course)?,
                CatalogChange::DeleteCourse { id } => courses::delete(&tx, &id)?,
            }
        }
    }
    sync_state::set_position(
        &tx,
        sync_state::Position {
            hub_url: &p.hub_url,
            epoch: &p.epoch,
            cursor: p.base_cursor,
            hub_head: hub_head.max(p.base_cursor),
            as_of,
        },
    )?;
    tx.execute_batch("DELETE FROM snapshot_staging; DELETE FROM snapshot_progress;")?;
    tx.commit()?;
    Ok(())
}
