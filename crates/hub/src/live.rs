//! ZOOM sessions of courses: the operator loads them from a JSON file (`baeum-hub live load`),
//! each checked against the course it belongs to; a signed-in learner reads hers.

use crate::db::{Connection, TransactionBehavior};
use baeum_domain::kst;
use baeum_domain::live::{LiveClass, LiveClasses, LiveSession};
use baeum_domain::{Course, LearnerId};
use chrono::{DateTime, Utc};

use crate::store::{self, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("실시간 수업 파일을 읽을 수 없습니다: {0}")]
    Unreadable(String),
    #[error("{course}: 없는 강좌입니다")]
    UnknownCourse { course: String },
    #[error("{course} {date}: 이 강좌의 회차가 아닙니다")]
    NotASession { course: String, date: chrono::NaiveDate },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Loads a list of live sessions (a JSON array of [`LiveSession`]) in one transaction: each
/// must be a session of its course; the courses it names get exactly these live sessions.
pub fn load(conn: &mut Connection, json: &str) -> Result<Vec<LiveSession>, LiveError> {
    let sessions: Vec<LiveSession> = serde_json::from_str(json).map_err(|e| LiveError::Unreadable(e.to_string()))?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
    for s in &sessions {
        let course = store::courses::get(&tx, s.course_id.as_str())?
            .ok_or_else(|| LiveError::UnknownCourse { course: s.course_id.to_string() })?;
        if !course.sessions.iter().any(|x| x.date == s.date) {
            return Err(LiveError::NotASession { course: s.course_id.to_string(), date: s.date });
        }
    }
    store::live::replace(&tx, &sessions)?;
    tx.commit().map_err(StoreError::from)?;
    Ok(sessions)
}

/// The learner's live sessions that have not ended, soonest first, with each course's times.
pub fn of_learner(conn: &Connection, learner: &LearnerId, now: DateTime<Utc>) -> Result<LiveClasses, StoreError> {
    let today = now.with_timezone(&kst()).date_naive();
    let mut classes = Vec::new();
    let mut course: Option<Course> = None;
    for s in store::live::of_learner(conn, learner, today)? {
        if course.as_ref().is_none_or(|c| c.id != s.course_id) {
            course = store::courses::get(conn, s.course_id.as_str())?;
        }
        let Some(c) = &course else { continue };
        let Some(session) = c.sessions.iter().find(|x| x.date == s.date) else { continue };
        let at = |t: chrono::NaiveTime| s.date.and_time(t).and_local_timezone(kst()).single();
        let (Some(starts_at), Some(ends_at)) = (at(session.starts_at), at(session.ends_at)) else { continue };
        if ends_at <= now {
            continue;
        }
        classes.push(LiveClass {
            course_id: s.course_id,
            course_title: c.title.to_string(),
            starts_at: starts_at.fixed_offset(),
            ends_at: ends_at.fixed_offset(),
            join_url: s.join_url,
            passcode: s.passcode,
        });
    }
    classes.sort_by_key(|c| c.starts_at);
    Ok(LiveClasses { as_of: now, classes })
}
