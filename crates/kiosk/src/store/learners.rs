//! `learners`: people this kiosk registered or found through the hub, so a returning learner can
//! be found here while the network is down.

use baeum_domain::learner::{Learner, MobileNumber};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, decode, decode_rows, encode};

pub fn put(conn: &Connection, learner: &Learner) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO learners (id, mobile, birth_date, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET mobile = excluded.mobile, birth_date = excluded.birth_date, body = excluded.body",
    )?
    .execute(params![learner.id.as_str(), learner.mobile.as_str(), learner.birth_date.to_string(), encode(learner)])?;
    Ok(())
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
