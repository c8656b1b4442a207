//! `staged_*` tables and `snapshot_progress`: a chunked snapshot on its way in. Each chunk is
//! stored with the progress in one transaction (so a crash wastes at most the chunk in flight);
//! the finished snapshot replaces the live catalog in one transaction with the cursor, copied
//! in SQL (nothing is decoded again).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use baeum_domain::protocol::CatalogChange;

use super::{StoreError, Target, courses, institutions, places, sync_state};
use crate::hub_client::VerifiedChunk;

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
    pub as_of: Option<DateTime<Utc>>,
}

pub fn progress(conn: &Connection) -> Result<Option<Progress>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT hub_url, epoch, base_cursor, next_key, chunks, as_of FROM snapshot_progress WHERE id = 1",
            [],
            |r| {
                Ok(Progress {
                    hub_url: r.get(0)?,
                    epoch: r.get(1)?,
                    base_cursor: u64::try_from(r.get::<_, i64>(2)?).unwrap_or_default(),
                    next_key: r.get(3)?,
                    chunks: u64::try_from(r.get::<_, i64>(4)?).unwrap_or_default(),
                    as_of: r
                        .get::<_, String>(5)
                        .ok()
                        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                        .map(|t| t.to_utc()),
                })
            },
        )
        .optional()?)
}

const CLEAR: &str = "DELETE FROM staged_courses; DELETE FROM staged_places; DELETE FROM staged_institutions; DELETE FROM snapshot_progress;";

/// Forgets any partial download.
pub fn discard(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(CLEAR)?;
    tx.commit()?;
    Ok(())
}

/// Stores one verified chunk and moves the progress past it. The first chunk of a download
/// (`first_of` is the hub URL) also clears what an abandoned download left.
///
/// Chunks are committed without waiting for the disk (synchronous=NORMAL, still atomic in
/// WAL mode): a power cut can at worst lose the last chunks, which are fetched again, never
/// leave them half-written. Everything a person relies on stays synchronous=FULL.
pub fn store_chunk(conn: &mut Connection, first_of: Option<&str>, chunk: &VerifiedChunk) -> Result<(), StoreError> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let stored = write_chunk(conn, first_of, chunk);
    conn.pragma_update(None, "synchronous", "FULL")?;
    stored
}

fn write_chunk(conn: &mut Connection, first_of: Option<&str>, chunk: &VerifiedChunk) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(hub_url) = first_of {
        tx.execute_batch(CLEAR)?;
        tx.execute(
            "INSERT INTO snapshot_progress (id, hub_url, epoch, base_cursor, as_of) VALUES (1, ?1, ?2, ?3, ?4)",
            params![hub_url, chunk.epoch, chunk.head as i64, chunk.generated_at.to_rfc3339()],
        )?;
    }
    for record in &chunk.records {
        let body = &*record.body;
        match &record.change {
            CatalogChange::UpsertInstitution { institution } => {
                institutions::write(&tx, Target::Staged, institution, body)?
            }
            CatalogChange::UpsertPlace { place } => places::write(&tx, Target::Staged, place, body)?,
            CatalogChange::UpsertCourse { course } => courses::write(&tx, Target::Staged, course, body)?,
            CatalogChange::DeleteCourse { id } => {
                tx.execute("DELETE FROM staged_courses WHERE id = ?1", [id.as_str()])?;
            }
        }
    }
    // NULL once the last chunk is in: the download is complete and waits only for swap_in.
    tx.execute(
        "UPDATE snapshot_progress SET next_key = ?1, chunks = chunks + 1, as_of = ?2 WHERE id = 1",
        params![chunk.next, chunk.generated_at.to_rfc3339()],
    )?;
    tx.commit()?;
    Ok(())
}

/// Replaces the live catalog with the staged snapshot and sets the cursor to the snapshot's base,
/// all in one transaction; clears the staging area. `hub_head` is the newest cursor heard of.
pub fn swap_in(conn: &mut Connection, hub_head: u64) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(p) = progress(&tx)? else {
        return Ok(());
    };
    // Swap by renaming instead of copying 60 MB: the staged tables become the live ones, the
    // old live tables are dropped, and fresh staged tables are made from the live tables' own
    // definitions (so the two shapes cannot drift apart).
    for table in ["institutions", "places", "courses"] {
        let staged = format!("staged_{table}");
        let table_sql: String =
            tx.query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))?;
        let mut index_sql = Vec::new();
        {
            let mut stmt =
                tx.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL")?;
            for sql in stmt.query_map([table], |r| r.get::<_, String>(0))? {
                index_sql.push(sql?);
            }
        }
        tx.execute_batch(&format!("DROP TABLE {table}; ALTER TABLE {staged} RENAME TO {table};"))?;
        for sql in &index_sql {
            tx.execute_batch(sql)?;
        }
        // After a rename SQLite stores the name quoted: CREATE TABLE "courses" (…).
        let fresh = table_sql
            .replacen(&format!("CREATE TABLE \"{table}\""), &format!("CREATE TABLE {staged}"), 1)
            .replacen(&format!("CREATE TABLE {table} "), &format!("CREATE TABLE {staged} "), 1);
        if fresh == table_sql {
            return Err(StoreError::Corrupt { what: "표 정의", id: table.to_owned(), problem: table_sql });
        }
        tx.execute_batch(&fresh)?;
    }
    sync_state::set_position(
        &tx,
        sync_state::Position {
            hub_url: &p.hub_url,
            epoch: &p.epoch,
            cursor: p.base_cursor,
            hub_head: hub_head.max(p.base_cursor),
            as_of: p.as_of.unwrap_or_else(Utc::now),
        },
    )?;
    tx.execute_batch(CLEAR)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use baeum_domain::{Institution, InstitutionDraft};
    use chrono::Utc;

    use super::*;
    use crate::hub_client::ReceivedRecord;

    fn columns(conn: &Connection, table: &str) -> Vec<(String, String)> {
        let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})")).unwrap_or_else(|e| panic!("{e}"));
        stmt.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .unwrap_or_else(|e| panic!("{e}"))
            .collect::<Result<_, _>>()
            .unwrap_or_default()
    }

    fn chunk(id: &str) -> VerifiedChunk {
        let institution = Institution::try_from(InstitutionDraft {
            id: id.into(),
            name: "광명도서관".into(),
            kind: "도서관".into(),
            dong: "광명6동".into(),
            address: "경기도 광명시 너부대로 6".into(),
            phone: "02-2680-6411".into(),
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let body = serde_json::to_string(&institution).unwrap_or_default().into();
        VerifiedChunk {
            epoch: "e".into(),
            head: 3,
            generated_at: Utc::now(),
            next: None,
            records: vec![ReceivedRecord { change: CatalogChange::UpsertInstitution { institution }, body }],
        }
    }

    #[test]
    fn swapping_twice_keeps_staged_and_live_tables_the_same_shape_and_indexed() {
        let mut conn = crate::store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        for round in ["lib-a", "lib-b"] {
            store_chunk(&mut conn, Some("http://hub"), &chunk(round)).unwrap_or_else(|e| panic!("{e}"));
            swap_in(&mut conn, 3).unwrap_or_else(|e| panic!("{e}"));
            let ids: Vec<String> =
                institutions::all(&conn).unwrap_or_default().iter().map(|i| i.id.to_string()).collect();
            assert_eq!(ids, vec![round.to_owned()], "the snapshot replaced the live catalog");
        }
        for table in ["institutions", "places", "courses"] {
            assert_eq!(columns(&conn, table), columns(&conn, &format!("staged_{table}")), "{table}");
        }
        let index: Option<String> = conn
            .query_row(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'courses' AND sql IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .optional()
            .unwrap_or_default();
        assert_eq!(index.as_deref(), Some("courses_by_first_date"));
        assert!(progress(&conn).unwrap_or_default().is_none(), "staging cleared");
    }
}
