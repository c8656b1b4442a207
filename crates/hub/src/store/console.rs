//! The console's sign-in state: staff passwords and their lockout, the TOTP enrolment of a
//! 시스템 관리자, and console sessions (only digests of their tokens).

use crate::db::{Connection, OptionalExtension, params};
use baeum_domain::staff::StaffNumber;
use chrono::{DateTime, Utc};

use super::StoreError;

/// Wrong passwords (or TOTP codes) in a row before an account is locked, and for how long.
pub const PASSWORD_ATTEMPTS: i64 = 5;
pub const LOCK_MINUTES: i64 = 15;

/// What signing in to the console checks, besides the account itself.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub password_hash: Option<String>,
    pub failures: i64,
    pub locked_until: Option<DateTime<Utc>>,
    /// Set once a TOTP enrolment has started; the secret is derived from it and the pepper.
    pub totp_nonce: Option<String>,
    pub totp_confirmed: bool,
    pub totp_last_step: Option<i64>,
}

fn time(raw: Option<String>) -> Option<DateTime<Utc>> {
    raw.and_then(|t| t.parse().ok())
}

pub fn credentials(conn: &Connection, number: &StaffNumber) -> Result<Option<Credentials>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT password_hash, password_failures, password_locked_until, totp_nonce, totp_confirmed_at, totp_last_step
             FROM staff WHERE staff_number = ?1",
        )?
        .query_row([number.as_str()], |r| {
            Ok(Credentials {
                password_hash: r.get(0)?,
                failures: r.get(1)?,
                locked_until: time(r.get(2)?),
                totp_nonce: r.get(3)?,
                totp_confirmed: r.get::<_, Option<String>>(4)?.is_some(),
                totp_last_step: r.get(5)?,
            })
        })
        .optional()?)
}

/// A new console password; the lockout is lifted. True if the account exists.
pub fn set_password(conn: &Connection, number: &StaffNumber, hash: &str) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE staff SET password_hash = ?2, password_failures = 0, password_locked_until = NULL WHERE staff_number = ?1",
        params![number.as_str(), hash],
    )? > 0)
}

/// Counts a wrong password or code; answers until when the account is now locked, if it is.
pub fn failed(
    conn: &Connection,
    number: &StaffNumber,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let until = now + chrono::Duration::minutes(LOCK_MINUTES);
    // A lock that ran out starts the count again at this failure (SQL reads the old values on
    // the right-hand side, on both engines).
    conn.execute(
        "UPDATE staff SET
            password_failures = CASE WHEN password_locked_until IS NOT NULL AND password_locked_until <= ?4 THEN 1
                                     ELSE password_failures + 1 END,
            password_locked_until = CASE
                WHEN password_locked_until IS NOT NULL AND password_locked_until <= ?4 THEN NULL
                WHEN password_failures + 1 >= ?2 THEN ?3
                ELSE password_locked_until END
         WHERE staff_number = ?1",
        params![number.as_str(), PASSWORD_ATTEMPTS, until.to_rfc3339(), now.to_rfc3339()],
    )?;
    Ok(credentials(conn, number)?.and_then(|c| c.locked_until).filter(|t| *t > now))
}

/// A right password (and code): the count starts again.
pub fn succeeded(conn: &Connection, number: &StaffNumber) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE staff SET password_failures = 0, password_locked_until = NULL WHERE staff_number = ?1",
        [number.as_str()],
    )?;
    Ok(())
}

/// Starts (or restarts) a TOTP enrolment with a fresh nonce; the old secret stops working.
pub fn start_totp(conn: &Connection, number: &StaffNumber, nonce: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE staff SET totp_nonce = ?2, totp_confirmed_at = NULL, totp_last_step = NULL WHERE staff_number = ?1",
        params![number.as_str(), nonce],
    )?;
    Ok(())
}

/// Takes a TOTP time step: false if it (or a later one) was used already, so a code seen over
/// someone's shoulder cannot be replayed. Confirms an enrolment on its first code.
pub fn use_totp_step(
    conn: &Connection,
    number: &StaffNumber,
    step: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE staff SET totp_last_step = ?2, totp_confirmed_at = COALESCE(totp_confirmed_at, ?3)
         WHERE staff_number = ?1 AND totp_nonce IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?2)",
        params![number.as_str(), step, now.to_rfc3339()],
    )? > 0)
}

/// Forgets the TOTP enrolment (a lost phone): the next sign-in enrols again.
pub fn reset_totp(conn: &Connection, number: &StaffNumber) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE staff SET totp_nonce = NULL, totp_confirmed_at = NULL, totp_last_step = NULL WHERE staff_number = ?1",
        [number.as_str()],
    )? > 0)
}

/// A console session as stored.
#[derive(Debug, Clone)]
pub struct Session {
    pub staff_number: String,
    pub csrf: String,
    pub verified: bool,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

pub fn open_session(
    conn: &Connection,
    digest: &str,
    number: &StaffNumber,
    csrf: &str,
    address: &str,
    verified: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO console_sessions (token_digest, staff_number, csrf, address, verified, created_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![digest, number.as_str(), csrf, address, i64::from(verified), now.to_rfc3339()],
    )?;
    Ok(())
}

/// The open session behind a token digest.
pub fn session(conn: &Connection, digest: &str) -> Result<Option<Session>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT staff_number, csrf, verified, created_at, last_seen_at FROM console_sessions
             WHERE token_digest = ?1 AND ended_at IS NULL",
        )?
        .query_row([digest], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .optional()?;
    let Some((staff_number, csrf, verified, created, seen)) = row else { return Ok(None) };
    let (Some(created_at), Some(last_seen_at)) = (time(Some(created)), time(Some(seen))) else {
        return Err(StoreError::Corrupt {
            what: "관리 화면 세션 시각",
            id: staff_number,
            problem: "RFC 3339가 아닙니다".into(),
        });
    };
    Ok(Some(Session { staff_number, csrf, verified: verified != 0, created_at, last_seen_at }))
}

pub fn touch(conn: &Connection, digest: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE console_sessions SET last_seen_at = ?2 WHERE token_digest = ?1",
        params![digest, now.to_rfc3339()],
    )?;
    Ok(())
}

pub fn mark_verified(conn: &Connection, digest: &str) -> Result<(), StoreError> {
    conn.execute("UPDATE console_sessions SET verified = 1 WHERE token_digest = ?1", [digest])?;
    Ok(())
}

pub fn end(conn: &Connection, digest: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE console_sessions SET ended_at = ?2 WHERE token_digest = ?1 AND ended_at IS NULL",
        params![digest, now.to_rfc3339()],
    )?;
    Ok(())
}

/// Ends every session of an account (disabled, or its password reset).
pub fn end_all_of(conn: &Connection, number: &StaffNumber, now: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE console_sessions SET ended_at = ?2 WHERE staff_number = ?1 AND ended_at IS NULL",
        params![number.as_str(), now.to_rfc3339()],
    )?)
}

/// Ends an account's sessions still owing their second factor.
pub fn end_unverified_of(conn: &Connection, number: &StaffNumber, now: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE console_sessions SET ended_at = ?2 WHERE staff_number = ?1 AND verified = 0 AND ended_at IS NULL",
        params![number.as_str(), now.to_rfc3339()],
    )?)
}

/// Drops sessions that ended, or went idle, before `before` (housekeeping).
pub fn purge(conn: &Connection, before: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(conn
        .execute("DELETE FROM console_sessions WHERE COALESCE(ended_at, last_seen_at) < ?1", [before.to_rfc3339()])?)
}
