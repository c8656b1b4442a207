//! The catalog as the screen shows it: a page of course cards for a search (open for
//! application first, then by start date), how many matched, per-stage counts for the stage
//! buttons and the institutions for the filter. Codes, not labels: the UI translates them.

use std::collections::HashMap;
use std::sync::Arc;

use baeum_domain::schedule::weekday_ko;
use baeum_domain::{ApplicationPhase, Course, Field, Institution, LifeStage, Place, Selection};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

use crate::search::index::Names;
use crate::search::{SearchIndex, SearchQuery};
use crate::store::{self, StoreError};

/// One course as a card on the screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CourseCard {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub institution: String,
    pub dong: String,
    pub place: Option<String>,
    pub field: Field,
    pub life_stages: Vec<LifeStage>,
    pub target: String,
    pub instructor: Option<String>,
    pub fee: u32,
    pub materials_fee: u32,
    pub capacity: u32,
    pub selection: Selection,
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
    /// Seats as the hub last reported them; None when nobody applied yet or never heard.
    pub seats: Option<SeatsView>,
}

/// Seats taken and waiting with the time they were true ("14:05 기준").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SeatsView {
    pub taken: u32,
    pub waiting: u32,
    pub remaining: u32,
    /// RFC 3339 (UTC) of the hub's answer.
    pub as_of: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StageCount {
    pub stage: LifeStage,
    pub count: u64,
}

/// An institution as a filter choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InstitutionChoice {
    pub id: String,
    pub name: String,
    pub dong: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CatalogPage {
    /// The requested page of matches.
    pub courses: Vec<CourseCard>,
    /// How many courses match the query in all.
    pub matches: usize,
    /// All courses in the local catalog, whatever the query.
    pub total: u64,
    pub stage_counts: Vec<StageCount>,
    pub institutions: Vec<InstitutionChoice>,
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
        field: course.field,
        life_stages: course.life_stages.clone(),
        target: course.target.clone(),
        instructor: course.instructor.as_ref().map(ToString::to_string),
        fee: course.fee.0,
        materials_fee: course.materials_fee.0,
        capacity: course.capacity,
        selection: course.selection,
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
        seats: None,
    }
}

/// Courses recently shown, decoded once: typing a word shows mostly the same first cards
/// keystroke after keystroke. Cleared whenever a sync changes the catalog.
#[derive(Debug, Default)]
pub struct CourseCache {
    courses: HashMap<String, Arc<Course>>,
}

/// Past this many the cache starts over (bounded memory on a kiosk).
const CACHE_LIMIT: usize = 4_000;

impl CourseCache {
    pub fn clear(&mut self) {
        self.courses.clear();
    }

    fn get_many(&mut self, conn: &Connection, ids: &[String]) -> Result<Vec<Arc<Course>>, StoreError> {
        let missing: Vec<String> = ids.iter().filter(|id| !self.courses.contains_key(*id)).cloned().collect();
        if self.courses.len() + missing.len() > CACHE_LIMIT {
            self.courses.clear();
        }
        for course in store::courses::get_many(conn, &missing)? {
            self.courses.insert(course.id.to_string(), Arc::new(course));
        }
        Ok(ids.iter().filter_map(|id| self.courses.get(id).cloned()).collect())
    }
}

/// Institution and place names from the store.
pub fn names(conn: &Connection) -> Result<Names, StoreError> {
    Ok(Names {
        institutions: store::institutions::all(conn)?.into_iter().map(|i| (i.id.to_string(), i)).collect(),
        places: store::places::all(conn)?.into_iter().map(|p| (p.id.to_string(), p)).collect(),
    })
}

/// Builds the search index from the local catalog.
pub fn build_index(conn: &Connection) -> Result<SearchIndex, StoreError> {
    Ok(SearchIndex::build(&store::courses::all_by_start(conn)?, names(conn)?))
}

/// A page of results: the ids come from the index, the cards from the store (only the page).
pub fn search(
    conn: &Connection,
    index: &SearchIndex,
    cache: &mut CourseCache,
    seats: &HashMap<String, store::seats::SeatCount>,
    query: &SearchQuery,
    now: DateTime<Utc>,
) -> Result<CatalogPage, StoreError> {
    let hits = index.search(query, now);
    let courses = cache.get_many(conn, &hits.ids)?;
    let names = &index.names;
    let mut institutions: Vec<InstitutionChoice> = names
        .institutions
        .values()
        .map(|i| InstitutionChoice { id: i.id.to_string(), name: i.name.to_string(), dong: i.dong.to_string() })
        .collect();
    institutions.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(CatalogPage {
        courses: courses
            .iter()
            .map(|c| {
                let mut card = card(c, &names.institutions, &names.places, now);
                if let Some(s) = seats.get(&card.id) {
                    card.seats = Some(SeatsView {
                        taken: s.taken,
                        waiting: s.waiting,
                        remaining: c.capacity.saturating_sub(s.taken),
                        as_of: s.as_of.to_rfc3339(),
                    });
                }
                card
            })
            .collect(),
        matches: hits.total,
        total: index.len() as u64,
        stage_counts: index.stage_counts().into_iter().map(|(stage, count)| StageCount { stage, count }).collect(),
        institutions,
    })
}
