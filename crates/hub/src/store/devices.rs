//! `devices`: every kiosk the hub trusts, found by the digest of its credential.

use crate::db::{Connection, OptionalExtension, params};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::StoreError;

/// A provisioned kiosk, as staff list it (`baeum-hub kiosk list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    pub kiosk_id: String,
    pub institution_id: String,
    /// The device key it presented at provisioning (its fingerprint).
    pub key_id: String,
    pub provisioned_at: String,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
    pub revoked_reason: Option<String>,
}

impl Device {
    pub fn revoked(&self) -> bool {
        self.revoked_at.is_some()
    }
}

const COLUMNS: &str = "kiosk_id, institution_id, key_id, provisioned_at, revoked_at, revoked_by, revoked_reason";

fn read(r: &crate::db::Row<'_>) -> crate::db::Result<Device> {
    Ok(Device {
        kiosk_id: r.get(0)?,
        institution_id: r.get(1)?,
        key_id: r.get(2)?,
        provisioned_at: r.get(3)?,
        revoked_at: r.get(4)?,
        revoked_by: r.get(5)?,
        revoked_reason: r.get(6)?,
    })
}

/// The kiosk whose credential has this digest.
pub fn by_credential(conn: &Connection, digest: &str) -> Result<Option<Device>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM devices WHERE credential_digest = ?1"))?;
    Ok(stmt.query_row([digest], read).optional()?)
}

pub fn get(conn: &Connection, kiosk_id: &str) -> Result<Option<Device>, StoreError> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM devices WHERE kiosk_id = ?1"), [kiosk_id], read).optional()?)
}

/// Every kiosk, by id.
pub fn all(conn: &Connection) -> Result<Vec<Device>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM devices ORDER BY kiosk_id"))?;
    Ok(stmt.query_map([], read)?.collect::<Result<_, _>>()?)
}

/// Records a kiosk with its credential's digest, replacing a revoked record of the same id
/// (a reinstalled kiosk staff invited again by name).
pub fn put(
    conn: &Connection,
    kiosk_id: &str,
    institution_id: &str,
    credential_digest: &str,
    key_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO devices (kiosk_id, institution_id, credential_digest, key_id, provisioned_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (kiosk_id) DO UPDATE SET institution_id = ?2, credential_digest = ?3, key_id = ?4,
             provisioned_at = ?5, revoked_at = NULL, revoked_by = NULL, revoked_reason = NULL",
        params![kiosk_id, institution_id, credential_digest, key_id, now.to_rfc3339()],
    )?;
    Ok(())
}

/// Revokes a kiosk's credential; false if there is no such kiosk or it was revoked already.
pub fn revoke(
    conn: &Connection,
    kiosk_id: &str,
    by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = conn.execute(
        "UPDATE devices SET revoked_at = ?2, revoked_by = ?3, revoked_reason = ?4
         WHERE kiosk_id = ?1 AND revoked_at IS NULL",
        params![kiosk_id, now.to_rfc3339(), by, reason],
    )?;
    Ok(changed == 1)
}
