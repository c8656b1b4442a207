//! `courses` table.

use crate::db::{Connection, OptionalExtension, Transaction, params};
use baeum_domain::{Course, CourseId};

use super::{StoreError, decode, decode_rows};

pub fn stored_body(conn: &Connection, id: &CourseId) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT body FROM courses WHERE id = ?1", [id.as_str()], |r| r.get(0)).optional()?)
}

pub fn upsert(tx: &Transaction<'_>, course: &Course, body: &str, seq: u64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO courses (id, institution_id, place_id, body, updated_seq) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET institution_id = excluded.institution_id, place_id = excluded.place_id,
                                        body = excluded.body, updated_seq = excluded.updated_seq",
        params![
            course.id.as_str(),
            course.institution_id.as_str(),
            course.place_id.as_ref().map(|p| p.as_str()),
            body,
            seq as i64
        ],
    )?;
    Ok(())
}

/// Removes a course; returns whether it existed.
pub fn delete(tx: &Transaction<'_>, id: &CourseId) -> Result<bool, StoreError> {
    Ok(tx.execute("DELETE FROM courses WHERE id = ?1", [id.as_str()])? > 0)
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<Course>, StoreError> {
    let body: Option<String> =
        conn.query_row("SELECT body FROM courses WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    body.map(|b| decode("강좌", id, &b)).transpose()
}

pub fn count(conn: &Connection) -> Result<u64, StoreError> {
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM courses", [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or_default())
}

pub fn all(conn: &Connection) -> Result<Vec<Course>, StoreError> {
    decode_rows(conn, "강좌", "SELECT id, body FROM courses ORDER BY id", [])
}
