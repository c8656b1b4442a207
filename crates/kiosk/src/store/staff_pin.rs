//! `staff_pin`: the staff PIN's verifier and its lockout state (one row).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffPinRow {
    /// Argon2id PHC string.
    pub verifier: String,
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

pub fn get(conn: &Connection) -> Result<Option<StaffPinRow>, StoreError> {
    let row = conn
        .query_row("SELECT verifier, failures, locked_until FROM staff_pin WHERE one = 1", [], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?, r.get::<_, Option<String>>(2)?))
        })
        .optional()?;
    row.map(|(verifier, failures, locked)| {
        let locked_until = locked
            .map(|raw| {
                DateTime::parse_from_rfc3339(&raw).map(|t| t.with_timezone(&Utc)).map_err(|e| StoreError::Corrupt {
                    what: "직원 PIN 기록",
                    id: "1".into(),
                    problem: e.to_string(),
                })
            })
            .transpose()?;
        Ok(StaffPinRow { verifier, failures, locked_until })
    })
    .transpose()
}

/// A new PIN replaces the old one and lifts any lockout.
pub fn set(conn: &Connection, verifier: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO staff_pin (one, verifier, set_at, failures, locked_until) VALUES (1, ?1, ?2, 0, NULL)",
        params![verifier, now.to_rfc3339()],
    )?;
    Ok(())
}

pub fn record_failure(conn: &Connection, failures: u32, locked_until: Option<DateTime<Utc>>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE staff_pin SET failures = ?1, locked_until = ?2 WHERE one = 1",
        params![failures, locked_until.map(|t| t.to_rfc3339())],
    )?;
    Ok(())
}

pub fn clear_failures(conn: &Connection) -> Result<(), StoreError> {
    conn.execute("UPDATE staff_pin SET failures = 0, locked_until = NULL WHERE one = 1", [])?;
    Ok(())
}
