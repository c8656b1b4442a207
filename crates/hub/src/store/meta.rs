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

/// Records the secrets this database is used with (the signing key's id and the pepper's
/// fingerprint) the first time, and refuses a hub process that brings others: PINs registered
/// through one hub would not check on another, and certificates would be signed with two keys.
pub fn check_secrets(conn: &Connection, key_id: &str, pepper: &str) -> Result<(), StoreError> {
    let mine = format!("{key_id}/{pepper}");
    conn.execute(
        "INSERT INTO hub_meta (key, value) VALUES ('secrets', ?1) ON CONFLICT (key) DO NOTHING",
        params![mine],
    )?;
    let recorded: String = conn.query_row("SELECT value FROM hub_meta WHERE key = 'secrets'", [], |r| r.get(0))?;
    if recorded != mine {
        return Err(StoreError::Integrity {
            what: "허브 비밀값",
            id: key_id.to_owned(),
            problem: "이 데이터베이스는 다른 서명 키나 PIN 비밀값으로 쓰였습니다. 모든 허브가 같은 키 파일(BAEUM_HUB_KEYS)을 쓰게 해 주세요".into(),
        });
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

#[cfg(test)]
mod secrets_tests {
    /// The first hub process records its key and pepper; one that brings others is refused.
    #[test]
    fn a_hub_with_other_secrets_than_the_database_was_used_with_is_refused() {
        let conn = crate::store::open_in_memory().unwrap();
        super::check_secrets(&conn, "key-1", "pepper-1").unwrap();
        super::check_secrets(&conn, "key-1", "pepper-1").unwrap();
        assert!(super::check_secrets(&conn, "key-1", "pepper-2").is_err());
        assert!(super::check_secrets(&conn, "key-2", "pepper-1").is_err());
    }
}
