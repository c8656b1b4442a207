//! `kiosk_invites`: one-time codes staff issue for a new kiosk, kept as digests.

use crate::db::{Connection, OptionalExtension, params};
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::store::read_time;

/// An invite as the hub holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub institution_id: String,
    /// The kiosk id the invite is for, when staff named one (`--kiosk`).
    pub kiosk_id: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
}

pub fn insert(
    conn: &Connection,
    code_digest: &str,
    institution_id: &str,
    kiosk_id: Option<&str>,
    by: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO kiosk_invites (code_digest, institution_id, kiosk_id, created_at, created_by, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![code_digest, institution_id, kiosk_id, now.to_rfc3339(), by, expires_at.to_rfc3339()],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, code_digest: &str) -> Result<Option<Invite>, StoreError> {
    let row = conn
        .query_row(
            "SELECT institution_id, kiosk_id, expires_at, used_at IS NOT NULL FROM kiosk_invites WHERE code_digest = ?1",
            [code_digest],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?, r.get(3)?)),
        )
        .optional()?;
    row.map(|(institution_id, kiosk_id, expires, used)| {
        Ok(Invite { institution_id, kiosk_id, expires_at: read_time("초대 코드", code_digest, &expires)?, used })
    })
    .transpose()
}

/// Marks the invite used by `kiosk`; false if someone used it first (two kiosks, one code).
pub fn mark_used(conn: &Connection, code_digest: &str, kiosk: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let changed = conn.execute(
        "UPDATE kiosk_invites SET used_at = ?2, used_by_kiosk = ?3 WHERE code_digest = ?1 AND used_at IS NULL",
        params![code_digest, now.to_rfc3339(), kiosk],
    )?;
    Ok(changed == 1)
}
