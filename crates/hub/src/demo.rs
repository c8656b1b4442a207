//! The demo catalog for Gwangmyeong: the city's real institutions (평생학습원, 여성비전센터,
//! 인생플러스센터, the libraries, all 18 동 행정복지센터) offering courses written from templates in
//! `assets/demo`, dated around "today" so windows are open when the demo runs. Deterministic:
//! the same day gives the same catalog. `synthetic` makes any number of courses for benchmarks.

use baeum_domain::course::{ApplicationWindow, CourseDraft, CourseStatus};
use baeum_domain::{
    Course, Field, Institution, InstitutionKind, LifeStage, Place, PlaceDraft, Selection, Session, Won, kst,
};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::feed::{self, FeedError, FeedErrors};
use crate::store::catalog::CatalogBatch;

pub const INSTITUTIONS_FILE: &str = "assets/demo/institutions.csv";
pub const TEMPLATES_FILE: &str = "assets/demo/course-templates.csv";
const INSTITUTIONS_CSV: &[u8] = include_bytes!("../../../assets/demo/institutions.csv");
const TEMPLATES_CSV: &[u8] = include_bytes!("../../../assets/demo/course-templates.csv");
pub const VIDEOS_FILE: &str = "assets/demo/videos.csv";
const VIDEOS_CSV: &[u8] = include_bytes!("../../../assets/demo/videos.csv");

/// Fixed so the demo is the same on every machine for a given day.
const DEMO_SEED: u64 = 0x0062_6165_756d; // "baeum"

/// Public holidays on which classes do not meet (2026–2027; older or later days simply meet).
const HOLIDAYS: &[(i32, u32, u32)] = &[
    (2026, 12, 25),
    (2027, 1, 1),
    (2027, 2, 6),
    (2027, 2, 7),
    (2027, 2, 8),
    (2027, 2, 9),
    (2027, 3, 1),
    (2027, 5, 5),
    (2027, 5, 13),
    (2027, 6, 6),
    (2027, 8, 16),
    (2027, 9, 14),
    (2027, 9, 15),
    (2027, 9, 16),
    (2027, 10, 4),
    (2027, 10, 11),
    (2027, 12, 25),
];

/// Where a template is offered: one named institution, or `count` institutions of a kind.
#[derive(Debug, Clone)]
enum Offer {
    At(String),
    AnyOf { kind: InstitutionKind, count: usize },
}

/// A course idea the demo instantiates at several institutions.
#[derive(Debug, Clone)]
struct Template {
    title: String,
    field: Field,
    life_stages: Vec<LifeStage>,
    target: String,
    summary: String,
    fee: Won,
    materials_fee: Won,
    capacity: u32,
    weeks: u32,
    days_per_week: u32,
    minutes: u32,
    offered_by: Vec<Offer>,
    selection: Selection,
}

fn parse_offers(raw: &str) -> Result<Vec<Offer>, String> {
    raw.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|token| match token.split_once('*') {
            Some((kind, n)) => {
                let kind = match kind {
                    "dong" => InstitutionKind::DongCenter,
                    "library" => InstitutionKind::Library,
                    other => return Err(format!("알 수 없는 기관 묶음입니다: {other:?} (dong, library)")),
                };
                let count = n.parse().map_err(|_| format!("개수가 숫자가 아닙니다: {n:?}"))?;
                Ok(Offer::AnyOf { kind, count })
            }
            None => Ok(Offer::At(token.to_owned())),
        })
        .collect()
}

fn number<T: std::str::FromStr>(lo: u32, hi: u32) -> impl Fn(&str) -> Result<T, String> {
    move |raw: &str| {
        raw.parse::<u32>()
            .ok()
            .filter(|n| (lo..=hi).contains(n))
            .and_then(|n| n.to_string().parse::<T>().ok())
            .ok_or_else(|| format!("{lo}~{hi} 사이의 숫자여야 합니다: {raw:?}"))
    }
}

fn parse_templates() -> Result<Vec<Template>, FeedErrors> {
    let required = [
        "title",
        "field",
        "life_stages",
        "target",
        "summary",
        "fee",
        "materials_fee",
        "capacity",
        "weeks",
        "days_per_week",
        "minutes",
        "offered_by",
        "selection",
    ];
    feed::read_sheet(TEMPLATES_FILE, TEMPLATES_CSV, &required, |row| {
        let title = row.get("title").to_owned();
        let target = row.get("target").to_owned();
        let summary = row.get("summary").to_owned();
        let field = row.parse("field", Field::parse);
        let life_stages = row.parse("life_stages", LifeStage::parse_list);
        let fee = row.parse("fee", Won::parse);
        let materials_fee = row.parse("materials_fee", Won::parse);
        let capacity = row.parse("capacity", number(1, 200));
        let weeks = row.parse("weeks", number(1, 26));
        let days_per_week = row.parse("days_per_week", number(1, 5));
        let minutes = row.parse("minutes", number(30, 480));
        let offered_by = row.parse("offered_by", parse_offers);
        let selection = row.parse("selection", Selection::parse);
        Some(Template {
            title,
            field: field?,
            life_stages: life_stages?,
            target,
            summary,
            fee: fee?,
            materials_fee: materials_fee?,
            capacity: capacity?,
            weeks: weeks?,
            days_per_week: days_per_week?,
            minutes: minutes?,
            offered_by: offered_by?,
            selection: selection?,
        })
    })
}

/// Rooms every institution of a kind has (name, seats).
fn rooms(kind: InstitutionKind) -> &'static [(&'static str, &'static str, u32)] {
    match kind {
        InstitutionKind::LifelongLearningCenter => &[
            ("r301", "3층 제1강의실", 30),
            ("r302", "3층 제2강의실", 30),
            ("hall", "4층 배움누리홀", 80),
            ("kitchen", "2층 조리실습실", 16),
        ],
        InstitutionKind::PublicBody => &[("r1", "교육실 1", 25), ("r2", "교육실 2", 25), ("hall", "강당", 80)],
        InstitutionKind::Library => {
            &[("culture", "문화교실", 30), ("seminar", "세미나실", 16), ("kids", "어린이자료실 이야기방", 20)]
        }
        InstitutionKind::DongCenter => &[("program", "자치회관 프로그램실", 25), ("hall", "2층 다목적실", 45)],
    }
}

fn places_for(institution: &Institution) -> Vec<Place> {
    rooms(institution.kind)
        .iter()
        .filter_map(|(suffix, name, seats)| {
            Place::try_from(PlaceDraft {
                id: format!("{}-{suffix}", institution.id),
                institution_id: institution.id.to_string(),
                name: (*name).to_owned(),
                seats: i64::from(*seats),
            })
            .ok()
        })
        .collect()
}

const SURNAMES: &[&str] =
    &["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황"];
const GIVEN: &[&str] = &[
    "은정", "민수", "지영", "성호", "혜진", "영숙", "정희", "상철", "미경", "수진", "동현", "경아", "재훈", "선영",
    "태호", "보람", "하늘", "지혜", "명자", "순자", "현우", "소연", "종민", "유진",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Term {
    /// Applications open now (or the course was cancelled / is already running).
    Current,
    /// Next term: applications open in a few weeks.
    Next,
}

struct Builder<'a> {
    today: NaiveDate,
    rng: ChaCha8Rng,
    institutions: &'a [Institution],
    places: &'a [Place],
    next_id: usize,
}

impl Builder<'_> {
    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.rng.random_range(0..items.len())]
    }

    fn weekdays(&mut self, template: &Template) -> Vec<Weekday> {
        let only_children = template.life_stages.iter().all(|s| matches!(s, LifeStage::Child | LifeStage::Youth));
        let mut pool = vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
        if only_children && self.rng.random_bool(0.3) {
            return vec![Weekday::Sat];
        }
        pool.shuffle(&mut self.rng);
        let mut days: Vec<Weekday> = pool.into_iter().take(template.days_per_week as usize).collect();
        days.sort_by_key(|d| d.num_days_from_monday());
        days
    }

    fn start_time(&mut self, template: &Template, weekdays: &[Weekday]) -> NaiveTime {
        let stages = &template.life_stages;
        let hm = if weekdays == [Weekday::Sat] {
            *self.pick(&[(10, 0), (14, 0)])
        } else if stages.contains(&LifeStage::Infant) {
            (10, 30)
        } else if stages.iter().all(|s| matches!(s, LifeStage::Child | LifeStage::Youth)) {
            *self.pick(&[(16, 0), (16, 30)])
        } else if stages.contains(&LifeStage::YoungAdult) && template.field == Field::Vocational {
            *self.pick(&[(10, 0), (19, 0), (19, 30)])
        } else if stages == &[LifeStage::Senior] {
            *self.pick(&[(10, 0), (10, 30), (14, 0)])
        } else {
            *self.pick(&[(9, 30), (10, 0), (13, 30), (14, 0), (19, 0)])
        };
        NaiveTime::from_hms_opt(hm.0, hm.1, 0).unwrap_or_default()
    }

    fn sessions(
        &self,
        first: NaiveDate,
        weekdays: &[Weekday],
        count: u32,
        starts: NaiveTime,
        minutes: u32,
    ) -> Vec<Session> {
        let holidays: Vec<NaiveDate> =
            HOLIDAYS.iter().filter_map(|(y, m, d)| NaiveDate::from_ymd_opt(*y, *m, *d)).collect();
        let ends = starts + Duration::minutes(i64::from(minutes));
        let mut out = Vec::new();
        let mut day = first;
        while out.len() < count as usize {
            if weekdays.contains(&day.weekday()) && !holidays.contains(&day) {
                out.push(Session { date: day, starts_at: starts, ends_at: ends });
            }
            day += Duration::days(1);
        }
        out
    }

    /// A free course of the lifelong-learning centre that is nine weeks into ten weekly
    /// sessions (the last is tomorrow) and still takes applications (수시 접수): the demo's
    /// course where attendance can be taken and certificates earned today, since attendance is
    /// only ever taken for classes that have started.
    fn under_way(&mut self, templates: &[Template]) -> Result<Course, String> {
        let template = templates
            .iter()
            .find(|t| t.selection == Selection::FirstCome)
            .ok_or_else(|| "선착순 강좌 틀이 없습니다".to_owned())?;
        let host = self
            .institutions
            .iter()
            .find(|i| i.id.as_str() == "gm-llc")
            .or_else(|| self.institutions.first())
            .ok_or_else(|| "기관이 없습니다".to_owned())?;
        let tomorrow = self.today + Duration::days(1);
        let starts = NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default();
        let ends = starts + Duration::minutes(i64::from(template.minutes.max(60)));
        let sessions = (0..10)
            .rev()
            .map(|w| Session { date: tomorrow - Duration::weeks(w), starts_at: starts, ends_at: ends })
            .collect();
        let place = self.places.iter().find(|p| p.institution_id == host.id);
        self.next_id += 1;
        let draft = CourseDraft {
            id: format!("{}-{:05}", host.id, self.next_id),
            institution_id: host.id.to_string(),
            place_id: place.map(|p| p.id.to_string()),
            title: format!("{} {UNDER_WAY}", template.title),
            summary: template.summary.clone(),
            field: template.field,
            life_stages: template.life_stages.clone(),
            target: template.target.clone(),
            instructor: Some("한지원".into()),
            fee: Won(0),
            materials_fee: Won(0),
            capacity: i64::from(place.map_or(template.capacity, |p| p.seats.min(template.capacity)).max(10)),
            selection: Selection::FirstCome,
            status: CourseStatus::Scheduled,
            application: ApplicationWindow {
                opens_at: self.at(tomorrow - Duration::weeks(10), 10),
                closes_at: self.at(self.today + Duration::days(6), 18),
            },
            sessions,
        };
        Course::try_from(draft).map_err(|e| e.to_string())
    }

    fn at(&self, date: NaiveDate, h: u32) -> chrono::DateTime<chrono::FixedOffset> {
        date.and_hms_opt(h, 0, 0).and_then(|n| n.and_local_timezone(kst()).single()).unwrap_or_default()
    }

    fn course(
        &mut self,
        template: &Template,
        institution: &Institution,
        term: Term,
        title: String,
    ) -> Result<Course, String> {
        let today = self.today;
        let days = |n: i64| Duration::days(n);
        let roll: f64 = self.rng.random();
        let (opens, closes, first, status) = match term {
            Term::Current if roll < 0.10 => {
                // Already running: applications closed a while ago.
                let first = today - days(self.rng.random_range(3..=12));
                (first - days(25), first - days(5), first, CourseStatus::Scheduled)
            }
            Term::Current => {
                let opens = today - days(self.rng.random_range(1..=8));
                let closes = today + days(self.rng.random_range(4..=14));
                let first = closes + days(self.rng.random_range(3..=10));
                let status = if roll < 0.13 { CourseStatus::Cancelled } else { CourseStatus::Scheduled };
                (opens, closes, first, status)
            }
            Term::Next => {
                let opens = today + days(self.rng.random_range(12..=20));
                let closes = opens + days(self.rng.random_range(10..=14));
                (opens, closes, closes + days(self.rng.random_range(4..=10)), CourseStatus::Scheduled)
            }
        };
        let weekdays = self.weekdays(template);
        let starts = self.start_time(template, &weekdays);
        let sessions = self.sessions(
            first,
            &weekdays,
            template.weeks * template.days_per_week.min(weekdays.len() as u32),
            starts,
            template.minutes,
        );
        let rooms: Vec<&Place> = self.places.iter().filter(|p| p.institution_id == institution.id).collect();
        let fitting: Vec<&Place> = rooms.iter().copied().filter(|p| p.seats >= template.capacity).collect();
        let place =
            if fitting.is_empty() { rooms.iter().max_by_key(|p| p.seats).copied() } else { Some(*self.pick(&fitting)) };
        let capacity = place.map_or(template.capacity, |p| p.seats.min(template.capacity));
        let instructor = format!("{}{}", self.pick(SURNAMES), self.pick(GIVEN));
        self.next_id += 1;
        let draft = CourseDraft {
            id: format!("{}-{:05}", institution.id, self.next_id),
            institution_id: institution.id.to_string(),
            place_id: place.map(|p| p.id.to_string()),
            title,
            summary: template.summary.clone(),
            field: template.field,
            life_stages: template.life_stages.clone(),
            target: template.target.clone(),
            instructor: Some(instructor),
            fee: template.fee,
            materials_fee: template.materials_fee,
            capacity: i64::from(capacity),
            selection: template.selection,
            status,
            application: ApplicationWindow { opens_at: self.at(opens, 10), closes_at: self.at(closes, 18) },
            sessions,
        };
        Course::try_from(draft).map_err(|e| e.to_string())
    }
}

fn template_error(problem: String) -> FeedErrors {
    FeedErrors(vec![FeedError { file: TEMPLATES_FILE.into(), line: 0, column: "-".into(), problem }])
}

/// The parsed demo sources.
struct Sources {
    institutions: Vec<Institution>,
    places: Vec<Place>,
    templates: Vec<Template>,
}

fn load() -> Result<Sources, FeedErrors> {
    let institutions = feed::parse_institutions(INSTITUTIONS_FILE, INSTITUTIONS_CSV)?;
    let places = institutions.iter().flat_map(places_for).collect();
    let templates = parse_templates()?;
    Ok(Sources { institutions, places, templates })
}

/// The Gwangmyeong demo catalog as of `today` (Korean date).
pub fn demo_catalog(today: NaiveDate) -> Result<CatalogBatch, FeedErrors> {
    let Sources { institutions, places, templates } = load()?;
    let mut b = Builder {
        today,
        rng: ChaCha8Rng::seed_from_u64(DEMO_SEED),
        institutions: &institutions,
        places: &places,
        next_id: 0,
    };
    let mut courses = Vec::new();
    for template in &templates {
        let mut hosts: Vec<&Institution> = Vec::new();
        for offer in &template.offered_by {
            match offer {
                Offer::At(id) => match b.institutions.iter().find(|i| i.id.as_str() == id) {
                    Some(i) => hosts.push(i),
                    None => return Err(template_error(format!("{}: 없는 기관 {id}", template.title))),
                },
                Offer::AnyOf { kind, count } => {
                    let mut of_kind: Vec<&Institution> = b.institutions.iter().filter(|i| i.kind == *kind).collect();
                    of_kind.shuffle(&mut b.rng);
                    hosts.extend(of_kind.into_iter().take(*count));
                }
            }
        }
        for host in hosts {
            courses.push(b.course(template, host, Term::Current, template.title.clone()).map_err(template_error)?);
            if b.rng.random_bool(0.45) {
                courses.push(b.course(template, host, Term::Next, template.title.clone()).map_err(template_error)?);
            }
        }
    }
    courses.push(b.under_way(&templates).map_err(template_error)?);
    let videos = feed::parse_file(VIDEOS_FILE, VIDEOS_CSV)?.videos;
    Ok(CatalogBatch { institutions, places, courses, videos, ..Default::default() })
}

/// The demo's ZOOM sessions: the course under way (수시 접수) meets over ZOOM every other week,
/// its next session (tomorrow) included. The links and passcodes are made up (well-formed).
pub fn live_sessions(batch: &CatalogBatch) -> Vec<baeum_domain::live::LiveSession> {
    use baeum_domain::live::{LiveSession, Passcode};
    let Some(course) = batch.courses.iter().find(|c| c.title.as_str().ends_with(UNDER_WAY)) else {
        return Vec::new();
    };
    let seed: u64 = course.id.as_str().bytes().fold(7, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let meeting = 8_000_000_000 + seed % 1_000_000_000;
    let passcode = format!("{:06}", seed % 1_000_000);
    course
        .sessions
        .iter()
        .rev()
        .step_by(2)
        .take(3)
        .filter_map(|s| {
            Some(LiveSession {
                course_id: course.id.clone(),
                date: s.date,
                join_url: baeum_domain::links::WebLink::parse(&format!("https://us02web.zoom.us/j/{meeting}")).ok()?,
                passcode: Passcode::parse(&passcode).ok()?,
            })
        })
        .collect()
}

/// The title mark of the demo's course under way that still takes applications (수시 접수).
pub const UNDER_WAY: &str = "(수시 접수)";

/// `n` synthetic courses spread over the real institutions, for benchmarks and load tests.
pub fn synthetic_catalog(n: usize, today: NaiveDate) -> Result<CatalogBatch, FeedErrors> {
    let Sources { institutions, places, templates } = load()?;
    let mut b = Builder {
        today,
        rng: ChaCha8Rng::seed_from_u64(DEMO_SEED ^ n as u64),
        institutions: &institutions,
        places: &places,
        next_id: 0,
    };
    let mut courses = Vec::with_capacity(n);
    for i in 0..n {
        let template = &templates[i % templates.len()];
        let host = &institutions[(i / templates.len()) % institutions.len()];
        let title = format!("{} {}기", template.title, i / (templates.len() * institutions.len()) + 1);
        let term = if i % 3 == 0 { Term::Next } else { Term::Current };
        courses.push(b.course(template, host, term, title).map_err(template_error)?);
    }
    Ok(CatalogBatch { institutions, places, courses, deleted_courses: Vec::new(), ..Default::default() })
}

/// The demo's rooms: what 광명시평생학습원 rents (lecture rooms 301 and 302 and the hall made of
/// both, a media room, an exhibition room, a shared kitchen, a free video-interview room) and two
/// libraries' seminar rooms, with 2026–27 public holidays and 3 no-shows in 90 days barring for 30.
pub const ROOMS_JSON: &str = include_str!("../../../assets/demo/rooms.json");

/// The demo's subsidy programme: the 2026 rules (1967–1976년생, 1 year continuous or 5 in all,
/// ₩300,000, 1967년생 first) with an application window around `today`, so the kiosk shows it
/// open. The real 2026 file is `assets/demo/subsidy-2026.json`.
pub fn subsidy_programme(
    today: NaiveDate,
) -> Result<baeum_domain::subsidy::SubsidyProgramme, baeum_domain::ids::IdError> {
    use baeum_domain::subsidy::{BirthYears, ResidenceRule, SubsidyProgramme};
    let year = chrono::Datelike::year(&today);
    let closes_on = today + chrono::Duration::days(7);
    let results_on = closes_on + chrono::Duration::days(14);
    Ok(SubsidyProgramme {
        id: baeum_domain::ProgrammeId::parse(&format!("gm-{year}-extra"))?,
        name: format!("{year}년 광명시민 평생학습지원금 (추가 모집)"),
        birth_years: BirthYears { from: 1967, to: 1976 },
        residence: ResidenceRule { continuous_years: 1, total_years: 5 },
        amount: baeum_domain::Won(300_000),
        places: 300,
        opens_on: today - chrono::Duration::days(2),
        closes_on,
        results_on,
        points_expire_on: results_on + chrono::Duration::days(205),
        first_taken_birth_year: Some(1967),
    })
}

/// The demo's 학습동아리, each with its leader and members (demo learners nobody can sign in as:
/// their PIN verifier matches no PIN) and a few recorded meetings. 철산 사진 동아리 has been
/// registered for over a year, so it may apply for the club grant.
pub fn seed_clubs(conn: &mut crate::db::Connection, today: NaiveDate) -> Result<usize, crate::store::StoreError> {
    use baeum_domain::club::{ActivityRecord, ClubApplication, ClubState, MeetingPlan};
    use baeum_domain::learner::Learner;
    use baeum_domain::{ActivityId, ClubId, Field, InstitutionId, LearnerId};
    use chrono::Weekday;

    use crate::store::clubs;

    struct DemoClub {
        id: &'static str,
        name: &'static str,
        field: Field,
        institution: &'static str,
        weekday: Weekday,
        per_month: u32,
        note: &'static str,
        place: &'static str,
        summary: &'static str,
        recruiting: bool,
        /// Days since approval.
        age_days: i64,
        members: &'static [(&'static str, bool)],
    }
    const CLUBS: &[DemoClub] = &[
        DemoClub {
            id: "club-demo-photo",
            name: "철산 사진 동아리",
            field: Field::CultureArts,
            institution: "gm-llc",
            weekday: Weekday::Tue,
            per_month: 2,
            note: "둘째·넷째 화요일 오전 10시",
            place: "광명시평생학습원 강의실 301",
            summary: "스마트폰과 카메라로 광명의 사계절을 찍고 함께 봅니다. 처음 찍는 분도 환영합니다.",
            recruiting: true,
            age_days: 420,
            members: &[
                ("김사진", true),
                ("이구도", true),
                ("박노을", true),
                ("최풍경", false),
                ("정인물", true),
                ("한접사", true),
            ],
        },
        DemoClub {
            id: "club-demo-books",
            name: "하안 책 읽는 엄마들",
            field: Field::Humanities,
            institution: "gm-llc",
            weekday: Weekday::Thu,
            per_month: 4,
            note: "매주 목요일 오전 10시 30분",
            place: "하안도서관 세미나실",
            summary: "한 달에 한 권을 함께 읽고 이야기 나눕니다.",
            recruiting: true,
            age_days: 120,
            members: &[("윤서연", true), ("장하린", true), ("임지아", true), ("오수아", false), ("서예린", true)],
        },
        DemoClub {
            id: "club-demo-phone",
            name: "소하 스마트폰 나눔단",
            field: Field::Civic,
            institution: "gm-llc",
            weekday: Weekday::Fri,
            per_month: 2,
            note: "첫째·셋째 금요일 오후 2시",
            place: "소하2동 행정복지센터",
            summary: "스마트폰이 낯선 이웃 어르신을 돕는 봉사 동아리입니다.",
            recruiting: false,
            age_days: 200,
            members: &[("강도움", true), ("조나눔", true), ("배이웃", true), ("문손길", true), ("신다정", true)],
        },
        DemoClub {
            id: "club-demo-calli",
            name: "광명 캘리그라피 모임",
            field: Field::CultureArts,
            institution: "gm-llc",
            weekday: Weekday::Wed,
            per_month: 2,
            note: "둘째·넷째 수요일 오후 7시",
            place: "광명시평생학습원 강의실 302",
            summary: "붓펜으로 한글 손글씨를 씁니다. 준비물은 붓펜 하나면 됩니다.",
            recruiting: true,
            age_days: 60,
            members: &[("권붓펜", true), ("황먹물", true), ("송한지", false), ("안글씨", true), ("유화선", true)],
        },
    ];

    let now = today.and_hms_opt(9, 0, 0).and_then(|t| t.and_local_timezone(kst()).single()).map(|t| t.to_utc());
    let now = now.unwrap_or_else(chrono::Utc::now);
    let tx = conn.transaction_with_behavior(crate::db::TransactionBehavior::Immediate)?;
    let corrupt =
        |e: String| crate::store::StoreError::Corrupt { what: "데모 동아리", id: String::new(), problem: e };
    let mut made = 0;
    for (n, c) in CLUBS.iter().enumerate() {
        let club_id = ClubId::parse(c.id).map_err(|e| corrupt(e.to_string()))?;
        if clubs::get(&tx, &club_id)?.is_some() {
            continue;
        }
        let mut ids = Vec::new();
        for (i, (name, resident)) in c.members.iter().enumerate() {
            let id = format!("l-demo-club-{n}-{i}");
            let learner: Learner = serde_json::from_value(serde_json::json!({
                "id": id, "name": name, "birth_date": format!("{}-0{}-1{}", 1950 + (n * 7 + i * 3) % 30, 1 + i % 9, i % 9),
                "mobile": format!("0109{n}{i:02}{:04}", 1000 + n * 37 + i), "resident": resident, "guardian": null,
                "consents": [{"purpose": "course_administration", "agreed": true, "notice_version": 1}, {"purpose": "course_news", "agreed": false, "notice_version": 1}],
                "identity": "self_declared", "pin_hash": "demo$0", "registered_on": today.to_string(),
            }))
            .map_err(|e| corrupt(e.to_string()))?;
            crate::store::learners::insert(&tx, &learner)?;
            ids.push(LearnerId::parse(&id).map_err(|e| corrupt(e.to_string()))?);
        }
        let app = ClubApplication {
            club_id: club_id.clone(),
            name: c.name.to_owned(),
            field: c.field,
            institution_id: InstitutionId::parse(c.institution).map_err(|e| corrupt(e.to_string()))?,
            plan: MeetingPlan::checked(c.per_month, c.weekday, c.note).map_err(|e| corrupt(e.to_string()))?,
            place: c.place.to_owned(),
            summary: c.summary.to_owned(),
            leader: ids[0].clone(),
            founders: ids[1..].to_vec(),
            recruiting: c.recruiting,
        };
        clubs::insert(&tx, &app, now)?;
        let approved = today - Duration::days(c.age_days);
        clubs::decide(&tx, &club_id, ClubState::Active, "", Some(approved))?;
        // A meeting on each of the last three planned weekdays, most members there.
        let mut day = today - Duration::days(1);
        for k in 0..3 {
            while day.weekday() != c.weekday {
                day -= Duration::days(1);
            }
            let record = ActivityRecord::checked(
                day,
                c.place,
                120,
                ids.iter().skip(k % 2).cloned().collect(),
                "정기 모임: 지난 활동을 돌아보고 다음 모임을 계획했습니다.",
                today,
                approved,
            )
            .map_err(|e| corrupt(e.to_string()))?;
            let activity = ActivityId::parse(&format!("act-demo-{n}-{k}")).map_err(|e| corrupt(e.to_string()))?;
            clubs::insert_activity(&tx, &club_id, &activity, &record, "demo", now)?;
            day -= Duration::days(7);
        }
        made += 1;
    }
    tx.commit()?;
    Ok(made)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use baeum_domain::ApplicationPhase;
    use chrono::TimeZone;

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default()
    }

    #[test]
    fn the_demo_covers_every_life_stage_and_field_across_thirty_institutions() {
        let batch = demo_catalog(today()).unwrap_or_else(|e| panic!("{e}"));
        assert!(batch.institutions.len() >= 30, "{} institutions", batch.institutions.len());
        assert!(batch.courses.len() >= 300, "{} courses", batch.courses.len());
        for stage in LifeStage::ALL {
            assert!(batch.courses.iter().any(|c| c.is_for(*stage)), "no course for {stage}");
        }
        for field in Field::ALL {
            assert!(batch.courses.iter().any(|c| c.field == *field), "no course in {field}");
        }
        let dongs = batch.institutions.iter().filter(|i| i.kind == InstitutionKind::DongCenter).count();
        assert_eq!(dongs, 18, "Gwangmyeong has 18 administrative dong");
        let ids: HashSet<&str> = batch.courses.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), batch.courses.len(), "course ids are unique");
    }

    #[test]
    fn most_demo_courses_are_open_for_application_on_the_demo_day() {
        let batch = demo_catalog(today()).unwrap_or_else(|e| panic!("{e}"));
        let now = kst().with_ymd_and_hms(2026, 11, 26, 14, 0, 0).single().map(|t| t.to_utc()).unwrap_or_default();
        let phases: Vec<ApplicationPhase> = batch.courses.iter().map(|c| c.phase_at(now)).collect();
        let open = phases.iter().filter(|p| **p == ApplicationPhase::Open).count();
        assert!(open * 2 > phases.len(), "{open} of {} open", phases.len());
        for phase in [ApplicationPhase::Upcoming, ApplicationPhase::Closed, ApplicationPhase::Cancelled] {
            assert!(phases.contains(&phase), "the demo shows {phase:?} courses too");
        }
    }

    #[test]
    fn the_demo_is_deterministic_for_a_day() {
        let a = demo_catalog(today()).unwrap_or_else(|e| panic!("{e}"));
        let b = demo_catalog(today()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.courses, b.courses);
    }

    #[test]
    fn no_class_meets_on_christmas() {
        let batch = demo_catalog(today()).unwrap_or_else(|e| panic!("{e}"));
        let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap_or_default();
        assert!(batch.courses.iter().flat_map(|c| &c.sessions).all(|s| s.date != christmas));
    }

    #[test]
    fn synthetic_catalogs_have_exactly_the_requested_size() {
        let batch = synthetic_catalog(1_000, today()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(batch.courses.len(), 1_000);
        let ids: HashSet<&str> = batch.courses.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), 1_000);
    }
}
