//! `kiosk_keys`: kiosks' device keys, registered by the kiosk, trusted once staff endorsed them.

use crate::db::{Connection, OptionalExtension, params};
use baeum_domain::certificate::PublishedKey;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::StoreError;

/// A registered key as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KioskKey {
    pub key_id: String,
    pub kiosk_id: String,
    pub public_key: String,
    pub registered_at: String,
    pub endorsement: Option<String>,
    pub endorsed_at: Option<String>,
    pub endorsed_by: Option<String>,
}

impl KioskKey {
    pub fn published(&self) -> PublishedKey {
        PublishedKey {
            id: self.key_id.clone(),
            public_key: self.public_key.clone(),
            owner: format!("kiosk:{}", self.kiosk_id),
            endorsement: self.endorsement.clone(),
        }
    }
}

const COLUMNS: &str = "key_id, kiosk_id, public_key, registered_at, endorsement, endorsed_at, endorsed_by";

fn read(r: &crate::db::Row<'_>) -> crate::db::Result<KioskKey> {
    Ok(KioskKey {
        key_id: r.get(0)?,
        kiosk_id: r.get(1)?,
        public_key: r.get(2)?,
        registered_at: r.get(3)?,
        endorsement: r.get(4)?,
        endorsed_at: r.get(5)?,
        endorsed_by: r.get(6)?,
    })
}

/// Records a kiosk's key (again: nothing changes).
pub fn register(
    conn: &Connection,
    key_id: &str,
    kiosk_id: &str,
    public_key: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO kiosk_keys (key_id, kiosk_id, public_key, registered_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (key_id) DO NOTHING",
        params![key_id, kiosk_id, public_key, now.to_rfc3339()],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, key_id: &str) -> Result<Option<KioskKey>, StoreError> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM kiosk_keys WHERE key_id = ?1"), [key_id], read).optional()?)
}

/// Every key, newest first.
pub fn all(conn: &Connection) -> Result<Vec<KioskKey>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM kiosk_keys ORDER BY registered_at DESC"))?;
    Ok(stmt.query_map([], read)?.collect::<Result<_, _>>()?)
}

/// Endorsed keys, for the published key set.
pub fn endorsed(conn: &Connection) -> Result<Vec<KioskKey>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM kiosk_keys WHERE endorsement IS NOT NULL ORDER BY key_id"))?;
    Ok(stmt.query_map([], read)?.collect::<Result<_, _>>()?)
}

pub fn set_endorsement(
    conn: &Connection,
    key_id: &str,
    endorsement: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE kiosk_keys SET endorsement = ?2, endorsed_by = ?3, endorsed_at = ?4 WHERE key_id = ?1",
        params![key_id, endorsement, by, now.to_rfc3339()],
    )?;
    Ok(())
}

/// Withdraws every endorsement of `kiosk`'s keys (the kiosk was revoked: what it signs from now
/// on must not check out against the published key set).
pub fn withdraw_endorsements(conn: &Connection, kiosk_id: &str) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE kiosk_keys SET endorsement = NULL, endorsed_by = NULL, endorsed_at = NULL WHERE kiosk_id = ?1",
        [kiosk_id],
    )?)
}
