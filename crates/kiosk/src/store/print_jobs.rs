//! `print_jobs`: the print queue, kept in the kiosk's database so a restart never loses a job and
//! never prints one twice.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::StoreError;

/// Where a print job is: waiting, being sent, with the printer, done, or given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::EnumString)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PrintJobState {
    Queued,
    /// Being sent; a job left here by a crash is looked up on the printer, never sent twice.
    Sending,
    Submitted,
    Printed,
    Failed,
}

impl PrintJobState {
    /// As stored in the `state` column.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A job as staff see it (without the document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PrintJob {
    pub id: String,
    pub title: String,
    pub printer_uri: String,
    pub state: PrintJobState,
    pub ipp_job_id: Option<i32>,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "id, title, printer_uri, state, ipp_job_id, attempts, last_error, created_at, updated_at";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<PrintJob> {
    Ok(PrintJob {
        id: r.get(0)?,
        title: r.get(1)?,
        printer_uri: r.get(2)?,
        state: {
            // A state this build does not know is a damaged row: said, never guessed.
            let stored: String = r.get(3)?;
            stored.parse().map_err(|_| {
                rusqlite::Error::FromSqlConversionFailure(
                    3,
                    rusqlite::types::Type::Text,
                    format!("unknown print-job state {stored:?}").into(),
                )
            })?
        },
        ipp_job_id: r.get(4)?,
        attempts: r.get(5)?,
        last_error: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

pub fn enqueue(
    conn: &Connection,
    id: &str,
    title: &str,
    printer_uri: &str,
    document: &[u8],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO print_jobs (id, seq, title, printer_uri, document, state, created_at, updated_at)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM print_jobs), ?2, ?3, ?4, 'queued', ?5, ?5)",
        params![id, title, printer_uri, document, now.to_rfc3339()],
    )?;
    Ok(())
}

/// Jobs not finished yet, oldest first.
pub fn open(conn: &Connection) -> Result<Vec<PrintJob>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM print_jobs WHERE state IN ('queued', 'sending', 'submitted') ORDER BY seq"
    ))?;
    Ok(stmt.query_map([], read)?.collect::<Result<_, _>>()?)
}

/// Every job, newest first (staff's queue screen).
pub fn all(conn: &Connection, limit: usize) -> Result<Vec<PrintJob>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM print_jobs ORDER BY seq DESC LIMIT ?1"))?;
    Ok(stmt.query_map([limit as i64], read)?.collect::<Result<_, _>>()?)
}

pub fn document(conn: &Connection, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn.query_row("SELECT document FROM print_jobs WHERE id = ?1", [id], |r| r.get(0)).optional()?)
}

/// Moves a job on. `ipp_job_id` and `error` overwrite when given.
pub fn update(
    conn: &Connection,
    id: &str,
    state: PrintJobState,
    ipp_job_id: Option<i32>,
    error: Option<&str>,
    attempted: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // A printed document is not kept: a certificate carries the learner's full name.
    conn.execute(
        "UPDATE print_jobs SET state = ?2, ipp_job_id = COALESCE(?3, ipp_job_id), last_error = ?4,
                attempts = attempts + ?5, updated_at = ?6,
                document = CASE WHEN ?2 = 'printed' THEN x'' ELSE document END
          WHERE id = ?1",
        params![id, state.as_str(), ipp_job_id, error, i64::from(attempted), now.to_rfc3339()],
    )?;
    Ok(())
}

/// One job.
pub fn get(conn: &Connection, id: &str) -> Result<Option<PrintJob>, StoreError> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM print_jobs WHERE id = ?1"), [id], read).optional()?)
}

/// Why an open job waits (shown to staff; `None` once nothing is wrong); its state is unchanged.
pub fn note(conn: &Connection, id: &str, why: Option<&str>, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE print_jobs SET last_error = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, why, now.to_rfc3339()],
    )?;
    Ok(())
}

/// Takes a job that has not printed out of the queue for good, its document wiped (a slip with a
/// secret on it that must print while its owner waits, or not at all).
pub fn withdraw(conn: &Connection, id: &str, why: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE print_jobs SET document = x'', state = 'failed', last_error = ?2, updated_at = ?3
          WHERE id = ?1 AND state != 'printed'",
        params![id, why, now.to_rfc3339()],
    )?;
    Ok(())
}

/// Puts a failed job back in the queue (staff pressed "다시 인쇄").
pub fn retry(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE print_jobs SET state = 'queued', ipp_job_id = NULL, last_error = NULL, updated_at = ?2
          WHERE id = ?1 AND state = 'failed' AND length(document) > 0",
        params![id, now.to_rfc3339()],
    )? == 1)
}

/// Drops the documents of jobs that never printed and were last touched before `before` (the
/// retention period): they are marked failed with the reason, so staff see what happened.
pub fn purge_stale(conn: &Connection, before: DateTime<Utc>, now: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE print_jobs SET document = x'', state = 'failed', updated_at = ?2,
                last_error = '보관 기간이 지나 인쇄하지 않은 문서를 지웠습니다'
          WHERE state != 'printed' AND length(document) > 0 AND updated_at < ?1",
        params![before.to_rfc3339(), now.to_rfc3339()],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A printed document is not kept (a certificate carries the full name); one that failed is,
    /// so staff can print it again.
    #[test]
    fn a_printed_document_is_dropped_and_a_failed_one_kept_for_a_retry() {
        let conn = crate::store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let now = chrono::Utc::now();
        for id in ["done", "broken"] {
            enqueue(&conn, id, "수료증", "ipp://localhost:631/ipp/print", b"%PDF-1.7 \xEB\xB0\x95", now)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        update(&conn, "done", PrintJobState::Printed, Some(7), None, true, now).unwrap_or_else(|e| panic!("{e}"));
        update(&conn, "broken", PrintJobState::Failed, None, Some("용지 걸림"), true, now)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(document(&conn, "done").ok().flatten(), Some(Vec::new()));
        assert_eq!(document(&conn, "broken").ok().flatten().map(|d| d.len()), Some(12));
        assert_eq!(get(&conn, "done").ok().flatten().map(|j| j.state), Some(PrintJobState::Printed));
        // Past the retention period the failed one goes too, and says why.
        assert_eq!(purge_stale(&conn, now, now).ok(), Some(0), "not before its time");
        let later = now + chrono::Duration::days(31);
        assert_eq!(purge_stale(&conn, later - chrono::Duration::days(30), later).ok(), Some(1));
        assert_eq!(document(&conn, "broken").ok().flatten(), Some(Vec::new()));
        assert!(
            get(&conn, "broken").ok().flatten().and_then(|j| j.last_error).is_some_and(|e| e.contains("보관 기간"))
        );
    }
}
