//! `seats`: seats taken and waiting per course as the hub last reported, with the time they
//! were true (shown as "14:05 기준").

use baeum_domain::enrollment::Seats;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// Replaces the whole board in one transaction.
pub fn replace(conn: &mut Connection, seats: &[Seats], as_of: DateTime<Utc>) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM seats", [])?;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO seats (course_id, capacity, taken, waiting, as_of) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for s in seats {
            stmt.execute(params![s.course_id.as_str(), s.capacity, s.taken, s.waiting, as_of.to_rfc3339()])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Seats of one course: (taken, waiting, as of).
pub fn get(conn: &Connection, course: &str) -> Result<Option<(u32, u32, DateTime<Utc>)>, StoreError> {
    let row: Option<(u32, u32, String)> = conn
        .prepare_cached("SELECT taken, waiting, as_of FROM seats WHERE course_id = ?1")?
        .query_row([course], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.and_then(|(t, w, at)| at.parse().ok().map(|at| (t, w, at))))
}
