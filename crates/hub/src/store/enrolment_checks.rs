//! `enrolment_checks`: the minimum-enrolment check (폐강 or not) of each course, decided once.

use crate::db::{OptionalExtension, Transaction, params};
use chrono::{DateTime, Utc};

use super::StoreError;

/// What the check decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Decision {
    /// Enough seats taken: the course runs.
    Runs,
    /// 폐강: below the minimum.
    Cancelled,
}

/// Courses someone applied to through the hub whose check has not run yet.
pub fn unchecked_courses(tx: &Transaction<'_>) -> Result<Vec<String>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT DISTINCT e.course_id FROM enrollments e
          WHERE NOT EXISTS (SELECT 1 FROM enrolment_checks c WHERE c.course_id = e.course_id)",
    )?;
    Ok(stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?)
}

/// What the check of `course` decided, if it ran.
pub fn get(tx: &Transaction<'_>, course: &str) -> Result<Option<Decision>, StoreError> {
    let stored: Option<String> = tx
        .prepare_cached("SELECT outcome FROM enrolment_checks WHERE course_id = ?1")?
        .query_row([course], |r| r.get(0))
        .optional()?;
    stored
        .map(|s| {
            s.parse().map_err(|_| StoreError::Corrupt {
                what: "최소 인원 확인",
                id: course.to_owned(),
                problem: format!("unknown decision {s:?}"),
            })
        })
        .transpose()
}

pub fn record(tx: &Transaction<'_>, course: &str, decision: Decision, now: DateTime<Utc>) -> Result<(), StoreError> {
    let name: &'static str = decision.into();
    tx.prepare_cached("INSERT INTO enrolment_checks (course_id, outcome, checked_at) VALUES (?1, ?2, ?3)")?
        .execute(params![course, name, now.to_rfc3339()])?;
    Ok(())
}
