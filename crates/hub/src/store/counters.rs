//! `counters`: numbers handed out in order, one row per counter, advanced in the caller's
//! transaction (see migration 0007 for why not MAX+1).

use crate::db::Connection;

use super::StoreError;

/// The hub's arrival order of intents (the only order that decides anything).
pub const ARRIVAL: &str = "arrival";

/// The change log's sequence on PostgreSQL (SQLite numbers it with AUTOINCREMENT).
pub const CATALOG_LOG: &str = "catalog_log";

/// The counter of hub certificate serials issued in `year`.
pub fn certificate_serials(year: i32) -> String {
    format!("certificate-{year}")
}

/// The next number of counter `name`: 1 for a new counter, then one more each call.
pub fn next(conn: &Connection, name: &str) -> Result<u64, StoreError> {
    let n: i64 = conn
        .prepare_cached(
            "INSERT INTO counters (name, value) VALUES (?1, 1)
             ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
        )?
        .query_row([name], |r| r.get(0))?;
    Ok(n as u64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_counter_starts_at_one_and_never_gives_a_number_twice() {
        let conn = crate::store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let take = |name: &str| super::next(&conn, name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((take("a"), take("a"), take("b"), take("a")), (1, 2, 1, 3));
    }

    /// A hub upgraded with intents and certificates already numbered continues after them.
    #[test]
    fn counters_continue_where_a_database_from_before_them_left_off() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        super::super::MIGRATIONS.to_version(&mut conn, 6).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch(
            "INSERT INTO kiosk_intents VALUES ('k-1', 1, 'op-1', 'd', '{}', 41, 'x'), ('k-1', 2, 'op-2', 'd', '{}', 42, 'x');
             INSERT INTO certificates (serial, learner_id, course_id, qr_text, verification_code, issued_at)
             VALUES ('GM-2026-000007', 'l', 'c', 'q', 'v1', 'x'), ('GM-2026-000012', 'l', 'c', 'q', 'v2', 'x'),
                    ('GM-2025-000003', 'l', 'c', 'q', 'v3', 'x'), ('GM-P2026-k-desk-0099', 'l', 'c', 'q', 'v4', 'x');",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        super::super::MIGRATIONS.to_latest(&mut conn).unwrap_or_else(|e| panic!("{e}"));
        let conn = crate::db::Connection::sqlite(conn);
        let take = |name: &str| super::next(&conn, name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(take(super::ARRIVAL), 43);
        assert_eq!(take(&super::certificate_serials(2026)), 13);
        assert_eq!(take(&super::certificate_serials(2025)), 4);
        assert_eq!(take(&super::certificate_serials(2027)), 1);
    }
}
