//! The class list staff take attendance from: every confirmed learner of a course and the
//! sessions they were marked present or absent at.

use crate::db::Connection;
use baeum_domain::CourseId;
use baeum_domain::attendance::{Roster, RosterLine};
use chrono::{DateTime, Utc};

use crate::store::{StoreError, attendance, courses, enrollments, learners};

/// `None` when the hub does not know the course.
pub fn roster(conn: &Connection, course_id: &CourseId, now: DateTime<Utc>) -> Result<Option<Roster>, StoreError> {
    let Some(course) = courses::get(conn, course_id.as_str())? else {
        return Ok(None);
    };
    let marks = attendance::of_course(conn, course_id)?;
    let mut lines = Vec::new();
    for row in enrollments::in_state(conn, course_id, enrollments::state::CONFIRMED)? {
        let Some(learner) = learners::get(conn, row.learner_id.as_str())? else { continue };
        let mine = marks.iter().filter(|(who, _, _)| who == row.learner_id.as_str());
        let (present, absent): (Vec<_>, Vec<_>) = mine.partition(|(_, _, present)| *present);
        lines.push(RosterLine {
            learner_id: row.learner_id.clone(),
            name_masked: learner.name.masked(),
            mobile_last4: learner.mobile.last4().to_owned(),
            present: present.into_iter().map(|(_, d, _)| *d).collect(),
            absent: absent.into_iter().map(|(_, d, _)| *d).collect(),
        });
    }
    Ok(Some(Roster {
        course_id: course.id.clone(),
        sessions: course.sessions.iter().map(|s| s.date).collect(),
        live: crate::store::live::dates_of(conn, course_id)?,
        learners: lines,
        as_of: now,
    }))
}

#[cfg(test)]
mod tests {
    use baeum_domain::Selection;
    use baeum_domain::attendance::AttendanceIntent;
    use baeum_domain::attendance::AttendanceOutcome;
    use baeum_domain::intent::{IntentBody, Outcome};

    use super::*;
    use crate::arbitration::fixtures::*;

    #[test]
    fn the_roster_lists_confirmed_learners_with_their_marks_and_not_the_waiting_list() {
        let (mut conn, course) = hub(2, Selection::FirstCome, 0);
        let mut k = TestKiosk::new("k-a");
        let everyone = (1..=3).flat_map(|i| [register(i, "1950-01-01"), apply(i, &course)]).collect();
        k.send(&mut conn, at("2026-11-26T14:00:00"), everyone);
        let (first, second) = (course.sessions[0].date, course.sessions[1].date);
        let marks = vec![
            IntentBody::Attendance(AttendanceIntent::MarkAttendance {
                learner_id: lid(1),
                course_id: course.id.clone(),
                session: first,
                present: true,
            }),
            IntentBody::Attendance(AttendanceIntent::MarkAttendance {
                learner_id: lid(1),
                course_id: course.id.clone(),
                session: second,
                present: false,
            }),
            IntentBody::Attendance(AttendanceIntent::MarkAttendance {
                learner_id: lid(2),
                course_id: course.id.clone(),
                session: first,
                present: true,
            }),
        ];
        let answer = k.send(&mut conn, at("2026-12-30T12:00:00"), marks);
        assert!(
            answer
                .results
                .iter()
                .all(|r| matches!(r.outcome, Outcome::Attendance(AttendanceOutcome::AttendanceRecorded { .. }))),
            "{answer:?}"
        );

        let list = super::roster(&conn, &course.id, at("2026-12-30T12:01:00")).unwrap().unwrap();
        assert_eq!(list.sessions.len(), course.sessions.len());
        let ids: Vec<_> = list.learners.iter().map(|l| l.learner_id.clone()).collect();
        assert_eq!(ids, vec![lid(1), lid(2)], "two seats: the third learner waits and is not on the class list");
        assert_eq!(list.learners[0].present, vec![first]);
        assert_eq!(list.learners[0].absent, vec![second]);
        assert_eq!(list.learners[1].present, vec![first]);
        assert!(list.learners[0].name_masked.contains('*'), "names are masked: {}", list.learners[0].name_masked);
        assert_eq!(list.learners[0].mobile_last4.len(), 4);

        let unknown = CourseId::parse("no-such-course").unwrap();
        assert_eq!(super::roster(&conn, &unknown, at("2026-12-30T12:01:00")).unwrap(), None);
    }
}
