//! What the hub does on its own as time passes, run on a timer with the hub's clock: release
//! seats whose payment deadline passed (and offer them to the waitlist), hold the 추첨 of courses
//! whose window closed, and cancel (폐강) courses below minimum enrolment, refunding everyone.

use crate::db::{Connection, Transaction, TransactionBehavior};
use baeum_domain::refund::RefundCause;
use baeum_domain::rules::draw;
use baeum_domain::{Course, CourseStatus, Selection};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::arbitration::{promote, refund_of, seat};
use crate::store::enrollments::{self, state};
use crate::store::enrolment_checks::{self, Decision};
use crate::store::lottery::{self, RecordedDraw};
use crate::store::{StoreError, catalog, courses, ledger, meta, rules};

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Round {
    pub released: u32,
    pub promoted: u32,
    pub draws: u32,
    pub cancelled_courses: u32,
    /// Approved room bookings left unpaid past their deadline.
    pub rooms_released: u32,
}

/// Runs one round at `now`. `new_seed` gives a fresh unpredictable seed for each draw (recorded
/// with the draw, so the result can be re-run).
pub fn run(
    conn: &mut Connection,
    now: DateTime<Utc>,
    new_seed: &mut dyn FnMut() -> String,
) -> Result<Round, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let since = meta::housekeeping_since(&tx, now)?;
    let mut round = Round::default();
    release_overdue(&tx, now, &mut round)?;
    round.rooms_released = crate::rentals::release_overdue(&tx, now)?;
    for course_id in enrollments::courses_with_entrants(&tx)? {
        if let Some(course) = courses::get(&tx, course_id.as_str())?
            && course.selection == Selection::Lottery
            && now >= course.application.closes_at
        {
            hold_draw(&tx, &course, now, new_seed(), &mut round)?;
        }
    }
    for course in courses_closed_between(&tx, since, now)? {
        check_minimum_enrolment(&tx, &course, now, &mut round)?;
    }
    // Ended sessions are only digests, but nothing needs them.
    crate::store::sessions::purge_ended(&tx, now)?;
    // Console sessions are kept a day after they end (the access log keeps the sign-ins).
    crate::store::console::purge(&tx, now - chrono::Duration::days(1))?;
    tx.commit()?;
    Ok(round)
}

fn release_overdue(tx: &Transaction<'_>, now: DateTime<Utc>, round: &mut Round) -> Result<(), StoreError> {
    let mut touched = Vec::new();
    for mut row in enrollments::overdue(tx, now)? {
        row.state = state::RELEASED;
        row.due_at = None;
        row.updated_at = now;
        enrollments::put(tx, &row)?;
        round.released += 1;
        if !touched.contains(&row.course_id) {
            touched.push(row.course_id.clone());
        }
    }
    for id in touched {
        if let Some(course) = courses::get(tx, id.as_str())? {
            round.promoted += promote(tx, &course, now)?;
        }
    }
    Ok(())
}

/// Draws `course`: winners get seats (pay by the usual deadline), the rest wait in ticket order.
pub fn hold_draw(
    tx: &Transaction<'_>,
    course: &Course,
    now: DateTime<Utc>,
    seed: String,
    round: &mut Round,
) -> Result<(), StoreError> {
    let entrants_rows = enrollments::in_state(tx, &course.id, state::ENTERED)?;
    let mut by_arrival = entrants_rows.clone();
    by_arrival.sort_by_key(|r| r.arrival);
    let entrants: Vec<_> = by_arrival.iter().map(|r| r.learner_id.clone()).collect();
    let free = course.capacity.saturating_sub(enrollments::seats_taken(tx, &course.id)?);
    let result = draw(&seed, &entrants, free);
    let rules = rules::for_course(tx, course)?;
    for mut row in entrants_rows {
        if let Some(i) = result.waitlist.iter().position(|id| *id == row.learner_id) {
            row.state = state::WAITLISTED;
            row.queue = i as u64 + 1;
            row.updated_at = now;
        } else {
            seat(&mut row, &rules, now, false);
        }
        enrollments::put(tx, &row)?;
    }
    lottery::record(
        tx,
        &RecordedDraw { course_id: course.id.clone(), seed, capacity: free, entrants, result, drawn_at: now },
    )?;
    round.draws += 1;
    Ok(())
}

fn courses_closed_between(
    tx: &Transaction<'_>,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Course>, StoreError> {
    // Only courses someone applied to through the hub can be judged; the rest are checked by
    // scanning the (few hundred) courses with enrollments, not the whole catalog.
    let mut out = Vec::new();
    for id in enrolment_checks::unchecked_courses(tx)? {
        if let Some(course) = courses::get(tx, &id)? {
            let closes = course.application.closes_at.with_timezone(&Utc);
            if closes > since && closes <= now && course.status == CourseStatus::Scheduled {
                out.push(course);
            }
        }
    }
    Ok(out)
}

fn check_minimum_enrolment(
    tx: &Transaction<'_>,
    course: &Course,
    now: DateTime<Utc>,
    round: &mut Round,
) -> Result<(), StoreError> {
    if enrolment_checks::get(tx, course.id.as_str())?.is_some() {
        return Ok(());
    }
    let rules = rules::for_course(tx, course)?;
    let taken = enrollments::seats_taken(tx, &course.id)?;
    let needed = rules.minimum_seats(course.capacity);
    let decision = if taken >= needed { Decision::Runs } else { Decision::Cancelled };
    enrolment_checks::record(tx, course.id.as_str(), decision, now)?;
    if decision == Decision::Runs {
        return Ok(());
    }
    tracing::info!(course = %course.id, taken, needed, "폐강: below minimum enrolment");
    cancel_course(tx, course, now)?;
    round.cancelled_courses += 1;
    Ok(())
}

/// 폐강: the course is marked cancelled in the catalog (kiosks get it through the change log) and
/// every live enrollment ends with a full refund of what was paid.
pub fn cancel_course(tx: &Transaction<'_>, course: &Course, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut cancelled = course.clone();
    cancelled.status = CourseStatus::Cancelled;
    catalog::update_course(tx, &cancelled)?;
    for mut row in enrollments::live(tx, &course.id)? {
        let refund = refund_of(&row, course, now, RefundCause::Institution);
        if refund.amount.0 > 0 {
            ledger::record_refund(tx, &row.learner_id, &row.course_id, &refund, RefundCause::Institution, now)?;
        }
        row.state = state::COURSE_CANCELLED;
        row.due_at = None;
        row.refunded = refund.amount;
        row.updated_at = now;
        enrollments::put(tx, &row)?;
    }
    Ok(())
}
