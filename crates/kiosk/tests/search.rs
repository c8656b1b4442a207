//! Korean search over the Gwangmyeong demo catalog: the cases people actually type.

use std::collections::HashMap;

use baeum_domain::{ApplicationPhase, Course, CourseStatus, Field, LifeStage, kst};
use baeum_hub::demo;
use baeum_kiosk::search::index::Names;
use baeum_kiosk::search::index::phase_rank;
use baeum_kiosk::search::matcher::{initials, normalize};
use baeum_kiosk::search::{Price, SearchIndex, SearchQuery, TimeOfDay};
use chrono::{Datelike, TimeZone, Timelike, Utc, Weekday};

struct Demo {
    courses: Vec<Course>,
    /// Institution and place names by id.
    names: HashMap<String, String>,
    index: SearchIndex,
}

fn demo() -> Demo {
    let batch = demo::demo_catalog(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut courses = batch.courses.clone();
    courses.sort_by(|a, b| (a.first_session().date, &a.id).cmp(&(b.first_session().date, &b.id)));
    let institutions = batch.institutions.iter().map(|i| (i.id.to_string(), i.clone())).collect();
    let places = batch.places.iter().map(|p| (p.id.to_string(), p.clone())).collect();
    let names = batch
        .institutions
        .iter()
        .map(|i| (i.id.to_string(), i.name.to_string()))
        .chain(batch.places.iter().map(|p| (p.id.to_string(), p.name.to_string())))
        .collect();
    let index = SearchIndex::build(&courses, Names { institutions, places });
    Demo { courses, names, index }
}

fn now() -> chrono::DateTime<Utc> {
    kst().with_ymd_and_hms(2026, 11, 26, 14, 0, 0).single().map(|t| t.to_utc()).unwrap_or_default()
}

impl Demo {
    fn find(&self, query: SearchQuery) -> Vec<&Course> {
        let hits = self.index.search(&SearchQuery { limit: Some(200), ..query }, now());
        assert!(hits.total <= 200, "test queries stay within one page");
        hits.ids.iter().filter_map(|id| self.courses.iter().find(|c| c.id.as_str() == id)).collect()
    }

    fn text(&self, text: &str) -> Vec<&Course> {
        self.find(SearchQuery { text: text.into(), ..Default::default() })
    }

    fn titles(&self, text: &str) -> Vec<String> {
        self.text(text).iter().map(|c| c.title.to_string()).collect()
    }
}

#[test]
fn two_syllable_korean_finds_every_course_with_it_in_the_title() {
    let d = demo();
    let expected = d.courses.iter().filter(|c| c.title.as_str().contains("요가")).count();
    assert!(expected > 0);
    let found = d.titles("요가");
    assert_eq!(found.len(), expected, "FTS5 trigram would return nothing here");
    assert!(found.iter().all(|t| t.contains("요가")));
}

#[test]
fn one_syllable_finds_partial_matches_inside_words() {
    let d = demo();
    let found = d.titles("댄");
    assert!(found.iter().any(|t| t == "라인댄스"), "{found:?}");
}

#[test]
fn spacing_does_not_matter() {
    let d = demo();
    let spaced = d.titles("배움 교실");
    let joined = d.titles("배움교실");
    assert!(!joined.is_empty());
    assert_eq!(spaced, joined);
    assert!(joined.iter().all(|t| t.contains("배움교실")));
    assert_eq!(d.titles("스마트폰활용"), d.titles("스마트폰 활용"));
}

#[test]
fn initial_consonants_find_courses() {
    let d = demo();
    let found = d.text("ㅇㄱ");
    for course in d.courses.iter().filter(|c| c.title.as_str().contains("요가")) {
        assert!(found.iter().any(|f| f.id == course.id), "ㅇㄱ should find {}", course.title);
    }
    for course in &found {
        let fields = [
            course.title.to_string(),
            d.names[course.institution_id.as_str()].clone(),
            course.place_id.as_ref().map(|p| d.names[p.as_str()].clone()).unwrap_or_default(),
            course.instructor.as_ref().map(ToString::to_string).unwrap_or_default(),
        ];
        assert!(fields.iter().any(|f| initials(&normalize(f)).contains("ㅇㄱ")), "{fields:?}");
    }
    let library = d.text("ㅊㅅㄷㅅㄱ");
    assert!(!library.is_empty());
    assert!(library.iter().all(|c| d.names[c.institution_id.as_str()] == "철산도서관"));
}

#[test]
fn a_syllable_still_being_typed_keeps_its_results() {
    let d = demo();
    // Typing 요가 shows 욕 for a moment; the list should not go empty.
    let typing = d.titles("욕");
    assert!(typing.iter().any(|t| t.contains("요가")), "{typing:?}");
    // Mixed syllable and consonant.
    let mixed = d.titles("요ㄱ");
    assert!(mixed.iter().any(|t| t.contains("요가")), "{mixed:?}");
}

#[test]
fn latin_letters_and_digits_mix_with_hangul() {
    let d = demo();
    let found = d.titles("3d");
    assert!(!found.is_empty() && found.iter().all(|t| t.contains("3D")), "{found:?}");
    assert_eq!(d.titles("3D 프린팅"), found);
    assert!(d.titles("2급").iter().all(|t| t.contains("2급")));
    assert!(!d.titles("2급").is_empty());
}

#[test]
fn institution_place_and_instructor_are_searchable() {
    let d = demo();
    let library = d.text("하안도서관");
    assert!(!library.is_empty() && library.iter().all(|c| d.names[c.institution_id.as_str()] == "하안도서관"));
    let kitchen = d.text("조리실습실");
    assert!(
        !kitchen.is_empty()
            && kitchen.iter().all(|c| c.place_id.as_ref().is_some_and(|p| p.as_str().ends_with("kitchen")))
    );
    let someone = d.courses.iter().find_map(|c| c.instructor.clone()).unwrap_or_else(|| panic!("no instructor"));
    let taught = d.text(someone.as_str());
    assert!(!taught.is_empty());
    assert!(
        taught.iter().all(|c| c.instructor.as_ref() == Some(&someone) || c.title.as_str().contains(someone.as_str()))
    );
}

#[test]
fn nonsense_finds_nothing() {
    let d = demo();
    assert!(d.text("존재하지않는강좌").is_empty());
    assert!(d.text("zzzz").is_empty());
}

#[test]
fn filters_combine_and_every_result_satisfies_them() {
    let d = demo();
    let query = SearchQuery {
        life_stage: Some(LifeStage::Senior),
        field: Some(Field::CultureArts),
        weekday: Some(Weekday::Tue),
        time_of_day: Some(TimeOfDay::Morning),
        price: Some(Price::Paid),
        open_now: true,
        ..Default::default()
    };
    let found = d.find(query);
    assert!(!found.is_empty());
    for c in &found {
        assert!(c.is_for(LifeStage::Senior) && c.field == Field::CultureArts && !c.fee.is_free());
        assert!(c.sessions.iter().any(|s| s.date.weekday() == Weekday::Tue));
        assert!(c.sessions.iter().any(|s| s.starts_at.hour() < 12));
        assert_eq!(c.phase_at(now()), ApplicationPhase::Open);
    }
    let dong = d.find(SearchQuery { dong: Some("소하1동".into()), price: Some(Price::Free), ..Default::default() });
    assert!(!dong.is_empty());
    assert!(dong.iter().all(|c| c.fee.is_free()));
    let evening =
        d.find(SearchQuery { time_of_day: Some(TimeOfDay::Evening), text: "엑셀".into(), ..Default::default() });
    assert!(evening.iter().all(|c| c.sessions.iter().any(|s| s.starts_at.hour() >= 18)));
    let one = d.find(SearchQuery { institution: Some("gm-women".into()), ..Default::default() });
    assert!(!one.is_empty() && one.iter().all(|c| c.institution_id.as_str() == "gm-women"));
}

#[test]
fn open_courses_come_first_then_by_start_date() {
    let d = demo();
    let hits = d.index.search(&SearchQuery { limit: Some(200), ..Default::default() }, now());
    assert_eq!(hits.total, d.courses.len());
    let keys: Vec<(u8, chrono::NaiveDate)> = hits
        .ids
        .iter()
        .filter_map(|id| d.courses.iter().find(|c| c.id.as_str() == id))
        .map(|c| (phase_rank(c.phase_at(now())), c.first_session().date))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "sorted by phase then start date");
    assert_eq!(keys[0].0, 0, "an open course comes first");
    let second_page = d.index.search(&SearchQuery { offset: 200, limit: Some(200), ..Default::default() }, now());
    assert_eq!(second_page.ids.len(), d.courses.len() - 200);
    assert!(second_page.ids.iter().all(|id| !hits.ids.contains(id)));
}

/// Applies the changes to the demo index and compares it with one built from scratch.
fn assert_applying_equals_rebuilding(d: &Demo, changed: &[Course], removed: &[String]) {
    let mut updated = d.index.clone();
    updated.apply(changed, removed);

    let mut all: Vec<Course> = d
        .courses
        .iter()
        .filter(|c| !removed.contains(&c.id.to_string()))
        .map(|c| changed.iter().find(|n| n.id == c.id).cloned().unwrap_or_else(|| c.clone()))
        .chain(changed.iter().filter(|n| d.courses.iter().all(|c| c.id != n.id)).cloned())
        .collect();
    all.sort_by(|a, b| (a.first_session().date, &a.id).cmp(&(b.first_session().date, &b.id)));
    let rebuilt = SearchIndex::build(&all, d.index.names.clone());
    for text in ["", "요가", "새이름", "ㅇㄱ", "노래", "노래교실", "ㄴㄹ"] {
        for open_now in [false, true] {
            let q = SearchQuery { text: text.into(), open_now, limit: Some(200), ..Default::default() };
            assert_eq!(updated.search(&q, now()), rebuilt.search(&q, now()), "query {text:?}");
        }
    }
    for stage in LifeStage::ALL {
        let q = SearchQuery { life_stage: Some(*stage), limit: Some(200), ..Default::default() };
        assert_eq!(updated.search(&q, now()), rebuilt.search(&q, now()), "{stage:?}");
    }
    assert_eq!(updated.len(), all.len());
    assert_eq!(updated.stage_counts(), rebuilt.stage_counts());
}

#[test]
fn updating_the_index_in_place_equals_rebuilding_it() {
    let d = demo();
    let mut changed: Vec<Course> = d.courses.iter().step_by(17).take(40).cloned().collect();
    for (i, c) in changed.iter_mut().enumerate() {
        c.status = CourseStatus::Cancelled;
        c.title = baeum_domain::text::Label::parse(&format!("새 이름 요가 {i}")).unwrap_or_else(|e| panic!("{e}"));
    }
    let removed: Vec<String> = d
        .courses
        .iter()
        .skip(5)
        .step_by(29)
        .take(10)
        .map(|c| c.id.to_string())
        .filter(|id| changed.iter().all(|c| c.id.as_str() != id))
        .collect();
    assert_applying_equals_rebuilding(&d, &changed, &removed);
}

#[test]
fn changes_that_keep_each_course_in_its_place_are_written_over_it_and_equal_rebuilding() {
    let d = demo();
    // Cancelled, a window that closed, other life stages, and a title of the same length
    // (요가 → 노래: the same bytes in the joined text) — the fast path.
    let mut changed: Vec<Course> = d.courses.iter().step_by(11).take(30).cloned().collect();
    for (i, c) in changed.iter_mut().enumerate() {
        match i % 3 {
            0 => c.status = CourseStatus::Cancelled,
            1 => {
                c.application.closes_at = c.application.opens_at;
                c.life_stages = vec![LifeStage::Senior];
            }
            _ => {
                let title = c.title.as_str().replace("요가", "노래").replace('스', "래");
                c.title = baeum_domain::text::Label::parse(&title).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
    assert_applying_equals_rebuilding(&d, &changed, &[]);
    // One longer title, one course that moves to another date, one course that is new: the
    // whole index is rebuilt, with the same result.
    for variant in 0..3 {
        let mut more = changed.clone();
        let mut c = d.courses[3].clone();
        match variant {
            0 => c.title = baeum_domain::text::Label::parse("아주 긴 새 강좌 이름").unwrap_or_else(|e| panic!("{e}")),
            1 => {
                for s in &mut c.sessions {
                    s.date += chrono::Duration::days(7);
                }
            }
            _ => c.id = baeum_domain::CourseId::parse("new-course-1").unwrap_or_else(|e| panic!("{e}")),
        }
        more.push(c);
        assert_applying_equals_rebuilding(&d, &more, &[]);
    }
}

/// Whether one field matches a compiled query, found the slow, obvious way.
fn plainly_matches(field: &str, query: &baeum_kiosk::search::matcher::Query) -> bool {
    use baeum_kiosk::search::matcher::Pattern;
    let text: Vec<char> = normalize(field).chars().collect();
    let cho: Vec<char> = initials(&normalize(field)).chars().collect();
    query.alternatives.iter().any(|pattern| match pattern {
        Pattern::Literal(s) => normalize(field).contains(s.as_str()),
        Pattern::Shaped { initials: want, exact } => {
            let want: Vec<char> = want.chars().collect();
            (0..=text.len().saturating_sub(want.len())).any(|at| {
                text.len() >= want.len()
                    && want.iter().enumerate().all(|(k, w)| cho[at + k] == *w)
                    && exact.iter().enumerate().all(|(k, e)| e.is_none_or(|e| text[at + k] == e))
            })
        }
    })
}

#[test]
fn consonant_and_half_typed_queries_find_exactly_what_a_plain_scan_finds() {
    let d = demo();
    let queries = [
        "ㅇㄱ",
        "ㅅㅁ",
        "ㅅㅁㅌㅍ",
        "ㄴㄹㄱㅅ",
        "ㅊㅅㄷㅅㄱ",
        "ㄱㅁ",
        "ㅎㄱ",
        "욕",
        "슴",
        "놀",
        "바릿",
        "요ㄱ",
        "스마ㅌ",
        "3D ㅍ",
        "3dㅍㄹ",
        "ㅍㄹㅌ",
        "ㄷㅇ",
        "ㅇㅇㅇ",
    ];
    for q in queries {
        let compiled = baeum_kiosk::search::matcher::compile(q);
        let mut expected: Vec<&str> = d
            .courses
            .iter()
            .filter(|c| {
                let fields = [
                    c.title.to_string(),
                    d.names[c.institution_id.as_str()].clone(),
                    c.place_id.as_ref().map(|p| d.names[p.as_str()].clone()).unwrap_or_default(),
                    c.instructor.as_ref().map(ToString::to_string).unwrap_or_default(),
                ];
                fields.iter().any(|f| plainly_matches(f, &compiled))
            })
            .map(|c| c.id.as_str())
            .collect();
        let hits = d.index.search(&SearchQuery { text: q.into(), limit: Some(200), ..Default::default() }, now());
        let mut found: Vec<&str> = hits.ids.iter().map(String::as_str).collect();
        assert_eq!(hits.total, expected.len(), "{q:?}");
        if hits.total <= 200 {
            expected.sort_unstable();
            found.sort_unstable();
            assert_eq!(found, expected, "{q:?}");
        }
    }
}
