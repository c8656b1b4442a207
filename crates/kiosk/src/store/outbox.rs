//! `outbox`: intents waiting for (or answered by) the hub. Appended only inside the transaction
//! that writes the local row the intent is about; sequence numbers are dense (never deleted).

use baeum_domain::OpId;
use baeum_domain::attendance::AttendanceIntent;
use baeum_domain::attendance::AttendanceOutcome;
use baeum_domain::intent::{Intent, IntentBody, Outcome};
use baeum_domain::staff::StaffStamp;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{StoreError, decode, encode};

/// Appends an intent and returns it with its sequence number and a fresh op id.
pub fn append(tx: &Transaction<'_>, body: IntentBody, now: DateTime<Utc>) -> Result<Intent, StoreError> {
    append_by(tx, body, None, now)
}

/// Appends an intent a staff member did, with their stamp (see [`StaffStamp`]).
pub fn append_by(
    tx: &Transaction<'_>,
    body: IntentBody,
    staff: Option<&StaffStamp>,
    now: DateTime<Utc>,
) -> Result<Intent, StoreError> {
    let seq: i64 = tx.prepare_cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox")?.query_row([], |r| r.get(0))?;
    let op_id = OpId::parse(&uuid::Uuid::new_v4().simple().to_string()).map_err(|e| StoreError::Corrupt {
        what: "요청 번호",
        id: String::new(),
        problem: e.to_string(),
    })?;
    tx.prepare_cached("INSERT INTO outbox (seq, op_id, body, created_at, staff) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![seq, op_id.as_str(), encode(&body), now.to_rfc3339(), staff.map(encode)])?;
    Ok(Intent { seq: seq as u64, op_id, body, staff: staff.cloned() })
}

/// The oldest unanswered intents after sequence number `after`, in sequence order.
pub fn unanswered(conn: &Connection, after: u64, limit: usize) -> Result<Vec<Intent>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, op_id, body, staff FROM outbox WHERE outcome IS NULL AND seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map([after as i64, limit as i64], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, op, body, staff) = row?;
        let staff = staff.map(|s| decode("직원 확인", &op, &s)).transpose()?;
        let op_id = OpId::parse(&op).map_err(|e| StoreError::Corrupt {
            what: "요청",
            id: op.clone(),
            problem: e.to_string(),
        })?;
        out.push(Intent { seq: seq as u64, op_id, body: decode("요청", &op, &body)?, staff });
    }
    Ok(out)
}

/// Records the hub's answer to one intent; false if it was already recorded or is unknown.
pub fn answer(
    tx: &Transaction<'_>,
    seq: u64,
    op: &OpId,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached(
            "UPDATE outbox SET outcome = ?3, answered_at = ?4 WHERE seq = ?1 AND op_id = ?2 AND outcome IS NULL",
        )?
        .execute(params![seq as i64, op.as_str(), encode(outcome), now.to_rfc3339()])?
        == 1)
}

/// The body of intent `seq`, if this kiosk has it.
pub fn body(conn: &Connection, seq: u64) -> Result<Option<(OpId, IntentBody)>, StoreError> {
    use rusqlite::OptionalExtension;
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT op_id, body FROM outbox WHERE seq = ?1")?
        .query_row([seq as i64], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(op, body)| {
        let op_id = OpId::parse(&op).map_err(|e| StoreError::Corrupt {
            what: "요청",
            id: op.clone(),
            problem: e.to_string(),
        })?;
        Ok((op_id, decode("요청", &op, &body)?))
    })
    .transpose()
}

/// Pending and answered counts, for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct OutboxCounts {
    pub pending: u64,
    pub answered: u64,
    /// Highest sequence number answered with every lower one answered too.
    pub answered_through: u64,
}

pub fn counts(conn: &Connection) -> Result<OutboxCounts, StoreError> {
    let (pending, answered): (i64, i64) = conn.query_row(
        "SELECT COUNT(*) FILTER (WHERE outcome IS NULL), COUNT(*) FILTER (WHERE outcome IS NOT NULL) FROM outbox",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let first_pending: Option<i64> =
        conn.query_row("SELECT MIN(seq) FROM outbox WHERE outcome IS NULL", [], |r| r.get(0))?;
    let max: Option<i64> = conn.query_row("SELECT MAX(seq) FROM outbox", [], |r| r.get(0))?;
    let answered_through = match first_pending {
        Some(p) => p - 1,
        None => max.unwrap_or(0),
    };
    Ok(OutboxCounts { pending: pending as u64, answered: answered as u64, answered_through: answered_through as u64 })
}

/// Sessions a learner attended as this kiosk knows it: the last mark this kiosk recorded for
/// each session wins, and the hub's latest count (which includes other kiosks' marks) when larger.
pub fn attended(
    conn: &Connection,
    learner: &baeum_domain::LearnerId,
    course: &baeum_domain::CourseId,
) -> Result<u32, StoreError> {
    let (marks, hub_count) = attendance_marks(conn, learner, course)?;
    let local = marks.values().filter(|present| **present).count() as u32;
    Ok(local.max(hub_count))
}

/// The sessions this kiosk marked the learner present at, and absent at (the last mark wins).
pub fn marks(
    conn: &Connection,
    learner: &baeum_domain::LearnerId,
    course: &baeum_domain::CourseId,
) -> Result<(Vec<chrono::NaiveDate>, Vec<chrono::NaiveDate>), StoreError> {
    let (marks, _) = attendance_marks(conn, learner, course)?;
    let (present, absent): (Vec<_>, Vec<_>) = marks.into_iter().partition(|(_, present)| *present);
    Ok((present.into_iter().map(|(d, _)| d).collect(), absent.into_iter().map(|(d, _)| d).collect()))
}

fn attendance_marks(
    conn: &Connection,
    learner: &baeum_domain::LearnerId,
    course: &baeum_domain::CourseId,
) -> Result<(std::collections::BTreeMap<chrono::NaiveDate, bool>, u32), StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT body, outcome FROM outbox WHERE body LIKE '%\"mark_attendance\"%' AND body LIKE ?1 ORDER BY seq",
    )?;
    let pattern = format!("%{}%", learner.as_str());
    let rows = stmt.query_map([pattern], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
    let mut marks = std::collections::BTreeMap::new();
    let mut hub_count = 0;
    for row in rows {
        let (body, outcome) = row?;
        // Another kind of intent that merely mentions the words is skipped; a body that does not
        // read at all is an error, not a mark silently left out of the class list.
        let parsed = serde_json::from_str::<IntentBody>(&body).map_err(|e| StoreError::Corrupt {
            what: "출석 요청",
            id: learner.to_string(),
            problem: e.to_string(),
        })?;
        let IntentBody::Attendance(AttendanceIntent::MarkAttendance { learner_id, course_id, session, present }) =
            parsed
        else {
            continue;
        };
        if learner_id != *learner || course_id != *course {
            continue;
        }
        match outcome.as_deref().map(serde_json::from_str::<Outcome>) {
            // The hub refused the mark (not enrolled, no such session): it does not count.
            Some(Ok(Outcome::Rejected { .. })) => continue,
            Some(Ok(Outcome::Attendance(AttendanceOutcome::AttendanceRecorded { attended, .. }))) => {
                hub_count = attended
            }
            Some(Err(e)) => {
                return Err(StoreError::Corrupt {
                    what: "출석 결과", id: learner.to_string(), problem: e.to_string()
                });
            }
            Some(Ok(_)) | None => {}
        }
        marks.insert(session, present);
    }
    Ok((marks, hub_count))
}

/// The recorded outcome of the intent `op`, if the hub has answered it.
pub fn outcome(conn: &Connection, op: &OpId) -> Result<Option<Outcome>, StoreError> {
    let stored: Option<Option<String>> =
        conn.query_row("SELECT outcome FROM outbox WHERE op_id = ?1", [op.as_str()], |r| r.get(0)).optional()?;
    stored.flatten().map(|o| decode("요청 결과", op.as_str(), &o)).transpose()
}

/// An intent still waiting for the hub, as staff see it (no personal data: only what and when).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WaitingIntent {
    pub seq: u64,
    /// The intent's `type`: `apply`, `cancel`, `record_payment`, `mark_attendance`, …
    pub kind: String,
    pub created_at: String,
}

/// The oldest `limit` intents without an answer.
pub fn waiting(conn: &Connection, limit: usize) -> Result<Vec<WaitingIntent>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, json_extract(body, '$.type'), created_at FROM outbox WHERE outcome IS NULL ORDER BY seq LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(WaitingIntent {
            seq: r.get::<_, i64>(0)? as u64,
            kind: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            created_at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether this kiosk registered `learner` and the hub has not answered yet (she cannot be found
/// at the hub, only here).
pub fn registration_pending(conn: &Connection, learner: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE outcome IS NULL
               AND json_extract(body, '$.type') = 'register_learner' AND json_extract(body, '$.learner.id') = ?1)",
        )?
        .query_row([learner], |r| r.get(0))?)
}

/// The body a purged registration keeps: it says what it was, and nothing of the person.
pub const PURGED_REGISTRATION: &str = r#"{"service":"learner","type":"register_learner_purged"}"#;

/// The body a purged provisional certificate keeps.
pub const PURGED_CERTIFICATE: &str = r#"{"service":"certificate","type":"provisional_certificate_purged"}"#;

/// Empties the bodies the hub answered before `before` that carry a person's details —
/// registrations (name, birth date, number, PIN verifier) and provisional certificates (the
/// signed payload with the full name); the hub has them. Returns how many. The rows stay, so
/// sequence numbers stay dense.
pub fn purge_registrations(conn: &Connection, before: DateTime<Utc>) -> Result<usize, StoreError> {
    let mut purged = 0;
    for (kind, stub) in [("register_learner", PURGED_REGISTRATION), ("provisional_certificate", PURGED_CERTIFICATE)] {
        purged += conn.execute(
            "UPDATE outbox SET body = ?1
              WHERE outcome IS NOT NULL AND answered_at < ?2 AND json_extract(body, '$.type') = ?3",
            params![stub, before.to_rfc3339(), kind],
        )?;
    }
    Ok(purged)
}
