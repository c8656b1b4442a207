//! `club_board`, `club_views` and `club_pending_activities` at the kiosk.

use baeum_domain::club::{ActivityRecord, ClubBoard, ClubIntent, ClubOutcome, ClubRole, Membership};
use baeum_domain::intent::Outcome;
use baeum_domain::{ActivityId, ClubId, LearnerId, OpId};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use super::{StoreError, decode, encode};

/// What this kiosk filed about a club before the hub's view of it came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalClub {
    pub name: String,
    pub role: ClubRole,
}

/// One learner's club as this kiosk knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClubView {
    pub learner_id: LearnerId,
    pub club_id: ClubId,
    pub hub: Option<Membership>,
    pub local: Option<LocalClub>,
    pub pending: bool,
    pub refusal: Option<String>,
}

pub fn replace_board(tx: &Transaction<'_>, board: &ClubBoard) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO club_board (only_row, body) VALUES (1, ?1) ON CONFLICT (only_row) DO UPDATE SET body = excluded.body",
        [encode(board)],
    )?;
    Ok(())
}

/// The board as of the last exchange (None before the first).
pub fn board(conn: &Connection) -> Result<Option<ClubBoard>, StoreError> {
    let body: Option<String> =
        conn.query_row("SELECT body FROM club_board WHERE only_row = 1", [], |r| r.get(0)).optional()?;
    body.map(|b| decode("동아리 목록", "1", &b)).transpose()
}

/// Records that this kiosk filed `op` about the learner's club.
pub fn file(
    tx: &Transaction<'_>,
    learner: &LearnerId,
    club: &ClubId,
    local: Option<&LocalClub>,
    op: &OpId,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO club_views (learner_id, club_id, local, pending_op) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (learner_id, club_id) DO UPDATE SET local = COALESCE(excluded.local, local),
             pending_op = excluded.pending_op, refusal = NULL",
        params![learner.as_str(), club.as_str(), local.map(encode), op.as_str()],
    )?;
    Ok(())
}

/// A `club_views` row as stored: learner, club, hub body, local body, pending op, refusal.
type RawView = (String, String, Option<String>, Option<String>, Option<String>, Option<String>);

fn view_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawView> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?))
}

fn decode_view(raw: RawView) -> Result<ClubView, StoreError> {
    let (learner, club, body, local, pending, refusal) = raw;
    let corrupt = |e: String| StoreError::Corrupt { what: "동아리", id: club.clone(), problem: e };
    Ok(ClubView {
        learner_id: LearnerId::parse(&learner).map_err(|e| corrupt(e.to_string()))?,
        club_id: ClubId::parse(&club).map_err(|e| corrupt(e.to_string()))?,
        hub: body.map(|b| decode("동아리", &club, &b)).transpose()?,
        local: local.map(|b| decode("동아리", &club, &b)).transpose()?,
        pending: pending.is_some(),
        refusal,
    })
}

/// The learner's clubs, by name.
pub fn views_of(conn: &Connection, learner: &LearnerId) -> Result<Vec<ClubView>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT learner_id, club_id, body, local, pending_op, refusal FROM club_views WHERE learner_id = ?1 ORDER BY club_id",
    )?;
    let rows: Vec<RawView> = stmt.query_map([learner.as_str()], view_of)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(decode_view).collect()
}

/// Takes the hub's view of a learner's club, unless an intent about it is still on its way.
pub fn apply_hub_view(tx: &Transaction<'_>, m: &Membership) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO club_views (learner_id, club_id, body) VALUES (?1, ?2, ?3)
         ON CONFLICT (learner_id, club_id) DO UPDATE SET body = excluded.body,
             local = CASE WHEN pending_op IS NULL THEN NULL ELSE local END,
             refusal = CASE WHEN pending_op IS NULL THEN NULL ELSE refusal END",
        params![m.learner_id.as_str(), m.club_id.as_str(), encode(m)],
    )?;
    // Records the hub holds are no longer this kiosk's to carry.
    for a in &m.activities {
        tx.execute("DELETE FROM club_pending_activities WHERE activity_id = ?1", [a.activity_id.as_str()])?;
    }
    Ok(())
}

pub fn add_pending_activity(
    tx: &Transaction<'_>,
    id: &ActivityId,
    club: &ClubId,
    leader: &LearnerId,
    record: &ActivityRecord,
    op: &OpId,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO club_pending_activities (activity_id, club_id, leader_id, record, op_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id.as_str(), club.as_str(), leader.as_str(), encode(record), op.as_str()],
    )?;
    Ok(())
}

/// Records of `club` this kiosk filed that the hub's view does not hold yet, with the hub's
/// refusal when it refused one.
pub fn pending_activities(
    conn: &Connection,
    club: &ClubId,
) -> Result<Vec<(ActivityId, ActivityRecord, Option<String>)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT activity_id, record, refusal FROM club_pending_activities WHERE club_id = ?1 ORDER BY activity_id",
    )?;
    let rows: Vec<(String, String, Option<String>)> =
        stmt.query_map([club.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(id, record, refusal)| {
            let parsed = ActivityId::parse(&id).map_err(|e| StoreError::Corrupt {
                what: "활동 기록",
                id: id.clone(),
                problem: e.to_string(),
            })?;
            Ok((parsed, decode("활동 기록", &id, &record)?, refusal))
        })
        .collect()
}

/// Takes the hub's answer to a club intent into the rows it is about.
pub fn apply_outcome(
    tx: &Transaction<'_>,
    op: &OpId,
    intent: &ClubIntent,
    outcome: &Outcome,
) -> Result<(), StoreError> {
    let refusal = match outcome {
        Outcome::Club(ClubOutcome::ClubRefused { reason }) => Some(reason.message_ko()),
        Outcome::Rejected { reason } => Some(reason.message_ko().to_owned()),
        _ => None,
    };
    if let ClubIntent::FileActivity { activity_id, .. } = intent {
        // Taken: the hub holds it now (and lists it with the leader's club); refused: kept here
        // with the reason so the leader sees which record did not count.
        match refusal {
            None => tx.execute(
                "DELETE FROM club_pending_activities WHERE activity_id = ?1 AND op_id = ?2",
                params![activity_id.as_str(), op.as_str()],
            )?,
            Some(why) => tx.execute(
                "UPDATE club_pending_activities SET refusal = ?2 WHERE activity_id = ?1 AND op_id = ?3",
                params![activity_id.as_str(), why, op.as_str()],
            )?,
        };
        return Ok(());
    }
    tx.execute(
        "UPDATE club_views SET pending_op = NULL, refusal = ?4 WHERE learner_id = ?1 AND club_id = ?2 AND pending_op = ?3",
        params![intent.actor().as_str(), intent.club_id().as_str(), op.as_str(), refusal],
    )?;
    Ok(())
}

/// Learners whose clubs this kiosk follows.
pub fn learners_to_refresh(conn: &Connection) -> Result<Vec<LearnerId>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT learner_id FROM club_views ORDER BY learner_id")?;
    let ids: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(ids.iter().filter_map(|i| LearnerId::parse(i).ok()).collect())
}

/// Forgets the clubs of learners whose details left this kiosk (none on its way).
pub fn purge_orphans(tx: &Transaction<'_>) -> Result<usize, StoreError> {
    let views = tx.execute(
        "DELETE FROM club_views WHERE pending_op IS NULL
           AND NOT EXISTS (SELECT 1 FROM learners l WHERE l.id = club_views.learner_id)",
        [],
    )?;
    let records = tx.execute(
        "DELETE FROM club_pending_activities
          WHERE NOT EXISTS (SELECT 1 FROM learners l WHERE l.id = club_pending_activities.leader_id)
            AND EXISTS (SELECT 1 FROM outbox o WHERE o.op_id = club_pending_activities.op_id AND o.outcome IS NOT NULL)",
        [],
    )?;
    Ok(views + records)
}
