//! The attendance service (출석): staff mark a session for a learner, and take the roll from a
//! class list (명단).

use serde::{Deserialize, Serialize};

use crate::ids::{CourseId, LearnerId};

/// Staff marked attendance for one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AttendanceIntent {
    MarkAttendance {
        learner_id: LearnerId,
        course_id: CourseId,
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        session: chrono::NaiveDate,
        present: bool,
    },
}

/// Attendance so far, and whether it reaches completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AttendanceOutcome {
    AttendanceRecorded { attended: u32, sessions: u32, completed: bool },
}

/// `POST /v1/courses/roster`: a class list for staff taking attendance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterRequest {
    pub course_id: CourseId,
}

/// One confirmed learner of a class and the sessions they were marked present at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterLine {
    pub learner_id: LearnerId,
    /// Name masked (홍*동) and the last four digits of the mobile number, enough to call the roll.
    pub name_masked: String,
    pub mobile_last4: String,
    pub present: Vec<chrono::NaiveDate>,
    pub absent: Vec<chrono::NaiveDate>,
}

/// Every confirmed learner of a course in enrollment order, with the course's session dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Roster {
    pub course_id: CourseId,
    pub sessions: Vec<chrono::NaiveDate>,
    /// The sessions held over ZOOM (their roll is taken from this same list).
    #[serde(default)]
    pub live: Vec<chrono::NaiveDate>,
    pub learners: Vec<RosterLine>,
    pub as_of: chrono::DateTime<chrono::Utc>,
}
