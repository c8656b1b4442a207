//! `courses` table (local copy).

use baeum_domain::{Course, CourseId, CourseStatus};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{StoreError, Target, decode, decode_rows, encode};

fn stages_column(course: &Course) -> String {
    let mut s = String::from("|");
    for stage in &course.life_stages {
        s.push_str(stage.code());
        s.push('|');
    }
    s
}

pub fn upsert(tx: &Transaction<'_>, c: &Course) -> Result<(), StoreError> {
    write(tx, Target::Live, c, &encode(c))
}

/// Writes `c` with its JSON `body` (as received) into the live or staged table, copying out the
/// columns queries use.
pub fn write(tx: &Transaction<'_>, target: Target, c: &Course, body: &str) -> Result<(), StoreError> {
    let status = match c.status {
        CourseStatus::Scheduled => "scheduled",
        CourseStatus::Cancelled => "cancelled",
    };
    let sql = match target {
        Target::Live => {
            "INSERT OR REPLACE INTO courses (id, institution_id, place_id, title, field, life_stages, first_date, status, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        }
        Target::Staged => {
            "INSERT OR REPLACE INTO staged_courses (id, institution_id, place_id, title, field, life_stages, first_date, status, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        }
    };
    tx.prepare_cached(sql)?.execute(params![
        c.id.as_str(),
        c.institution_id.as_str(),
        c.place_id.as_ref().map(|p| p.as_str()),
        c.title.as_str(),
        c.field.code(),
        stages_column(c),
        c.first_session().date.to_string(),
        status,
        body
    ])?;
    Ok(())
}

pub fn delete(tx: &Transaction<'_>, id: &CourseId) -> Result<(), StoreError> {
    tx.execute("DELETE FROM courses WHERE id = ?1", [id.as_str()])?;
    Ok(())
}

/// Every course in first-session order (then id), the order search results keep among equals.
pub fn all_by_start(conn: &Connection) -> Result<Vec<Course>, StoreError> {
    decode_rows(conn, "강좌", "SELECT id, body FROM courses ORDER BY first_date, id", [])
}

/// In id order (the hub's key order).
pub fn all_by_id(conn: &Connection) -> Result<Vec<Course>, StoreError> {
    decode_rows(conn, "강좌", "SELECT id, body FROM courses ORDER BY id", [])
}

/// The courses with these ids, in the order given (missing ids are skipped).
pub fn get_many(conn: &Connection, ids: &[String]) -> Result<Vec<Course>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT body FROM courses WHERE id = ?1")?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let body: Option<String> = stmt.query_row([id], |r| r.get(0)).optional()?;
        if let Some(body) = body {
            out.push(decode("강좌", id, &body)?);
        }
    }
    Ok(out)
}

pub fn count(conn: &Connection) -> Result<u64, StoreError> {
    Ok(conn.query_row("SELECT COUNT(*) FROM courses", [], |r| r.get::<_, i64>(0))? as u64)
}
