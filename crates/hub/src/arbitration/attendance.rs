//! The attendance service at the hub: a mark for one session of a confirmed learner, and whether
//! the attendance so far reaches completion.

use crate::db::Transaction;
use baeum_domain::attendance::{AttendanceIntent, AttendanceOutcome};
use baeum_domain::intent::Outcome;
use baeum_domain::rules::RejectReason;
use baeum_domain::{CourseId, LearnerId, kst};
use chrono::{DateTime, Utc};

use super::{CourseCache, Decision, rejected};
use crate::store::{StoreError, attendance, enrollments};

/// How long before a class starts staff may mark its attendance.
pub const ATTENDANCE_OPENS_MINUTES: i64 = 30;

pub(super) fn decide(d: &mut Decision<'_, '_>, body: &AttendanceIntent) -> Result<Outcome, StoreError> {
    match body {
        AttendanceIntent::MarkAttendance { learner_id, course_id, session, present } => {
            mark_attendance(d.tx, d.courses, learner_id, course_id, *session, *present, d.now)
        }
    }
}

fn mark_attendance(
    tx: &Transaction<'_>,
    courses: &mut CourseCache,
    learner_id: &LearnerId,
    course_id: &CourseId,
    session: chrono::NaiveDate,
    present: bool,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let Some(state) = courses.get(tx, course_id)? else {
        return Ok(rejected(RejectReason::UnknownCourse));
    };
    if !enrollments::is_confirmed(tx, learner_id, course_id)? {
        return Ok(rejected(RejectReason::NotEnrolled));
    }
    let Some(class) = state.course.sessions.iter().find(|s| s.date == session) else {
        return Ok(rejected(RejectReason::UnknownSession));
    };
    // Attendance is taken in class (from half an hour before, as people arrive), or after it
    // (uploaded later): never for one to come.
    let starts = session.and_time(class.starts_at).and_local_timezone(kst()).earliest();
    if starts.is_none_or(|t| t - chrono::Duration::minutes(ATTENDANCE_OPENS_MINUTES) > now) {
        return Ok(rejected(RejectReason::SessionNotStarted));
    }
    attendance::mark(tx, learner_id, course_id, session, present, now)?;
    let attended = attendance::attended(tx, learner_id, course_id)?;
    let sessions = state.course.sessions.len() as u32;
    Ok(AttendanceOutcome::AttendanceRecorded {
        attended,
        sessions,
        completed: state.rules.completed(attended, sessions),
    }
    .into())
}
