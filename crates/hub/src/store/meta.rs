//! `hub_meta`: facts about this database itself, such as the catalog epoch.

use crate::db::{Connection, OptionalExtension, params};

use super::StoreError;

/// The catalog epoch names one history of the change log. A kiosk whose cursor comes from
/// another history (the hub database was rebuilt) must re-snapshot even if the number fits.
pub fn epoch(conn: &Connection) -> Result<String, StoreError> {
    Ok(conn.query_row("SELECT value FROM hub_meta WHERE key = 'catalog_epoch'", [], |r| r.get(0))?)
}

pub(super) fn ensure_epoch(conn: &Connection) -> Result<(), StoreError> {
    let existing: Option<String> =
        conn.query_row("SELECT value FROM hub_meta WHERE key = 'catalog_epoch'", [], |r| r.get(0)).optional()?;
    if existing.is_none() {
        // Unique enough across rebuilds: wall-clock nanoseconds plus 64 random bits.
        let random = getrandom::u64().unwrap_or_default();
        let nanos = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default();
        let value = format!("{nanos:x}-{random:x}");
        // Two hub processes starting on a new PostgreSQL database at once: the first one's stays.
        conn.execute(
            "INSERT INTO hub_meta (key, value) VALUES ('catalog_epoch', ?1) ON CONFLICT (key) DO NOTHING",
            params![value],
        )?;
    }
    Ok(())
}

/// Since when this hub has judged closing application windows (lottery draws and minimum
/// enrolment). Courses that closed before the hub started doing so are not judged after the fact.
pub fn housekeeping_since(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    conn.execute(
        "INSERT INTO hub_meta (key, value) VALUES ('housekeeping_since', ?1) ON CONFLICT (key) DO NOTHING",
        params![now.to_rfc3339()],
    )?;
    let value: String =
        conn.query_row("SELECT value FROM hub_meta WHERE key = 'housekeeping_since'", [], |r| r.get(0))?;
    value.parse().map_err(|e: chrono::ParseError| StoreError::Corrupt {
        what: "허브 설정",
        id: "housekeeping_since".into(),
        problem: e.to_string(),
    })
}
