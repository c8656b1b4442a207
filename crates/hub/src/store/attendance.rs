//! `attendance`: who was present at which session.

use crate::db::{Connection, Transaction, params};
use baeum_domain::{CourseId, LearnerId};
use chrono::{DateTime, NaiveDate, Utc};

use super::StoreError;

pub fn mark(
    tx: &Transaction<'_>,
    learner: &LearnerId,
    course: &CourseId,
    session: NaiveDate,
    present: bool,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO attendance (learner_id, course_id, session, present, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (learner_id, course_id, session) DO UPDATE SET present = excluded.present, recorded_at = excluded.recorded_at",
    )?
    .execute(params![learner.as_str(), course.as_str(), session.to_string(), present, at.to_rfc3339()])?;
    Ok(())
}

/// Sessions the learner attended.
pub fn attended(conn: &Connection, learner: &LearnerId, course: &CourseId) -> Result<u32, StoreError> {
    let n: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM attendance WHERE learner_id = ?1 AND course_id = ?2 AND present = 1")?
        .query_row(params![learner.as_str(), course.as_str()], |r| r.get(0))?;
    Ok(n as u32)
}

/// Every mark of a course: (learner, session, present).
pub fn of_course(conn: &Connection, course: &CourseId) -> Result<Vec<(String, NaiveDate, bool)>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT learner_id, session, present FROM attendance WHERE course_id = ?1 ORDER BY session")?;
    let rows = stmt.query_map(params![course.as_str()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?))
    })?;
    let mut marks = Vec::new();
    for row in rows {
        let (learner, session, present) = row?;
        let session = session.parse().map_err(|e: chrono::ParseError| StoreError::Corrupt {
            what: "attendance",
            id: format!("{learner}/{session}"),
            problem: e.to_string(),
        })?;
        marks.push((learner, session, present));
    }
    Ok(marks)
}
