//! The PIN lockout shared by learners and staff accounts: wrong PINs are counted in the database
//! itself, so checks running side by side each count, and a right PIN does not open a lock a
//! check beside it just set. [`baeum_domain::learner::PIN_ATTEMPTS`] wrong PINs lock for
//! [`baeum_domain::learner::PIN_LOCK_MINUTES`].

use crate::db::{Connection, OptionalExtension, params};
use chrono::{DateTime, Utc};

use super::StoreError;

/// Whose PIN: the table and its key.
#[derive(Debug, Clone, Copy)]
pub enum PinHolder {
    Learner,
    Staff,
}

impl PinHolder {
    fn table_and_key(self) -> (&'static str, &'static str) {
        match self {
            PinHolder::Learner => ("learners", "id"),
            PinHolder::Staff => ("staff", "staff_number"),
        }
    }
}

/// Counts one wrong PIN and locks at the limit; the lock's end when it is locked now.
pub fn count_failure(
    conn: &Connection,
    holder: PinHolder,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let (table, key) = holder.table_and_key();
    let attempts = baeum_domain::learner::PIN_ATTEMPTS;
    let until = baeum_domain::learner::pin_lock_after(attempts, now).unwrap_or(now);
    let locked: Option<Option<String>> = conn
        .prepare_cached(&format!(
            "UPDATE {table} SET pin_failures = pin_failures + 1,
                 locked_until = CASE WHEN pin_failures + 1 >= ?2 THEN ?3 ELSE locked_until END
             WHERE {key} = ?1 RETURNING locked_until"
        ))?
        .query_row(params![id, i64::from(attempts), until.to_rfc3339()], |r| r.get(0))
        .optional()?;
    Ok(locked.flatten().and_then(|t| t.parse::<DateTime<Utc>>().ok()).filter(|t| *t > now))
}

/// Clears the count after a right PIN, unless a check beside this one locked it meanwhile (then
/// false: the right PIN does not open a lock).
pub fn clear_unless_locked(
    conn: &Connection,
    holder: PinHolder,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let (table, key) = holder.table_and_key();
    Ok(conn
        .prepare_cached(&format!(
            "UPDATE {table} SET pin_failures = 0, locked_until = NULL
         WHERE {key} = ?1 AND (locked_until IS NULL OR locked_until <= ?2)"
        ))?
        .execute(params![id, now.to_rfc3339()])?
        > 0)
}
