//! `places` table (local copy).

use baeum_domain::Place;
use rusqlite::{Connection, Transaction, params};

use super::{StoreError, decode_rows, encode};

pub fn upsert(tx: &Transaction<'_>, p: &Place) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO places (id, institution_id, name, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET institution_id = excluded.institution_id, name = excluded.name, body = excluded.body",
        params![p.id.as_str(), p.institution_id.as_str(), p.name.as_str(), encode(p)],
    )?;
    Ok(())
}

pub fn all(conn: &Connection) -> Result<Vec<Place>, StoreError> {
    decode_rows(conn, "장소", "SELECT id, body FROM places ORDER BY id", [])
}
