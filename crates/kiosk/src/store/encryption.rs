//! The kiosk database encrypted at rest (SQLCipher): a random 256-bit key kept with the kiosk's
//! secrets (OS keyring and a 0600 file beside it, see `secrets`), never in the database or its
//! settings. A database from before encryption is exported into an encrypted copy that replaces
//! it, losing nothing; a crash at any point leaves the plaintext file (encrypted again at the
//! next start, with the key already kept) or the encrypted one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use rusqlite::Connection;

use super::StoreError;
use crate::secrets::SecretStore;

/// The secret's name in the kiosk's secret store.
const SECRET: &str = "database-key";
/// SQLCipher's page size for kiosk databases: the 16 KiB of plain ones (see `store::PAGE_SIZE`).
const CIPHER_PAGE_SIZE: u32 = 16_384;
/// The first bytes of every unencrypted SQLite file.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// A database key (never logged).
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseKey([u8; 32]);

impl std::fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseKey(…)")
    }
}

impl DatabaseKey {
    /// SQLCipher's raw-key form: no passphrase derivation at every open, the key is random.
    fn pragma_value(&self) -> String {
        let hex: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
        format!("\"x'{hex}'\"")
    }
}

/// Why the database key cannot be had, in Korean for staff.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "키오스크 데이터베이스의 열쇠를 보관소에서 찾을 수 없어 데이터베이스를 열 수 없습니다. 직원에게 알려 주세요"
    )]
    Missing,
    #[error("키오스크 데이터베이스의 열쇠를 보관할 수 없습니다: {0}")]
    Store(String),
}

/// The key of the database at `database`: from `secrets`, or made and kept there first when
/// the database is new or still unencrypted. An encrypted database whose key is gone is an
/// error, never a fresh empty database in its place.
pub fn key_for(database: &Path, secrets: &dyn SecretStore) -> Result<DatabaseKey, KeyError> {
    let kept = secrets.get(SECRET).map_err(|e| KeyError::Store(e.0))?;
    if let Some(bytes) = kept {
        return <[u8; 32]>::try_from(bytes.as_slice()).map(DatabaseKey).map_err(|_| KeyError::Missing);
    }
    if database.exists() && !is_plaintext(database) {
        return Err(KeyError::Missing);
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| KeyError::Store(e.to_string()))?;
    // Kept (durably, in its file) before any data is encrypted with it.
    secrets.put(SECRET, &key).map_err(|e| KeyError::Store(e.0))?;
    Ok(DatabaseKey(key))
}

/// Whether the file at `path` is an unencrypted SQLite database (an empty file counts: SQLite
/// would make a plain database of it).
pub fn is_plaintext(path: &Path) -> bool {
    use std::io::Read;
    let mut header = [0u8; 16];
    match std::fs::File::open(path).and_then(|mut f| f.read(&mut header)) {
        Ok(0) => true,
        Ok(16) => &header == PLAIN_HEADER,
        _ => false,
    }
}

/// Keys of the databases this process opened, so a second connection to the same file (the
/// snapshot's checkpointer) opens it too without the key being passed through every layer.
static KEYS: LazyLock<Mutex<HashMap<PathBuf, DatabaseKey>>> = LazyLock::new(Mutex::default);

/// Applies `key` to a connection just opened (before anything else touches the file).
pub fn unlock(conn: &Connection, key: &DatabaseKey) -> Result<(), StoreError> {
    conn.execute_batch(&format!("PRAGMA key = {}; PRAGMA cipher_page_size = {CIPHER_PAGE_SIZE};", key.pragma_value()))?;
    if let Some(path) = conn.path().filter(|p| !p.is_empty()) {
        KEYS.lock().unwrap_or_else(|p| p.into_inner()).insert(PathBuf::from(path), key.clone());
    }
    Ok(())
}

/// Another connection to a database this process opened, unlocked like the first.
pub fn reopen(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    let key = KEYS.lock().unwrap_or_else(|p| p.into_inner()).get(path).cloned();
    if let Some(key) = key {
        unlock(&conn, &key)?;
    }
    Ok(conn)
}

/// Encrypts the plaintext database at `path` with `key`: exported into `<path>.encrypting`,
/// flushed, then renamed over the original (its WAL checkpointed into it first).
pub fn encrypt_in_place(path: &Path, key: &DatabaseKey) -> Result<(), StoreError> {
    let tmp = path.with_extension("db.encrypting");
    for leftover in [tmp.clone(), wal(&tmp), shm(&tmp)] {
        let _ = std::fs::remove_file(leftover);
    }
    {
        let plain = Connection::open(path)?;
        plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let version: i64 = plain.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        plain
            .execute(&format!("ATTACH DATABASE ?1 AS encrypted KEY {}", key.pragma_value()), [tmp.to_string_lossy()])?;
        plain.execute_batch(&format!(
            "PRAGMA encrypted.cipher_page_size = {CIPHER_PAGE_SIZE};
             SELECT sqlcipher_export('encrypted');
             PRAGMA encrypted.user_version = {version};
             DETACH DATABASE encrypted;"
        ))?;
    }
    std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io)?;
    for stale in [wal(path), shm(path)] {
        let _ = std::fs::remove_file(stale);
    }
    std::fs::rename(&tmp, path).map_err(io)?;
    if let Some(dir) = path.parent() {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    tracing::info!(event = "database_encrypted", "the kiosk database was encrypted at rest");
    Ok(())
}

fn wal(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", path.display()))
}

fn shm(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}-shm", path.display()))
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Corrupt { what: "데이터베이스 파일", id: String::new(), problem: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecrets;

    fn key() -> DatabaseKey {
        DatabaseKey([7; 32])
    }

    #[test]
    fn a_new_database_is_encrypted_and_opens_only_with_its_key() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("kiosk.db");
        let conn = super::super::open_encrypted(&path, &key()).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch("CREATE TABLE secret (name TEXT); INSERT INTO secret VALUES ('박순자');")
            .unwrap_or_else(|e| panic!("{e}"));
        drop(conn);
        assert!(!is_plaintext(&path));
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert!(!bytes.windows("박순자".len()).any(|w| w == "박순자".as_bytes()));
        // Without the key, or with another, nothing reads.
        let stranger = Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(stranger.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_err());
        let wrong = Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        unlock(&wrong, &DatabaseKey([8; 32])).unwrap_or_else(|e| panic!("{e}"));
        assert!(wrong.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_err());
        let again = super::super::open_encrypted(&path, &key()).unwrap_or_else(|e| panic!("{e}"));
        let name: String = again.query_row("SELECT name FROM secret", [], |r| r.get(0)).unwrap_or_default();
        assert_eq!(name, "박순자");
        // A second connection (the checkpointer's) opens it too.
        let second = reopen(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(second.query_row("SELECT count(*) FROM secret", [], |r| r.get::<_, i64>(0)).ok(), Some(1));
    }

    /// A kiosk from before encryption: every row and the schema version survive, and the file
    /// on disk no longer shows them.
    #[test]
    fn a_plaintext_database_is_encrypted_losing_nothing() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("kiosk.db");
        let plain = super::super::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let version: i64 = plain.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap_or_default();
        plain
            .execute_batch("CREATE TABLE names (n TEXT); INSERT INTO names VALUES ('최말순'), ('김영희');")
            .unwrap_or_else(|e| panic!("{e}"));
        drop(plain);
        assert!(is_plaintext(&path));
        // A crash mid-way once left a half-written copy behind: it is made again.
        std::fs::write(path.with_extension("db.encrypting"), b"half").unwrap_or_else(|e| panic!("{e}"));

        let secrets = MemorySecrets::default();
        let key = key_for(&path, &secrets).unwrap_or_else(|e| panic!("{e}"));
        let conn = super::super::open_encrypted(&path, &key).unwrap_or_else(|e| panic!("{e}"));
        assert!(!is_plaintext(&path));
        let names: Vec<String> = conn
            .prepare("SELECT n FROM names ORDER BY n")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .unwrap_or_default();
        assert_eq!(names, ["김영희", "최말순"]);
        assert_eq!(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).ok(), Some(version));
        assert!(!path.with_extension("db.encrypting").exists());
        // The same key next time; an encrypted database whose key is lost is an error, not a new one.
        assert_eq!(key_for(&path, &secrets).ok(), Some(key));
        assert!(matches!(key_for(&path, &MemorySecrets::default()), Err(KeyError::Missing)));
    }
}
