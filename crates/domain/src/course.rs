//! A course (강좌) as citizens see it in the catalog: what, for whom, when, where, how much and
//! how seats are given. Built only through `CourseDraft` so every course in the system is valid.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::ids::{CourseId, InstitutionId, PlaceId};
use crate::money::Won;
use crate::schedule::{MAX_SESSIONS, Session};
use crate::text::{Label, clean};
use crate::time::kst;
use crate::validation::{Checker, ValidationErrors};
use crate::vocabulary::{Field, LifeStage, Selection};

/// Administrative state of a course. Whether applications are open is derived from the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CourseStatus {
    /// 개설: runs as planned.
    #[default]
    Scheduled,
    /// 폐강: cancelled (e.g. below minimum enrolment); applicants are refunded.
    Cancelled,
}

impl CourseStatus {
    pub fn parse(raw: &str) -> Result<Self, crate::ValueError> {
        match raw.trim() {
            "" | "scheduled" | "개설" | "정상" => Ok(CourseStatus::Scheduled),
            "cancelled" | "폐강" => Ok(CourseStatus::Cancelled),
            other => Err(crate::ValueError::Unknown {
                what: "강좌 상태",
                value: other.to_owned(),
                known: "개설, 폐강".to_owned(),
            }),
        }
    }
}

/// 접수기간: when applications are accepted (instants; shown in KST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationWindow {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime, example = "2026-11-20T10:00:00+09:00"))]
    #[serde(deserialize_with = "crate::wire_time::datetime")]
    pub opens_at: DateTime<FixedOffset>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime, example = "2026-12-04T18:00:00+09:00"))]
    #[serde(deserialize_with = "crate::wire_time::datetime")]
    pub closes_at: DateTime<FixedOffset>,
}

/// Where a course stands for an applicant at a given moment (접수예정/접수중/접수마감/폐강).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationPhase {
    Upcoming,
    Open,
    Closed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "CourseDraft")]
pub struct Course {
    pub id: CourseId,
    pub institution_id: InstitutionId,
    /// None for courses held online only (e.g. live ZOOM classes).
    pub place_id: Option<PlaceId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "스마트폰 활용 기초"))]
    pub title: Label<100>,
    pub summary: String,
    pub field: Field,
    /// Sorted, never empty.
    pub life_stages: Vec<LifeStage>,
    /// 수강대상 as the institution words it (e.g. "65세 이상 광명시민").
    pub target: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub instructor: Option<Label<40>>,
    /// 수강료
    pub fee: Won,
    /// 재료비 (never refunded under 별표3)
    pub materials_fee: Won,
    /// 정원
    pub capacity: u32,
    pub selection: Selection,
    pub status: CourseStatus,
    pub application: ApplicationWindow,
    /// Sorted by date and time, never empty.
    pub sessions: Vec<Session>,
}

/// Unchecked course as it arrives from a feed or the wire.
#[derive(Debug, Clone, Deserialize)]
pub struct CourseDraft {
    pub id: String,
    pub institution_id: String,
    #[serde(default)]
    pub place_id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub field: Field,
    pub life_stages: Vec<LifeStage>,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub instructor: Option<String>,
    pub fee: Won,
    #[serde(default)]
    pub materials_fee: Won,
    pub capacity: i64,
    pub selection: Selection,
    #[serde(default)]
    pub status: CourseStatus,
    pub application: ApplicationWindow,
    pub sessions: Vec<Session>,
}

/// Largest fee a course may ask; a typo guard (₩10,000,000).
pub const MAX_FEE: Won = Won(10_000_000);

impl TryFrom<CourseDraft> for Course {
    type Error = ValidationErrors;

    fn try_from(d: CourseDraft) -> Result<Self, Self::Error> {
        let mut c = Checker::default();
        let id = c.check("id", CourseId::parse(&d.id));
        let institution_id = c.check("institution_id", InstitutionId::parse(&d.institution_id));
        let place_id = match d.place_id.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => Some(None),
            Some(p) => c.check("place_id", PlaceId::parse(p)).map(Some),
        };
        let title = c.check("title", Label::parse(&d.title));
        let summary = c.check("summary", clean(&d.summary, 2000, false, true));
        let target = c.check("target", clean(&d.target, 200, false, false));
        let instructor = match d.instructor.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => Some(None),
            Some(name) => c.check("instructor", Label::parse(name)).map(Some),
        };
        let mut life_stages = d.life_stages.clone();
        life_stages.sort();
        life_stages.dedup();
        if life_stages.is_empty() {
            c.fail("life_stages", "생애주기를 하나 이상 적어야 합니다");
        }
        if d.fee > MAX_FEE {
            c.fail("fee", format!("수강료가 너무 큽니다 ({})", d.fee));
        }
        if d.materials_fee > MAX_FEE {
            c.fail("materials_fee", format!("재료비가 너무 큽니다 ({})", d.materials_fee));
        }
        let capacity = c.check(
            "capacity",
            u32::try_from(d.capacity)
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| format!("정원은 1~1000명이어야 합니다 (값: {})", d.capacity)),
        );
        let mut sessions = d.sessions.clone();
        sessions.sort();
        sessions.dedup();
        if sessions.is_empty() {
            c.fail("sessions", "회차가 하나도 없습니다");
        } else if sessions.len() > MAX_SESSIONS {
            c.fail("sessions", format!("회차가 {MAX_SESSIONS}회를 넘습니다"));
        }
        if let Some(bad) = sessions.iter().find(|s| s.ends_at <= s.starts_at) {
            c.fail("sessions", format!("{} 회차의 종료 시각이 시작 시각보다 늦어야 합니다", bad.date));
        }
        let window = d.application;
        if window.closes_at <= window.opens_at {
            c.fail("application", "접수 마감이 접수 시작보다 늦어야 합니다");
        }
        if let Some(first) = sessions.first() {
            let first_start = session_start(first);
            if window.opens_at >= first_start {
                c.fail("application", "접수 시작이 첫 회차보다 앞서야 합니다");
            }
        }
        let application = ApplicationWindow {
            opens_at: window.opens_at.with_timezone(&kst()),
            closes_at: window.closes_at.with_timezone(&kst()),
        };
        c.finish(|| {
            Some(Course {
                id: id?,
                institution_id: institution_id?,
                place_id: place_id?,
                title: title?,
                summary: summary?,
                field: d.field,
                life_stages,
                target: target?,
                instructor: instructor?,
                fee: d.fee,
                materials_fee: d.materials_fee,
                capacity: capacity?,
                selection: d.selection,
                status: d.status,
                application,
                sessions,
            })
        })
    }
}

fn session_start(s: &Session) -> DateTime<FixedOffset> {
    let naive = NaiveDateTime::new(s.date, s.starts_at);
    // A fixed offset has no gaps or folds, so this is always single.
    naive.and_local_timezone(kst()).single().unwrap_or_else(|| naive.and_utc().fixed_offset())
}

impl Course {
    pub fn first_session(&self) -> &Session {
        // Invariant: sessions is never empty (checked in try_from).
        &self.sessions[0]
    }

    pub fn last_session(&self) -> &Session {
        &self.sessions[self.sessions.len() - 1]
    }

    /// When the first session starts, as an instant.
    pub fn starts_at(&self) -> DateTime<FixedOffset> {
        session_start(self.first_session())
    }

    /// Total teaching hours, rounded down to whole minutes (certificates print hours).
    pub fn total_minutes(&self) -> i64 {
        self.sessions.iter().map(Session::minutes).sum()
    }

    /// Distinct weekdays the course meets on, Monday first.
    pub fn weekdays(&self) -> Vec<Weekday> {
        let mut days: Vec<Weekday> = self.sessions.iter().map(|s| chrono::Datelike::weekday(&s.date)).collect();
        days.sort_by_key(|d| d.num_days_from_monday());
        days.dedup();
        days
    }

    pub fn is_free(&self) -> bool {
        self.fee.is_free() && self.materials_fee.is_free()
    }

    pub fn phase_at(&self, now: DateTime<Utc>) -> ApplicationPhase {
        if self.status == CourseStatus::Cancelled {
            ApplicationPhase::Cancelled
        } else if now < self.application.opens_at {
            ApplicationPhase::Upcoming
        } else if now < self.application.closes_at {
            ApplicationPhase::Open
        } else {
            ApplicationPhase::Closed
        }
    }

    pub fn is_for(&self, stage: LifeStage) -> bool {
        self.life_stages.contains(&stage)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime, TimeZone};

    use super::*;

    pub(crate) fn draft() -> CourseDraft {
        let at = |d: u32, h: u32| kst().with_ymd_and_hms(2026, 11, d, h, 0, 0).single().unwrap_or_default();
        let session = |day: u32| Session {
            date: NaiveDate::from_ymd_opt(2026, 12, day).unwrap_or_default(),
            starts_at: NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default(),
            ends_at: NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default(),
        };
        CourseDraft {
            id: "gm-llc-2027-001".into(),
            institution_id: "gm-llc".into(),
            place_id: Some("gm-llc-r301".into()),
            title: "  스마트폰 활용 기초  ".into(),
            summary: "카카오톡, 사진 보내기, 지도 앱 쓰기를 차근차근 배웁니다.".into(),
            field: Field::Humanities,
            life_stages: vec![LifeStage::Senior, LifeStage::MiddleAged, LifeStage::Senior],
            target: "60세 이상 광명시민".into(),
            instructor: Some("김은정".into()),
            fee: Won(30_000),
            materials_fee: Won(5_000),
            capacity: 20,
            selection: Selection::FirstCome,
            status: CourseStatus::Scheduled,
            application: ApplicationWindow { opens_at: at(20, 10), closes_at: at(30, 18) },
            sessions: vec![session(8), session(1), session(3)],
        }
    }

    #[test]
    fn a_valid_draft_becomes_a_normalised_course() {
        let course = Course::try_from(draft()).map_err(|e| e.to_string());
        let course = match course {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(course.title.as_str(), "스마트폰 활용 기초");
        assert_eq!(course.life_stages, vec![LifeStage::MiddleAged, LifeStage::Senior]);
        assert_eq!(course.first_session().date.to_string(), "2026-12-01");
        assert_eq!(course.total_minutes(), 360);
        assert_eq!(course.weekdays(), vec![Weekday::Tue, Weekday::Thu]);
    }

    #[test]
    fn negative_capacity_and_reversed_window_are_refused_with_field_names() {
        let mut d = draft();
        d.capacity = -3;
        std::mem::swap(&mut d.application.opens_at, &mut d.application.closes_at);
        let errors = Course::try_from(d).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["capacity", "application"]);
        assert!(errors.to_string().contains("정원"));
    }

    #[test]
    fn application_phase_follows_the_window_and_cancellation() {
        let mut course = match Course::try_from(draft()) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        let at = |d: u32| Utc.with_ymd_and_hms(2026, 11, d, 3, 0, 0).single().unwrap_or_default();
        assert_eq!(course.phase_at(at(19)), ApplicationPhase::Upcoming);
        assert_eq!(course.phase_at(at(25)), ApplicationPhase::Open);
        assert_eq!(course.phase_at(at(30) + chrono::Duration::hours(10)), ApplicationPhase::Closed);
        course.status = CourseStatus::Cancelled;
        assert_eq!(course.phase_at(at(25)), ApplicationPhase::Cancelled);
    }

    #[test]
    fn courses_round_trip_through_json_and_are_revalidated() {
        let course = match Course::try_from(draft()) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        let json = serde_json::to_string(&course).unwrap_or_default();
        let back: Course = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert_eq!(back, course);
        let tampered = json.replace("\"capacity\":20", "\"capacity\":0");
        assert!(serde_json::from_str::<Course>(&tampered).is_err());
    }
}
