//! The catalog as the home screen shows it: course cards for a life stage, open-for-application
//! first, then by start date, with per-stage counts for the stage buttons. Codes, not labels:
//! the UI translates them.

use std::collections::HashMap;

use baeum_domain::schedule::weekday_ko;
use baeum_domain::{ApplicationPhase, Course, Institution, LifeStage, Place};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::store::{self, StoreError};

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct BrowseQuery {
    /// Wire code of a life stage (`senior`, …); none for every course.
    pub life_stage: Option<LifeStage>,
}

/// One course as a card on the screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CourseCard {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub institution: String,
    pub dong: String,
    pub place: Option<String>,
    pub field: &'static str,
    pub life_stages: Vec<&'static str>,
    pub target: String,
    pub instructor: Option<String>,
    pub fee: u32,
    pub materials_fee: u32,
    pub capacity: u32,
    pub selection: &'static str,
    pub phase: ApplicationPhase,
    /// RFC 3339 in KST.
    pub application_opens: String,
    pub application_closes: String,
    pub first_date: String,
    pub last_date: String,
    /// Korean one-syllable weekday names, e.g. ["화", "목"].
    pub weekdays: Vec<&'static str>,
    pub starts_at: String,
    pub ends_at: String,
    pub sessions: usize,
    pub total_hours: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageCount {
    pub stage: &'static str,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogPage {
    pub courses: Vec<CourseCard>,
    /// All courses in the local catalog, whatever the filter.
    pub total: u64,
    pub stage_counts: Vec<StageCount>,
}

fn phase_rank(phase: ApplicationPhase) -> u8 {
    match phase {
        ApplicationPhase::Open => 0,
        ApplicationPhase::Upcoming => 1,
        ApplicationPhase::Closed => 2,
        ApplicationPhase::Cancelled => 3,
    }
}

fn card(
    course: &Course,
    institutions: &HashMap<String, Institution>,
    places: &HashMap<String, Place>,
    now: DateTime<Utc>,
) -> CourseCard {
    let institution = institutions.get(course.institution_id.as_str());
    let first = course.first_session();
    CourseCard {
        id: course.id.to_string(),
        title: course.title.to_string(),
        summary: course.summary.clone(),
        // The hub's log may deliver a course before its institution; show the id until then.
        institution: institution.map_or_else(|| course.institution_id.to_string(), |i| i.name.to_string()),
        dong: institution.map(|i| i.dong.to_string()).unwrap_or_default(),
        place: course.place_id.as_ref().and_then(|p| places.get(p.as_str())).map(|p| p.name.to_string()),
        field: course.field.code(),
        life_stages: course.life_stages.iter().map(|s| s.code()).collect(),
        target: course.target.clone(),
        instructor: course.instructor.as_ref().map(ToString::to_string),
        fee: course.fee.0,
        materials_fee: course.materials_fee.0,
        capacity: course.capacity,
        selection: course.selection.code(),
        phase: course.phase_at(now),
        application_opens: course.application.opens_at.to_rfc3339(),
        application_closes: course.application.closes_at.to_rfc3339(),
        first_date: first.date.to_string(),
        last_date: course.last_session().date.to_string(),
        weekdays: course.weekdays().into_iter().map(weekday_ko).collect(),
        starts_at: first.starts_at.format("%H:%M").to_string(),
        ends_at: first.ends_at.format("%H:%M").to_string(),
        sessions: course.sessions.len(),
        total_hours: (course.total_minutes() as f64 / 60.0 * 10.0).round() / 10.0,
    }
}

pub fn browse(conn: &Connection, query: &BrowseQuery, now: DateTime<Utc>) -> Result<CatalogPage, StoreError> {
    let institutions: HashMap<String, Institution> =
        store::institutions::all(conn)?.into_iter().map(|i| (i.id.to_string(), i)).collect();
    let places: HashMap<String, Place> = store::places::all(conn)?.into_iter().map(|p| (p.id.to_string(), p)).collect();
    let courses = store::courses::for_stage(conn, query.life_stage)?;
    let mut cards: Vec<CourseCard> = courses.iter().map(|c| card(c, &institutions, &places, now)).collect();
    // Stable sort keeps the store's first-date order within each phase.
    cards.sort_by_key(|c| phase_rank(c.phase));
    Ok(CatalogPage {
        courses: cards,
        total: store::courses::count(conn)?,
        stage_counts: store::courses::count_by_stage(conn)?
            .into_iter()
            .map(|(stage, count)| StageCount { stage: stage.code(), count })
            .collect(),
    })
}
