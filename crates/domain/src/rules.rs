//! Programme rules an institution sets (DESIGN.md §3): who may apply when (staged windows), how
//! many courses a person may take per term, reductions, how long a seat waits for payment, the
//! minimum enrolment below which a course is cancelled, and the auditable lottery draw.
//! The hub applies them; kiosks use the same functions to explain them before anyone applies.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::course::Course;
use crate::ids::LearnerId;
use crate::learner::Learner;
use crate::money::Won;
use crate::time::kst;

/// A reduction of the tuition (수강료 감면). Materials are never reduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReductionKind {
    /// 만 65세 이상 (checked from the birth date on the first session's day).
    Senior,
    /// 국민기초생활보장 수급자 (shown to staff, claimed at application).
    BasicLivelihood,
    /// 등록 장애인 (shown to staff, claimed at application).
    Disability,
}

impl ReductionKind {
    pub fn label_ko(self) -> &'static str {
        match self {
            ReductionKind::Senior => "만 65세 이상",
            ReductionKind::BasicLivelihood => "기초생활수급자",
            ReductionKind::Disability => "장애인",
        }
    }

    /// 배려대상: groups that may apply in the priority window.
    pub fn is_priority_group(self) -> bool {
        matches!(self, ReductionKind::BasicLivelihood | ReductionKind::Disability)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reduction {
    pub kind: ReductionKind,
    /// 50 for half price, 100 for free.
    pub percent_off: u8,
}

/// How long a term is, for the per-person limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TermLength {
    /// 분기 (Jan–Mar, Apr–Jun, …), what most 동 centres use.
    #[default]
    Quarter,
    /// 학기 (Jan–Jun, Jul–Dec).
    Half,
    Year,
}

/// Staged windows: some groups may apply before the course's general opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EarlyWindows {
    /// 배려대상 apply this many hours before everyone else.
    pub priority_hours: u32,
    /// 광명시민 apply this many hours before non-residents.
    pub resident_hours: u32,
}

/// The rules of one institution, or of one course where it differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeRules {
    /// At most this many live applications per person per term at this institution.
    pub per_person_limit: Option<u32>,
    #[serde(default)]
    pub term: TermLength,
    pub reductions: Vec<Reduction>,
    /// A paid seat waits this long for payment after it is confirmed.
    pub payment_hours: u32,
    pub early_windows: Option<EarlyWindows>,
    /// Below this share of capacity when applications close, the course is cancelled (폐강).
    pub minimum_enrolment_percent: u8,
    /// 수료: attendance of at least this share of all sessions.
    #[serde(default = "default_completion_percent")]
    pub completion_percent: u8,
}

fn default_completion_percent() -> u8 {
    80
}

impl Default for ProgrammeRules {
    /// What most Gwangmyeong institutions publish: 2 courses per quarter, 65+ half price, basic
    /// livelihood recipients and registered disabled people free, 48 h to pay, 폐강 below 50 %.
    fn default() -> Self {
        Self {
            per_person_limit: Some(2),
            term: TermLength::Quarter,
            reductions: vec![
                Reduction { kind: ReductionKind::Senior, percent_off: 50 },
                Reduction { kind: ReductionKind::BasicLivelihood, percent_off: 100 },
                Reduction { kind: ReductionKind::Disability, percent_off: 100 },
            ],
            payment_hours: 48,
            early_windows: Some(EarlyWindows { priority_hours: 48, resident_hours: 24 }),
            minimum_enrolment_percent: 50,
            completion_percent: default_completion_percent(),
        }
    }
}

/// Why an application was refused, with a stable code and the Korean sentence for the screen.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RejectReason {
    NotOpenYet,
    ApplicationClosed,
    CourseCancelled,
    AlreadyApplied,
    TermLimitReached,
    UnknownCourse,
    UnknownLearner,
    NotEnrolled,
    NothingToPay,
    WrongAmount,
    ReductionNotAllowed,
    UnknownSession,
    /// A provisional certificate for attendance the hub does not see as complete.
    NotCompleted,
    /// A provisional certificate whose signature or kiosk key the hub does not accept.
    BadCertificate,
    /// A phone payment for this application was started and has no recorded answer yet: a
    /// cancellation or desk payment now could refund nothing or charge twice.
    PaymentInProgress,
    /// Only staff may do this (a desk payment, attendance, a registration with the ID card
    /// checked), and no staff session the hub opened at this kiosk stands behind it.
    StaffRequired,
    /// Attendance for a class that has not started yet.
    SessionNotStarted,
    /// A registration the hub's rules refuse (a name, number or consent they do not accept).
    InvalidLearner,
    /// No subsidy programme of that id is configured at the hub.
    UnknownProgramme,
    /// A subsidy application withdrawn after the selection was run.
    SelectionDone,
    /// No room of that id is rented out at the hub.
    UnknownRoom,
    /// No club of that id is registered at the hub.
    UnknownClub,
}

impl RejectReason {
    /// The wire name (`term_limit_reached`), the same as its JSON form.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn message_ko(self) -> &'static str {
        match self {
            RejectReason::NotOpenYet => "아직 접수기간이 아닙니다. 접수 시작 일시를 확인해 주세요.",
            RejectReason::ApplicationClosed => "접수기간이 끝났습니다.",
            RejectReason::CourseCancelled => "폐강된 강좌입니다.",
            RejectReason::AlreadyApplied => "이미 신청하신 강좌입니다.",
            RejectReason::TermLimitReached => "이번 분기에 신청할 수 있는 강좌 수를 모두 채우셨습니다.",
            RejectReason::UnknownCourse => "강좌 정보를 찾을 수 없습니다. 직원에게 문의해 주세요.",
            RejectReason::UnknownLearner => "학습자 정보를 찾을 수 없습니다. 직원에게 문의해 주세요.",
            RejectReason::NotEnrolled => "신청 내역이 없습니다.",
            RejectReason::NothingToPay => "결제할 금액이 없습니다.",
            RejectReason::WrongAmount => "결제 금액이 맞지 않습니다. 직원에게 문의해 주세요.",
            RejectReason::ReductionNotAllowed => "이 강좌에는 신청하신 감면을 적용할 수 없습니다.",
            RejectReason::UnknownSession => "그날은 이 강좌의 수업일이 아닙니다.",
            RejectReason::NotCompleted => "출석이 수료 기준에 모자라 임시 발급한 수료증을 취소했습니다.",
            RejectReason::BadCertificate => "임시 발급 수료증의 서명을 확인할 수 없어 취소했습니다.",
            RejectReason::PaymentInProgress => {
                "휴대전화 결제가 진행 중인 신청입니다. 결제가 끝난 뒤 다시 시도하시거나 직원에게 문의해 주세요."
            }
            RejectReason::StaffRequired => "직원 확인이 필요한 요청입니다. 직원 번호로 로그인한 뒤 다시 해 주세요.",
            RejectReason::SessionNotStarted => "아직 시작하지 않은 수업의 출석은 기록할 수 없습니다.",
            RejectReason::InvalidLearner => "등록 정보를 중앙 서버가 받아들이지 않았습니다. 직원에게 문의해 주세요.",
            RejectReason::UnknownProgramme => "지원금 사업 정보를 찾을 수 없습니다. 직원에게 문의해 주세요.",
            RejectReason::SelectionDone => "선정 결과가 이미 나와 신청을 취소할 수 없습니다.",
            RejectReason::UnknownRoom => "대관 시설 정보를 찾을 수 없습니다. 직원에게 문의해 주세요.",
            RejectReason::UnknownClub => "동아리 정보를 찾을 수 없습니다. 직원에게 문의해 주세요.",
        }
    }
}

impl ProgrammeRules {
    /// The reduction that applies (the largest one the person qualifies for), if any.
    pub fn reduction_for(
        &self,
        course: &Course,
        learner: &Learner,
        claims: &[ReductionKind],
    ) -> Result<Option<Reduction>, RejectReason> {
        let start = course.sessions.first().map(|s| s.date).unwrap_or(learner.registered_on);
        let mut best: Option<Reduction> = None;
        for claim in claims {
            let Some(r) = self.reductions.iter().find(|r| r.kind == *claim) else {
                return Err(RejectReason::ReductionNotAllowed);
            };
            if *claim == ReductionKind::Senior && learner.age_on(start) < 65 {
                return Err(RejectReason::ReductionNotAllowed);
            }
            if best.is_none_or(|b| r.percent_off > b.percent_off) {
                best = Some(*r);
            }
        }
        Ok(best)
    }

    /// Tuition after the reduction, rounded down to 10 won as 수납 systems do; materials in full.
    pub fn price(course: &Course, reduction: Option<Reduction>) -> Price {
        let off = u64::from(reduction.map_or(0, |r| r.percent_off.min(100)));
        let tuition = u64::from(course.fee.0) * (100 - off) / 100 / 10 * 10;
        Price { tuition: Won(tuition as u32), materials: course.materials_fee }
    }

    /// When this person may first apply, given the course's general opening.
    pub fn opens_for(&self, course: &Course, learner: &Learner, claims: &[ReductionKind]) -> DateTime<FixedOffset> {
        let general = course.application.opens_at;
        let Some(w) = self.early_windows else { return general };
        let mut hours = 0;
        if learner.resident {
            hours = hours.max(w.resident_hours);
        }
        if claims.iter().any(|c| c.is_priority_group()) {
            hours = hours.max(w.priority_hours);
        }
        general - Duration::hours(i64::from(hours))
    }

    /// The term a course belongs to, e.g. `2026-Q4`, from its first session.
    pub fn term_of(&self, course: &Course) -> String {
        let d: NaiveDate = course.sessions.first().map(|s| s.date).unwrap_or_default();
        match self.term {
            TermLength::Quarter => format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1),
            TermLength::Half => format!("{}-H{}", d.year(), (d.month() - 1) / 6 + 1),
            TermLength::Year => d.year().to_string(),
        }
    }

    /// Seats needed to run the course.
    pub fn minimum_seats(&self, capacity: u32) -> u32 {
        (u64::from(capacity) * u64::from(self.minimum_enrolment_percent)).div_ceil(100) as u32
    }

    /// Whether `attended` of `sessions` reaches completion (80 % of 10 sessions = 8).
    pub fn completed(&self, attended: u32, sessions: u32) -> bool {
        sessions > 0 && u64::from(attended) * 100 >= u64::from(sessions) * u64::from(self.completion_percent)
    }

    /// Payment deadline for a seat confirmed at `at`.
    pub fn payment_due(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        at + Duration::hours(i64::from(self.payment_hours))
    }
}

/// Payment deadline after a waitlist promotion: 23:59 (KST) of the next day, so a person promoted
/// in the evening still has a whole day.
pub fn promotion_payment_due(at: DateTime<Utc>) -> DateTime<Utc> {
    let next = at.with_timezone(&kst()).date_naive() + Duration::days(1);
    let local = next.and_hms_opt(23, 59, 59).unwrap_or_default();
    (local - Duration::hours(9)).and_utc()
}

/// What one applicant owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Price {
    pub tuition: Won,
    pub materials: Won,
}

impl Price {
    pub fn total(self) -> Won {
        Won(self.tuition.0 + self.materials.0)
    }
}

/// The 추첨 draw: every entrant's ticket is `sha256(seed ‖ ":" ‖ learner id)`; tickets are sorted
/// and the first `capacity` win, the rest form the waitlist in ticket order. Anyone with the seed
/// and the entrants can re-run it (`sha256sum` is enough) and get the same winners.
pub fn draw(seed: &str, entrants: &[LearnerId], capacity: u32) -> Draw {
    let mut tickets: Vec<([u8; 32], LearnerId)> =
        entrants.iter().map(|id| (ticket_digest(seed, id.as_str()), id.clone())).collect();
    tickets.sort();
    let cut = (capacity as usize).min(tickets.len());
    let order: Vec<LearnerId> = tickets.into_iter().map(|(_, id)| id).collect();
    Draw { winners: order[..cut].to_vec(), waitlist: order[cut..].to_vec() }
}

/// A draw's ticket: `sha256(seed ‖ ":" ‖ name)`, the one every draw in Baeum uses (course
/// lotteries and the subsidy). Raw digests sort exactly as their lower-case hex does.
pub fn ticket_digest(seed: &str, name: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.as_bytes());
    h.update(b":");
    h.update(name.as_bytes());
    h.finalize().into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draw {
    pub winners: Vec<LearnerId>,
    pub waitlist: Vec<LearnerId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::hex;

    fn ids(n: usize) -> Vec<LearnerId> {
        (0..n).map(|i| LearnerId::parse(&format!("l-{i:04}")).unwrap()).collect()
    }

    #[test]
    fn the_lottery_is_reproducible_from_its_seed_and_depends_on_it() {
        let entrants = ids(40);
        let a = draw("2026-12-05T18:00:00Z/course-1/7f3a", &entrants, 15);
        let b = draw("2026-12-05T18:00:00Z/course-1/7f3a", &entrants, 15);
        assert_eq!(a, b);
        assert_eq!(a.winners.len(), 15);
        assert_eq!(a.waitlist.len(), 25);
        let mut all: Vec<_> = a.winners.iter().chain(&a.waitlist).cloned().collect();
        all.sort();
        assert_eq!(all, entrants, "every entrant is drawn exactly once");
        let c = draw("another seed", &entrants, 15);
        assert_ne!(a.winners, c.winners);
        // The order entrants arrived in does not matter, only the seed.
        let mut shuffled = entrants.clone();
        shuffled.reverse();
        assert_eq!(draw("2026-12-05T18:00:00Z/course-1/7f3a", &shuffled, 15), a);
    }

    #[test]
    fn the_first_ticket_is_the_smallest_sha256() {
        // Re-run by hand: echo -n 'seed:l-0001' | sha256sum
        let d = draw("seed", &ids(3), 1);
        let tickets: Vec<String> =
            ids(3).iter().map(|id| hex(&Sha256::digest(format!("seed:{}", id.as_str()).as_bytes()))).collect();
        let min = tickets.iter().enumerate().min_by_key(|(_, t)| t.as_str()).unwrap().0;
        assert_eq!(d.winners, vec![ids(3)[min].clone()]);
    }

    #[test]
    fn completion_needs_eighty_percent_of_all_sessions() {
        let r = ProgrammeRules::default();
        assert!(r.completed(8, 10));
        assert!(!r.completed(7, 10));
        assert!(r.completed(13, 16), "13/16 = 81 %");
        assert!(!r.completed(12, 16), "12/16 = 75 %");
        assert!(!r.completed(0, 0));
    }

    #[test]
    fn minimum_seats_round_up_and_promotion_deadline_is_next_day_2359_kst() {
        let r = ProgrammeRules::default();
        assert_eq!(r.minimum_seats(15), 8);
        assert_eq!(r.minimum_seats(20), 10);
        let at: DateTime<Utc> = "2026-11-26T13:30:00Z".parse().unwrap(); // 22:30 KST on 11/26
        assert_eq!(promotion_payment_due(at), "2026-11-27T14:59:59Z".parse::<DateTime<Utc>>().unwrap());
    }
}
