//! `places` table.

use crate::db::{Connection, OptionalExtension, Transaction, params};
use baeum_domain::{Place, PlaceId};

use super::{StoreError, decode, decode_rows};

pub fn stored_body(conn: &Connection, id: &PlaceId) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT body FROM places WHERE id = ?1", [id.as_str()], |r| r.get(0)).optional()?)
}

pub fn upsert(tx: &Transaction<'_>, place: &Place, body: &str, seq: u64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO places (id, institution_id, body, updated_seq) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET institution_id = excluded.institution_id, body = excluded.body,
                                        updated_seq = excluded.updated_seq",
        params![place.id.as_str(), place.institution_id.as_str(), body, seq as i64],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<Place>, StoreError> {
    let body: Option<String> =
        conn.query_row("SELECT body FROM places WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    body.map(|b| decode("장소", id, &b)).transpose()
}

pub fn all(conn: &Connection) -> Result<Vec<Place>, StoreError> {
    decode_rows(conn, "장소", "SELECT id, body FROM places ORDER BY id", [])
}
