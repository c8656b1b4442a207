//! `payment_attempts`: a phone payment claimed before the provider is called (outside the
//! database lock) and finished after it answered. One open attempt per application at a time.

use crate::db::{Connection, OptionalExtension, Transaction, params};
use chrono::{DateTime, Duration, Utc};

use super::StoreError;

/// How long an open attempt keeps a second tap out. After it, the application may be claimed
/// again (the provider gets the same reference, so it does not charge twice); the seat itself
/// is never released while an attempt has no recorded answer, since the money may have been
/// taken (staff settle an attempt nobody came back to).
pub const OPEN_FOR: Duration = Duration::minutes(2);

/// Times as stored here: one fixed width, so SQL compares them as text in time order.
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Claims the payment of application `op` for `amount`; false while another attempt is open.
pub fn claim(tx: &Transaction<'_>, op: &str, amount: u32, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let open: Option<String> = tx
        .prepare_cached("SELECT started_at FROM payment_attempts WHERE op_id = ?1 AND finished_at IS NULL")?
        .query_row([op], |r| r.get(0))
        .optional()?;
    if let Some(started) = open {
        let started = DateTime::parse_from_rfc3339(&started).map_err(|e| StoreError::Corrupt {
            what: "결제 시도",
            id: op.to_owned(),
            problem: e.to_string(),
        })?;
        if now - started.to_utc() < OPEN_FOR {
            return Ok(false);
        }
    }
    tx.prepare_cached(
        "INSERT INTO payment_attempts (op_id, amount, started_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (op_id) DO UPDATE SET amount = ?2, started_at = ?3, receipt = NULL, finished_at = NULL",
    )?
    .execute(params![op, amount, stamp(now)])?;
    Ok(true)
}

/// The receipt of a charge the provider made for `op` that is not recorded against the seat
/// yet (step 3 failed), with its amount.
pub fn charged_unrecorded(tx: &Transaction<'_>, op: &str) -> Result<Option<(u32, String)>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT amount, receipt FROM payment_attempts
             WHERE op_id = ?1 AND finished_at IS NULL AND receipt IS NOT NULL",
        )?
        .query_row([op], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Keeps the provider's receipt with the open attempt (before the payment is recorded).
pub fn hold_receipt(conn: &Connection, op: &str, receipt: &str) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE payment_attempts SET receipt = ?2 WHERE op_id = ?1 AND finished_at IS NULL")?
        .execute(params![op, receipt])?;
    Ok(())
}

/// The provider took the money: the attempt is finished with its receipt.
pub fn finish(tx: &Transaction<'_>, op: &str, receipt: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE payment_attempts SET receipt = ?2, finished_at = ?3 WHERE op_id = ?1")?
        .execute(params![op, receipt, stamp(now)])?;
    Ok(())
}

/// The provider refused: the application may be paid again at once. An attempt that holds a
/// receipt is never dropped (the money was taken).
pub fn abandon(conn: &Connection, op: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM payment_attempts WHERE op_id = ?1 AND finished_at IS NULL AND receipt IS NULL")?
        .execute([op])?;
    Ok(())
}

/// The SQL condition (on `enrollments`) that no payment attempt of the row is unfinished: one
/// that is under way, never answered or charged but not recorded keeps the seat.
pub(crate) const NONE_OPEN: &str = "NOT EXISTS (SELECT 1 FROM payment_attempts a
     WHERE a.op_id = enrollments.op_id AND a.finished_at IS NULL)";

/// Whether application `op` has a payment attempt without a recorded answer (under way, never
/// answered, or charged but not recorded).
pub fn unfinished(tx: &Transaction<'_>, op: &str) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM payment_attempts WHERE op_id = ?1 AND finished_at IS NULL")?
        .query_row([op], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether the attempt of `op` is already finished with `receipt` (a second tap recorded it).
pub fn finished_with(tx: &Transaction<'_>, op: &str, receipt: &str) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM payment_attempts WHERE op_id = ?1 AND finished_at IS NOT NULL AND receipt = ?2")?
        .query_row(params![op, receipt], |_| Ok(()))
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_open_attempt_per_application_until_it_ends_or_is_abandoned() {
        let mut conn = crate::store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let now = chrono::Utc::now();
        let tx = conn.transaction().unwrap_or_else(|e| panic!("{e}"));
        assert!(claim(&tx, "op-1", 30_000, now).unwrap_or_default());
        assert!(!claim(&tx, "op-1", 30_000, now + Duration::seconds(5)).unwrap_or(true), "a double tap waits");
        assert!(claim(&tx, "op-2", 30_000, now).unwrap_or_default(), "another application is not held up");
        abandon(&tx, "op-2").unwrap_or_else(|e| panic!("{e}"));
        assert!(claim(&tx, "op-2", 30_000, now).unwrap_or_default(), "declined: may be tried again");
        assert!(
            claim(&tx, "op-1", 30_000, now + OPEN_FOR + Duration::seconds(1)).unwrap_or_default(),
            "abandoned by a crash"
        );
        finish(&tx, "op-1", "R-1", now).unwrap_or_else(|e| panic!("{e}"));
        let receipt: Option<String> = tx
            .query_row("SELECT receipt FROM payment_attempts WHERE op_id = 'op-1'", [], |r| r.get(0))
            .unwrap_or_default();
        assert_eq!(receipt.as_deref(), Some("R-1"));
    }

    /// A charge whose record failed keeps its receipt: it is found again, a refusal cannot drop
    /// it, and no later claim (even after the attempt would have expired) overwrites it.
    #[test]
    fn a_held_receipt_outlives_abandon_and_expiry() {
        let mut conn = crate::store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let now = chrono::Utc::now();
        let tx = conn.transaction().unwrap_or_else(|e| panic!("{e}"));
        assert!(claim(&tx, "op-1", 30_000, now).unwrap_or_default());
        assert_eq!(charged_unrecorded(&tx, "op-1").unwrap_or_else(|e| panic!("{e}")), None);
        hold_receipt(&tx, "op-1", "R-9").unwrap_or_else(|e| panic!("{e}"));
        abandon(&tx, "op-1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(charged_unrecorded(&tx, "op-1").unwrap_or_else(|e| panic!("{e}")), Some((30_000, "R-9".to_owned())));
        finish(&tx, "op-1", "R-9", now).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(charged_unrecorded(&tx, "op-1").unwrap_or_else(|e| panic!("{e}")), None, "recorded");
    }
}
