//! `institutions` table.

use crate::db::{Connection, OptionalExtension, Transaction, params};
use baeum_domain::{Institution, InstitutionId};

use super::{StoreError, decode, decode_rows};

pub fn stored_body(conn: &Connection, id: &InstitutionId) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT body FROM institutions WHERE id = ?1", [id.as_str()], |r| r.get(0)).optional()?)
}

pub fn upsert(tx: &Transaction<'_>, institution: &Institution, body: &str, seq: u64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO institutions (id, body, updated_seq) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_seq = excluded.updated_seq",
        params![institution.id.as_str(), body, seq as i64],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<Institution>, StoreError> {
    let body: Option<String> =
        conn.query_row("SELECT body FROM institutions WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    body.map(|b| decode("기관", id, &b)).transpose()
}

pub fn all(conn: &Connection) -> Result<Vec<Institution>, StoreError> {
    decode_rows(conn, "기관", "SELECT id, body FROM institutions ORDER BY id", [])
}
