//! `places` table (local copy).

use baeum_domain::Place;
use rusqlite::{Connection, Transaction, params};

use super::{StoreError, Target, decode_rows, encode};

pub fn upsert(tx: &Transaction<'_>, p: &Place) -> Result<(), StoreError> {
    write(tx, Target::Live, p, &encode(p))
}

/// Writes `p` with its JSON `body` (as received) into the live or staged table.
pub fn write(tx: &Transaction<'_>, target: Target, p: &Place, body: &str) -> Result<(), StoreError> {
    let sql = match target {
        Target::Live => "INSERT OR REPLACE INTO places (id, institution_id, name, body) VALUES (?1, ?2, ?3, ?4)",
        Target::Staged => {
            "INSERT OR REPLACE INTO staged_places (id, institution_id, name, body) VALUES (?1, ?2, ?3, ?4)"
        }
    };
    tx.prepare_cached(sql)?.execute(params![p.id.as_str(), p.institution_id.as_str(), p.name.as_str(), body])?;
    Ok(())
}

pub fn all(conn: &Connection) -> Result<Vec<Place>, StoreError> {
    decode_rows(conn, "장소", "SELECT id, body FROM places ORDER BY id", [])
}
