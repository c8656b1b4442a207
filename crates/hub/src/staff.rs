//! Staff accounts at the hub: added, reset and disabled by `baeum-hub staff` (the console later),
//! signed in at a kiosk with their number and a 6-digit PIN checked here only (Argon2id with the
//! hub's pepper, locked after repeated wrong PINs), and the stamp check that lets the hub accept
//! a staff action a kiosk recorded inside a staff session.

use crate::db::Connection;
use baeum_domain::intent::IntentBody;
use baeum_domain::learner::{IdentityCheck, LearnerIntent};
use baeum_domain::staff::{StaffNumber, StaffProfile, StaffStamp, staff_pin};
use baeum_domain::{KioskId, enrollment::EnrollmentIntent};
use chrono::{DateTime, Utc};

use crate::pins::PinPepper;
use crate::store::sessions::{self, Subject};
use crate::store::{StoreError, staff};

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("{0}")]
    Invalid(#[from] baeum_domain::ValueError),
    #[error("이미 있는 직원 번호입니다: {0}")]
    Exists(StaffNumber),
    #[error("없는 직원 번호입니다: {0}")]
    Unknown(StaffNumber),
    #[error(transparent)]
    Hash(#[from] crate::pins::PinHashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The stored form of a staff PIN (the same Argon2id wrap as learners' PINs).
pub fn hash_pin(pepper: &PinPepper, raw: &str) -> Result<String, StaffError> {
    let pin = staff_pin(raw)?;
    let mut salt = [0u8; 8];
    getrandom::fill(&mut salt).map_err(|e| crate::pins::PinHashError::from_text(e.to_string()))?;
    let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
    Ok(pepper.wrap(&baeum_domain::learner::pin_hash(&pin, &salt))?)
}

/// Adds an account (`baeum-hub staff add`). Blocking: one Argon2id run.
pub fn add(
    conn: &Connection,
    pepper: &PinPepper,
    profile: &StaffProfile,
    pin: &str,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let hash = hash_pin(pepper, pin)?;
    if !staff::insert(conn, profile, &hash, now)? {
        return Err(StaffError::Exists(profile.staff_number.clone()));
    }
    Ok(())
}

/// A new PIN, and the lockout lifted (`baeum-hub staff reset`).
pub fn reset(conn: &Connection, pepper: &PinPepper, number: &StaffNumber, pin: &str) -> Result<(), StaffError> {
    let hash = hash_pin(pepper, pin)?;
    match staff::set_pin(conn, number, &hash)? {
        true => Ok(()),
        false => Err(StaffError::Unknown(number.clone())),
    }
}

/// Whether an intent is one only staff may send.
pub fn staff_only(body: &IntentBody) -> bool {
    match body {
        IntentBody::Enrollment(EnrollmentIntent::RecordPayment { .. }) | IntentBody::Attendance(_) => true,
        IntentBody::Learner(LearnerIntent::RegisterLearner { learner }) => {
            learner.valid().is_some_and(|l| l.identity == IdentityCheck::StaffChecked)
        }
        _ => false,
    }
}

/// The staff member a stamp names, if it names a session the hub opened for them at `kiosk` and
/// their account is still active. The session may have ended since: an action recorded while it
/// was open can reach the hub later (ended sessions are kept a week for this; see
/// [`sessions::purge_ended`]).
pub fn verified(conn: &Connection, kiosk: &KioskId, stamp: &StaffStamp) -> Result<Option<StaffProfile>, StoreError> {
    let Some(session) = sessions::get(conn, stamp.session.as_str())? else { return Ok(None) };
    let theirs = session.kiosk_id == kiosk.as_str()
        && matches!(&session.subject, Subject::Staff(n) if n == stamp.staff_number.as_str());
    if !theirs {
        return Ok(None);
    }
    Ok(staff::get(conn, &stamp.staff_number)?.filter(|a| a.disabled_at.is_none()).map(|a| a.profile))
}

/// Whether `staff` may act on the course `body` is about: a 기관 담당자 only on their own
/// institution's courses (a 시스템 관리자 and the front desk on any).
pub fn in_scope(conn: &Connection, staff: &StaffProfile, body: &IntentBody) -> Result<bool, StoreError> {
    if staff.role != baeum_domain::staff::StaffRole::InstitutionOfficer {
        return Ok(true);
    }
    if let IntentBody::Club(c) = body {
        // A club is its institution's: a 기관 담당자 acts for their own institution's clubs only.
        let institution = match c {
            baeum_domain::club::ClubIntent::RegisterClub { application } => Some(application.institution_id.clone()),
            _ => crate::store::clubs::get(conn, c.club_id())?.map(|club| club.application.institution_id),
        };
        return Ok(institution.is_some_and(|i| Some(&i) == staff.institution_id.as_ref()));
    }
    let course = match body {
        IntentBody::Enrollment(e) => e.seat().1,
        IntentBody::Attendance(baeum_domain::attendance::AttendanceIntent::MarkAttendance { course_id, .. }) => {
            course_id
        }
        // Registering someone is about no course.
        _ => return Ok(true),
    };
    Ok(crate::store::courses::get(conn, course.as_str())?
        .is_some_and(|c| Some(&c.institution_id) == staff.institution_id.as_ref()))
}

/// What an applied staff intent goes into the access log as.
pub fn audit_action(body: &IntentBody) -> Option<(&'static str, String)> {
    match body {
        IntentBody::Enrollment(EnrollmentIntent::RecordPayment { learner_id, course_id, .. }) => {
            Some(("desk_payment", format!("{learner_id} {course_id}")))
        }
        IntentBody::Attendance(baeum_domain::attendance::AttendanceIntent::MarkAttendance {
            learner_id,
            course_id,
            session,
            ..
        }) => Some(("attendance", format!("{learner_id} {course_id} {session}"))),
        IntentBody::Learner(LearnerIntent::RegisterLearner { learner }) => {
            learner.valid().map(|l| ("register_learner_id_checked", l.id.to_string()))
        }
        IntentBody::Enrollment(e) => Some(("on_behalf", format!("{} {}", e.seat().0, e.seat().1))),
        IntentBody::Subsidy(s) => Some(("subsidy_on_behalf", s.learner().to_string())),
        IntentBody::Rental(r) => Some(("rental_on_behalf", format!("{} {}", r.learner(), r.booking()))),
        IntentBody::Club(c) => Some(("club_on_behalf", format!("{} {}", c.actor(), c.club_id()))),
        _ => None,
    }
}
