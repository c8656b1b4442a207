//! `learners`: people this kiosk registered or found through the hub, so a returning learner can
//! be found here while the network is down.

use baeum_domain::learner::{Learner, MobileNumber};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, decode, decode_rows, encode};

/// Keeps `learner` (seen now: registered or found here).
pub fn put(conn: &Connection, learner: &Learner, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO learners (id, mobile, birth_date, body, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET mobile = excluded.mobile, birth_date = excluded.birth_date, body = excluded.body,
             last_seen_at = excluded.last_seen_at",
    )?
    .execute(params![
        learner.id.as_str(),
        learner.mobile.as_str(),
        learner.birth_date.to_string(),
        encode(learner),
        now.to_rfc3339()
    ])?;
    Ok(())
}

/// Deletes the details of learners last seen before `before` about whom nothing waits for the
/// hub (no unanswered registration or enrollment intent); returns how many. Rows that never had
/// a time get `now` first, so a kiosk upgraded today keeps them for the full period.
pub fn purge(conn: &Connection, before: DateTime<Utc>, now: DateTime<Utc>) -> Result<usize, StoreError> {
    conn.execute("UPDATE learners SET last_seen_at = ?1 WHERE last_seen_at IS NULL", [now.to_rfc3339()])?;
    Ok(conn.execute(
        "DELETE FROM learners WHERE last_seen_at < ?1
           AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.learner_id = learners.id AND e.pending_op IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.outcome IS NULL AND o.body LIKE '%' || learners.id || '%')",
        [before.to_rfc3339()],
    )?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<Learner>, StoreError> {
    let body: Option<String> =
        conn.prepare_cached("SELECT body FROM learners WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?;
    body.map(|b| decode("학습자", id, &b)).transpose()
}

/// Newest first.
pub fn find(conn: &Connection, mobile: &MobileNumber, birth: NaiveDate) -> Result<Vec<Learner>, StoreError> {
    decode_rows(
        conn,
        "학습자",
        "SELECT id, body FROM learners WHERE mobile = ?1 AND birth_date = ?2 ORDER BY rowid DESC",
        params![mobile.as_str(), birth.to_string()],
    )
}

/// Wrong PINs typed here for a learner and until when this kiosk refuses her PIN.
pub fn pin_lock(conn: &Connection, id: &str) -> Result<(u32, Option<DateTime<Utc>>), StoreError> {
    let (failures, until): (i64, Option<String>) = conn
        .prepare_cached("SELECT pin_failures, locked_until FROM learners WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, None));
    let until = until
        .map(|t| {
            DateTime::parse_from_rfc3339(&t).map(|t| t.to_utc()).map_err(|e| StoreError::Corrupt {
                what: "비밀번호 잠금 시각",
                id: id.to_owned(),
                problem: e.to_string(),
            })
        })
        .transpose()?;
    Ok((u32::try_from(failures).unwrap_or(u32::MAX), until))
}

pub fn set_pin_lock(
    conn: &Connection,
    id: &str,
    failures: u32,
    until: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE learners SET pin_failures = ?2, locked_until = ?3 WHERE id = ?1")?.execute(params![
        id,
        i64::from(failures),
        until.map(|t| t.to_rfc3339())
    ])?;
    Ok(())
}
