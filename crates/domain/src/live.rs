//! 실시간 온라인 수업 (ZOOM): some sessions of a course are held over ZOOM. Each has the https
//! invitation link and its passcode, which are for the course's confirmed learners only: they
//! never travel with the catalog, are never on a screen passers-by see, and reach a kiosk only for
//! a learner signed in there (her page, her QR code, her printed slip).

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CourseId, LearnerId};
use crate::links::WebLink;

/// A ZOOM meeting passcode: 1–10 letters or digits, as ZOOM allows. Its `Debug` hides it, so a
/// log line that prints a session by mistake still does not carry it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "482913"))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[serde(try_from = "String", into = "String")]
pub struct Passcode(String);

impl Passcode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() || raw.chars().count() > 10 || !raw.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err("회의 암호는 영문자나 숫자 1~10자여야 합니다".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Passcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passcode(…)")
    }
}

impl TryFrom<String> for Passcode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Passcode> for String {
    fn from(value: Passcode) -> Self {
        value.0
    }
}

/// One session of a course held over ZOOM, as the hub's configuration file lists it: the course,
/// the date of the course session it is (its time is the course's), the invitation and passcode.
/// Its `Debug` leaves out the invitation (ZOOM links carry the passcode as `pwd=`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveSession {
    pub course_id: CourseId,
    pub date: NaiveDate,
    /// The https invitation (`https://…zoom.us/j/…`), never `zoommtg://`.
    pub join_url: WebLink,
    pub passcode: Passcode,
}

/// `POST /v1/live/mine`: a signed-in learner's live classes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveClassesRequest {
    pub learner_id: LearnerId,
}

/// One upcoming live session of a course the learner is confirmed in (`Debug` without the
/// invitation and passcode).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveClass {
    pub course_id: CourseId,
    pub course_title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub starts_at: DateTime<FixedOffset>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub ends_at: DateTime<FixedOffset>,
    pub join_url: WebLink,
    pub passcode: Passcode,
}

impl fmt::Debug for LiveSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveSession")
            .field("course_id", &self.course_id)
            .field("date", &self.date)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for LiveClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveClass")
            .field("course_id", &self.course_id)
            .field("starts_at", &self.starts_at)
            .finish_non_exhaustive()
    }
}

/// The learner's live sessions that have not ended, soonest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveClasses {
    pub as_of: DateTime<Utc>,
    pub classes: Vec<LiveClass>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passcode_is_short_plain_and_never_printed_by_debug() {
        let p = Passcode::parse(" 482913 ").unwrap();
        assert_eq!(p.as_str(), "482913");
        assert!(!format!("{p:?}").contains("482913"));
        assert!(Passcode::parse("").is_err());
        assert!(Passcode::parse("12345678901").is_err());
        assert!(Passcode::parse("48 29").is_err());
    }

    #[test]
    fn a_live_session_with_a_zoom_app_link_is_refused() {
        let json =
            r#"{"course_id":"gm-1","date":"2026-12-09","join_url":"zoommtg://zoom.us/join?confno=1","passcode":"1"}"#;
        assert!(serde_json::from_str::<LiveSession>(json).is_err());
        let json =
            r#"{"course_id":"gm-1","date":"2026-12-09","join_url":"https://zoom.us/j/8123456789","passcode":"1a"}"#;
        let s: LiveSession = serde_json::from_str(json).unwrap();
        assert!(!format!("{s:?}").contains("1a\""));
    }
}
