//! `staff` and `staff_audit`: staff accounts with their PIN lockout, and the access log.

use crate::db::{Connection, OptionalExtension, params};
use baeum_domain::staff::{StaffNumber, StaffProfile, StaffRole};
use baeum_domain::{InstitutionId, KioskId};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::StoreError;

/// A staff account as stored.
#[derive(Debug, Clone)]
pub struct Account {
    pub profile: StaffProfile,
    pub pin_hash: String,
    pub pin_failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
}

impl Account {
    /// Signs in nowhere now: disabled, or locked after wrong PINs.
    pub fn barred(&self, now: DateTime<Utc>) -> bool {
        self.disabled_at.is_some() || self.locked_until.is_some_and(|t| t > now)
    }
}

fn time(number: &str, raw: Option<String>) -> Result<Option<DateTime<Utc>>, StoreError> {
    raw.map(|t| {
        t.parse::<DateTime<Utc>>().map_err(|e| StoreError::Corrupt {
            what: "직원 계정 시각",
            id: number.to_owned(),
            problem: e.to_string(),
        })
    })
    .transpose()
}

pub fn insert(
    conn: &Connection,
    profile: &StaffProfile,
    pin_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "INSERT INTO staff (staff_number, name, role, institution_id, pin_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (staff_number) DO NOTHING",
        params![
            profile.staff_number.as_str(),
            profile.name,
            profile.role.code(),
            profile.institution_id.as_ref().map(|i| i.as_str().to_owned()),
            pin_hash,
            now.to_rfc3339()
        ],
    )? > 0)
}

pub fn get(conn: &Connection, number: &StaffNumber) -> Result<Option<Account>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT name, role, institution_id, pin_hash, pin_failures, locked_until, disabled_at
             FROM staff WHERE staff_number = ?1",
        )?
        .query_row([number.as_str()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })
        .optional()?;
    let Some((name, role, institution, pin_hash, failures, locked, disabled)) = row else { return Ok(None) };
    let corrupt = |what: &'static str, problem: String| StoreError::Corrupt { what, id: number.to_string(), problem };
    let role: StaffRole = role.parse().map_err(|_| corrupt("직원 역할", role.clone()))?;
    let institution_id = institution
        .map(|i| InstitutionId::parse(&i).map_err(|e| corrupt("직원 소속 기관", e.to_string())))
        .transpose()?;
    Ok(Some(Account {
        profile: StaffProfile { staff_number: number.clone(), name, role, institution_id },
        pin_hash,
        pin_failures: u32::try_from(failures).unwrap_or(u32::MAX),
        locked_until: time(number.as_str(), locked)?,
        disabled_at: time(number.as_str(), disabled)?,
    }))
}

pub fn all(conn: &Connection) -> Result<Vec<Account>, StoreError> {
    let numbers: Vec<String> = conn
        .prepare("SELECT staff_number FROM staff ORDER BY staff_number")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(numbers.len());
    for n in numbers {
        let number = StaffNumber::parse(&n).map_err(|e| StoreError::Corrupt {
            what: "직원 번호",
            id: n.clone(),
            problem: e.to_string(),
        })?;
        out.extend(get(conn, &number)?);
    }
    Ok(out)
}

pub fn reset_pin_failures(conn: &Connection, number: &StaffNumber) -> Result<(), StoreError> {
    conn.execute("UPDATE staff SET pin_failures = 0, locked_until = NULL WHERE staff_number = ?1", [number.as_str()])?;
    Ok(())
}

/// A new PIN (and the lockout lifted). True if the account exists.
pub fn set_pin(conn: &Connection, number: &StaffNumber, pin_hash: &str) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE staff SET pin_hash = ?2, pin_failures = 0, locked_until = NULL WHERE staff_number = ?1",
        params![number.as_str(), pin_hash],
    )? > 0)
}

/// Disables an account; its sessions stop at once. True if it was active.
pub fn disable(conn: &Connection, number: &StaffNumber, now: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE staff SET disabled_at = ?2 WHERE staff_number = ?1 AND disabled_at IS NULL",
        params![number.as_str(), now.to_rfc3339()],
    )? > 0)
}

/// One line of the access log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub staff_number: String,
    /// The kiosk the action was taken at, or `console`.
    pub kiosk_id: String,
    /// The caller's address, for console actions.
    pub address: Option<String>,
    pub action: String,
    /// Whom or what it was about: a learner id, a course id.
    pub subject: String,
}

/// Where console actions are logged as taken (`kiosk_id`), with the caller's address beside.
pub const CONSOLE: &str = "console";

pub fn audit(
    conn: &Connection,
    at: DateTime<Utc>,
    staff: &StaffNumber,
    kiosk: &KioskId,
    action: &str,
    subject: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO staff_audit (at, staff_number, kiosk_id, action, subject) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![at.to_rfc3339(), staff.as_str(), kiosk.as_str(), action, subject])?;
    Ok(())
}

/// A console action (or a console view of personal data) for the access log.
pub fn audit_console(
    conn: &Connection,
    at: DateTime<Utc>,
    staff: &StaffNumber,
    address: &str,
    action: &str,
    subject: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO staff_audit (at, staff_number, kiosk_id, address, action, subject) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![at.to_rfc3339(), staff.as_str(), CONSOLE, address, action, subject])?;
    Ok(())
}

/// Which lines of the access log to read. Empty fields filter nothing.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub staff: Option<String>,
    pub action: Option<String>,
    /// Learner id, course id or other subject, or a kiosk id / `console`, containing this text.
    pub contains: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// At most this many lines, newest first; `None`: all, oldest first.
    pub newest: Option<usize>,
}

/// The access log, filtered.
pub fn audit_log(conn: &Connection, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
    let order = match filter.newest {
        Some(n) => format!("ORDER BY id DESC LIMIT {n}"),
        None => "ORDER BY id".to_owned(),
    };
    let like = filter
        .contains
        .as_ref()
        .map(|c| format!("%{}%", c.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let mut stmt = conn.prepare(&format!(
        "SELECT at, staff_number, kiosk_id, address, action, subject FROM staff_audit
         WHERE (?1 IS NULL OR staff_number = ?1) AND (?2 IS NULL OR action = ?2)
           AND (?3 IS NULL OR subject LIKE ?3 ESCAPE '\\' OR kiosk_id LIKE ?3 ESCAPE '\\')
           AND (?4 IS NULL OR at >= ?4) AND (?5 IS NULL OR at < ?5) {order}"
    ))?;
    let rows = stmt.query_map(
        params![
            filter.staff.clone(),
            filter.action.clone(),
            like,
            filter.from.map(|t| t.to_rfc3339()),
            filter.until.map(|t| t.to_rfc3339())
        ],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (at, staff_number, kiosk_id, address, action, subject) = row?;
        let at = time(&staff_number, Some(at))?.unwrap_or_default();
        out.push(AuditEntry { at, staff_number, kiosk_id, address, action, subject });
    }
    Ok(out)
}
