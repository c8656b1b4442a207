//! `live_sessions`: the ZOOM sessions of courses with their invitation and passcode. Only
//! [`of_learner`] hands out the link and passcode, and only for a learner's confirmed courses.

use crate::db::{Connection, Transaction, params};
use baeum_domain::links::WebLink;
use baeum_domain::live::{LiveSession, Passcode};
use baeum_domain::{CourseId, LearnerId};
use chrono::NaiveDate;

use super::StoreError;
use super::enrollments::state;

/// Replaces the live sessions of every course the list names (a course left out keeps its own).
pub fn replace(tx: &Transaction<'_>, sessions: &[LiveSession]) -> Result<(), StoreError> {
    let mut courses: Vec<&CourseId> = sessions.iter().map(|s| &s.course_id).collect();
    courses.sort();
    courses.dedup();
    for course in courses {
        tx.execute("DELETE FROM live_sessions WHERE course_id = ?1", [course.as_str()])?;
    }
    for s in sessions {
        tx.execute(
            "INSERT INTO live_sessions (course_id, date, join_url, passcode) VALUES (?1, ?2, ?3, ?4)",
            params![s.course_id.as_str(), s.date.to_string(), s.join_url.as_str(), s.passcode.as_str()],
        )?;
    }
    Ok(())
}

/// The dates of a course's sessions held over ZOOM (no link, no passcode).
pub fn dates_of(conn: &Connection, course: &CourseId) -> Result<Vec<NaiveDate>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT date FROM live_sessions WHERE course_id = ?1 ORDER BY date")?;
    let rows = stmt.query_map([course.as_str()], |r| r.get::<_, String>(0))?;
    rows.map(|d| {
        let d = d?;
        d.parse().map_err(|_| StoreError::Corrupt { what: "실시간 수업", id: course.to_string(), problem: d })
    })
    .collect()
}

/// Every course's ZOOM session dates, for the operator (no links, no passcodes).
pub fn listed(conn: &Connection) -> Result<std::collections::BTreeMap<String, Vec<String>>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT course_id, date FROM live_sessions ORDER BY course_id, date")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = std::collections::BTreeMap::<String, Vec<String>>::new();
    for row in rows {
        let (course, date) = row?;
        out.entry(course).or_default().push(date);
    }
    Ok(out)
}

/// The live sessions from `from` on of the courses `learner` holds a confirmed seat in.
pub fn of_learner(conn: &Connection, learner: &LearnerId, from: NaiveDate) -> Result<Vec<LiveSession>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.course_id, l.date, l.join_url, l.passcode FROM live_sessions l
         JOIN enrollments e ON e.course_id = l.course_id AND e.learner_id = ?1 AND e.state = ?2
         WHERE l.date >= ?3 ORDER BY l.date, l.course_id",
    )?;
    let rows = stmt.query_map(params![learner.as_str(), state::CONFIRMED, from.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (course, date, url, passcode) = row?;
        let corrupt = |problem: String| StoreError::Corrupt { what: "실시간 수업", id: course.clone(), problem };
        out.push(LiveSession {
            course_id: CourseId::parse(&course).map_err(|e| corrupt(e.to_string()))?,
            date: date.parse().map_err(|_| corrupt(date.clone()))?,
            join_url: WebLink::parse(&url).map_err(|e| corrupt(e.to_string()))?,
            passcode: Passcode::parse(&passcode).map_err(corrupt)?,
        });
    }
    Ok(out)
}
