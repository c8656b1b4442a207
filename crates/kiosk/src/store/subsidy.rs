//! `subsidy_*` tables at the kiosk: programmes (from the hub, for offline explanations), this
//! kiosk's learners' applications as the hub last answered, and their earlier grants.

use baeum_domain::intent::Outcome;
use baeum_domain::rules::RejectReason;
use baeum_domain::subsidy::{
    SubsidyApplication, SubsidyGrant, SubsidyIntent, SubsidyOutcome, SubsidyProgramme, SubsidyStatus,
};
use baeum_domain::{LearnerId, OpId, ProgrammeId};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{StoreError, decode, decode_rows, encode};

/// Replaces the programmes with the hub's list.
pub fn replace_programmes(tx: &Transaction<'_>, programmes: &[SubsidyProgramme]) -> Result<(), StoreError> {
    tx.execute("DELETE FROM subsidy_programmes", [])?;
    let mut insert = tx.prepare_cached("INSERT INTO subsidy_programmes (id, body) VALUES (?1, ?2)")?;
    for p in programmes {
        insert.execute(params![p.id.as_str(), encode(p)])?;
    }
    Ok(())
}

/// Every programme, newest window first.
pub fn programmes(conn: &Connection) -> Result<Vec<SubsidyProgramme>, StoreError> {
    let mut all: Vec<SubsidyProgramme> =
        decode_rows(conn, "지원금 사업", "SELECT id, body FROM subsidy_programmes", [])?;
    all.sort_by(|a, b| b.opens_on.cmp(&a.opens_on).then_with(|| a.id.cmp(&b.id)));
    Ok(all)
}

/// An application as this kiosk knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalApplication {
    pub learner_id: LearnerId,
    pub programme_id: ProgrammeId,
    pub receipt: Option<String>,
    /// The hub's status; None until it answered.
    pub status: Option<SubsidyStatus>,
    /// The hub refused the last intent (an unknown learner, a withdrawal after the selection).
    pub rejected: Option<RejectReason>,
    /// An intent about it waits for the hub.
    pub pending: bool,
    pub applied_at: DateTime<Utc>,
    pub hub_as_of: Option<DateTime<Utc>>,
}

type Row = (String, String, Option<String>, Option<String>, Option<String>, Option<String>, String, Option<String>);

const COLUMNS: &str = "learner_id, programme_id, receipt, status, rejected, pending_op, applied_at, hub_as_of";

fn read(row: Row) -> Result<LocalApplication, StoreError> {
    let (learner, programme, receipt, status, rejected, pending, applied_at, hub_as_of) = row;
    let id = format!("{learner}/{programme}");
    let corrupt = |problem: String| StoreError::Corrupt { what: "지원금 신청", id: id.clone(), problem };
    Ok(LocalApplication {
        learner_id: LearnerId::parse(&learner).map_err(|e| corrupt(e.to_string()))?,
        programme_id: ProgrammeId::parse(&programme).map_err(|e| corrupt(e.to_string()))?,
        receipt,
        status: status.map(|s| decode("지원금 신청", &id, &s)).transpose()?,
        rejected: rejected.map(|r| decode("지원금 신청", &id, &format!("\"{r}\""))).transpose()?,
        pending: pending.is_some(),
        applied_at: super::read_time("지원금 신청 시각", &id, &applied_at)?,
        hub_as_of: hub_as_of.map(|t| super::read_time("지원금 조회 시각", &id, &t)).transpose()?,
    })
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
}

pub fn get(
    conn: &Connection,
    learner: &LearnerId,
    programme: &ProgrammeId,
) -> Result<Option<LocalApplication>, StoreError> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM subsidy_applications WHERE learner_id = ?1 AND programme_id = ?2"
        ))?
        .query_row([learner.as_str(), programme.as_str()], row)
        .optional()?;
    found.map(read).transpose()
}

/// A learner's applications, newest first.
pub fn of_learner(conn: &Connection, learner: &LearnerId) -> Result<Vec<LocalApplication>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM subsidy_applications WHERE learner_id = ?1 ORDER BY applied_at DESC"
    ))?;
    let rows: Vec<Row> = stmt.query_map([learner.as_str()], row)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(read).collect()
}

/// She applied here (the intent `op` waits for the hub). A withdrawn or refused application is
/// filed again in its place.
pub fn insert_applied(
    tx: &Transaction<'_>,
    learner: &LearnerId,
    programme: &ProgrammeId,
    op: &OpId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO subsidy_applications (learner_id, programme_id, pending_op, applied_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (learner_id, programme_id) DO UPDATE SET pending_op = excluded.pending_op, status = NULL,
             rejected = NULL, applied_at = excluded.applied_at",
    )?
    .execute(params![learner.as_str(), programme.as_str(), op.as_str(), now.to_rfc3339()])?;
    Ok(())
}

pub fn set_pending(
    tx: &Transaction<'_>,
    learner: &LearnerId,
    programme: &ProgrammeId,
    op: &OpId,
) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE subsidy_applications SET pending_op = ?3 WHERE learner_id = ?1 AND programme_id = ?2")?
        .execute(params![learner.as_str(), programme.as_str(), op.as_str()])?;
    Ok(())
}

/// Takes the hub's answer to intent `op` (only while it is the one the row waits for).
pub fn apply_outcome(
    tx: &Transaction<'_>,
    op: &OpId,
    intent: &SubsidyIntent,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (learner, programme) = match intent {
        SubsidyIntent::ApplySubsidy { learner_id, programme_id, .. }
        | SubsidyIntent::WithdrawSubsidy { learner_id, programme_id } => (learner_id, programme_id),
    };
    let (status, receipt, rejected): (Option<SubsidyStatus>, Option<&str>, Option<RejectReason>) = match outcome {
        Outcome::Subsidy(SubsidyOutcome::SubsidyApplied { receipt, .. }) => {
            (Some(SubsidyStatus::Applied), Some(receipt), None)
        }
        // Her first application (made elsewhere) stands; the next lookup brings its status.
        Outcome::Subsidy(SubsidyOutcome::SubsidyAlreadyApplied { receipt }) => {
            (Some(SubsidyStatus::Applied), Some(receipt), None)
        }
        Outcome::Subsidy(SubsidyOutcome::SubsidyNotEligible { reason }) => {
            (Some(SubsidyStatus::NotEligible { reason: reason.clone() }), None, None)
        }
        Outcome::Subsidy(SubsidyOutcome::SubsidyWithdrawn) => (Some(SubsidyStatus::Withdrawn), None, None),
        // A withdrawal the hub refused (the selection was made) leaves the application as it
        // was; the next lookup brings its result.
        Outcome::Rejected { .. } if matches!(intent, SubsidyIntent::WithdrawSubsidy { .. }) => (None, None, None),
        Outcome::Rejected { reason } => (None, None, Some(*reason)),
        // Another service's answer cannot be about this row.
        _ => return Ok(()),
    };
    tx.prepare_cached(
        "UPDATE subsidy_applications SET status = COALESCE(?4, status), receipt = COALESCE(?5, receipt),
             rejected = COALESCE(?6, rejected), pending_op = NULL, hub_as_of = ?7
         WHERE learner_id = ?1 AND programme_id = ?2 AND pending_op = ?3",
    )?
    .execute(params![
        learner.as_str(),
        programme.as_str(),
        op.as_str(),
        status.as_ref().map(encode),
        receipt,
        rejected.map(RejectReason::code),
        now.to_rfc3339()
    ])?;
    Ok(())
}

/// Takes the hub's current view of an application (a selection decided since, or one made at
/// another kiosk). Rows with an intent still on its way keep waiting for its answer.
pub fn apply_hub_view(tx: &Transaction<'_>, a: &SubsidyApplication, as_of: DateTime<Utc>) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO subsidy_applications (learner_id, programme_id, receipt, status, applied_at, hub_as_of)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (learner_id, programme_id) DO UPDATE SET receipt = excluded.receipt, status = excluded.status,
             rejected = NULL, hub_as_of = excluded.hub_as_of
         WHERE subsidy_applications.pending_op IS NULL",
    )?
    .execute(params![
        a.learner_id.as_str(),
        a.programme_id.as_str(),
        a.receipt,
        encode(&a.status),
        a.applied_at.to_rfc3339(),
        as_of.to_rfc3339()
    ])?;
    Ok(())
}

/// Replaces what this kiosk knows of these learners' earlier grants.
pub fn replace_grants(tx: &Transaction<'_>, learners: &[LearnerId], grants: &[SubsidyGrant]) -> Result<(), StoreError> {
    let mut delete = tx.prepare_cached("DELETE FROM subsidy_grants WHERE learner_id = ?1")?;
    for l in learners {
        delete.execute([l.as_str()])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO subsidy_grants (learner_id, programme_id, year) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    )?;
    for g in grants {
        insert.execute(params![g.learner_id.as_str(), g.programme_id.as_str(), g.year])?;
    }
    Ok(())
}

/// Years `learner` was selected in, for programmes other than `except`.
pub fn granted_years(conn: &Connection, learner: &LearnerId, except: &ProgrammeId) -> Result<Vec<i32>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT year FROM subsidy_grants WHERE learner_id = ?1 AND programme_id <> ?2 ORDER BY year")?;
    let years = stmt.query_map([learner.as_str(), except.as_str()], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(years)
}

/// Learners whose applications this kiosk keeps (to refresh after uploads).
pub fn learners_to_refresh(conn: &Connection) -> Result<Vec<LearnerId>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT learner_id FROM subsidy_applications ORDER BY learner_id")?;
    let ids: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(ids.iter().filter_map(|i| LearnerId::parse(i).ok()).collect())
}

/// Forgets the applications and grants of learners whose details left this kiosk, except ones
/// with an intent still on its way. Returns how many rows went.
pub fn purge_orphans(tx: &Transaction<'_>) -> Result<usize, StoreError> {
    let applications = tx.execute(
        "DELETE FROM subsidy_applications WHERE pending_op IS NULL
           AND NOT EXISTS (SELECT 1 FROM learners l WHERE l.id = subsidy_applications.learner_id)",
        [],
    )?;
    let grants = tx.execute(
        "DELETE FROM subsidy_grants WHERE NOT EXISTS (SELECT 1 FROM learners l WHERE l.id = subsidy_grants.learner_id)",
        [],
    )?;
    Ok(applications + grants)
}
