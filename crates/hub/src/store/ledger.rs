//! `payments` and `refunds`: money in and out, append-only, for the institution's books.

use crate::db::{Connection, Transaction, params};
use baeum_domain::enrollment::PaymentMethod;
use baeum_domain::refund::{Refund, RefundCause};
use baeum_domain::{CourseId, LearnerId, OpId, Won};
use chrono::{DateTime, Utc};

use super::{StoreError, encode};

/// One payment as the books keep it.
#[derive(Debug, Clone, Copy)]
pub struct Payment<'a> {
    pub learner: &'a LearnerId,
    pub course: &'a CourseId,
    pub method: PaymentMethod,
    /// 영수증 번호 or the provider's approval number.
    pub receipt: &'a str,
    pub amount: Won,
    /// The kiosk intent that recorded it (none for online payments).
    pub op: Option<&'a OpId>,
    pub at: DateTime<Utc>,
}

pub fn record_payment(tx: &Transaction<'_>, p: &Payment<'_>) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO payments (learner_id, course_id, method, receipt, amount, op_id, paid_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        p.learner.as_str(),
        p.course.as_str(),
        encode(&p.method).trim_matches('"'),
        p.receipt,
        p.amount.0,
        p.op.map(|o| o.as_str()),
        p.at.to_rfc3339()
    ])?;
    Ok(())
}

pub fn record_refund(
    tx: &Transaction<'_>,
    learner: &LearnerId,
    course: &CourseId,
    refund: &Refund,
    cause: RefundCause,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO refunds (learner_id, course_id, amount, rule, cause, refunded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        learner.as_str(),
        course.as_str(),
        refund.amount.0,
        encode(&refund.rule).trim_matches('"'),
        encode(&cause).trim_matches('"'),
        at.to_rfc3339()
    ])?;
    Ok(())
}

/// Sum of payments for a course (for the books and tests).
pub fn paid_total(conn: &Connection, course: &CourseId) -> Result<u64, StoreError> {
    let n: i64 =
        conn.query_row("SELECT COALESCE(SUM(amount), 0) FROM payments WHERE course_id = ?1", [course.as_str()], |r| {
            r.get(0)
        })?;
    Ok(n as u64)
}
