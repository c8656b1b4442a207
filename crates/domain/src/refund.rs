//! Refunds of course fees under 평생교육법 시행령 [별표 3] (학습비 반환 기준).
//!
//! - before the course starts: everything paid for tuition;
//! - after it starts, for a fee period of one month or less: 2/3 before 1/3 of the teaching hours
//!   have passed, 1/2 before half have passed, nothing after;
//! - for a period over one month: the month in which the refund is asked is refunded by the rule
//!   above and every later month in full (months counted from the first session);
//! - when the institution cannot teach (폐강 and the like): everything before the start, the share
//!   of the hours not yet taught after it.
//!
//! Materials (재료비) are refunded only when the institution cancels before the start. Amounts
//! are rounded down to the won. Hours are the minutes of the dated sessions; a session in progress
//! counts as far as it has gone.

use chrono::{DateTime, FixedOffset, Months, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::money::Won;
use crate::schedule::Session;
use crate::time::kst;

/// Who ends the enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefundCause {
    /// The learner cancels (수강취소).
    Learner,
    /// The institution cannot teach: 폐강, no room, no instructor.
    Institution,
}

/// Which line of 별표3 gave the amount, for the receipt and the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefundRule {
    /// 학습 개시 전: 전액
    BeforeStart,
    /// 총 학습시간의 1/3 경과 전: 2/3
    BeforeOneThird,
    /// 1/2 경과 전: 1/2
    BeforeHalf,
    /// 1/2 경과 후: 반환하지 않음
    AfterHalf,
    /// 교습을 할 수 없게 된 경우: 남은 시간만큼 (일할 계산)
    ProRata,
}

impl RefundRule {
    pub fn label_ko(self) -> &'static str {
        match self {
            RefundRule::BeforeStart => "개강 전 취소: 전액 환불",
            RefundRule::BeforeOneThird => "총 수업시간의 1/3 경과 전: 2/3 환불",
            RefundRule::BeforeHalf => "총 수업시간의 1/2 경과 전: 1/2 환불",
            RefundRule::AfterHalf => "총 수업시간의 1/2 경과 후: 환불 없음",
            RefundRule::ProRata => "기관 사정: 남은 수업시간만큼 환불",
        }
    }
}

/// A computed refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Refund {
    pub amount: Won,
    /// The rule applied to the month (or whole course) in which the refund was asked.
    pub rule: RefundRule,
}

/// Refund of `paid_tuition` (after reductions) and `paid_materials` for a course meeting in
/// `sessions` (sorted, non-empty), asked at `at`.
pub fn refund(
    paid_tuition: Won,
    paid_materials: Won,
    sessions: &[Session],
    at: DateTime<FixedOffset>,
    cause: RefundCause,
) -> Refund {
    let at = at.with_timezone(&kst()).naive_local();
    let Some(first) = sessions.first() else {
        return Refund { amount: Won(paid_tuition.0 + paid_materials.0), rule: RefundRule::BeforeStart };
    };
    if at <= first.date.and_time(first.starts_at) {
        let materials = if cause == RefundCause::Institution { paid_materials.0 } else { 0 };
        return Refund { amount: Won(paid_tuition.0 + materials), rule: RefundRule::BeforeStart };
    }
    if cause == RefundCause::Institution {
        let total = total_minutes(sessions);
        let left = total - elapsed_minutes(sessions, at);
        return Refund { amount: share(paid_tuition.0, left, total), rule: RefundRule::ProRata };
    }
    let months = fee_months(sessions);
    if months.len() <= 1 {
        let (amount, rule) = within_period(paid_tuition.0, sessions, at);
        return Refund { amount: Won(amount), rule };
    }
    // Over a month: split the fee by month in proportion to its hours; the last month takes the
    // rounding remainder so the parts add up to what was paid.
    let total = total_minutes(sessions);
    let mut allotted = 0u64;
    let mut amount = 0u64;
    let mut rule = RefundRule::AfterHalf;
    for (i, month) in months.iter().enumerate() {
        let part = if i + 1 == months.len() {
            u64::from(paid_tuition.0) - allotted
        } else {
            u64::from(share(paid_tuition.0, total_minutes(month), total).0)
        };
        allotted += part;
        let month_start = month[0].date.and_time(month[0].starts_at);
        let month_end = month.last().map(|s| s.date.and_time(s.ends_at)).unwrap_or(month_start);
        if at <= month_start {
            amount += part;
        } else if at < month_end {
            let (got, r) = within_period(part as u32, month, at);
            amount += u64::from(got);
            rule = r;
        }
    }
    Refund { amount: Won(amount as u32), rule }
}

fn within_period(paid: u32, sessions: &[Session], at: NaiveDateTime) -> (u32, RefundRule) {
    let total = total_minutes(sessions);
    let elapsed = elapsed_minutes(sessions, at);
    let paid = u64::from(paid);
    // Compare fractions in integers: elapsed/total < 1/3  ⇔  3·elapsed < total.
    if elapsed == 0 {
        (paid as u32, RefundRule::BeforeStart)
    } else if 3 * elapsed < total {
        ((paid * 2 / 3) as u32, RefundRule::BeforeOneThird)
    } else if 2 * elapsed < total {
        ((paid / 2) as u32, RefundRule::BeforeHalf)
    } else {
        (0, RefundRule::AfterHalf)
    }
}

fn total_minutes(sessions: &[Session]) -> i64 {
    sessions.iter().map(Session::minutes).sum()
}

fn elapsed_minutes(sessions: &[Session], at: NaiveDateTime) -> i64 {
    sessions
        .iter()
        .map(|s| {
            let start = s.date.and_time(s.starts_at);
            let end = s.date.and_time(s.ends_at);
            if at <= start {
                0
            } else if at >= end {
                s.minutes()
            } else {
                (at - start).num_minutes()
            }
        })
        .sum()
}

fn share(amount: u32, part: i64, whole: i64) -> Won {
    if whole <= 0 {
        return Won(amount);
    }
    Won((u64::from(amount) * part.max(0) as u64 / whole as u64) as u32)
}

/// The sessions grouped into fee months counted from the first session's date
/// (12/10–1/9, 1/10–2/9, …).
fn fee_months(sessions: &[Session]) -> Vec<&[Session]> {
    let start = sessions[0].date;
    let month_of = |d: NaiveDate| {
        let mut k = 0u32;
        while start.checked_add_months(Months::new(k + 1)).is_some_and(|next| d >= next) {
            k += 1;
        }
        k
    };
    let mut out: Vec<&[Session]> = Vec::new();
    let mut begin = 0;
    for i in 1..=sessions.len() {
        if i == sessions.len() || month_of(sessions[i].date) != month_of(sessions[begin].date) {
            out.push(&sessions[begin..i]);
            begin = i;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveTime, TimeZone};

    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        kst().from_local_datetime(&s.parse::<NaiveDateTime>().unwrap()).unwrap()
    }

    fn sessions(dates: &[&str]) -> Vec<Session> {
        dates
            .iter()
            .map(|d| Session {
                date: d.parse().unwrap(),
                starts_at: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
                ends_at: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
            })
            .collect()
    }

    /// 8 sessions of 2 h (16 h) within one month, ₩60,000.
    fn one_month() -> Vec<Session> {
        sessions(&[
            "2026-12-01",
            "2026-12-03",
            "2026-12-08",
            "2026-12-10",
            "2026-12-15",
            "2026-12-17",
            "2026-12-22",
            "2026-12-24",
        ])
    }

    #[test]
    fn worked_example_one_month_course() {
        let s = one_month();
        let r = |t: &str| refund(Won(60_000), Won(10_000), &s, at(t), RefundCause::Learner);
        assert_eq!(r("2026-11-30T09:00:00"), Refund { amount: Won(60_000), rule: RefundRule::BeforeStart });
        // 2 of 8 sessions (4 h of 16 h = 1/4) taught: 2/3 of 60,000.
        assert_eq!(r("2026-12-04T09:00:00"), Refund { amount: Won(40_000), rule: RefundRule::BeforeOneThird });
        // 3 sessions (6 h = 3/8): 1/2.
        assert_eq!(r("2026-12-09T09:00:00"), Refund { amount: Won(30_000), rule: RefundRule::BeforeHalf });
        // 4 sessions (8 h = exactly half): nothing, "1/2 경과 후".
        assert_eq!(r("2026-12-11T09:00:00"), Refund { amount: Won(0), rule: RefundRule::AfterHalf });
        // In the middle of session 3: 5 h 20 m of 16 h is exactly 1/3, so no longer "before 1/3".
        assert_eq!(r("2026-12-08T11:20:00").rule, RefundRule::BeforeHalf);
        assert_eq!(r("2026-12-08T11:19:00").rule, RefundRule::BeforeOneThird);
    }

    #[test]
    fn worked_example_three_month_course_counts_months_separately() {
        // Tuesdays 2027-01-05 … 2027-03-23, 12 × 2 h, ₩120,000.
        // Months from the first session: 1/5–2/4 (5 sessions), 2/5–3/4 (4), 3/5– (3)
        // → 50,000 / 40,000 / 30,000.
        let s = sessions(&[
            "2027-01-05",
            "2027-01-12",
            "2027-01-19",
            "2027-01-26",
            "2027-02-02",
            "2027-02-09",
            "2027-02-16",
            "2027-02-23",
            "2027-03-02",
            "2027-03-09",
            "2027-03-16",
            "2027-03-23",
        ]);
        let r = |t: &str| refund(Won(120_000), Won(0), &s, at(t), RefundCause::Learner);
        // After the first session of month 2 (1/4 of its hours): 2/3 of 40,000 + 30,000.
        assert_eq!(r("2027-02-10T09:00:00"), Refund { amount: Won(26_666 + 30_000), rule: RefundRule::BeforeOneThird });
        // After 3 of 5 sessions of month 1: nothing for month 1, months 2 and 3 in full.
        assert_eq!(r("2027-01-20T09:00:00"), Refund { amount: Won(70_000), rule: RefundRule::AfterHalf });
        // During month 3, after 2 of its 3 sessions: nothing left.
        assert_eq!(r("2027-03-17T09:00:00").amount, Won(0));
        assert_eq!(r("2027-01-04T09:00:00").amount, Won(120_000));
    }

    #[test]
    fn materials_are_refunded_only_when_the_institution_cancels_before_the_start() {
        let s = one_month();
        let before = at("2026-11-30T09:00:00");
        assert_eq!(refund(Won(60_000), Won(10_000), &s, before, RefundCause::Learner).amount, Won(60_000));
        assert_eq!(refund(Won(60_000), Won(10_000), &s, before, RefundCause::Institution).amount, Won(70_000));
        // The institution stops after 2 of 8 sessions: 6/8 of the tuition.
        let after = refund(Won(60_000), Won(10_000), &s, at("2026-12-04T09:00:00"), RefundCause::Institution);
        assert_eq!(after, Refund { amount: Won(45_000), rule: RefundRule::ProRata });
    }
}
