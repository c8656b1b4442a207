//! The hub's SQLite store: opened with durable settings, migrated with append-only SQL files,
//! one module per table. Catalog writes go through `catalog::apply`, enrollment writes through
//! `arbitration`, each in one transaction.

pub mod attendance;
pub mod catalog;
pub mod catalog_log;
pub mod certificates;
pub mod clubs;
pub mod console;
pub mod counters;
pub mod courses;
pub mod devices;
pub mod enrollments;
pub mod enrolment_checks;
pub mod fleet;
pub mod institutions;
pub mod intents;
pub mod invites;
pub mod kiosk_keys;
pub mod learners;
pub mod ledger;
pub mod live;
pub mod lottery;
pub mod meta;
pub mod migrate;
pub mod payment_attempts;
pub mod pin_lock;
pub mod places;
pub mod postgres;
pub mod rentals;
pub mod rules;
pub mod sessions;
pub mod staff;
pub mod subsidy;
pub mod videos;

use std::path::Path;
use std::sync::LazyLock;

use rusqlite_migration::{M, Migrations};

pub use crate::db::Connection;

/// The PostgreSQL hub's key folder from the settings file (`keys` in hub.toml).
static KEYS_FOLDER: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// Sets the PostgreSQL hub's key folder for this process, from its settings file; the
/// `BAEUM_HUB_KEYS` variable still wins. A second call changes nothing.
pub fn set_keys_folder(dir: std::path::PathBuf) {
    let _ = KEYS_FOLDER.set(dir);
}

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("../../migrations/0001_catalog.sql")),
        M::up(include_str!("../../migrations/0002_enrollment.sql")),
        M::up(include_str!("../../migrations/0003_certificates.sql")),
        M::up(include_str!("../../migrations/0004_kiosk_keys.sql")),
        M::up(include_str!("../../migrations/0005_intent_services.sql")),
        M::up(include_str!("../../migrations/0006_payment_attempts.sql")),
        M::up(include_str!("../../migrations/0007_counters.sql")),
        M::up(include_str!("../../migrations/0008_devices.sql")),
        M::up(include_str!("../../migrations/0009_sessions.sql")),
        M::up(include_str!("../../migrations/0010_staff.sql")),
        M::up(include_str!("../../migrations/0011_subsidy.sql")),
        M::up(include_str!("../../migrations/0012_rentals.sql")),
        M::up(include_str!("../../migrations/0013_videos_live.sql")),
        M::up(include_str!("../../migrations/0014_clubs.sql")),
        M::up(include_str!("../../migrations/0015_console.sql")),
    ])
});

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("데이터베이스 오류: {0}")]
    Db(#[from] crate::db::Error),
    #[error("데이터베이스를 최신 구조로 바꾸지 못했습니다: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("저장된 {what} {id}를 읽을 수 없습니다: {problem}")]
    Corrupt { what: &'static str, id: String, problem: String },
    #[error("{what} {id}: {problem}")]
    Integrity { what: &'static str, id: String, problem: String },
    /// The thread doing the database work stopped (panicked or was cancelled) before answering.
    #[error("데이터베이스 작업이 끝나지 못하고 중단되었습니다: {0}")]
    WorkerStopped(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e.into())
    }
}

/// Where the hub keeps its records: a SQLite file (one city) or a PostgreSQL database (a region).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Location {
    /// `postgres://…` or `postgresql://…` is PostgreSQL; anything else is a SQLite file's path.
    pub fn parse(raw: &str) -> Self {
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Location::Postgres(raw.to_owned())
        } else {
            Location::Sqlite(raw.into())
        }
    }

    /// Opens (creating and migrating if needed) the hub database here.
    pub fn open(&self) -> Result<Connection, StoreError> {
        match self {
            Location::Sqlite(path) => open(path),
            Location::Postgres(url) => postgres::open(url),
        }
    }

    /// Where the secret file `name` (the certificate signing key, the PIN pepper) is kept: beside
    /// a SQLite file, or for PostgreSQL in the folder `BAEUM_HUB_KEYS` names (or else `keys` in
    /// the settings file, [`set_keys_folder`]), which every hub process of the region shares
    /// (they sign with one key and check PINs with one pepper).
    pub fn secret_path(&self, name: &str) -> Result<std::path::PathBuf, StoreError> {
        match self {
            Location::Sqlite(path) => Ok(path.with_extension(name)),
            Location::Postgres(_) => match std::env::var_os("BAEUM_HUB_KEYS")
                .filter(|dir| !dir.is_empty())
                .map(std::path::PathBuf::from)
                .or_else(|| KEYS_FOLDER.get().cloned())
            {
                Some(dir) => Ok(dir.join(name)),
                None => Err(StoreError::Integrity {
                    what: "허브 설정",
                    id: "BAEUM_HUB_KEYS".into(),
                    problem: "PostgreSQL 허브는 키 파일 폴더(BAEUM_HUB_KEYS)가 필요합니다".into(),
                }),
            },
        }
    }

    /// Says where without the password a URL may carry.
    pub fn redacted(&self) -> String {
        match self {
            Location::Sqlite(path) => path.display().to_string(),
            Location::Postgres(url) => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                let rest = match rest.rsplit_once('@') {
                    Some((userinfo, host)) => match userinfo.split_once(':') {
                        Some((user, _)) => format!("{user}:***@{host}"),
                        None => format!("{userinfo}@{host}"),
                    },
                    None => rest.to_owned(),
                };
                // A password may also come as a parameter.
                let rest = match rest.split_once('?') {
                    Some((base, query)) => {
                        let kept: Vec<&str> = query
                            .split('&')
                            .map(|p| if p.starts_with("password=") { "password=***" } else { p })
                            .collect();
                        format!("{base}?{}", kept.join("&"))
                    }
                    None => rest,
                };
                format!("{scheme}://{rest}")
            }
        }
    }
}

impl std::str::FromStr for Location {
    type Err = std::convert::Infallible;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Ok(Location::parse(raw))
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Self {
        Location::Sqlite(path.to_owned())
    }
}

impl From<&std::path::PathBuf> for Location {
    fn from(path: &std::path::PathBuf) -> Self {
        Location::Sqlite(path.clone())
    }
}

impl From<&Location> for Location {
    fn from(l: &Location) -> Self {
        l.clone()
    }
}

/// Opens (creating and migrating if needed) the hub's SQLite database at `path`.
///
/// Under `make test`'s PostgreSQL pass (`BAEUM_TEST_POSTGRES` set), the path names a PostgreSQL
/// database instead, one per path, so every hub test written with a temp file, and every
/// `baeum-hub --db FILE` those tests run, exercises PostgreSQL unchanged. It says so loudly.
pub fn open(path: &Path) -> Result<Connection, StoreError> {
    if let Some(server) = test_postgres() {
        tracing::warn!(path = %path.display(), "BAEUM_TEST_POSTGRES is set: this hub file is a PostgreSQL database");
        return postgres::open_for_path(&server, path);
    }
    open_sqlite(path)
}

/// The throw-away server of `make test`'s PostgreSQL pass, if this is that pass.
fn test_postgres() -> Option<String> {
    std::env::var("BAEUM_TEST_POSTGRES").ok().filter(|s| !s.is_empty())
}

/// Opens the SQLite file at `path`, whatever the environment says.
pub fn open_sqlite(path: &Path) -> Result<Connection, StoreError> {
    create_private(path);
    let mut conn = rusqlite::Connection::open(path)?;
    configure(&mut conn)?;
    let conn = Connection::sqlite(conn);
    meta::ensure_epoch(&conn)?;
    Ok(conn)
}

/// Creates a new database file readable by this user only (0600): it holds names, birth dates,
/// phone numbers and payments. SQLite gives its `-wal` and `-shm` files the database's mode. An
/// existing file keeps the mode its owner gave it. If this fails, SQLite's own open reports why.
fn create_private(path: &Path) {
    #[cfg(unix)]
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let _ = options.open(path);
    }
}

/// A new, empty database for unit tests: SQLite in memory, or, when `BAEUM_TEST_POSTGRES` names
/// a server (`make test` starts a throw-away one), a fresh PostgreSQL database on it, so the same
/// tests run against both engines.
pub fn open_in_memory() -> Result<Connection, StoreError> {
    if let Some(server) = test_postgres() {
        return postgres::open_fresh(&server);
    }
    let mut conn = rusqlite::Connection::open_in_memory()?;
    configure(&mut conn)?;
    let conn = Connection::sqlite(conn);
    meta::ensure_epoch(&conn)?;
    Ok(conn)
}

fn configure(conn: &mut rusqlite::Connection) -> Result<(), StoreError> {
    // WAL + FULL: the hub is the system of record; what it acknowledged must survive power loss.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // 64 MiB of page cache (SQLite's default is 2 MiB): a batch of applications touches learners,
    // enrollments and the intent log all over the file.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    MIGRATIONS.to_latest(conn)?;
    Ok(())
}

/// Reads a stored JSON body back into its validated type.
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
    params: impl crate::db::Params,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    rows.map(|row| {
        let (id, body) = row?;
        decode(what, &id, &body)
    })
    .collect()
}

/// Reads a stored RFC 3339 time; one that does not read is Corrupt, never "no time".
pub(crate) fn read_time(what: &'static str, id: &str, raw: &str) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    chrono::DateTime::parse_from_rfc3339(raw).map(|t| t.to_utc()).map_err(|e| StoreError::Corrupt {
        what,
        id: id.to_owned(),
        problem: format!("{raw:?}: {e}"),
    })
}

/// Serialises a record for storage; our own types always serialise.
pub(crate) fn encode<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_database_address_is_shown_without_its_password() {
        let shown = |raw: &str| super::Location::parse(raw).redacted();
        assert_eq!(shown("postgres://baeum:pa:ss@db:5432/baeum"), "postgres://baeum:***@db:5432/baeum");
        assert_eq!(shown("postgres://baeum@db/baeum"), "postgres://baeum@db/baeum");
        assert_eq!(shown("postgresql://db/baeum?user=u&password=s3cret"), "postgresql://db/baeum?user=u&password=***");
        assert_eq!(shown("/var/lib/baeum/hub.db"), "/var/lib/baeum/hub.db");
    }

    #[test]
    fn migrations_are_valid() {
        assert!(super::MIGRATIONS.validate().is_ok());
    }

    /// A hub database as the protocol-2 release left it, with `outcomes` stored for kiosk `k-1`
    /// (seq 1, 2, …, the same digest each), then migrated to today's schema.
    fn upgraded_from_protocol_2(outcomes: &[&str]) -> super::Connection {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        super::MIGRATIONS.to_version(&mut conn, 4).unwrap_or_else(|e| panic!("{e}"));
        for (i, outcome) in outcomes.iter().enumerate() {
            conn.execute(
                "INSERT INTO kiosk_intents (kiosk_id, seq, op_id, body_sha256, outcome, arrival, received_at)
                 VALUES ('k-1', ?1, ?2, 'digest', ?3, ?1, '2026-12-01T00:00:00Z')",
                rusqlite::params![i as i64 + 1, format!("op-{i}"), outcome],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        super::MIGRATIONS.to_latest(&mut conn).unwrap_or_else(|e| panic!("the upgrade fails: {e}"));
        super::Connection::sqlite(conn)
    }

    /// Every outcome a protocol-2 hub stored is replayed after migration 0005 with its service;
    /// a rejection stays a rejection, and the stored digest is untouched.
    #[test]
    fn outcomes_stored_under_protocol_2_replay_with_their_service() {
        use baeum_domain::intent::Service;
        let stored = [
            (r#"{"outcome":"registered"}"#, Some(Service::Learner)),
            (
                r#"{"outcome":"confirmed","price":{"tuition":0,"materials":0},"payment_due":null}"#,
                Some(Service::Enrollment),
            ),
            (r#"{"outcome":"waitlisted","position":2}"#, Some(Service::Enrollment)),
            (r#"{"outcome":"entered","draw_at":"2026-12-04T09:00:00Z"}"#, Some(Service::Enrollment)),
            (r#"{"outcome":"cancelled","refund":{"amount":0,"rule":"before_start"}}"#, Some(Service::Enrollment)),
            (r#"{"outcome":"paid","amount":1000}"#, Some(Service::Enrollment)),
            (
                r#"{"outcome":"attendance_recorded","attended":1,"sessions":8,"completed":false}"#,
                Some(Service::Attendance),
            ),
            (r#"{"outcome":"certificate_confirmed","serial":"GM-1"}"#, Some(Service::Certificate)),
            (r#"{"outcome":"rejected","reason":"not_enrolled"}"#, None),
        ];
        let outcomes: Vec<&str> = stored.iter().map(|(o, _)| *o).collect();
        let conn = upgraded_from_protocol_2(&outcomes);
        let kiosk = baeum_domain::KioskId::parse("k-1").unwrap_or_else(|e| panic!("{e}"));
        let replayed = super::intents::after(&conn, &kiosk, 0, 100).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(replayed.len(), stored.len());
        for (r, (_, service)) in replayed.iter().zip(&stored) {
            assert_eq!(r.outcome.service(), *service, "seq {}", r.seq);
        }
        assert!(replayed[8].outcome.rejection().is_some());
        let kept = super::intents::get(&conn, &kiosk, 2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(kept.map(|s| s.body_sha256), Some("digest".to_owned()));
    }

    /// A stored outcome that is not JSON does not stop the upgrade (the hub would not start):
    /// it is left as it was and reads back as Corrupt; the outcome beside it is upgraded.
    #[test]
    fn an_outcome_that_is_not_json_survives_the_upgrade_and_reads_as_corrupt() {
        let conn = upgraded_from_protocol_2(&["{\"outcome\":", r#"{"outcome":"paid","amount":1000}"#]);
        let kiosk = baeum_domain::KioskId::parse("k-1").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(super::intents::get(&conn, &kiosk, 1), Err(super::StoreError::Corrupt { .. })));
        let paid = super::intents::get(&conn, &kiosk, 2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(paid.and_then(|s| s.outcome.service()), Some(baeum_domain::intent::Service::Enrollment));
    }

    /// The database and its WAL are created for the hub's user only, whatever the umask.
    #[cfg(unix)]
    #[test]
    fn a_new_database_is_private_to_its_user() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("hub.db");
        let conn = super::open_sqlite(&path).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap_or_else(|e| panic!("{e}"));
        for file in ["hub.db", "hub.db-wal", "hub.db-shm"] {
            let mode = std::fs::metadata(dir.path().join(file)).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o600), "{file}");
        }
    }
}
