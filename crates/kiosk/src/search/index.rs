//! The in-memory search index. All entries' normalised text sits in one string (and its 초성
//! twin, byte-aligned), so a keystroke is one `memmem` scan over a few MB instead of 50,000
//! small ones; filters are plain field comparisons on the same entries.

use std::collections::HashMap;

use baeum_domain::{ApplicationPhase, Course, CourseStatus, Field, Institution, LifeStage, Place};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc, Weekday};
use memchr::memmem;
use serde::Deserialize;

use super::matcher::{self, FIELD_SEPARATOR, Pattern};

/// Part of the day a session starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TimeOfDay {
    /// before 12:00
    Morning,
    /// 12:00–17:59
    Afternoon,
    /// from 18:00
    Evening,
}

impl TimeOfDay {
    fn of(hour: u32) -> Self {
        match hour {
            0..12 => TimeOfDay::Morning,
            12..18 => TimeOfDay::Afternoon,
            _ => TimeOfDay::Evening,
        }
    }

    fn bit(self) -> u8 {
        match self {
            TimeOfDay::Morning => 1,
            TimeOfDay::Afternoon => 2,
            TimeOfDay::Evening => 4,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Price {
    /// No tuition (materials may still cost something).
    Free,
    Paid,
}

/// What the citizen asked for. Every filter is optional; `text` may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct SearchQuery {
    pub text: String,
    pub life_stage: Option<LifeStage>,
    pub field: Option<Field>,
    pub institution: Option<String>,
    pub dong: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun' | null"))]
    pub weekday: Option<Weekday>,
    pub time_of_day: Option<TimeOfDay>,
    pub price: Option<Price>,
    /// Only courses accepting applications right now.
    pub open_now: bool,
    pub offset: usize,
    /// Page size; default 50, at most 200.
    pub limit: Option<usize>,
}

#[derive(Debug, Clone)]
struct Entry {
    id: String,
    /// Normalised searchable fields joined by FIELD_SEPARATOR, and their 초성 twin.
    text: String,
    initials: String,
    /// Bit i set when initial consonant i occurs: a one-consonant query (the first keystroke)
    /// is a bit test instead of a text scan.
    initial_bits: u32,
    /// Bit `a × 19 + b` set when a character with initial consonant a is followed by one with
    /// initial b: a 초성 query of two consonants is a bit test, and a longer one only looks
    /// inside the entries that have all its pairs.
    initial_pairs: InitialPairs,
    stages: u8,
    field: Field,
    institution: String,
    dong: String,
    weekdays: u8,
    times: u8,
    free: bool,
    cancelled: bool,
    opens: DateTime<Utc>,
    closes: DateTime<Utc>,
    first_date: NaiveDate,
}

impl Entry {
    fn phase(&self, now: DateTime<Utc>) -> ApplicationPhase {
        if self.cancelled {
            ApplicationPhase::Cancelled
        } else if now < self.opens {
            ApplicationPhase::Upcoming
        } else if now < self.closes {
            ApplicationPhase::Open
        } else {
            ApplicationPhase::Closed
        }
    }
}

/// A set of consonant pairs (19 × 19 bits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct InitialPairs([u64; 6]);

impl InitialPairs {
    /// The pairs of consecutive characters of `text` that both have an initial consonant.
    fn of(text: &str) -> Self {
        let mut pairs = Self::default();
        let mut previous = None;
        for c in text.chars() {
            let index = super::hangul::initial_index(super::hangul::initial(c));
            if let (Some(a), Some(b)) = (previous, index) {
                let bit = a * 19 + b;
                pairs.0[bit / 64] |= 1u64 << (bit % 64);
            }
            previous = index;
        }
        pairs
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    fn contains_all(&self, other: &Self) -> bool {
        self.0.iter().zip(&other.0).all(|(mine, theirs)| mine & theirs == *theirs)
    }
}

fn stage_bit(stage: LifeStage) -> u8 {
    1 << LifeStage::ALL.iter().position(|s| *s == stage).unwrap_or(0)
}

fn weekday_bit(day: Weekday) -> u8 {
    1 << day.num_days_from_monday()
}

/// Where an open course sorts: open first, then upcoming, closed, cancelled.
pub fn phase_rank(phase: ApplicationPhase) -> u8 {
    match phase {
        ApplicationPhase::Open => 0,
        ApplicationPhase::Upcoming => 1,
        ApplicationPhase::Closed => 2,
        ApplicationPhase::Cancelled => 3,
    }
}

/// The result of a search: the page of ids to show and how many matched in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hits {
    pub ids: Vec<String>,
    pub total: usize,
}

/// Institutions and places by id: names for the searchable text and for course cards.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub institutions: HashMap<String, Institution>,
    pub places: HashMap<String, Place>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// In result order among equals: first session date, then id.
    entries: Vec<Entry>,
    text: String,
    initials: String,
    /// Byte offset in `text` where each entry starts (ascending).
    starts: Vec<usize>,
    /// Courses per life stage, in `LifeStage::ALL` order.
    stage_counts: [u64; 6],
    pub names: Names,
}

/// Collects entries as a snapshot arrives (institutions and places come before courses), so
/// the index is ready when the snapshot is swapped in, without reading the catalog back.
#[derive(Debug, Default)]
pub struct IndexBuilder {
    names: Names,
    entries: Vec<Entry>,
}

impl IndexBuilder {
    pub fn institution(&mut self, institution: &Institution) {
        self.names.institutions.insert(institution.id.to_string(), institution.clone());
    }

    pub fn place(&mut self, place: &Place) {
        self.names.places.insert(place.id.to_string(), place.clone());
    }

    pub fn course(&mut self, course: &Course) {
        self.entries.push(SearchIndex::entry(course, &self.names));
    }

    pub fn finish(self) -> SearchIndex {
        let mut entries = self.entries;
        entries.sort_by(|a, b| (a.first_date, &a.id).cmp(&(b.first_date, &b.id)));
        let mut index = SearchIndex { entries, names: self.names, ..Default::default() };
        index.join();
        index
    }
}

pub const DEFAULT_PAGE: usize = 50;
pub const MAX_PAGE: usize = 200;

impl SearchIndex {
    fn entry(course: &Course, names: &Names) -> Entry {
        let institution = names.institutions.get(course.institution_id.as_str());
        let place = course.place_id.as_ref().and_then(|p| names.places.get(p.as_str()));
        let fields = [
            course.title.as_str(),
            institution.map_or("", |i| i.name.as_str()),
            place.map_or("", |p| p.name.as_str()),
            course.instructor.as_ref().map_or("", |i| i.as_str()),
        ];
        let mut text = String::new();
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                text.push(FIELD_SEPARATOR);
            }
            text.push_str(&matcher::normalize(field));
        }
        text.push('\n');
        let initials = matcher::initials(&text);
        let initial_bits =
            initials.chars().filter_map(super::hangul::initial_index).fold(0u32, |bits, i| bits | (1 << i));
        Entry {
            id: course.id.to_string(),
            initial_pairs: InitialPairs::of(&text),
            initials,
            initial_bits,
            text,
            stages: course.life_stages.iter().fold(0, |bits, s| bits | stage_bit(*s)),
            field: course.field,
            institution: course.institution_id.to_string(),
            dong: institution.map(|i| i.dong.to_string()).unwrap_or_default(),
            weekdays: course.sessions.iter().fold(0, |bits, s| bits | weekday_bit(s.date.weekday())),
            times: course.sessions.iter().fold(0, |bits, s| bits | TimeOfDay::of(s.starts_at.hour()).bit()),
            free: course.fee.is_free(),
            cancelled: course.status == CourseStatus::Cancelled,
            opens: course.application.opens_at.to_utc(),
            closes: course.application.closes_at.to_utc(),
            first_date: course.first_session().date,
        }
    }

    /// Builds the index over every course.
    pub fn build(courses: &[Course], names: Names) -> Self {
        let mut entries: Vec<Entry> = courses.iter().map(|c| Self::entry(c, &names)).collect();
        entries.sort_by(|a, b| (a.first_date, &a.id).cmp(&(b.first_date, &b.id)));
        let mut index = SearchIndex { entries, names, ..Default::default() };
        index.join();
        index
    }

    /// Starts an index that courses are added to one by one (while a snapshot downloads).
    pub fn builder() -> IndexBuilder {
        IndexBuilder::default()
    }

    /// Applies changed and removed courses (each id in one list only) without re-reading the
    /// catalog: the untouched
    /// entries keep their order and the changed ones are merged in (no full sort, no re-parse).
    pub fn apply(&mut self, upserts: &[Course], removed: &[String]) {
        let mut fresh: Vec<Entry> = upserts.iter().map(|c| Self::entry(c, &self.names)).collect();
        if removed.is_empty() {
            match self.apply_in_place(fresh) {
                Ok(()) => return,
                Err(entries) => fresh = entries,
            }
        }
        let touched: std::collections::HashSet<&str> =
            upserts.iter().map(|c| c.id.as_str()).chain(removed.iter().map(String::as_str)).collect();
        fresh.sort_by(|a, b| (a.first_date, &a.id).cmp(&(b.first_date, &b.id)));
        let kept = std::mem::take(&mut self.entries).into_iter().filter(|e| !touched.contains(e.id.as_str()));
        let mut merged = Vec::with_capacity(kept.size_hint().0 + fresh.len());
        let mut fresh = fresh.into_iter().peekable();
        for entry in kept {
            while let Some(f) = fresh.next_if(|f| (f.first_date, &f.id) < (entry.first_date, &entry.id)) {
                merged.push(f);
            }
            merged.push(entry);
        }
        merged.extend(fresh);
        self.entries = merged;
        self.join();
    }

    /// The usual change — seats, status, a date that keeps the course's place, a fixed typo —
    /// leaves every changed course where it sorts and its searchable text as long as before;
    /// then its entry and its bytes of the joined text are overwritten where they are instead
    /// of rebuilding 50,000 entries. Otherwise changes nothing and gives the entries back.
    fn apply_in_place(&mut self, fresh: Vec<Entry>) -> Result<(), Vec<Entry>> {
        let mut places = Vec::with_capacity(fresh.len());
        for entry in &fresh {
            match self.entries.binary_search_by(|e| (e.first_date, &e.id).cmp(&(entry.first_date, &entry.id))) {
                Ok(at) if self.entries[at].text.len() == entry.text.len() => places.push(at),
                _ => return Err(fresh),
            }
        }
        for (at, fresh) in places.into_iter().zip(fresh) {
            let start = self.starts[at];
            let range = start..start + fresh.text.len();
            self.text.replace_range(range.clone(), &fresh.text);
            self.initials.replace_range(range, &fresh.initials);
            for (i, count) in self.stage_counts.iter_mut().enumerate() {
                let bit = 1 << i;
                *count = *count - u64::from(self.entries[at].stages & bit != 0) + u64::from(fresh.stages & bit != 0);
            }
            self.entries[at] = fresh;
        }
        Ok(())
    }

    /// Lays the entries' texts end to end (one scan per keystroke) and counts stages.
    fn join(&mut self) {
        let bytes: usize = self.entries.iter().map(|e| e.text.len()).sum();
        let (mut text, mut initials) = (String::with_capacity(bytes), String::with_capacity(bytes));
        self.starts = Vec::with_capacity(self.entries.len());
        self.stage_counts = [0; 6];
        for e in &self.entries {
            self.starts.push(text.len());
            text.push_str(&e.text);
            initials.push_str(&e.initials);
            for (i, count) in self.stage_counts.iter_mut().enumerate() {
                if e.stages & (1 << i) != 0 {
                    *count += 1;
                }
            }
        }
        self.text = text;
        self.initials = initials;
    }

    /// How many courses each life stage has.
    pub fn stage_counts(&self) -> Vec<(LifeStage, u64)> {
        LifeStage::ALL.iter().copied().zip(self.stage_counts).collect()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn entry_at(&self, offset: usize) -> usize {
        self.starts.partition_point(|s| *s <= offset).saturating_sub(1)
    }

    /// Byte offset where the entry after `entry` starts (end of the text for the last).
    fn next_start(&self, entry: usize) -> usize {
        self.starts.get(entry + 1).copied().unwrap_or(self.text.len())
    }

    /// Marks the entries whose text matches the query. After a hit the scan jumps to the next
    /// entry, so a one-letter query costs one pass, not one step per occurrence.
    fn text_matches(&self, raw: &str) -> Option<Vec<bool>> {
        let query = matcher::compile(raw);
        if query.is_empty() {
            return None;
        }
        let mut hit = vec![false; self.entries.len()];
        for pattern in &query.alternatives {
            if let Pattern::Shaped { initials, exact } = pattern
                && exact.iter().all(Option::is_none)
                && initials.chars().count() == 1
                && let Some(bit) = initials.chars().next().and_then(super::hangul::initial_index)
            {
                for (h, e) in hit.iter_mut().zip(&self.entries) {
                    *h |= e.initial_bits & (1 << bit) != 0;
                }
                continue;
            }
            if let Pattern::Shaped { initials, exact } = pattern
                && !InitialPairs::of(initials).is_empty()
            {
                self.shaped_matches(initials, exact, &mut hit);
                continue;
            }
            let (haystack, needle, exact) = match pattern {
                Pattern::Literal(needle) => (self.text.as_bytes(), needle.as_bytes(), None),
                Pattern::Shaped { initials, exact } => (self.initials.as_bytes(), initials.as_bytes(), Some(exact)),
            };
            let finder = memmem::Finder::new(needle);
            let mut from = 0;
            while let Some(found) = haystack.get(from..).and_then(|rest| finder.find(rest)) {
                let offset = from + found;
                let entry = self.entry_at(offset);
                // Same byte offsets in both strings (syllables and jamo are 3 bytes each).
                let matches = exact.is_none_or(|exact| {
                    let here = self.text.get(offset..).unwrap_or_default().chars();
                    here.zip(exact).all(|(c, want)| want.is_none_or(|w| w == c))
                });
                if matches {
                    hit[entry] = true;
                    from = self.next_start(entry);
                } else {
                    from = offset + 1;
                }
            }
        }
        Some(hit)
    }

    /// Marks the entries where `initials` occur with the `exact` characters in place.
    fn shaped_matches(&self, initials: &str, exact: &[Option<char>], hit: &mut [bool]) {
        // A syllable being typed (욕 = 요 + a syllable starting with ㄱ): the typed syllables
        // are rarer than their consonants, so they are looked for first.
        if let Some(at) = exact.iter().position(Option::is_some) {
            let anchor: String = exact[at..].iter().map_while(|c| *c).collect();
            let before: usize = initials.chars().take(at).map(char::len_utf8).sum();
            let finder = memmem::Finder::new(anchor.as_bytes());
            let mut from = 0;
            while let Some(found) = self.text.as_bytes().get(from..).and_then(|rest| finder.find(rest)) {
                let offset = from + found;
                let start = offset.checked_sub(before);
                let entry = self.entry_at(offset);
                if !hit[entry] && start.is_some_and(|s| self.matches_at(s, initials, exact)) {
                    hit[entry] = true;
                    from = self.next_start(entry);
                } else {
                    from = offset + 1;
                }
            }
            return;
        }
        // Bare consonants: only entries having every consonant pair of the query are looked
        // into, and for two consonants having the pair is the answer.
        let wanted = InitialPairs::of(initials);
        let pair_only = initials.chars().count() == 2;
        let finder = memmem::Finder::new(initials.as_bytes());
        for (i, entry) in self.entries.iter().enumerate() {
            if hit[i] || !entry.initial_pairs.contains_all(&wanted) {
                continue;
            }
            let (start, end) = (self.starts[i], self.next_start(i));
            hit[i] =
                pair_only || self.initials.get(start..end).is_some_and(|mine| finder.find(mine.as_bytes()).is_some());
        }
    }

    /// Whether the query's `initials` and `exact` characters are at byte `start` (the same
    /// offsets in both strings: syllables and jamo are 3 bytes each).
    fn matches_at(&self, start: usize, initials: &str, exact: &[Option<char>]) -> bool {
        self.initials.as_bytes().get(start..).is_some_and(|rest| rest.starts_with(initials.as_bytes()))
            && self
                .text
                .get(start..)
                .is_some_and(|here| here.chars().zip(exact).all(|(c, want)| want.is_none_or(|w| w == c)))
    }

    pub fn search(&self, query: &SearchQuery, now: DateTime<Utc>) -> Hits {
        let text = self.text_matches(&query.text);
        let stage = query.life_stage.map(stage_bit);
        let weekday = query.weekday.map(weekday_bit);
        let time = query.time_of_day.map(TimeOfDay::bit);
        // Entries are in start-date order; four buckets by phase keep that order within each,
        // which is the result order, without sorting.
        let mut buckets: [Vec<usize>; 4] = Default::default();
        self.entries
            .iter()
            .enumerate()
            .filter(|(i, _)| text.as_ref().is_none_or(|t| t[*i]))
            .filter(|(_, e)| stage.is_none_or(|b| e.stages & b != 0))
            .filter(|(_, e)| query.field.is_none_or(|f| e.field == f))
            .filter(|(_, e)| query.institution.as_deref().is_none_or(|i| e.institution == i))
            .filter(|(_, e)| query.dong.as_deref().is_none_or(|d| e.dong == d))
            .filter(|(_, e)| weekday.is_none_or(|b| e.weekdays & b != 0))
            .filter(|(_, e)| time.is_none_or(|b| e.times & b != 0))
            .filter(|(_, e)| query.price.is_none_or(|p| (p == Price::Free) == e.free))
            .map(|(i, e)| (phase_rank(e.phase(now)), i))
            .filter(|(rank, _)| !query.open_now || *rank == 0)
            .for_each(|(rank, i)| buckets[usize::from(rank)].push(i));
        let total = buckets.iter().map(Vec::len).sum();
        let limit = query.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let ids =
            buckets.iter().flatten().skip(query.offset).take(limit).map(|i| self.entries[*i].id.clone()).collect();
        Hits { ids, total }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_from_the_ui_parse_and_unknown_fields_are_refused() {
        let q: SearchQuery = serde_json::from_str(
            r#"{"text":"요가","life_stage":"senior","weekday":"tue","time_of_day":"evening","price":"free","open_now":true}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(q.weekday, Some(Weekday::Tue));
        assert_eq!(q.life_stage, Some(LifeStage::Senior));
        assert_eq!((q.time_of_day, q.price, q.open_now), (Some(TimeOfDay::Evening), Some(Price::Free), true));
        assert!(serde_json::from_str::<SearchQuery>(r#"{"life_stage":"노인"}"#).is_err());
        assert!(serde_json::from_str::<SearchQuery>(r#"{"colour":"red"}"#).is_err());
    }

    #[test]
    fn hours_fall_into_the_right_part_of_the_day() {
        assert_eq!(TimeOfDay::of(9), TimeOfDay::Morning);
        assert_eq!(TimeOfDay::of(12), TimeOfDay::Afternoon);
        assert_eq!(TimeOfDay::of(17), TimeOfDay::Afternoon);
        assert_eq!(TimeOfDay::of(18), TimeOfDay::Evening);
    }
}
