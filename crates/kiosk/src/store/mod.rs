//! The kiosk's SQLite store: durable settings (WAL, synchronous=FULL — kiosks get unplugged),
//! append-only migrations, one module per table.

pub mod catalog;
pub mod clubs;
pub mod courses;
pub mod encryption;
pub mod enrollments;
pub mod identity;
pub mod institutions;
pub mod learners;
pub mod offline_certificates;
pub mod outbox;
pub mod places;
pub mod print_jobs;
pub mod rentals;
pub mod seats;
pub mod snapshot_staging;
pub mod staff_pin;
pub mod subsidy;
pub mod sync_state;
pub mod videos;

use std::path::Path;
use std::sync::LazyLock;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("../../migrations/0001_catalog.sql")),
        M::up(include_str!("../../migrations/0002_hub_head.sql")),
        M::up(include_str!("../../migrations/0003_snapshot_staging.sql")),
        M::up(include_str!("../../migrations/0004_enrollment.sql")),
        M::up(include_str!("../../migrations/0005_print_jobs.sql")),
        M::up(include_str!("../../migrations/0006_offline_certificates.sql")),
        M::up(include_str!("../../migrations/0007_staff_pin.sql")),
        M::up(include_str!("../../migrations/0008_public_url.sql")),
        M::up(include_str!("../../migrations/0009_intent_services.sql")),
        M::up(include_str!("../../migrations/0010_local_pin_failures.sql")),
        M::up(include_str!("../../migrations/0011_outbox_staff.sql")),
        M::up(include_str!("../../migrations/0012_subsidy.sql")),
        M::up(include_str!("../../migrations/0013_rentals.sql")),
        M::up(include_str!("../../migrations/0014_videos.sql")),
        M::up(include_str!("../../migrations/0015_clubs.sql")),
    ])
});

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    // SQLite's own words stay the source, for the log (`KioskError::detail`), never the message.
    #[error("키오스크의 로컬 데이터베이스에 문제가 생겼습니다. 직원에게 알려 주세요")]
    Sqlite(#[from] rusqlite::Error),
    #[error("키오스크의 로컬 데이터베이스를 새 버전에 맞게 바꾸지 못했습니다. 직원에게 알려 주세요")]
    Migration(#[from] rusqlite_migration::Error),
    /// `problem` is often a parser's English: logged, not shown.
    #[error("저장된 {what} {id}를 읽을 수 없습니다")]
    Corrupt { what: &'static str, id: String, problem: String },
}

/// Which of two tables of the same shape a write goes to: the live catalog or the staging copy
/// a chunked snapshot fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Live,
    Staged,
}

/// Opens (creating if needed) an unencrypted database: tests and tools. Kiosks use
/// [`open_encrypted`].
pub fn open(path: &Path) -> Result<Connection, StoreError> {
    let mut conn = Connection::open(path)?;
    configure(&mut conn)?;
    Ok(conn)
}

/// Opens (creating if needed) the kiosk database encrypted with `key`, first encrypting a
/// database from before encryption in place.
pub fn open_encrypted(path: &Path, key: &encryption::DatabaseKey) -> Result<Connection, StoreError> {
    if path.exists() && encryption::is_plaintext(path) && std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
        encryption::encrypt_in_place(path, key)?;
    }
    let mut conn = Connection::open(path)?;
    encryption::unlock(&conn, key)?;
    configure(&mut conn)?;
    Ok(conn)
}

pub fn open_in_memory() -> Result<Connection, StoreError> {
    let mut conn = Connection::open_in_memory()?;
    configure(&mut conn)?;
    Ok(conn)
}

/// Page size of a new kiosk database.
const PAGE_SIZE: u32 = 16_384;

fn configure(conn: &mut Connection) -> Result<(), StoreError> {
    // 16 KiB pages (SQLite's default is 4 KiB): a 50,000-course snapshot is ~60 MB written
    // through the WAL and checkpointed page by page, one system call per page each way, and
    // that was most of a cold sync's disk time. Only takes effect on a new, empty database.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // What is deleted (a purged learner, a printed certificate) is overwritten, not left in free
    // pages for anyone who copies the file.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    MIGRATIONS.to_latest(conn)?;
    Ok(())
}

pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    what: &'static str,
    id: &str,
    body: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt { what, id: id.to_owned(), problem: e.to_string() })
}

/// Runs `sql` (selecting `id, body`) and decodes every body.
pub(crate) fn decode_rows<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    what: &'static str,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    rows.map(|row| {
        let (id, body) = row?;
        decode(what, &id, &body)
    })
    .collect()
}

pub(crate) fn encode<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Reads a stored RFC 3339 time; one that does not read is Corrupt, never "no time".
pub(crate) fn read_time(what: &'static str, id: &str, raw: &str) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    chrono::DateTime::parse_from_rfc3339(raw).map(|t| t.to_utc()).map_err(|e| StoreError::Corrupt {
        what,
        id: id.to_owned(),
        problem: format!("{raw:?}: {e}"),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::MIGRATIONS.validate().is_ok());
    }

    /// A kiosk database as the protocol-2 release left it, with these (body, outcome) rows in its
    /// outbox (seq 1, 2, …), then migrated to today's schema.
    fn upgraded_from_protocol_2(rows: &[(&str, Option<&str>)]) -> rusqlite::Connection {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        super::MIGRATIONS.to_version(&mut conn, 8).unwrap_or_else(|e| panic!("{e}"));
        for (i, (body, outcome)) in rows.iter().enumerate() {
            conn.execute(
                "INSERT INTO outbox (seq, op_id, body, created_at, outcome) VALUES (?1, ?2, ?3, '2026-12-01T00:00:00Z', ?4)",
                rusqlite::params![i as i64 + 1, format!("op-{i}"), body, outcome],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        super::MIGRATIONS.to_latest(&mut conn).unwrap_or_else(|e| panic!("the upgrade fails: {e}"));
        conn
    }

    /// Every body type and outcome a protocol-2 kiosk could hold reads back after migration 0009,
    /// in the service it belongs to; a rejection stays a rejection.
    #[test]
    fn a_protocol_2_outbox_reads_back_by_service_after_the_upgrade() {
        use baeum_domain::intent::{IntentBody, Outcome, Service};
        let learner = r#"{"id":"l-1","name":"김배움","birth_date":"1941-02-11","mobile":"01030000001","resident":true,"guardian":null,"consents":[{"purpose":"course_administration","agreed":true,"notice_version":1},{"purpose":"course_news","agreed":false,"notice_version":1}],"identity":"self_declared","pin_hash":"ffe1a1767d994f5c$b1a814f8","registered_on":"2026-12-03"}"#;
        let seat = r#""learner_id":"l-1","course_id":"c-1""#;
        let rows = [
            (
                format!(r#"{{"type":"register_learner","learner":{learner}}}"#),
                Some(r#"{"outcome":"registered"}"#),
                Service::Learner,
            ),
            (
                format!(r#"{{"type":"apply",{seat},"claims":[]}}"#),
                Some(r#"{"outcome":"confirmed","price":{"tuition":0,"materials":0},"payment_due":null}"#),
                Service::Enrollment,
            ),
            (
                format!(r#"{{"type":"apply",{seat},"claims":[]}}"#),
                Some(r#"{"outcome":"waitlisted","position":2}"#),
                Service::Enrollment,
            ),
            (
                format!(r#"{{"type":"apply",{seat},"claims":[]}}"#),
                Some(r#"{"outcome":"entered","draw_at":"2026-12-04T09:00:00Z"}"#),
                Service::Enrollment,
            ),
            (
                format!(r#"{{"type":"apply",{seat},"claims":[]}}"#),
                Some(r#"{"outcome":"rejected","reason":"term_limit_reached"}"#),
                Service::Enrollment,
            ),
            (
                format!(r#"{{"type":"cancel",{seat}}}"#),
                Some(r#"{"outcome":"cancelled","refund":{"amount":0,"rule":"before_start"}}"#),
                Service::Enrollment,
            ),
            (
                format!(r#"{{"type":"record_payment",{seat},"method":"cash","receipt":"R-1","amount":1000}}"#),
                Some(r#"{"outcome":"paid","amount":1000}"#),
                Service::Enrollment,
            ),
            (
                format!(r#"{{"type":"mark_attendance",{seat},"session":"2026-12-08","present":true}}"#),
                Some(r#"{"outcome":"attendance_recorded","attended":1,"sessions":8,"completed":false}"#),
                Service::Attendance,
            ),
            (
                format!(r#"{{"type":"provisional_certificate",{seat},"qr_text":"BAEUM1.x.y"}}"#),
                Some(r#"{"outcome":"certificate_confirmed","serial":"GM-1"}"#),
                Service::Certificate,
            ),
            (format!(r#"{{"type":"cancel",{seat}}}"#), None, Service::Enrollment),
        ];
        let stored: Vec<(&str, Option<&str>)> = rows.iter().map(|(b, o, _)| (b.as_str(), *o)).collect();
        let conn = upgraded_from_protocol_2(&stored);
        for (i, (_, outcome, service)) in rows.iter().enumerate() {
            let (_, body) = super::outbox::body(&conn, i as u64 + 1)
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("row {i}"));
            assert_eq!(body.service(), *service, "row {i}");
            let op = baeum_domain::OpId::parse(&format!("op-{i}")).unwrap_or_else(|e| panic!("{e}"));
            let read: Option<Outcome> = super::outbox::outcome(&conn, &op).unwrap_or_else(|e| panic!("row {i}: {e}"));
            assert_eq!(read.is_some(), outcome.is_some(), "row {i}");
            if let Some(read) = read {
                match read.service() {
                    None => assert_eq!(read.rejection(), Some(baeum_domain::rules::RejectReason::TermLimitReached)),
                    Some(s) => assert_eq!(s, *service, "row {i}"),
                }
            }
            assert!(matches!(
                body,
                IntentBody::Learner(_)
                    | IntentBody::Enrollment(_)
                    | IntentBody::Attendance(_)
                    | IntentBody::Certificate(_)
            ));
        }
        assert_eq!(super::outbox::unanswered(&conn, 0, 10).unwrap_or_else(|e| panic!("{e}")).len(), 1);
    }

    /// A row that is not JSON (a disk error) does not stop the upgrade, which would keep the
    /// kiosk from starting at all: it is left as it was and reads back as Corrupt (never guessed
    /// at), while the rows around it are upgraded. The upload then stops at that row with the
    /// error on the staff screen, since the hub needs every sequence number in order.
    #[test]
    fn a_row_that_is_not_json_survives_the_upgrade_and_reads_as_corrupt() {
        let rows = [
            (r#"{"type":"cancel","learner_id":"l-1","course_id":"c-1"}"#, Some("{\"outcome\":")),
            ("{\"type\":\"apply\",", None),
            (r#"{"type":"cancel","learner_id":"l-1","course_id":"c-1"}"#, None),
        ];
        let conn = upgraded_from_protocol_2(&rows);
        let op = |i: usize| baeum_domain::OpId::parse(&format!("op-{i}")).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(super::outbox::outcome(&conn, &op(0)), Err(super::StoreError::Corrupt { .. })));
        assert!(matches!(super::outbox::body(&conn, 2), Err(super::StoreError::Corrupt { .. })));
        let (_, upgraded) =
            super::outbox::body(&conn, 3).unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("row 3"));
        assert_eq!(upgraded.service(), baeum_domain::intent::Service::Enrollment);
    }

    #[test]
    fn a_new_database_has_large_pages_and_an_existing_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let page_size = |path: &std::path::Path| -> u32 {
            let conn = super::open(path).unwrap_or_else(|e| panic!("{e}"));
            conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap_or_default()
        };
        let fresh = dir.path().join("new.db");
        assert_eq!(page_size(&fresh), super::PAGE_SIZE);
        assert_eq!(page_size(&fresh), super::PAGE_SIZE, "reopened");
        // A kiosk installed before the change: its 4 KiB pages stay, and it opens as before.
        let old = dir.path().join("old.db");
        rusqlite::Connection::open(&old)
            .and_then(|c| c.execute_batch("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (x);"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page_size(&old), 4096);
    }
}
