//! `seats`: seats taken and waiting per course as the hub last reported, with the time they
//! were true (shown as "14:05 기준").

use baeum_domain::enrollment::Seats;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

use rusqlite::{Connection, params};

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

/// Seats taken and waiting, and when the hub said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatCount {
    pub taken: u32,
    pub waiting: u32,
    pub as_of: DateTime<Utc>,
}

/// The whole board by course id (only courses someone applied to: small, kept in memory).
pub fn all(conn: &Connection) -> Result<HashMap<String, SeatCount>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT course_id, taken, waiting, as_of FROM seats")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?, r.get::<_, u32>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, taken, waiting, as_of) = row?;
        if let Ok(as_of) = as_of.parse() {
            out.insert(id, SeatCount { taken, waiting, as_of });
        }
    }
    Ok(out)
}
