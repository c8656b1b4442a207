//! `places` table (local copy).

use baeum_domain::Place;
use rusqlite::{Connection, Transaction, params};

use super::{StoreError, decode, encode};

pub fn upsert(tx: &Transaction<'_>, p: &Place) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO places (id, institution_id, name, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET institution_id = excluded.institution_id, name = excluded.name, body = excluded.body",
        params![p.id.as_str(), p.institution_id.as_str(), p.name.as_str(), encode(p)],
    )?;
    Ok(())
}

pub fn all(conn: &Connection) -> Result<Vec<Place>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, body FROM places ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    rows.map(|row| {
        let (id, body) = row?;
        decode("장소", &id, &body)
    })
    .collect()
}
