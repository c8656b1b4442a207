//! `device_key` and `provisional_certificates`: which device key this kiosk signs with offline
//! (public half only) and the certificates it issued that way.

use baeum_domain::certificate::CertificateOutcome;
use baeum_domain::intent::Outcome;
use baeum_domain::{CourseId, LearnerId, OpId};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::StoreError;

/// The device key as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceKey {
    pub key_id: String,
    pub public_key: String,
    pub created_at: String,
    /// Staff endorsed it at the hub: offline certificates signed with it verify.
    pub endorsed: bool,
}

pub fn device_key(conn: &Connection) -> Result<Option<DeviceKey>, StoreError> {
    Ok(conn
        .query_row("SELECT key_id, public_key, created_at, endorsed FROM device_key WHERE one = 1", [], |r| {
            Ok(DeviceKey { key_id: r.get(0)?, public_key: r.get(1)?, created_at: r.get(2)?, endorsed: r.get(3)? })
        })
        .optional()?)
}

/// A new key replaces the old row (the old key stays valid at the hub for what it signed).
pub fn set_device_key(conn: &Connection, key_id: &str, public_key: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO device_key (one, key_id, public_key, created_at, endorsed) VALUES (1, ?1, ?2, ?3, 0)",
        params![key_id, public_key, now.to_rfc3339()],
    )?;
    Ok(())
}

pub fn set_endorsed(conn: &Connection, key_id: &str, endorsed: bool) -> Result<(), StoreError> {
    conn.execute("UPDATE device_key SET endorsed = ?2 WHERE key_id = ?1", params![key_id, endorsed])?;
    Ok(())
}

/// A certificate this kiosk issued offline, with the hub's answer once it came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provisional {
    pub serial: String,
    pub learner_id: String,
    pub course_id: String,
    pub qr_text: String,
    pub issued_at: String,
    /// `pending` (not answered yet), `confirmed` (valid; `confirmed_serial` names the serial the
    /// hub keeps) or `refused` (revoked by the hub).
    pub state: &'static str,
    pub confirmed_serial: Option<String>,
}

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Provisional> {
    let outcome: Option<String> = r.get(5)?;
    let (state, confirmed_serial) = match outcome.as_deref().map(serde_json::from_str::<Outcome>) {
        None => ("pending", None),
        Some(Ok(Outcome::Certificate(CertificateOutcome::CertificateConfirmed { serial }))) => {
            ("confirmed", Some(serial))
        }
        Some(Ok(_)) => ("refused", None),
        // An answer that does not read is not a refusal: say so rather than guess.
        Some(Err(e)) => {
            return Err(rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e)));
        }
    };
    Ok(Provisional {
        serial: r.get(0)?,
        learner_id: r.get(1)?,
        course_id: r.get(2)?,
        qr_text: r.get(3)?,
        issued_at: r.get(4)?,
        state,
        confirmed_serial,
    })
}

const SELECT: &str = "SELECT p.serial, p.learner_id, p.course_id, p.qr_text, p.issued_at, o.outcome
                        FROM provisional_certificates p LEFT JOIN outbox o ON o.op_id = p.op_id";

pub fn provisional_of(
    conn: &Connection,
    learner: &LearnerId,
    course: &CourseId,
) -> Result<Option<Provisional>, StoreError> {
    Ok(conn
        .query_row(
            &format!("{SELECT} WHERE p.learner_id = ?1 AND p.course_id = ?2"),
            params![learner.as_str(), course.as_str()],
            read,
        )
        .optional()?)
}

pub fn all(conn: &Connection) -> Result<Vec<Provisional>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY p.issued_at DESC"))?;
    Ok(stmt.query_map([], read)?.collect::<Result<_, _>>()?)
}

pub fn count(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("SELECT COUNT(*) FROM provisional_certificates", [], |r| r.get(0))?)
}

pub fn insert(
    tx: &Transaction<'_>,
    serial: &str,
    learner: &LearnerId,
    course: &CourseId,
    qr_text: &str,
    op: &OpId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO provisional_certificates (serial, learner_id, course_id, qr_text, op_id, issued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![serial, learner.as_str(), course.as_str(), qr_text, op.as_str(), now.to_rfc3339()],
    )?;
    Ok(())
}

/// Forgets provisional certificates issued before `before` that the hub has answered (their QR
/// carries the full name; the hub keeps the record); returns how many.
pub fn purge(conn: &Connection, before: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "DELETE FROM provisional_certificates WHERE issued_at < ?1
           AND op_id IN (SELECT op_id FROM outbox WHERE outcome IS NOT NULL)",
        [before.to_rfc3339()],
    )?)
}
