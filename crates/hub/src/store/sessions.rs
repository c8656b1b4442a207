//! `sessions` and `learner_kiosks`: the sessions the hub opened for people at kiosks, and which
//! kiosks know which learner.

use crate::db::{Connection, OptionalExtension, params};
use baeum_domain::{KioskId, LearnerId};
use chrono::{DateTime, Utc};

use super::StoreError;

/// Whose session it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A learner's id.
    Learner(String),
    /// A staff member's number.
    Staff(String),
}

impl Subject {
    fn parts(&self) -> (&'static str, &str) {
        match self {
            Subject::Learner(id) => ("learner", id),
            Subject::Staff(number) => ("staff", number),
        }
    }
}

/// How long an ended staff session is kept: a staff action recorded inside it offline can reach
/// the hub this late and still be accepted.
pub const STAFF_STAMPS_KEPT_DAYS: i64 = 7;

/// A session as stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub subject: Subject,
    pub kiosk_id: String,
    pub opened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub fn open(
    conn: &Connection,
    digest: &str,
    subject: &Subject,
    kiosk: &KioskId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (kind, id) = subject.parts();
    conn.prepare_cached(
        "INSERT INTO sessions (token_sha256, kind, subject, kiosk_id, opened_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![digest, kind, id, kiosk.as_str(), now.to_rfc3339(), expires_at.to_rfc3339()])?;
    Ok(())
}

pub fn get(conn: &Connection, digest: &str) -> Result<Option<Stored>, StoreError> {
    let row = conn
        .prepare_cached("SELECT kind, subject, kiosk_id, opened_at, expires_at FROM sessions WHERE token_sha256 = ?1")?
        .query_row([digest], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .optional()?;
    let Some((kind, subject, kiosk_id, opened, expires)) = row else { return Ok(None) };
    let time = |t: &str| {
        t.parse::<DateTime<Utc>>().map_err(|e| StoreError::Corrupt {
            what: "세션 시각",
            id: kiosk_id.clone(),
            problem: e.to_string(),
        })
    };
    let subject = match kind.as_str() {
        "learner" => Subject::Learner(subject),
        "staff" => Subject::Staff(subject),
        other => return Err(StoreError::Corrupt { what: "세션 종류", id: kiosk_id, problem: other.to_owned() }),
    };
    Ok(Some(Stored { subject, opened_at: time(&opened)?, expires_at: time(&expires)?, kiosk_id }))
}

/// Moves a session's end (each use slides it, up to its limit), if it has not ended by `now`:
/// a 마치기 that another hub process committed meanwhile stays ended.
pub fn extend(
    conn: &Connection,
    digest: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE sessions SET expires_at = ?2 WHERE token_sha256 = ?1 AND expires_at > ?3")?
        .execute(params![digest, expires_at.to_rfc3339(), now.to_rfc3339()])?;
    Ok(())
}

/// Ends a session (the person finished, or the kiosk's screen was wiped). True if it existed.
/// A learner's is forgotten at once; a staff member's only ends: the stamps of what they did in
/// it may still be on their way from the kiosk (see [`purge_ended`]).
pub fn close(conn: &Connection, digest: &str, kiosk: &KioskId, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let ended = conn.execute(
        "UPDATE sessions SET expires_at = CASE WHEN expires_at < ?3 THEN expires_at ELSE ?3 END WHERE token_sha256 = ?1 AND kiosk_id = ?2 AND kind = 'staff'",
        params![digest, kiosk.as_str(), now.to_rfc3339()],
    )?;
    let forgotten = conn.execute(
        "DELETE FROM sessions WHERE token_sha256 = ?1 AND kiosk_id = ?2 AND kind = 'learner'",
        params![digest, kiosk.as_str()],
    )?;
    Ok(ended + forgotten > 0)
}

/// Forgets learners' sessions that ended before `now`, and staff sessions that ended more than
/// [`STAFF_STAMPS_KEPT_DAYS`] ago (housekeeping). Returns how many.
pub fn purge_ended(conn: &Connection, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let staff_before = now - chrono::Duration::days(STAFF_STAMPS_KEPT_DAYS);
    Ok(conn.execute(
        "DELETE FROM sessions WHERE (kind = 'learner' AND expires_at <= ?1) OR (kind = 'staff' AND expires_at <= ?2)",
        params![now.to_rfc3339(), staff_before.to_rfc3339()],
    )?)
}

/// Records that `kiosk` knows `learner` (it registered her, or she confirmed her PIN there).
pub fn link(conn: &Connection, learner: &LearnerId, kiosk: &KioskId, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO learner_kiosks (learner_id, kiosk_id, since) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    )?
    .execute(params![learner.as_str(), kiosk.as_str(), now.to_rfc3339()])?;
    Ok(())
}

pub fn knows(conn: &Connection, kiosk: &KioskId, learner: &LearnerId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM learner_kiosks WHERE learner_id = ?1 AND kiosk_id = ?2")?
        .query_row(params![learner.as_str(), kiosk.as_str()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Those of `learners` that `kiosk` knows.
pub fn known_of(conn: &Connection, kiosk: &KioskId, learners: &[LearnerId]) -> Result<Vec<LearnerId>, StoreError> {
    let mut out = Vec::with_capacity(learners.len());
    for l in learners {
        if knows(conn, kiosk, l)? {
            out.push(l.clone());
        }
    }
    Ok(out)
}
