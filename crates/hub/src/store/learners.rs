//! `learners` table: registered learners and their PIN lockout counters.

use crate::db::{Connection, Dialect, OptionalExtension, Transaction, json_field, params};
use baeum_domain::learner::{Learner, MobileNumber};
use chrono::{DateTime, NaiveDate, Utc};

use super::{StoreError, decode, encode};

pub fn get(conn: &Connection, id: &str) -> Result<Option<Learner>, StoreError> {
    let body: Option<String> =
        conn.prepare_cached("SELECT body FROM learners WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?;
    body.map(|b| decode("학습자", id, &b)).transpose()
}

/// Inserts a learner; a learner with this id already there is left as it was. True if inserted.
pub fn insert(tx: &Transaction<'_>, learner: &Learner) -> Result<bool, StoreError> {
    let inserted = tx
        .prepare_cached(
            "INSERT INTO learners (id, mobile, birth_date, body) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING",
        )?
        .execute(params![
            learner.id.as_str(),
            learner.mobile.as_str(),
            learner.birth_date.to_string(),
            encode(learner)
        ])?;
    Ok(inserted > 0)
}

/// A learner found by mobile number and birth date, with their PIN lockout state.
#[derive(Debug)]
pub struct Candidate {
    pub learner: Learner,
    pub pin_failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// Learners with this number and birth date, newest registration first.
pub fn find(conn: &Connection, mobile: &MobileNumber, birth: NaiveDate) -> Result<Vec<Candidate>, StoreError> {
    let mut stmt = conn.prepare_cached(match conn.dialect() {
        Dialect::Sqlite => {
            "SELECT id, body, pin_failures, locked_until FROM learners WHERE mobile = ?1 AND birth_date = ?2
             ORDER BY rowid DESC"
        }
        Dialect::Postgres => {
            "SELECT id, body, pin_failures, locked_until FROM learners WHERE mobile = ?1 AND birth_date = ?2
             ORDER BY registered DESC"
        }
    })?;
    let rows = stmt.query_map(params![mobile.as_str(), birth.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, Option<String>>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, body, failures, locked) = row?;
        // An unreadable lockout time is an error, never "not locked": a damaged row must not
        // switch the PIN lockout off.
        let locked_until = match locked {
            None => None,
            Some(t) => Some(t.parse::<DateTime<Utc>>().map_err(|e| StoreError::Corrupt {
                what: "학습자 PIN 잠금 시각",
                id: id.clone(),
                problem: e.to_string(),
            })?),
        };
        out.push(Candidate {
            learner: decode("학습자", &id, &body)?,
            pin_failures: u32::try_from(failures).unwrap_or(u32::MAX),
            locked_until,
        });
    }
    Ok(out)
}

pub fn record_pin_failure(
    conn: &Connection,
    id: &str,
    failures: u32,
    locked_until: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE learners SET pin_failures = ?2, locked_until = ?3 WHERE id = ?1",
        params![id, i64::from(failures), locked_until.map(|t| t.to_rfc3339())],
    )?;
    Ok(())
}

pub fn reset_pin_failures(conn: &Connection, id: &str) -> Result<(), StoreError> {
    conn.execute("UPDATE learners SET pin_failures = 0, locked_until = NULL WHERE id = ?1", [id])?;
    Ok(())
}

/// Up to `limit` learners after id `after` whose stored PIN verifier is still the bare kiosk
/// form (an older hub stored it so), in id order.
pub fn bare_pin_verifiers(conn: &Connection, after: &str, limit: usize) -> Result<Vec<(String, String)>, StoreError> {
    let pin = json_field(conn.dialect(), "body", "pin_hash");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, {pin} FROM learners WHERE id > ?1 AND {pin} NOT LIKE 'argon2id$%' ORDER BY id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![after, i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default()))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces a learner's bare verifier with its wrap, unless it changed meanwhile (1 if replaced).
pub fn replace_pin_verifier(conn: &Connection, id: &str, bare: &str, wrapped: &str) -> Result<usize, StoreError> {
    let sql = match conn.dialect() {
        Dialect::Sqlite => {
            "UPDATE learners SET body = json_set(body, '$.pin_hash', ?3)
             WHERE id = ?1 AND json_extract(body, '$.pin_hash') = ?2"
        }
        Dialect::Postgres => {
            "UPDATE learners SET body = jsonb_set(body::jsonb, '{pin_hash}', to_jsonb(?3::text))::text
             WHERE id = ?1 AND (body::jsonb ->> 'pin_hash') = ?2"
        }
    };
    Ok(conn.execute(sql, params![id, bare, wrapped])?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arbitration::fixtures;

    #[test]
    fn a_lockout_time_that_cannot_be_read_is_corrupt_not_unlocked() {
        let (mut conn, _) = fixtures::hub(10, baeum_domain::Selection::FirstCome, 0);
        let learner = fixtures::learner(1, "1950-03-02");
        let tx = conn.transaction().unwrap_or_else(|e| panic!("{e}"));
        insert(&tx, &learner).unwrap_or_else(|e| panic!("{e}"));
        tx.commit().unwrap_or_else(|e| panic!("{e}"));
        let until = fixtures::at("2026-12-03T15:00:00");
        record_pin_failure(&conn, learner.id.as_str(), 5, Some(until)).unwrap_or_else(|e| panic!("{e}"));
        let found = find(&conn, &learner.mobile, learner.birth_date).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.iter().map(|c| c.locked_until).collect::<Vec<_>>(), [Some(until)]);

        conn.execute("UPDATE learners SET locked_until = '내일 오후'", []).unwrap_or_else(|e| panic!("{e}"));
        match find(&conn, &learner.mobile, learner.birth_date) {
            Err(StoreError::Corrupt { what, .. }) => assert_eq!(what, "학습자 PIN 잠금 시각"),
            other => panic!("a damaged lockout must not read as unlocked: {other:?}"),
        }
    }
}

#[cfg(test)]
mod pin_count_tests {
    use super::*;
    use crate::arbitration::fixtures;

    #[test]
    fn wrong_pins_count_in_the_database_and_a_lock_is_not_cleared_by_a_right_one() {
        let (mut conn, _) = fixtures::hub(10, baeum_domain::Selection::FirstCome, 0);
        let learner = fixtures::learner(1, "1950-03-02");
        let tx = conn.transaction().unwrap();
        assert!(insert(&tx, &learner).unwrap());
        assert!(!insert(&tx, &learner).unwrap(), "the same id again is not inserted");
        tx.commit().unwrap();
        let now = fixtures::at("2026-12-03T15:00:00");
        let id = learner.id.as_str();
        use crate::store::pin_lock::{PinHolder, clear_unless_locked, count_failure};
        for _ in 1..baeum_domain::learner::PIN_ATTEMPTS {
            assert_eq!(count_failure(&conn, PinHolder::Learner, id, now).unwrap(), None);
        }
        let until = count_failure(&conn, PinHolder::Learner, id, now).unwrap().expect("locked at the fifth");
        assert!(until > now);
        assert!(
            !clear_unless_locked(&conn, PinHolder::Learner, id, now).unwrap(),
            "a right PIN does not open the lock"
        );
        assert!(clear_unless_locked(&conn, PinHolder::Learner, id, until).unwrap(), "after the lock it clears");
        assert_eq!(find(&conn, &learner.mobile, learner.birth_date).unwrap()[0].pin_failures, 0);
    }
}
