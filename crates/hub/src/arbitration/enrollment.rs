//! The enrollment service at the hub: 수강신청 (seat, waitlist or draw by arrival order),
//! 수강취소 (refund per 별표3, the waitlist moves up) and payments recorded at the desk.

use crate::db::Transaction;
use baeum_domain::Course;
use baeum_domain::enrollment::{EnrollmentIntent, EnrollmentOutcome};
use baeum_domain::intent::Outcome;
use baeum_domain::refund::{self, Refund, RefundCause, RefundRule};
use baeum_domain::rules::{ProgrammeRules, ReductionKind, RejectReason, promotion_payment_due};
use baeum_domain::{CourseId, LearnerId, OpId, Won, kst};
use chrono::{DateTime, Utc};

use super::{CourseCache, Decision, rejected};
use crate::store::enrollments::{self, EnrollmentRow, state};
use crate::store::ledger::{self, Payment};
use crate::store::{StoreError, courses, learners, rules, sessions};

pub(super) fn decide(d: &mut Decision<'_, '_>, body: &EnrollmentIntent) -> Result<Outcome, StoreError> {
    // A kiosk acts only for learners it knows: the one that registered her, or one where she
    // confirmed her PIN. Any other id gets the same answer as an unknown learner, so a kiosk cannot act
    // for (or learn about) a learner by naming her id.
    // Staff (their stamp checked) act for anyone the desk helps.
    if d.staff.is_none() && !sessions::knows(d.tx, d.kiosk, body.seat().0)? {
        return Ok(rejected(RejectReason::UnknownLearner));
    }
    match body {
        EnrollmentIntent::Apply { learner_id, course_id, claims } => {
            apply(d.tx, d.courses, learner_id, course_id, claims, d.op, d.arrival, d.now)
        }
        EnrollmentIntent::Cancel { learner_id, course_id } => {
            if phone_payment_unfinished(d.tx, learner_id, course_id)? {
                return Ok(rejected(RejectReason::PaymentInProgress));
            }
            d.courses.recount(course_id);
            cancel(d.tx, learner_id, course_id, d.now)
        }
        EnrollmentIntent::RecordPayment { .. } if phone_payment_unfinished(d.tx, body.seat().0, body.seat().1)? => {
            Ok(rejected(RejectReason::PaymentInProgress))
        }
        EnrollmentIntent::RecordPayment { learner_id, course_id, method, receipt, amount } => record_payment(
            d.tx,
            &Payment {
                learner: learner_id,
                course: course_id,
                method: *method,
                receipt,
                amount: *amount,
                op: Some(d.op),
                at: d.now,
            },
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn apply(
    tx: &Transaction<'_>,
    courses: &mut CourseCache,
    learner_id: &LearnerId,
    course_id: &CourseId,
    claims: &[ReductionKind],
    op: &OpId,
    arrival: u64,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let Some(learner) = learners::get(tx, learner_id.as_str())? else {
        return Ok(rejected(RejectReason::UnknownLearner));
    };
    let Some(state) = courses.get(tx, course_id)? else {
        return Ok(rejected(RejectReason::UnknownCourse));
    };
    let (taken, waiting) = state.seats(tx)?;
    let (course, rules) = (&state.course, &state.rules);
    if course.status == baeum_domain::CourseStatus::Cancelled {
        return Ok(rejected(RejectReason::CourseCancelled));
    }
    if now < rules.opens_for(course, &learner, claims) {
        return Ok(rejected(RejectReason::NotOpenYet));
    }
    if now >= course.application.closes_at {
        return Ok(rejected(RejectReason::ApplicationClosed));
    }
    let mine = enrollments::of_learner(tx, learner_id)?;
    if mine.iter().any(|e| e.course_id == *course_id && e.is_live()) {
        return Ok(rejected(RejectReason::AlreadyApplied));
    }
    let term = rules.term_of(course);
    if let Some(limit) = rules.per_person_limit {
        let live = mine.iter().filter(|e| e.institution_id == course.institution_id && e.term == term && e.is_live());
        if live.count() >= limit as usize {
            return Ok(rejected(RejectReason::TermLimitReached));
        }
    }
    let reduction = match rules.reduction_for(course, &learner, claims) {
        Ok(r) => r,
        Err(reason) => return Ok(rejected(reason)),
    };
    let price = ProgrammeRules::price(course, reduction);
    let mut row = EnrollmentRow {
        learner_id: learner_id.clone(),
        course_id: course_id.clone(),
        institution_id: course.institution_id.clone(),
        term,
        state: state::ENTERED,
        due_at: None,
        queue: arrival,
        arrival,
        op_id: op.clone(),
        price,
        paid: Won::ZERO,
        refunded: Won::ZERO,
        updated_at: now,
    };
    let outcome = if course.selection == baeum_domain::Selection::Lottery {
        EnrollmentOutcome::Entered { draw_at: course.application.closes_at.with_timezone(&Utc) }
    } else if taken < course.capacity {
        seat(&mut row, rules, now, false);
        state.seats = Some((taken + 1, waiting));
        EnrollmentOutcome::Confirmed { price, payment_due: row.due_at }
    } else {
        row.state = state::WAITLISTED;
        state.seats = Some((taken, waiting + 1));
        EnrollmentOutcome::Waitlisted { position: waiting + 1 }
    };
    enrollments::put(tx, &row)?;
    Ok(outcome.into())
}

/// Gives `row` a seat: confirmed outright when nothing is owed, else held until the deadline.
pub(crate) fn seat(row: &mut EnrollmentRow, rules: &ProgrammeRules, now: DateTime<Utc>, promoted: bool) {
    row.updated_at = now;
    if row.price.total().0 <= row.paid.0 {
        row.state = state::CONFIRMED;
        row.due_at = None;
    } else {
        row.state = state::AWAITING_PAYMENT;
        row.due_at = Some(if promoted { promotion_payment_due(now) } else { rules.payment_due(now) });
    }
}

/// Fills free seats of `course` from the head of its waitlist.
pub(crate) fn promote(tx: &Transaction<'_>, course: &Course, now: DateTime<Utc>) -> Result<u32, StoreError> {
    if course.status == baeum_domain::CourseStatus::Cancelled {
        return Ok(0);
    }
    let rules = rules::for_course(tx, course)?;
    let free = course.capacity.saturating_sub(enrollments::seats_taken(tx, &course.id)?);
    let mut promoted = 0;
    for mut row in enrollments::in_state(tx, &course.id, state::WAITLISTED)?.into_iter().take(free as usize) {
        seat(&mut row, &rules, now, true);
        enrollments::put(tx, &row)?;
        promoted += 1;
    }
    Ok(promoted)
}

/// A phone payment of this seat has started and its answer is not recorded: cancelling now
/// would refund nothing of it, and a desk payment could charge the person twice.
fn phone_payment_unfinished(tx: &Transaction<'_>, learner: &LearnerId, course: &CourseId) -> Result<bool, StoreError> {
    match enrollments::get(tx, learner, course)? {
        Some(row) => crate::store::payment_attempts::unfinished(tx, row.op_id.as_str()),
        None => Ok(false),
    }
}

fn cancel(
    tx: &Transaction<'_>,
    learner_id: &LearnerId,
    course_id: &CourseId,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let Some(mut row) = enrollments::get(tx, learner_id, course_id)?.filter(EnrollmentRow::is_live) else {
        return Ok(rejected(RejectReason::NotEnrolled));
    };
    let Some(course) = courses::get(tx, course_id.as_str())? else {
        return Ok(rejected(RejectReason::UnknownCourse));
    };
    let held_seat = row.holds_seat();
    let refund = refund_of(&row, &course, now, RefundCause::Learner);
    if refund.amount.0 > 0 {
        ledger::record_refund(tx, learner_id, course_id, &refund, RefundCause::Learner, now)?;
    }
    row.state = state::CANCELLED;
    row.due_at = None;
    row.refunded = refund.amount;
    row.updated_at = now;
    enrollments::put(tx, &row)?;
    if held_seat {
        promote(tx, &course, now)?;
    }
    Ok(EnrollmentOutcome::Cancelled { refund }.into())
}

/// What goes back to the learner of `row` if the enrollment ends at `now`.
pub(crate) fn refund_of(row: &EnrollmentRow, course: &Course, now: DateTime<Utc>, cause: RefundCause) -> Refund {
    if row.paid.0 == 0 {
        return Refund { amount: Won::ZERO, rule: RefundRule::BeforeStart };
    }
    // What was paid covers tuition first, then materials.
    let tuition = Won(row.paid.0.min(row.price.tuition.0));
    let materials = Won(row.paid.0 - tuition.0);
    refund::refund(tuition, materials, &course.sessions, now.with_timezone(&kst()), cause)
}

/// Records a payment for a seat awaiting it (exactly the amount owed).
pub(crate) fn record_payment(tx: &Transaction<'_>, payment: &Payment<'_>) -> Result<Outcome, StoreError> {
    let (learner_id, course_id, amount, now) = (payment.learner, payment.course, payment.amount, payment.at);
    let Some(mut row) = enrollments::get(tx, learner_id, course_id)? else {
        return Ok(rejected(RejectReason::NotEnrolled));
    };
    if row.state != state::AWAITING_PAYMENT {
        return Ok(rejected(if row.state == state::CONFIRMED {
            RejectReason::NothingToPay
        } else {
            RejectReason::NotEnrolled
        }));
    }
    let owed = row.price.total().0.saturating_sub(row.paid.0);
    if amount.0 != owed {
        return Ok(rejected(RejectReason::WrongAmount));
    }
    ledger::record_payment(tx, payment)?;
    row.paid = Won(row.paid.0 + amount.0);
    row.state = state::CONFIRMED;
    row.due_at = None;
    row.updated_at = now;
    enrollments::put(tx, &row)?;
    Ok(EnrollmentOutcome::Paid { amount }.into())
}
