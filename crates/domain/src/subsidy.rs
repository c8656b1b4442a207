//! The subsidy service (광명시민 평생학습지원금): the year's programme as the city configures it,
//! who may apply (explained in plain words before anyone applies), the intents a kiosk files, the
//! hub's answers, and the selection (first-taken birth year, then a draw anyone can re-run).
//!
//! The kiosk never takes a 주민등록번호 or a 주민등록초본: residence is two yes/no questions,
//! recorded as declared and confirmed later by staff or the platform.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ids::{LearnerId, ProgrammeId};
use crate::money::Won;
use crate::protocol::hex;

/// Born in these years, inclusive (1967–1976 in 2026).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BirthYears {
    pub from: i32,
    pub to: i32,
}

/// How long a person must have lived in the city: this many years without a break up to now, or
/// this many years in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResidenceRule {
    pub continuous_years: u32,
    pub total_years: u32,
}

/// One year's programme, as the city publishes it (`baeum-hub subsidy programme FILE.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "ProgrammeDraft")]
pub struct SubsidyProgramme {
    pub id: ProgrammeId,
    /// 2026년 광명시민 평생학습지원금
    pub name: String,
    pub birth_years: BirthYears,
    pub residence: ResidenceRule,
    /// Points granted to each person selected (₩300,000).
    pub amount: Won,
    /// How many people are selected (2,500).
    pub places: u32,
    /// Applications from this day to `closes_on` (KST, whole days).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub opens_on: NaiveDate,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub closes_on: NaiveDate,
    /// 결과 발표
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub results_on: NaiveDate,
    /// Points left after this day lapse.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub points_expire_on: NaiveDate,
    /// Everyone born in this year is selected before the draw (the last year still eligible).
    pub first_taken_birth_year: Option<i32>,
}

/// The configuration file as written, checked into a [`SubsidyProgramme`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgrammeDraft {
    id: ProgrammeId,
    name: String,
    birth_years: BirthYears,
    residence: ResidenceRule,
    amount: Won,
    places: u32,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    results_on: NaiveDate,
    points_expire_on: NaiveDate,
    #[serde(default)]
    first_taken_birth_year: Option<i32>,
}

/// Why a programme file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgrammeError {
    #[error("이름이 비어 있거나 80자를 넘습니다")]
    Name,
    #[error("출생 연도 범위가 거꾸로입니다 ({0}~{1})")]
    BirthYears(i32, i32),
    #[error("선정 인원과 지원 금액은 0보다 커야 합니다")]
    Empty,
    #[error("날짜 순서가 맞지 않습니다: 접수 시작 ≤ 접수 마감 < 결과 발표 ≤ 사용 기한이어야 합니다")]
    Dates,
    #[error("우선 선정 출생 연도 {0}년이 대상 범위 밖입니다")]
    FirstTaken(i32),
    #[error("거주 요건은 1년 이상이어야 합니다")]
    Residence,
}

impl TryFrom<ProgrammeDraft> for SubsidyProgramme {
    type Error = ProgrammeError;

    fn try_from(d: ProgrammeDraft) -> Result<Self, Self::Error> {
        let name = crate::text::clean(&d.name, 80, true, false).map_err(|_| ProgrammeError::Name)?;
        if d.birth_years.from > d.birth_years.to {
            return Err(ProgrammeError::BirthYears(d.birth_years.from, d.birth_years.to));
        }
        if d.places == 0 || d.amount.is_free() {
            return Err(ProgrammeError::Empty);
        }
        if !(d.opens_on <= d.closes_on && d.closes_on < d.results_on && d.results_on <= d.points_expire_on) {
            return Err(ProgrammeError::Dates);
        }
        if let Some(y) = d.first_taken_birth_year
            && !(d.birth_years.from..=d.birth_years.to).contains(&y)
        {
            return Err(ProgrammeError::FirstTaken(y));
        }
        if d.residence.continuous_years == 0 || d.residence.total_years == 0 {
            return Err(ProgrammeError::Residence);
        }
        Ok(Self {
            id: d.id,
            name,
            birth_years: d.birth_years,
            residence: d.residence,
            amount: d.amount,
            places: d.places,
            opens_on: d.opens_on,
            closes_on: d.closes_on,
            results_on: d.results_on,
            points_expire_on: d.points_expire_on,
            first_taken_birth_year: d.first_taken_birth_year,
        })
    }
}

/// The person's answers to the two residence questions, recorded as declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResidenceDeclaration {
    /// "지금까지 광명시에 1년 이상 계속 살고 계십니까?"
    pub continuous: bool,
    /// "광명시에 산 기간을 모두 합하면 5년 이상입니까?"
    pub in_total: bool,
}

impl ResidenceDeclaration {
    pub fn meets(self) -> bool {
        self.continuous || self.in_total
    }
}

/// Why a person cannot have this year's subsidy, in words a person reads ([`Self::message_ko`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ineligibility {
    /// Born outside the programme's years.
    BirthYear { born: i32, from: i32, to: i32 },
    /// The subsidy is once in a lifetime, and this person was selected in `year`.
    AlreadyGranted { year: i32 },
    /// Today is outside the application window.
    OutsideWindow {
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        opens_on: NaiveDate,
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        closes_on: NaiveDate,
    },
    /// Neither residence question was answered yes.
    Residence { continuous_years: u32, total_years: u32 },
}

impl Ineligibility {
    /// The sentence on the screen and in 나의 신청 내역.
    pub fn message_ko(&self) -> String {
        match self {
            Ineligibility::BirthYear { born, from, to } => {
                format!("{born}년생은 올해 대상이 아닙니다 (대상: {from}~{to}년생)")
            }
            Ineligibility::AlreadyGranted { year } => {
                format!("이미 지원금을 받으셨습니다 ({year}년). 지원금은 평생 한 번만 받을 수 있습니다")
            }
            Ineligibility::OutsideWindow { opens_on, closes_on } => {
                format!("신청 기간이 아닙니다 ({})", date_range_ko(*opens_on, *closes_on))
            }
            Ineligibility::Residence { continuous_years, total_years } => format!(
                "광명시에 {continuous_years}년 이상 계속 살았거나, 모두 합해 {total_years}년 이상 산 분이 대상입니다"
            ),
        }
    }
}

/// `3월 3일~13일`, `11월 30일~12월 11일`, `2026년 12월 28일~2027년 1월 8일`.
pub fn date_range_ko(from: NaiveDate, to: NaiveDate) -> String {
    let start = format!("{}월 {}일", from.month(), from.day());
    if from.year() != to.year() {
        format!("{}년 {start}~{}년 {}월 {}일", from.year(), to.year(), to.month(), to.day())
    } else if from.month() == to.month() {
        format!("{start}~{}일", to.day())
    } else {
        format!("{start}~{}월 {}일", to.month(), to.day())
    }
}

impl SubsidyProgramme {
    /// The year the programme belongs to (of its application window).
    pub fn year(&self) -> i32 {
        self.opens_on.year()
    }

    pub fn is_open_on(&self, today: NaiveDate) -> bool {
        (self.opens_on..=self.closes_on).contains(&today)
    }

    /// Whether a person born on `birth_date` may apply on `today`, having been selected in the
    /// years `granted` before. `residence` is None before the person has answered (the kiosk's
    /// pre-check); the hub always has the answers. The first reason that applies is given, in
    /// the order a person can do least about: birth year, an earlier grant, the dates, residence.
    pub fn check(
        &self,
        birth_date: NaiveDate,
        granted: &[i32],
        residence: Option<ResidenceDeclaration>,
        today: NaiveDate,
    ) -> Result<(), Ineligibility> {
        let born = birth_date.year();
        if !(self.birth_years.from..=self.birth_years.to).contains(&born) {
            return Err(Ineligibility::BirthYear { born, from: self.birth_years.from, to: self.birth_years.to });
        }
        if let Some(year) = granted.iter().copied().min() {
            return Err(Ineligibility::AlreadyGranted { year });
        }
        if !self.is_open_on(today) {
            return Err(Ineligibility::OutsideWindow { opens_on: self.opens_on, closes_on: self.closes_on });
        }
        if residence.is_some_and(|r| !r.meets()) {
            return Err(Ineligibility::Residence {
                continuous_years: self.residence.continuous_years,
                total_years: self.residence.total_years,
            });
        }
        Ok(())
    }
}

/// What a person asked about the subsidy (or staff on their behalf).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SubsidyIntent {
    /// 지원금 신청
    ApplySubsidy { learner_id: LearnerId, programme_id: ProgrammeId, residence: ResidenceDeclaration },
    /// 신청 취소, honoured until the selection is run.
    WithdrawSubsidy { learner_id: LearnerId, programme_id: ProgrammeId },
}

impl SubsidyIntent {
    pub fn learner(&self) -> &LearnerId {
        match self {
            SubsidyIntent::ApplySubsidy { learner_id, .. } | SubsidyIntent::WithdrawSubsidy { learner_id, .. } => {
                learner_id
            }
        }
    }
}

/// The hub's answer (a rejection such as an unknown learner is [`crate::intent::Outcome::Rejected`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SubsidyOutcome {
    /// 신청완료, with the 접수번호 the draw is published under.
    SubsidyApplied {
        receipt: String,
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        results_on: NaiveDate,
    },
    /// 대상 아님, and why.
    SubsidyNotEligible { reason: Ineligibility },
    /// She had applied already (at another kiosk, perhaps offline at the time): that application
    /// stands, and this one made no second entry.
    SubsidyAlreadyApplied { receipt: String },
    /// 신청 취소
    SubsidyWithdrawn,
}

/// Where an application stands, as the hub knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SubsidyStatus {
    /// 신청완료: waiting for the selection.
    Applied,
    /// 선정: points to use by `expires_on`.
    Selected {
        amount: Won,
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        expires_on: NaiveDate,
    },
    /// 미선정
    NotSelected,
    /// 대상 아님
    NotEligible { reason: Ineligibility },
    /// 신청 취소
    Withdrawn,
}

impl SubsidyStatus {
    pub fn label_ko(&self) -> &'static str {
        match self {
            SubsidyStatus::Applied => "신청완료",
            SubsidyStatus::Selected { .. } => "선정",
            SubsidyStatus::NotSelected => "미선정",
            SubsidyStatus::NotEligible { .. } => "대상 아님",
            SubsidyStatus::Withdrawn => "신청 취소",
        }
    }

    /// The reason beside the label, in words.
    pub fn reason_ko(&self, programme: Option<&SubsidyProgramme>) -> String {
        match self {
            SubsidyStatus::Applied => match programme {
                Some(p) => format!("{}에 결과를 알려 드립니다", date_ko(p.results_on)),
                None => "결과 발표를 기다리고 있습니다".into(),
            },
            SubsidyStatus::Selected { amount, expires_on } => {
                format!("{amount} 포인트 · {}까지 사용", date_ko(*expires_on))
            }
            SubsidyStatus::NotSelected => "추첨 결과 선정되지 않았습니다".into(),
            SubsidyStatus::NotEligible { reason } => reason.message_ko(),
            SubsidyStatus::Withdrawn => "신청을 취소하셨습니다".into(),
        }
    }
}

pub use crate::time::date_ko;

/// One application as the hub holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubsidyApplication {
    pub programme_id: ProgrammeId,
    pub learner_id: LearnerId,
    pub receipt: String,
    pub status: SubsidyStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub applied_at: DateTime<Utc>,
}

/// A person selected in an earlier year (once in a lifetime).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubsidyGrant {
    pub learner_id: LearnerId,
    pub programme_id: ProgrammeId,
    pub year: i32,
}

/// `POST /v1/subsidy/lookup`: applications and grants of these learners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubsidyLookup {
    pub learner_ids: Vec<LearnerId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubsidyStatuses {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub as_of: DateTime<Utc>,
    pub applications: Vec<SubsidyApplication>,
    pub grants: Vec<SubsidyGrant>,
}

/// `GET /v1/subsidy/programmes`: the programmes kiosks offer and explain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubsidyProgrammes {
    pub programmes: Vec<SubsidyProgramme>,
}

/// Version of [`select`]; a record names the one that made it, so a later change of the
/// algorithm never makes an old draw look wrong.
pub const DRAW_ALGORITHM: &str = "baeum-subsidy-draw/1";

/// One entrant as the draw sees it: the 접수번호 only (no names), and whether they belong to the
/// first-taken birth year.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Entrant {
    pub receipt: String,
    pub first_taken: bool,
}

/// SHA-256 of the entrant list: one line `receipt,1` (first-taken) or `receipt,0` per entrant,
/// in 접수번호 order. Published with the record, and before the selection when the operator runs
/// `baeum-hub subsidy entrants` first, so the list cannot change after the seed is known without
/// the digest showing it. (A seed the operator draws can still be drawn again on a copy of the
/// database; a seed from a public source announced in advance cannot.)
pub fn entrants_sha256(entrants: &[Entrant]) -> String {
    let mut sorted: Vec<&Entrant> = entrants.iter().collect();
    sorted.sort();
    let mut h = Sha256::new();
    for e in sorted {
        h.update(e.receipt.as_bytes());
        h.update(if e.first_taken { b",1\n" } else { b",0\n" });
    }
    hex(&h.finalize())
}

/// An entrant's ticket: `sha256(seed ":" receipt)` in lower-case hex. Re-run by hand with
/// `printf '%s:%s' SEED RECEIPT | sha256sum`.
pub fn ticket(seed: &str, receipt: &str) -> String {
    hex(&crate::rules::ticket_digest(seed, receipt))
}

/// The selection ([`DRAW_ALGORITHM`]): every first-taken entrant is selected (in 접수번호 order),
/// then the places left go to the others with the smallest tickets. When the first-taken group
/// alone is larger than the places, the draw is held within that group instead. Returns the
/// selected 접수번호s in selection order.
pub fn select(seed: &str, places: u32, entrants: &[Entrant]) -> Vec<String> {
    let places = places as usize;
    let mut first: Vec<&Entrant> = entrants.iter().filter(|e| e.first_taken).collect();
    let rest: Vec<&Entrant> = entrants.iter().filter(|e| !e.first_taken).collect();
    // Raw digests sort exactly as their lower-case hex does, without making 8,000 strings.
    let by_ticket = |group: &[&Entrant], n: usize| -> Vec<String> {
        let mut tickets: Vec<([u8; 32], &str)> =
            group.iter().map(|e| (crate::rules::ticket_digest(seed, &e.receipt), e.receipt.as_str())).collect();
        tickets.sort_unstable();
        tickets.into_iter().take(n).map(|(_, r)| r.to_owned()).collect()
    };
    if first.len() >= places {
        return by_ticket(&first, places);
    }
    first.sort();
    let mut selected: Vec<String> = first.iter().map(|e| e.receipt.clone()).collect();
    selected.extend(by_ticket(&rest, places - selected.len()));
    selected
}

/// A selection as recorded and published: everything needed to re-run it, and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DrawRecord {
    pub programme_id: ProgrammeId,
    pub algorithm: String,
    pub seed: String,
    pub places: u32,
    /// In 접수번호 order.
    pub entrants: Vec<Entrant>,
    pub entrants_sha256: String,
    /// Selected 접수번호s, in selection order.
    pub selected: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub drawn_at: DateTime<Utc>,
}

/// Why a record does not re-run to itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawMismatch {
    #[error("알 수 없는 추첨 방식입니다: {0}")]
    Algorithm(String),
    #[error("신청자 목록의 해시가 기록과 다릅니다 (기록 {recorded}, 다시 계산 {computed})")]
    Entrants { recorded: String, computed: String },
    #[error("다시 추첨한 선정자가 기록과 다릅니다 ({differ}명 차이)")]
    Selected { differ: usize },
    #[error("다시 추첨한 선정자가 기록과 다릅니다 (같은 사람들이지만 순서가 다릅니다)")]
    Order,
}

impl DrawRecord {
    /// Runs the selection and records it.
    pub fn run(
        programme: &SubsidyProgramme,
        seed: String,
        mut entrants: Vec<Entrant>,
        drawn_at: DateTime<Utc>,
    ) -> DrawRecord {
        entrants.sort();
        let selected = select(&seed, programme.places, &entrants);
        DrawRecord {
            programme_id: programme.id.clone(),
            algorithm: DRAW_ALGORITHM.to_owned(),
            entrants_sha256: entrants_sha256(&entrants),
            seed,
            places: programme.places,
            entrants,
            selected,
            drawn_at,
        }
    }

    /// Re-runs the draw from the record alone and compares: what anyone can do with the
    /// published JSON.
    pub fn verify(&self) -> Result<(), DrawMismatch> {
        if self.algorithm != DRAW_ALGORITHM {
            return Err(DrawMismatch::Algorithm(self.algorithm.clone()));
        }
        let computed = entrants_sha256(&self.entrants);
        if computed != self.entrants_sha256 {
            return Err(DrawMismatch::Entrants { recorded: self.entrants_sha256.clone(), computed });
        }
        let again = select(&self.seed, self.places, &self.entrants);
        if again != self.selected {
            let a: std::collections::HashSet<&String> = again.iter().collect();
            let b: std::collections::HashSet<&String> = self.selected.iter().collect();
            let differ = a.symmetric_difference(&b).count();
            return Err(if differ == 0 { DrawMismatch::Order } else { DrawMismatch::Selected { differ } });
        }
        Ok(())
    }
}

/// The 접수번호 of the `n`th application to a programme of `year`: `S2026-000123`.
pub fn receipt_number(year: i32, n: u64) -> String {
    format!("S{year}-{n:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn programme_2026() -> SubsidyProgramme {
        serde_json::from_str(
            r#"{"id":"gm-2026","name":"2026년 광명시민 평생학습지원금",
                "birth_years":{"from":1967,"to":1976},
                "residence":{"continuous_years":1,"total_years":5},
                "amount":300000,"places":2500,
                "opens_on":"2026-03-03","closes_on":"2026-03-13",
                "results_on":"2026-04-09","points_expire_on":"2026-10-31",
                "first_taken_birth_year":1967}"#,
        )
        .unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const YES: Option<ResidenceDeclaration> = Some(ResidenceDeclaration { continuous: true, in_total: false });

    #[test]
    fn a_no_is_explained_in_the_words_the_issue_gives() {
        let p = programme_2026();
        let inside = day("2026-03-05");
        let no = |birth: &str, granted: &[i32], today: NaiveDate| {
            p.check(day(birth), granted, YES, today).unwrap_err().message_ko()
        };
        assert_eq!(no("1966-05-01", &[], inside), "1966년생은 올해 대상이 아닙니다 (대상: 1967~1976년생)");
        assert!(no("1970-05-01", &[2025], inside).starts_with("이미 지원금을 받으셨습니다 (2025년)"));
        assert_eq!(no("1970-05-01", &[], day("2026-03-14")), "신청 기간이 아닙니다 (3월 3일~13일)");
        assert!(p.check(day("1970-05-01"), &[], YES, inside).is_ok());
        assert!(p.check(day("1976-12-31"), &[], YES, day("2026-03-13")).is_ok(), "both ends are inside");
        assert!(p.check(day("1977-01-01"), &[], YES, inside).is_err());
        let neither = Some(ResidenceDeclaration { continuous: false, in_total: false });
        assert!(matches!(p.check(day("1970-05-01"), &[], neither, inside), Err(Ineligibility::Residence { .. })));
        assert!(p.check(day("1970-05-01"), &[], None, inside).is_ok(), "the pre-check before the questions");
    }

    #[test]
    fn date_ranges_read_naturally() {
        assert_eq!(date_range_ko(day("2026-11-30"), day("2026-12-11")), "11월 30일~12월 11일");
        assert_eq!(date_range_ko(day("2026-12-28"), day("2027-01-08")), "2026년 12월 28일~2027년 1월 8일");
    }

    #[test]
    fn a_programme_file_with_wrong_dates_or_years_is_refused() {
        let good = serde_json::to_value(programme_2026()).unwrap();
        for (key, value) in [
            ("closes_on", serde_json::json!("2026-03-01")),
            ("results_on", serde_json::json!("2026-03-10")),
            ("first_taken_birth_year", serde_json::json!(1960)),
            ("places", serde_json::json!(0)),
            ("birth_years", serde_json::json!({"from": 1980, "to": 1970})),
            ("name", serde_json::json!("  ")),
        ] {
            let mut bad = good.clone();
            bad[key] = value;
            assert!(serde_json::from_value::<SubsidyProgramme>(bad).is_err(), "{key}");
        }
        let mut unknown = good.clone();
        unknown["extra"] = serde_json::json!(1);
        assert!(serde_json::from_value::<SubsidyProgramme>(unknown).is_err(), "typos are not ignored");
        assert_eq!(serde_json::from_value::<SubsidyProgramme>(good).unwrap(), programme_2026());
    }

    fn entrants(first: usize, rest: usize) -> Vec<Entrant> {
        (0..first + rest)
            .map(|i| Entrant { receipt: receipt_number(2026, i as u64 + 1), first_taken: i < first })
            .collect()
    }

    #[test]
    fn the_first_taken_year_goes_first_then_the_draw() {
        let all = entrants(3, 20);
        let selected = select("seed", 10, &all);
        assert_eq!(selected.len(), 10);
        assert_eq!(&selected[..3], &[receipt_number(2026, 1), receipt_number(2026, 2), receipt_number(2026, 3)]);
        // The other seven are the seven smallest tickets of the rest.
        let mut rest: Vec<(String, String)> =
            all[3..].iter().map(|e| (ticket("seed", &e.receipt), e.receipt.clone())).collect();
        rest.sort();
        let expected: Vec<String> = rest.into_iter().take(7).map(|(_, r)| r).collect();
        assert_eq!(&selected[3..], &expected[..]);
        assert_ne!(select("another", 10, &all)[3..], selected[3..], "the seed decides");
    }

    #[test]
    fn a_first_taken_year_over_quota_is_drawn_within_itself() {
        let all = entrants(30, 50);
        let selected = select("seed", 10, &all);
        assert_eq!(selected.len(), 10);
        assert!(selected.iter().all(|r| all.iter().any(|e| &e.receipt == r && e.first_taken)));
    }

    #[test]
    fn fewer_applicants_than_places_are_all_selected() {
        let all = entrants(2, 5);
        let mut selected = select("seed", 2500, &all);
        selected.sort();
        assert_eq!(selected, all.iter().map(|e| e.receipt.clone()).collect::<Vec<_>>());
    }

    #[test]
    fn a_record_re_runs_to_itself_and_a_changed_one_does_not() {
        let p = programme_2026();
        let mut shuffled = entrants(40, 8017);
        shuffled.reverse();
        let record = DrawRecord::run(&p, "7f3a".into(), shuffled, Utc::now());
        assert_eq!(record.selected.len(), 2500);
        assert!(record.verify().is_ok());
        let json = serde_json::to_string(&record).unwrap();
        assert!(serde_json::from_str::<DrawRecord>(&json).unwrap().verify().is_ok(), "the published JSON");
        let mut swapped = record.clone();
        swapped.selected[2000] =
            swapped.entrants.iter().find(|e| !record.selected.contains(&e.receipt)).unwrap().receipt.clone();
        assert_eq!(swapped.verify(), Err(DrawMismatch::Selected { differ: 2 }));
        let mut added = record.clone();
        added.entrants.push(Entrant { receipt: "S2026-999999".into(), first_taken: false });
        assert!(matches!(added.verify(), Err(DrawMismatch::Entrants { .. })));
        let mut reseeded = record.clone();
        reseeded.seed = "other".into();
        assert!(matches!(reseeded.verify(), Err(DrawMismatch::Selected { .. })));
        let mut reordered = record;
        reordered.selected.swap(0, 2499);
        assert_eq!(reordered.verify(), Err(DrawMismatch::Order));
    }
}
