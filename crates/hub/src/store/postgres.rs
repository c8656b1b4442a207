//! Opening the hub's PostgreSQL database and bringing it to the current schema.
//!
//! Migrations are the files in `migrations-pg/`, applied in order, each in its own transaction,
//! and recorded in `hub_schema`. A hub process that starts while another migrates waits for it:
//! the whole run holds the hubs' write lock (SQLite needs no such lock, having one file and one
//! writer; migration crates for PostgreSQL take none, hence this short runner).

use super::{Connection, StoreError};
use crate::db::pg::Session;

/// Append-only: a new file gets the next number and is never edited once released.
const MIGRATIONS: &[(i64, &str)] =
    &[(1, include_str!("../../migrations-pg/0001_hub.sql")), (2, include_str!("../../migrations-pg/0002_console.sql"))];

/// Opens the database at `url`, migrating it to the current schema.
pub fn open(url: &str) -> Result<Connection, StoreError> {
    let mut conn = Connection::postgres(Session::connect(url)?);
    check_collation(&conn)?;
    migrate(&mut conn)?;
    super::meta::ensure_epoch(&conn)?;
    Ok(conn)
}

/// Ids and RFC 3339 times are compared and ordered as bytes, as SQLite and the kiosks do: the
/// catalog digest and the paging of changes depend on it. A database whose text sorts by a
/// language's rules (`en_US.UTF-8` puts `c-2` after `c10`) would give every kiosk a digest that
/// never matches, so it is refused with how to make one that sorts as bytes.
fn check_collation(conn: &Connection) -> Result<(), StoreError> {
    let collation: String =
        conn.query_row("SELECT datcollate::text FROM pg_database WHERE datname = current_database()", [], |r| {
            r.get(0)
        })?;
    if matches!(collation.as_str(), "C" | "POSIX" | "C.UTF-8" | "C.utf8" | "ucs_basic") {
        return Ok(());
    }
    Err(StoreError::Integrity {
        what: "데이터베이스 정렬 규칙",
        id: collation,
        problem: "허브는 바이트 순서(C)로 정렬하는 데이터베이스가 필요합니다: \
                  CREATE DATABASE baeum TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
            .into(),
    })
}

/// Applies the migrations this database has not had yet; answers how many it applied.
pub fn migrate(conn: &mut Connection) -> Result<usize, StoreError> {
    let tx = conn.transaction_with_behavior(crate::db::TransactionBehavior::Immediate)?;
    tx.execute_batch("CREATE TABLE IF NOT EXISTS hub_schema (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")?;
    let current: i64 = tx.query_row("SELECT COALESCE(MAX(version), 0) FROM hub_schema", [], |r| r.get(0))?;
    let newest = MIGRATIONS.last().map_or(0, |(v, _)| *v);
    if current > newest {
        return Err(StoreError::Integrity {
            what: "데이터베이스 구조",
            id: current.to_string(),
            problem: format!("이 허브가 아는 것({newest})보다 새로운 구조입니다. 허브를 새 버전으로 바꿔 주세요"),
        });
    }
    let mut applied = 0;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO hub_schema (version, applied_at) VALUES (?1, ?2)",
            crate::params![version, chrono::Utc::now().to_rfc3339()],
        )?;
        applied += 1;
    }
    tx.commit()?;
    Ok(applied)
}

/// A new database on the server at `server` (a URL whose database is one this user may connect
/// to, such as `postgres`), migrated, for one test. Nothing drops it: `make test`'s cluster is
/// thrown away whole.
pub fn open_fresh(server: &str) -> Result<Connection, StoreError> {
    open(&create_database(server, &format!("baeum_t_{}", uuid::Uuid::new_v4().simple()))?)
}

/// Creates the empty database `name` on the server at `server` and answers its URL. One that
/// already exists (another process made it first) is used as it is.
pub fn create_database(server: &str, name: &str) -> Result<String, StoreError> {
    let mut admin = Session::connect(server)?;
    match admin.batch(&format!("CREATE DATABASE {name}")) {
        Ok(()) => {}
        Err(crate::db::Error::Postgres(e)) if e.code() == Some(&postgres::error::SqlState::DUPLICATE_DATABASE) => {}
        // Two creating the same database at once: the loser sees a unique violation.
        Err(crate::db::Error::Postgres(e)) if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(with_database(server, name))
}

/// The database that stands for the SQLite file `path` in `make test`'s PostgreSQL pass: one per
/// path, created on first use (by whichever test or `baeum-hub` process gets there first).
pub fn open_for_path(server: &str, path: &std::path::Path) -> Result<Connection, StoreError> {
    use sha2::Digest;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let digest = sha2::Sha256::digest(absolute.to_string_lossy().as_bytes());
    let name: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    open(&create_database(server, &format!("baeum_p_{name}"))?)
}

/// `url` with its database replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    let base = match rest.find('/') {
        Some(slash) => &base[..base.len() - rest.len() + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

#[cfg(test)]
mod tests {
    /// A connection the server closed (a restart, a fail-over) is replaced for the statement
    /// after the one that found it gone, except inside a transaction: there every statement fails until it ends, so no
    /// part of it runs on its own.
    #[test]
    #[ignore = "needs PostgreSQL; make test runs it under scripts/with-postgres.sh with --include-ignored"]
    fn a_connection_the_server_closed_is_replaced_but_never_inside_a_transaction() {
        let server = std::env::var("BAEUM_TEST_POSTGRES").expect("run under scripts/with-postgres.sh");
        let mut conn = super::open_fresh(&server).unwrap();
        let admin = super::Connection::postgres(super::Session::connect(&server).unwrap());
        let kill = |conn: &super::Connection| {
            let pid: i64 = conn.query_row("SELECT pg_backend_pid()::bigint", [], |r| r.get(0)).unwrap();
            let killed: bool = admin.query_row("SELECT pg_terminate_backend(?1::int)", [pid], |r| r.get(0)).unwrap();
            assert!(killed);
            std::thread::sleep(std::time::Duration::from_millis(300));
        };
        kill(&conn);
        // The statement that finds the connection gone fails (it is not sent again: it may have
        // run); the next one gets a new connection.
        let _ = conn.query_row("SELECT COUNT(*) FROM hub_meta", [], |r| r.get::<_, i64>(0));
        let n: i64 = conn.query_row("SELECT COUNT(*) FROM hub_meta", [], |r| r.get(0)).unwrap();
        assert!(n >= 1);

        {
            let tx = conn.transaction().unwrap();
            tx.execute("INSERT INTO hub_meta (key, value) VALUES ('half', 'done')", []).unwrap();
            kill(&tx);
            assert!(tx.execute("INSERT INTO hub_meta (key, value) VALUES ('other', 'half')", []).is_err());
            assert!(tx.execute("INSERT INTO hub_meta (key, value) VALUES ('third', 'half')", []).is_err());
        }
        let half: i64 = conn
            .query_row("SELECT COUNT(*) FROM hub_meta WHERE key IN ('half', 'other', 'third')", [], |r| r.get(0))
            .unwrap();
        assert_eq!(half, 0, "nothing of the broken transaction stayed");
    }

    #[test]
    fn a_database_name_replaces_the_one_in_the_url() {
        assert_eq!(
            super::with_database("postgres://baeum@127.0.0.1:5999/postgres", "t1"),
            "postgres://baeum@127.0.0.1:5999/t1"
        );
        assert_eq!(super::with_database("postgres://baeum@127.0.0.1:5999", "t1"), "postgres://baeum@127.0.0.1:5999/t1");
        assert_eq!(
            super::with_database("postgresql://u:p@h/db?sslmode=disable", "t1"),
            "postgresql://u:p@h/t1?sslmode=disable"
        );
    }
}
