//! `kiosk_intents` table: every intent the hub applied, with its outcome, so a replay (same kiosk,
//! same sequence number, same op id and body) gets the stored answer instead of a second effect.

use crate::db::{Connection, OptionalExtension, Transaction, params};
use baeum_domain::intent::{IntentResult, Outcome};
use baeum_domain::{KioskId, OpId};
use chrono::{DateTime, Utc};

use super::{StoreError, decode, encode};

/// An intent as stored.
#[derive(Debug)]
pub struct Stored {
    pub op_id: String,
    pub body_sha256: String,
    pub outcome: Outcome,
}

/// Highest sequence number applied for this kiosk (0 when none).
pub fn applied_through(conn: &Connection, kiosk: &KioskId) -> Result<u64, StoreError> {
    let n: Option<i64> = conn
        .prepare_cached("SELECT MAX(seq) FROM kiosk_intents WHERE kiosk_id = ?1")?
        .query_row([kiosk.as_str()], |r| r.get(0))?;
    Ok(n.unwrap_or(0) as u64)
}

pub fn get(conn: &Connection, kiosk: &KioskId, seq: u64) -> Result<Option<Stored>, StoreError> {
    let row: Option<(String, String, String)> = conn
        .prepare_cached("SELECT op_id, body_sha256, outcome FROM kiosk_intents WHERE kiosk_id = ?1 AND seq = ?2")?
        .query_row(params![kiosk.as_str(), seq as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(op_id, body_sha256, outcome)| {
        Ok(Stored { outcome: decode("의도 결과", &op_id, &outcome)?, op_id, body_sha256 })
    })
    .transpose()
}

/// Whether an op id was already used (by any kiosk).
pub fn op_used(conn: &Connection, op: &OpId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM kiosk_intents WHERE op_id = ?1")?
        .query_row([op.as_str()], |_| Ok(()))
        .optional()?
        .is_some())
}

#[allow(clippy::too_many_arguments)]
pub fn insert(
    tx: &Transaction<'_>,
    kiosk: &KioskId,
    seq: u64,
    op: &OpId,
    body_sha256: &str,
    outcome: &Outcome,
    arrival: u64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO kiosk_intents (kiosk_id, seq, op_id, body_sha256, outcome, arrival, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        kiosk.as_str(),
        seq as i64,
        op.as_str(),
        body_sha256,
        encode(outcome),
        arrival as i64,
        now.to_rfc3339()
    ])?;
    Ok(())
}

/// Stored outcomes after `after`, in sequence order.
pub fn after(conn: &Connection, kiosk: &KioskId, after: u64, limit: usize) -> Result<Vec<IntentResult>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, op_id, outcome FROM kiosk_intents WHERE kiosk_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![kiosk.as_str(), after as i64, limit as i64], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, op, outcome) = row?;
        out.push(IntentResult {
            seq: seq as u64,
            op_id: OpId::parse(&op).map_err(|e| StoreError::Corrupt {
                what: "의도",
                id: op.clone(),
                problem: e.to_string(),
            })?,
            outcome: decode("의도 결과", &op, &outcome)?,
        });
    }
    Ok(out)
}
