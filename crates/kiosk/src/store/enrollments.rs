//! `enrollments`: this kiosk's view of the applications it took or looked up. A row starts
//! provisional (no hub status: "접수 대기 (확정 전)") and takes the hub's outcome when it arrives;
//! later lookups bring later changes (promotion, draw, 폐강).

use baeum_domain::enrollment::{Enrollment, EnrollmentIntent, EnrollmentOutcome, EnrollmentStatus};
use baeum_domain::intent::Outcome;
use baeum_domain::rules::{Price, RejectReason};
use baeum_domain::{CourseId, LearnerId, OpId, Won};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::Serialize;

use super::{StoreError, encode};

/// One enrollment as this kiosk knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalEnrollment {
    pub learner_id: LearnerId,
    pub course_id: CourseId,
    pub apply_op: OpId,
    /// None while the hub has not answered the application.
    pub status: Option<EnrollmentStatus>,
    /// An intent about this enrollment waits for the hub (application, cancellation or payment).
    pub pending: bool,
    pub price: Option<Price>,
    pub paid: Won,
    pub refunded: Won,
    pub rejected: Option<RejectReason>,
    /// When it was applied for, by this kiosk's clock (shown, never used to decide anything).
    pub applied_at: DateTime<Utc>,
    /// When the hub's status was last heard.
    pub hub_as_of: Option<DateTime<Utc>>,
}

const COLUMNS: &str =
    "learner_id, course_id, apply_op, status, pending_op, price, paid, refunded, rejected, applied_at, hub_as_of";

fn parse<T: serde::de::DeserializeOwned>(raw: Option<String>) -> rusqlite::Result<Option<T>> {
    raw.map(|s| {
        serde_json::from_str(&s)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
    })
    .transpose()
}

fn id<T>(raw: String, f: impl Fn(&str) -> Result<T, baeum_domain::ids::IdError>) -> rusqlite::Result<T> {
    f(&raw).map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn time(raw: String) -> rusqlite::Result<DateTime<Utc>> {
    raw.parse().map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn read(r: &Row<'_>) -> rusqlite::Result<LocalEnrollment> {
    Ok(LocalEnrollment {
        learner_id: id(r.get(0)?, LearnerId::parse)?,
        course_id: id(r.get(1)?, CourseId::parse)?,
        apply_op: id(r.get(2)?, OpId::parse)?,
        status: parse(r.get(3)?)?,
        pending: r.get::<_, Option<String>>(4)?.is_some(),
        price: parse(r.get(5)?)?,
        paid: Won(r.get(6)?),
        refunded: Won(r.get(7)?),
        rejected: parse(r.get(8)?)?,
        applied_at: time(r.get(9)?)?,
        hub_as_of: r.get::<_, Option<String>>(10)?.map(time).transpose()?,
    })
}

pub fn get(conn: &Connection, learner: &LearnerId, course: &CourseId) -> Result<Option<LocalEnrollment>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM enrollments WHERE learner_id = ?1 AND course_id = ?2"))?
        .query_row(params![learner.as_str(), course.as_str()], read)
        .optional()?)
}

/// A new provisional application (replacing a finished one for the same course).
pub fn insert_applied(
    tx: &Transaction<'_>,
    learner: &LearnerId,
    course: &CourseId,
    op: &OpId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO enrollments ({COLUMNS}) VALUES (?1, ?2, ?3, NULL, ?3, NULL, 0, 0, NULL, ?4, NULL)"
    ))?
    .execute(params![learner.as_str(), course.as_str(), op.as_str(), now.to_rfc3339()])?;
    Ok(())
}

/// Marks an intent about the row as waiting for the hub.
pub fn set_pending(tx: &Transaction<'_>, learner: &LearnerId, course: &CourseId, op: &OpId) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE enrollments SET pending_op = ?3 WHERE learner_id = ?1 AND course_id = ?2")?
        .execute(params![learner.as_str(), course.as_str(), op.as_str()])?;
    Ok(())
}

/// Takes the hub's answer to an intent about an enrollment.
pub fn apply_outcome(
    tx: &Transaction<'_>,
    op: &OpId,
    body: &EnrollmentIntent,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (learner, course) = body.seat();
    let Some(current) = get(tx, learner, course)? else {
        return Ok(());
    };
    let mut next = current.clone();
    match (body, outcome) {
        (EnrollmentIntent::Apply { .. }, _) if current.apply_op != *op => return Ok(()),
        (EnrollmentIntent::Apply { .. }, Outcome::Enrollment(EnrollmentOutcome::Confirmed { price, payment_due })) => {
            next.price = Some(*price);
            next.status = Some(match payment_due {
                Some(due) => EnrollmentStatus::AwaitingPayment { due: *due },
                None => EnrollmentStatus::Confirmed,
            });
        }
        (EnrollmentIntent::Apply { .. }, Outcome::Enrollment(EnrollmentOutcome::Waitlisted { position })) => {
            next.status = Some(EnrollmentStatus::Waitlisted { position: *position })
        }
        (EnrollmentIntent::Apply { .. }, Outcome::Enrollment(EnrollmentOutcome::Entered { .. })) => {
            next.status = Some(EnrollmentStatus::Entered)
        }
        (EnrollmentIntent::Apply { .. }, Outcome::Rejected { reason }) => next.rejected = Some(*reason),
        (EnrollmentIntent::Cancel { .. }, Outcome::Enrollment(EnrollmentOutcome::Cancelled { refund })) => {
            next.status = Some(EnrollmentStatus::Cancelled);
            next.refunded = refund.amount;
        }
        (EnrollmentIntent::RecordPayment { .. }, Outcome::Enrollment(EnrollmentOutcome::Paid { amount })) => {
            next.status = Some(EnrollmentStatus::Confirmed);
            next.paid = Won(next.paid.0 + amount.0);
        }
        _ => {}
    }
    next.hub_as_of = Some(now);
    write(tx, &next, None)?;
    // Only the intent the row waits for clears the flag (a later one may be pending).
    tx.prepare_cached(
        "UPDATE enrollments SET pending_op = NULL WHERE learner_id = ?1 AND course_id = ?2 AND pending_op = ?3",
    )?
    .execute(params![learner.as_str(), course.as_str(), op.as_str()])?;
    Ok(())
}

fn write(tx: &Transaction<'_>, e: &LocalEnrollment, pending_op: Option<&OpId>) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE enrollments SET status = ?3, price = ?4, paid = ?5, refunded = ?6, rejected = ?7, hub_as_of = ?8,
                pending_op = COALESCE(?9, pending_op)
          WHERE learner_id = ?1 AND course_id = ?2",
    )?
    .execute(params![
        e.learner_id.as_str(),
        e.course_id.as_str(),
        e.status.as_ref().map(encode),
        e.price.as_ref().map(encode),
        e.paid.0,
        e.refunded.0,
        e.rejected.as_ref().map(encode),
        e.hub_as_of.map(|t| t.to_rfc3339()),
        pending_op.map(|o| o.as_str()),
    ])?;
    Ok(())
}

/// Takes the hub's current view of an enrollment, unless an intent about it is still pending
/// here (its answer comes first; the next lookup brings anything after it).
pub fn apply_hub_view(tx: &Transaction<'_>, view: &Enrollment, as_of: DateTime<Utc>) -> Result<(), StoreError> {
    match get(tx, &view.learner_id, &view.course_id)? {
        Some(local) if local.pending => Ok(()),
        Some(local) if local.apply_op != view.op_id => {
            // Applied again elsewhere after this kiosk's application ended: the hub's row wins.
            insert_from_hub(tx, view, as_of)
        }
        Some(mut local) => {
            local.status = Some(view.status);
            local.price = Some(view.price);
            local.paid = view.paid;
            local.refunded = view.refunded;
            local.hub_as_of = Some(as_of);
            write(tx, &local, None)
        }
        None => insert_from_hub(tx, view, as_of),
    }
}

fn insert_from_hub(tx: &Transaction<'_>, view: &Enrollment, as_of: DateTime<Utc>) -> Result<(), StoreError> {
    tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO enrollments ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6, ?7, NULL, ?8, ?8)"
    ))?
    .execute(params![
        view.learner_id.as_str(),
        view.course_id.as_str(),
        view.op_id.as_str(),
        encode(&view.status),
        encode(&view.price),
        view.paid.0,
        view.refunded.0,
        as_of.to_rfc3339(),
    ])?;
    Ok(())
}

/// A learner's enrollments, newest first.
pub fn of_learner(conn: &Connection, learner: &LearnerId) -> Result<Vec<LocalEnrollment>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM enrollments WHERE learner_id = ?1 ORDER BY applied_at DESC, course_id"
    ))?;
    Ok(stmt.query_map([learner.as_str()], read)?.collect::<Result<_, _>>()?)
}

/// Every enrollment (tests, staff lists).
pub fn all(conn: &Connection) -> Result<Vec<LocalEnrollment>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM enrollments ORDER BY learner_id, course_id"))?;
    Ok(stmt.query_map([], read)?.collect::<Result<_, _>>()?)
}

/// Learners whose enrollments may still change at the hub.
pub fn learners_to_refresh(conn: &Connection) -> Result<Vec<LearnerId>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT learner_id FROM enrollments ORDER BY learner_id")?;
    let ids: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    // One unreadable id must not stop every other learner's refresh: it is left out, and said.
    Ok(ids
        .iter()
        .filter_map(|i| match LearnerId::parse(i) {
            Ok(id) => Some(id),
            Err(e) => {
                tracing::warn!(code = baeum_domain::ErrorCode::StoreFailed.as_str(), problem = %e, "an enrollment row has an unreadable learner id; not refreshed");
                None
            }
        })
        .collect())
}
