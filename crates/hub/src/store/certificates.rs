//! `certificates`: every serial the hub signed, with reissues and revocations.

use crate::db::{Connection, OptionalExtension, Transaction, params};
use baeum_domain::{CourseId, LearnerId};
use chrono::{DateTime, Utc};

use super::StoreError;

/// A stored certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCertificate {
    pub serial: String,
    pub learner_id: String,
    pub course_id: String,
    pub qr_text: String,
    pub verification_code: String,
    pub issued_at: String,
    pub superseded_by: Option<String>,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
}

impl StoredCertificate {
    pub fn valid(&self) -> bool {
        self.superseded_by.is_none() && self.revoked_at.is_none()
    }
}

const COLUMNS: &str = "serial, learner_id, course_id, qr_text, verification_code, issued_at, superseded_by, revoked_at, revoked_by, revoke_reason";

fn read(r: &crate::db::Row<'_>) -> crate::db::Result<StoredCertificate> {
    Ok(StoredCertificate {
        serial: r.get(0)?,
        learner_id: r.get(1)?,
        course_id: r.get(2)?,
        qr_text: r.get(3)?,
        verification_code: r.get(4)?,
        issued_at: r.get(5)?,
        superseded_by: r.get(6)?,
        revoked_at: r.get(7)?,
        revoked_by: r.get(8)?,
        revoke_reason: r.get(9)?,
    })
}

/// The next hub serial of `year`: GM-2026-000001, GM-2026-000002, … (never reused).
pub fn next_serial(conn: &Connection, year: i32) -> Result<String, StoreError> {
    let n = super::counters::next(conn, &super::counters::certificate_serials(year))?;
    Ok(format!("GM-{year}-{n:06}"))
}

/// A certificate about to be stored.
#[derive(Debug, Clone, Copy)]
pub struct NewCertificate<'a> {
    pub serial: &'a str,
    pub learner: &'a LearnerId,
    pub course: &'a CourseId,
    pub qr_text: &'a str,
    pub verification_code: &'a str,
    pub issued_at: DateTime<Utc>,
    /// Who asked for a reissue (none for a first issue).
    pub reissued_by: Option<&'a str>,
}

pub fn insert(tx: &Transaction<'_>, c: &NewCertificate<'_>) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO certificates (serial, learner_id, course_id, qr_text, verification_code, issued_at, reissued_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            c.serial,
            c.learner.as_str(),
            c.course.as_str(),
            c.qr_text,
            c.verification_code,
            c.issued_at.to_rfc3339(),
            c.reissued_by
        ],
    )?;
    Ok(())
}

/// The valid certificate of a learner for a course, if any.
pub fn current(
    conn: &Connection,
    learner: &LearnerId,
    course: &CourseId,
) -> Result<Option<StoredCertificate>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM certificates WHERE learner_id = ?1 AND course_id = ?2
               AND superseded_by IS NULL AND revoked_at IS NULL"
        ))?
        .query_row(params![learner.as_str(), course.as_str()], read)
        .optional()?)
}

/// By serial or by verification code.
pub fn find(conn: &Connection, serial_or_code: &str) -> Result<Option<StoredCertificate>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM certificates WHERE serial = ?1 OR verification_code = ?1"))?
        .query_row([serial_or_code], read)
        .optional()?)
}

pub fn supersede(tx: &Transaction<'_>, serial: &str, by: &str) -> Result<(), StoreError> {
    tx.execute("UPDATE certificates SET superseded_by = ?2 WHERE serial = ?1", params![serial, by])?;
    Ok(())
}

/// Revokes a serial; false if it was unknown or already revoked.
pub fn revoke(conn: &Connection, serial: &str, by: &str, reason: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE certificates SET revoked_at = ?2, revoked_by = ?3, revoke_reason = ?4 WHERE serial = ?1 AND revoked_at IS NULL",
        params![serial, at.to_rfc3339(), by, reason],
    )? == 1)
}

/// Serials no longer valid (revoked or superseded), for the offline key set.
pub fn invalid_serials(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT serial FROM certificates WHERE revoked_at IS NOT NULL OR superseded_by IS NOT NULL ORDER BY serial",
    )?;
    Ok(stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?)
}

/// Every certificate of a learner (current, superseded and revoked), newest first.
pub fn of_learner(conn: &Connection, learner: &str) -> Result<Vec<StoredCertificate>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM certificates WHERE learner_id = ?1 ORDER BY issued_at DESC"))?;
    Ok(stmt.query_map([learner], read)?.collect::<Result<_, _>>()?)
}
