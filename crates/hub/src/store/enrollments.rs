//! `enrollments` table: one row per learner and course. Waitlist positions are not stored; they
//! are the rank in `queue` among the course's waiting rows, so they stay contiguous whatever leaves.

use crate::db::{Connection, OptionalExtension, Row, Transaction, params};
use baeum_domain::enrollment::{Enrollment, EnrollmentStatus};
use baeum_domain::rules::Price;
use baeum_domain::{CourseId, InstitutionId, LearnerId, OpId, Won};
use chrono::{DateTime, Utc};

use super::StoreError;

/// State tags as stored (the `status` tag of [`EnrollmentStatus`]).
pub mod state {
    pub const AWAITING_PAYMENT: &str = "awaiting_payment";
    pub const CONFIRMED: &str = "confirmed";
    pub const WAITLISTED: &str = "waitlisted";
    pub const ENTERED: &str = "entered";
    pub const CANCELLED: &str = "cancelled";
    pub const RELEASED: &str = "released";
    pub const COURSE_CANCELLED: &str = "course_cancelled";
}

/// One enrollment row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentRow {
    pub learner_id: LearnerId,
    pub course_id: CourseId,
    pub institution_id: InstitutionId,
    pub term: String,
    pub state: &'static str,
    pub due_at: Option<DateTime<Utc>>,
    pub queue: u64,
    pub arrival: u64,
    pub op_id: OpId,
    pub price: Price,
    pub paid: Won,
    pub refunded: Won,
    pub updated_at: DateTime<Utc>,
}

impl EnrollmentRow {
    pub fn is_live(&self) -> bool {
        matches!(self.state, state::AWAITING_PAYMENT | state::CONFIRMED | state::WAITLISTED | state::ENTERED)
    }

    pub fn holds_seat(&self) -> bool {
        matches!(self.state, state::AWAITING_PAYMENT | state::CONFIRMED)
    }
}

const COLUMNS: &str = "learner_id, course_id, institution_id, term, state, due_at, queue, arrival, op_id, tuition, \
                       materials, paid, refunded, updated_at";

/// Every column but the key, from the row being written (an upsert that replaces the row whole).
const UPDATE_ALL: &str = "institution_id = excluded.institution_id, term = excluded.term, state = excluded.state, \
                          due_at = excluded.due_at, queue = excluded.queue, arrival = excluded.arrival, \
                          op_id = excluded.op_id, tuition = excluded.tuition, materials = excluded.materials, \
                          paid = excluded.paid, refunded = excluded.refunded, updated_at = excluded.updated_at";

fn corrupt(id: &str, problem: impl ToString) -> crate::db::Error {
    crate::db::Error::conversion(0, format!("등록 {id}: {}", problem.to_string()))
}

fn read(r: &Row<'_>) -> crate::db::Result<EnrollmentRow> {
    let learner: String = r.get(0)?;
    let course: String = r.get(1)?;
    let state: String = r.get(4)?;
    let state = match state.as_str() {
        state::AWAITING_PAYMENT => state::AWAITING_PAYMENT,
        state::CONFIRMED => state::CONFIRMED,
        state::WAITLISTED => state::WAITLISTED,
        state::ENTERED => state::ENTERED,
        state::CANCELLED => state::CANCELLED,
        state::RELEASED => state::RELEASED,
        state::COURSE_CANCELLED => state::COURSE_CANCELLED,
        other => return Err(corrupt(&learner, format!("알 수 없는 상태 {other}"))),
    };
    let time = |s: String| s.parse::<DateTime<Utc>>().map_err(|e| corrupt(&learner, e));
    Ok(EnrollmentRow {
        learner_id: LearnerId::parse(&learner).map_err(|e| corrupt(&learner, e))?,
        course_id: CourseId::parse(&course).map_err(|e| corrupt(&learner, e))?,
        institution_id: InstitutionId::parse(&r.get::<_, String>(2)?).map_err(|e| corrupt(&learner, e))?,
        term: r.get(3)?,
        state,
        due_at: r.get::<_, Option<String>>(5)?.map(time).transpose()?,
        queue: r.get::<_, i64>(6)? as u64,
        arrival: r.get::<_, i64>(7)? as u64,
        op_id: OpId::parse(&r.get::<_, String>(8)?).map_err(|e| corrupt(&learner, e))?,
        price: Price { tuition: Won(r.get(9)?), materials: Won(r.get(10)?) },
        paid: Won(r.get(11)?),
        refunded: Won(r.get(12)?),
        updated_at: time(r.get(13)?)?,
    })
}

pub fn get(conn: &Connection, learner: &LearnerId, course: &CourseId) -> Result<Option<EnrollmentRow>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM enrollments WHERE learner_id = ?1 AND course_id = ?2"))?
        .query_row(params![learner.as_str(), course.as_str()], read)
        .optional()?)
}

/// Whether the learner holds a confirmed (paid or free) seat in the course.
pub fn is_confirmed(conn: &Connection, learner: &LearnerId, course: &CourseId) -> Result<bool, StoreError> {
    Ok(get(conn, learner, course)?.is_some_and(|e| e.state == state::CONFIRMED))
}

/// Writes the row (a new application replaces a finished one for the same course).
pub fn put(tx: &Transaction<'_>, row: &EnrollmentRow) -> Result<(), StoreError> {
    tx.prepare_cached(&format!(
        "INSERT INTO enrollments ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (learner_id, course_id) DO UPDATE SET {UPDATE_ALL}"
    ))?
    .execute(params![
        row.learner_id.as_str(),
        row.course_id.as_str(),
        row.institution_id.as_str(),
        row.term,
        row.state,
        row.due_at.map(|t| t.to_rfc3339()),
        row.queue as i64,
        row.arrival as i64,
        row.op_id.as_str(),
        row.price.tuition.0,
        row.price.materials.0,
        row.paid.0,
        row.refunded.0,
        row.updated_at.to_rfc3339(),
    ])?;
    Ok(())
}

/// Seats held (confirmed or awaiting payment).
pub fn seats_taken(conn: &Connection, course: &CourseId) -> Result<u32, StoreError> {
    count(conn, course, "state IN ('awaiting_payment', 'confirmed')")
}

pub fn waiting(conn: &Connection, course: &CourseId) -> Result<u32, StoreError> {
    count(conn, course, "state = 'waitlisted'")
}

fn count(conn: &Connection, course: &CourseId, filter: &str) -> Result<u32, StoreError> {
    let n: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM enrollments WHERE course_id = ?1 AND {filter}"))?
        .query_row([course.as_str()], |r| r.get(0))?;
    Ok(n as u32)
}

/// 1-based place of a waiting row in its course's waitlist.
pub fn position(conn: &Connection, course: &CourseId, queue: u64) -> Result<u32, StoreError> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM enrollments WHERE course_id = ?1 AND state = 'waitlisted' AND queue <= ?2",
        )?
        .query_row(params![course.as_str(), queue as i64], |r| r.get(0))?;
    Ok(n as u32)
}

/// Every row of one learner (a primary-key range: a person has a handful).
pub fn of_learner(conn: &Connection, learner: &LearnerId) -> Result<Vec<EnrollmentRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM enrollments WHERE learner_id = ?1"))?;
    Ok(stmt.query_map([learner.as_str()], read)?.collect::<Result<_, _>>()?)
}

/// Rows of a course in one state, in queue order.
pub fn in_state(conn: &Connection, course: &CourseId, state: &str) -> Result<Vec<EnrollmentRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM enrollments WHERE course_id = ?1 AND state = ?2 ORDER BY queue"
    ))?;
    Ok(stmt.query_map(params![course.as_str(), state], read)?.collect::<Result<_, _>>()?)
}

/// Every live row of a course.
pub fn live(conn: &Connection, course: &CourseId) -> Result<Vec<EnrollmentRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM enrollments WHERE course_id = ?1
           AND state IN ('awaiting_payment', 'confirmed', 'waitlisted', 'entered') ORDER BY queue"
    ))?;
    Ok(stmt.query_map([course.as_str()], read)?.collect::<Result<_, _>>()?)
}

/// Seats whose payment deadline has passed, except those with a phone payment that has no
/// recorded answer (under way, never answered, or charged but not recorded): its result decides.
pub fn overdue(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<EnrollmentRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM enrollments WHERE state = 'awaiting_payment' AND due_at < ?1 AND {}
          ORDER BY due_at, arrival",
        super::payment_attempts::NONE_OPEN
    ))?;
    Ok(stmt.query_map(params![now.to_rfc3339()], read)?.collect::<Result<_, _>>()?)
}

/// Courses with lottery entrants still waiting for the draw.
pub fn courses_with_entrants(conn: &Connection) -> Result<Vec<CourseId>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT course_id FROM enrollments WHERE state = 'entered'")?;
    let ids: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    // An id that no longer parses is a damaged row: said, never skipped (its draw would not run).
    ids.iter()
        .map(|id| {
            CourseId::parse(id).map_err(|e| StoreError::Corrupt {
                what: "수강 신청",
                id: id.clone(),
                problem: e.to_string(),
            })
        })
        .collect()
}

/// Every row of these learners, newest first.
pub fn of_learners(conn: &Connection, learners: &[LearnerId]) -> Result<Vec<EnrollmentRow>, StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM enrollments WHERE learner_id = ?1 ORDER BY arrival DESC"))?;
    let mut out = Vec::new();
    for id in learners {
        for row in stmt.query_map([id.as_str()], read)? {
            out.push(row?);
        }
    }
    Ok(out)
}

/// The public view, with the waitlist position worked out.
pub fn view(conn: &Connection, row: &EnrollmentRow) -> Result<Enrollment, StoreError> {
    let status = match row.state {
        state::AWAITING_PAYMENT => EnrollmentStatus::AwaitingPayment { due: row.due_at.unwrap_or(row.updated_at) },
        state::CONFIRMED => EnrollmentStatus::Confirmed,
        state::WAITLISTED => EnrollmentStatus::Waitlisted { position: position(conn, &row.course_id, row.queue)? },
        state::ENTERED => EnrollmentStatus::Entered,
        state::CANCELLED => EnrollmentStatus::Cancelled,
        state::RELEASED => EnrollmentStatus::Released,
        _ => EnrollmentStatus::CourseCancelled,
    };
    Ok(Enrollment {
        learner_id: row.learner_id.clone(),
        course_id: row.course_id.clone(),
        status,
        price: row.price,
        paid: row.paid,
        refunded: row.refunded,
        arrival: row.arrival,
        op_id: row.op_id.clone(),
        updated_at: row.updated_at,
    })
}

/// Seats taken and waiting for every course with enrollments.
pub fn seat_board(conn: &Connection) -> Result<Vec<baeum_domain::enrollment::Seats>, StoreError> {
    let capacity = crate::db::json_field(conn.dialect(), "c.body", "capacity");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT e.course_id, CAST({capacity} AS BIGINT),
                SUM(CASE WHEN e.state IN ('awaiting_payment', 'confirmed') THEN 1 ELSE 0 END),
                SUM(CASE WHEN e.state = 'waitlisted' THEN 1 ELSE 0 END)
           FROM enrollments e JOIN courses c ON c.id = e.course_id
          GROUP BY e.course_id, c.body ORDER BY e.course_id"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, capacity, taken, waiting) = row?;
        if let Ok(course_id) = CourseId::parse(&id) {
            out.push(baeum_domain::enrollment::Seats {
                course_id,
                capacity: capacity as u32,
                taken: taken as u32,
                waiting: waiting as u32,
            });
        }
    }
    Ok(out)
}

/// The enrollment an apply intent created (the op id is the payment link's secret).
pub fn by_op(conn: &Connection, op: &str) -> Result<Option<EnrollmentRow>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM enrollments WHERE op_id = ?1"))?
        .query_row([op], read)
        .optional()?)
}

/// The Korean status label of a row (without the waitlist position lookup).
pub fn view_status_label(row: &EnrollmentRow) -> &'static str {
    match row.state {
        state::AWAITING_PAYMENT => "결제 대기",
        state::CONFIRMED => "수강 확정",
        state::WAITLISTED => "대기",
        state::ENTERED => "추첨 대기",
        state::CANCELLED => "취소",
        state::RELEASED => "미결제 자동취소",
        _ => "폐강",
    }
}
