//! `institutions` table (local copy).

use baeum_domain::Institution;
use rusqlite::{Connection, Transaction, params};

use super::{StoreError, Target, decode_rows, encode};

pub fn upsert(tx: &Transaction<'_>, i: &Institution) -> Result<(), StoreError> {
    write(tx, Target::Live, i, &encode(i))
}

/// Writes `i` with its JSON `body` (as received) into the live or staged table.
pub fn write(tx: &Transaction<'_>, target: Target, i: &Institution, body: &str) -> Result<(), StoreError> {
    let sql = match target {
        Target::Live => "INSERT OR REPLACE INTO institutions (id, name, kind, dong, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        Target::Staged => {
            "INSERT OR REPLACE INTO staged_institutions (id, name, kind, dong, body) VALUES (?1, ?2, ?3, ?4, ?5)"
        }
    };
    tx.prepare_cached(sql)?.execute(params![i.id.as_str(), i.name.as_str(), i.kind.code(), i.dong.as_str(), body])?;
    Ok(())
}

pub fn all(conn: &Connection) -> Result<Vec<Institution>, StoreError> {
    decode_rows(conn, "기관", "SELECT id, body FROM institutions ORDER BY name", [])
}

pub fn count(conn: &Connection) -> Result<u64, StoreError> {
    Ok(conn.query_row("SELECT COUNT(*) FROM institutions", [], |r| r.get::<_, i64>(0))? as u64)
}

/// In id order (the hub's key order).
pub fn all_by_id(conn: &Connection) -> Result<Vec<Institution>, StoreError> {
    decode_rows(conn, "기관", "SELECT id, body FROM institutions ORDER BY id", [])
}
