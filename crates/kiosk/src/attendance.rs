//! The attendance service at the kiosk: staff mark a learner present or absent at one session
//! (an intent, so it works offline) and see the class list — the hub's, or offline the learners
//! this kiosk enrolled with the marks it recorded.

use baeum_domain::attendance::{AttendanceIntent, AttendanceOutcome, Roster, RosterLine};
use baeum_domain::intent::IntentBody;
use baeum_domain::rules::RejectReason;
use baeum_domain::{CourseId, LearnerId};
use chrono::NaiveDate;
use serde::Serialize;

use crate::Kiosk;
use crate::error::KioskError;
use crate::on_duty::OnDuty;
use crate::store::{self, outbox};

impl Kiosk {
    /// Staff marked attendance for one session (works offline once they signed in; the hub
    /// records it on arrival, under their stamp).
    pub fn mark_attendance(
        &self,
        learner: &LearnerId,
        course: &CourseId,
        session: NaiveDate,
        present: bool,
        staff: &OnDuty,
    ) -> Result<baeum_domain::OpId, KioskError> {
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let body = IntentBody::Attendance(AttendanceIntent::MarkAttendance {
            learner_id: learner.clone(),
            course_id: course.clone(),
            session,
            present,
        });
        let intent = outbox::append_by(&tx, body, Some(staff.stamp()), now)?;
        tx.commit()?;
        Ok(intent.op_id)
    }

    /// The class list of `course` from the hub; offline, the learners this kiosk enrolled
    /// (confirmed) with the marks it recorded, so attendance can still be taken.
    pub async fn roster(&self, course: &CourseId, staff: &OnDuty) -> Result<Roster, KioskError> {
        match self.hub.roster(staff.session(), course).await {
            Ok(roster) => Ok(roster),
            // The staff session ended at the hub (an hour at most): staff sign in again.
            Err(KioskError::SessionRequired) => Err(KioskError::StaffRequired),
            Err(KioskError::HubRefused { code, .. }) if code == baeum_domain::ErrorCode::CourseNotFound => {
                Err(KioskError::CourseNotFound(course.to_string()))
            }
            Err(
                e @ (KioskError::HubUnreachable(_)
                | KioskError::HubTimeout
                | KioskError::HubBusy { .. }
                | KioskError::HubServerError { .. }),
            ) => {
                tracing::info!(code = %e.code(), "roster from the hub unavailable; using what this kiosk knows");
                self.local_roster(course)
            }
            Err(e) => Err(e),
        }
    }

    fn local_roster(&self, course: &CourseId) -> Result<Roster, KioskError> {
        let conn = self.conn();
        let found = store::courses::get_many(&conn, &[course.to_string()])?;
        let Some(c) = found.first() else {
            return Err(KioskError::CourseNotFound(course.to_string()));
        };
        let mut learners = Vec::new();
        for e in store::enrollments::all(&conn)? {
            let confirmed = matches!(e.status, Some(baeum_domain::enrollment::EnrollmentStatus::Confirmed));
            if e.course_id != *course || !confirmed {
                continue;
            }
            let Some(person) = store::learners::get(&conn, e.learner_id.as_str())? else { continue };
            let (present, absent) = store::outbox::marks(&conn, &e.learner_id, course)?;
            learners.push(RosterLine {
                learner_id: e.learner_id.clone(),
                name_masked: person.name.masked(),
                mobile_last4: person.mobile.last4().to_owned(),
                present,
                absent,
            });
        }
        Ok(Roster {
            course_id: course.clone(),
            sessions: c.sessions.iter().map(|s| s.date).collect(),
            // Which sessions meet over ZOOM only the hub says; offline the list has no marks.
            live: Vec::new(),
            learners,
            as_of: self.clock.now(),
        })
    }

    /// Staff mark one learner present or absent at one session, and the hub is told at once
    /// when it answers quickly. The answer is the hub's count when it came.
    pub async fn take_attendance(
        &self,
        learner: &LearnerId,
        course: &CourseId,
        session: chrono::NaiveDate,
        present: bool,
        staff: &OnDuty,
    ) -> Result<AttendanceMark, KioskError> {
        let op = self.mark_attendance(learner, course, session, present, staff)?;
        self.upload_briefly(std::time::Duration::from_secs(4)).await;
        use baeum_domain::intent::Outcome;
        Ok(match self.outcome_of(&op)? {
            Some(Outcome::Attendance(AttendanceOutcome::AttendanceRecorded { attended, sessions, completed })) => {
                AttendanceMark::Recorded { attended, sessions, completed }
            }
            Some(Outcome::Rejected { reason }) => {
                AttendanceMark::Refused { code: reason, message: reason.message_ko().to_owned() }
            }
            Some(_) | None => AttendanceMark::Waiting,
        })
    }
}

/// What became of an attendance mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AttendanceMark {
    /// The hub counted it.
    Recorded { attended: u32, sessions: u32, completed: bool },
    /// The hub refused it (not enrolled, no such session).
    Refused { code: RejectReason, message: String },
    /// Recorded here; it goes up when the hub answers.
    Waiting,
}
