//! `courses` table (local copy).

use baeum_domain::{Course, CourseId, CourseStatus, LifeStage};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{StoreError, decode, decode_rows, encode};

fn stages_column(course: &Course) -> String {
    let mut s = String::from("|");
    for stage in &course.life_stages {
        s.push_str(stage.code());
        s.push('|');
    }
    s
}

pub fn upsert(tx: &Transaction<'_>, c: &Course) -> Result<(), StoreError> {
    let status = match c.status {
        CourseStatus::Scheduled => "scheduled",
        CourseStatus::Cancelled => "cancelled",
    };
    tx.execute(
        "INSERT INTO courses (id, institution_id, place_id, title, field, life_stages, first_date, status, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET institution_id = excluded.institution_id, place_id = excluded.place_id,
             title = excluded.title, field = excluded.field, life_stages = excluded.life_stages,
             first_date = excluded.first_date, status = excluded.status, body = excluded.body",
        params![
            c.id.as_str(),
            c.institution_id.as_str(),
            c.place_id.as_ref().map(|p| p.as_str()),
            c.title.as_str(),
            c.field.code(),
            stages_column(c),
            c.first_session().date.to_string(),
            status,
            encode(c)
        ],
    )?;
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

/// How many courses each life stage has (a course for two stages counts for both).
pub fn count_by_stage(conn: &Connection) -> Result<Vec<(LifeStage, u64)>, StoreError> {
    let mut out = Vec::with_capacity(LifeStage::ALL.len());
    let mut stmt = conn.prepare_cached("SELECT COUNT(*) FROM courses WHERE life_stages LIKE ?1")?;
    for stage in LifeStage::ALL {
        let n: i64 = stmt.query_row([format!("%|{}|%", stage.code())], |r| r.get(0))?;
        out.push((*stage, n as u64));
    }
    Ok(out)
}
