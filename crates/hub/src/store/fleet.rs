//! `heartbeats` (each kiosk's last one) and `notices` (for kiosks' screens), and the fleet as
//! the console shows it.

use crate::db::{Connection, params};
use baeum_domain::fleet::{
    DeviceKeyState, Heartbeat, KioskHealth, KioskNotice, MISSED_BEATS_OFFLINE, PrinterCondition,
};
use chrono::{DateTime, Utc};

use super::StoreError;

pub fn record(conn: &Connection, kiosk: &str, beat: &Heartbeat, now: DateTime<Utc>) -> Result<(), StoreError> {
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "INSERT INTO heartbeats (kiosk_id, received_at, interval_secs, version, uptime_secs, outbox, last_sync_at,
                                 catalog_behind, printer, free_disk_mb, device_key, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (kiosk_id) DO UPDATE SET received_at = excluded.received_at, interval_secs = excluded.interval_secs,
             version = excluded.version, uptime_secs = excluded.uptime_secs, outbox = excluded.outbox,
             last_sync_at = excluded.last_sync_at, catalog_behind = excluded.catalog_behind, printer = excluded.printer,
             free_disk_mb = excluded.free_disk_mb, device_key = excluded.device_key, status = excluded.status",
    )?
    .execute(params![
        kiosk,
        now.to_rfc3339(),
        i64::from(beat.interval_secs),
        beat.version,
        n(beat.uptime_secs),
        n(beat.outbox),
        beat.since_last_sync_secs
            .and_then(|s| i64::try_from(s).ok())
            .and_then(chrono::Duration::try_seconds)
            .and_then(|ago| now.checked_sub_signed(ago))
            .map(|t| t.to_rfc3339()),
        beat.catalog_behind.map(n),
        beat.printer.code(),
        beat.free_disk_mb.map(n),
        beat.device_key.code(),
        beat.status.code()
    ])?;
    Ok(())
}

/// One kiosk on the fleet page.
#[derive(Debug, Clone)]
pub struct FleetKiosk {
    pub kiosk_id: String,
    pub institution_id: String,
    pub revoked: bool,
    /// The key the hub knows for it is endorsed (what the hub says, beside what the kiosk says).
    pub key_endorsed: bool,
    pub last: Option<LastBeat>,
}

#[derive(Debug, Clone)]
pub struct LastBeat {
    pub received_at: DateTime<Utc>,
    pub interval_secs: u32,
    pub version: String,
    pub uptime_secs: u64,
    pub outbox: u64,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub catalog_behind: Option<u64>,
    pub printer: PrinterCondition,
    pub free_disk_mb: Option<u64>,
    pub device_key: DeviceKeyState,
    pub status: KioskHealth,
}

impl FleetKiosk {
    /// Unseen for [`MISSED_BEATS_OFFLINE`] heartbeats (or never seen).
    pub fn offline(&self, now: DateTime<Utc>) -> bool {
        self.last.as_ref().is_none_or(|b| {
            now - b.received_at > chrono::Duration::seconds(i64::from(b.interval_secs * MISSED_BEATS_OFFLINE))
        })
    }
}

/// Every provisioned kiosk (of `institution`, or all), with its last heartbeat.
pub fn kiosks(conn: &Connection, institution: Option<&str>) -> Result<Vec<FleetKiosk>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT d.kiosk_id, d.institution_id, d.revoked_at IS NOT NULL,
                EXISTS (SELECT 1 FROM kiosk_keys k WHERE k.kiosk_id = d.kiosk_id AND k.endorsement IS NOT NULL),
                h.received_at, h.interval_secs, h.version, h.uptime_secs, h.outbox, h.last_sync_at, h.catalog_behind,
                h.printer, h.free_disk_mb, h.device_key, h.status
         FROM devices d LEFT JOIN heartbeats h ON h.kiosk_id = d.kiosk_id
         WHERE ?1 IS NULL OR d.institution_id = ?1
         ORDER BY d.institution_id, d.kiosk_id",
    )?;
    let rows = stmt.query_map([institution], |r| {
        let received: Option<String> = r.get(4)?;
        let beat = match received {
            None => None,
            Some(at) => Some((
                at,
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, Option<i64>>(10)?,
                r.get::<_, String>(11)?,
                r.get::<_, Option<i64>>(12)?,
                r.get::<_, String>(13)?,
                r.get::<_, String>(14)?,
            )),
        };
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?, r.get::<_, bool>(3)?, beat))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (kiosk_id, institution_id, revoked, key_endorsed, beat) = row?;
        let last = match beat {
            None => None,
            Some((at, interval, version, uptime, outbox, sync, behind, printer, disk, key, status)) => {
                let corrupt =
                    |problem: String| StoreError::Corrupt {
                        what: "키오스크 상태 보고", id: kiosk_id.clone(), problem
                    };
                let u = |v: i64| u64::try_from(v).unwrap_or_default();
                Some(LastBeat {
                    received_at: at.parse().map_err(|e: chrono::ParseError| corrupt(e.to_string()))?,
                    interval_secs: u32::try_from(interval).unwrap_or(baeum_domain::fleet::HEARTBEAT_SECS),
                    version,
                    uptime_secs: u(uptime),
                    outbox: u(outbox),
                    last_sync_at: sync.and_then(|t| t.parse().ok()),
                    catalog_behind: behind.map(u),
                    printer: printer.parse().map_err(|_| corrupt(printer.clone()))?,
                    free_disk_mb: disk.map(u),
                    device_key: key.parse().map_err(|_| corrupt(key.clone()))?,
                    status: status.parse().map_err(|_| corrupt(status.clone()))?,
                })
            }
        };
        out.push(FleetKiosk { kiosk_id, institution_id, revoked, key_endorsed, last });
    }
    Ok(out)
}

/// A notice for kiosks (all, or one institution's) between two times.
pub fn add_notice(
    conn: &Connection,
    text: &str,
    institution: Option<&str>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO notices (text, institution_id, starts_at, ends_at, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![text, institution, starts_at.to_rfc3339(), ends_at.to_rfc3339(), by, now.to_rfc3339()],
    )?;
    Ok(())
}

/// Ends a notice now (it leaves the kiosks' screens at their next heartbeat).
pub fn end_notice(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(conn.execute("UPDATE notices SET ends_at = ?2 WHERE id = ?1 AND ends_at > ?2", params![id, now.to_rfc3339()])?
        > 0)
}

/// A notice as the console lists it.
#[derive(Debug, Clone)]
pub struct StoredNotice {
    pub notice: KioskNotice,
    pub institution_id: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub created_by: String,
}

/// Notices not yet over at `now` (for `institution`'s kiosks when given: theirs and everyone's).
pub fn notices(
    conn: &Connection,
    institution: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<StoredNotice>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, text, institution_id, starts_at, ends_at, created_by FROM notices
         WHERE ends_at > ?1 AND (?2 IS NULL OR institution_id IS NULL OR institution_id = ?2) ORDER BY starts_at, id",
    )?;
    let rows = stmt.query_map(params![now.to_rfc3339(), institution], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, text, institution_id, starts, ends, created_by) = row?;
        let corrupt = |e: chrono::ParseError| StoreError::Corrupt {
            what: "키오스크 공지",
            id: id.to_string(),
            problem: e.to_string(),
        };
        out.push(StoredNotice {
            notice: KioskNotice { id, text, ends_at: ends.parse().map_err(corrupt)? },
            institution_id,
            starts_at: starts.parse().map_err(corrupt)?,
            created_by,
        });
    }
    Ok(out)
}

/// What a kiosk of `institution` shows now.
pub fn showing(conn: &Connection, institution: &str, now: DateTime<Utc>) -> Result<Vec<KioskNotice>, StoreError> {
    Ok(notices(conn, Some(institution), now)?.into_iter().filter(|n| n.starts_at <= now).map(|n| n.notice).collect())
}
