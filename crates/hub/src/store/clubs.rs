//! `clubs`, `club_members`, `club_activities`, `club_attendance` and `club_actions`; the club
//! rules live in `hub_meta` (the city's defaults until an operator loads others).

use crate::db::{Connection, OptionalExtension, params};
use baeum_domain::club::{ActivityLine, ActivityRecord, ClubApplication, ClubRole, ClubRules, ClubState};
use baeum_domain::{ActivityId, ClubId, LearnerId};
use chrono::{DateTime, NaiveDate, Utc};

use super::StoreError;

/// A club as the hub keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClubRow {
    pub application: ClubApplication,
    pub state: ClubState,
    pub reason: String,
    pub approved_on: Option<NaiveDate>,
}

fn state_of(raw: &str) -> ClubState {
    match raw {
        "active" => ClubState::Active,
        "rejected" => ClubState::Rejected,
        _ => ClubState::AwaitingApproval,
    }
}

fn state_str(state: ClubState) -> &'static str {
    match state {
        ClubState::AwaitingApproval => "awaiting_approval",
        ClubState::Active => "active",
        ClubState::Rejected => "rejected",
    }
}

fn role_of_str(raw: &str) -> ClubRole {
    match raw {
        "leader" => ClubRole::Leader,
        "member" => ClubRole::Member,
        _ => ClubRole::Asked,
    }
}

fn role_str(role: ClubRole) -> &'static str {
    match role {
        ClubRole::Leader => "leader",
        ClubRole::Member => "member",
        ClubRole::Asked => "asked",
    }
}

fn corrupt(id: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { what: "동아리", id: id.to_owned(), problem: e.to_string() }
}

fn row(
    id: String,
    application: &str,
    state: &str,
    reason: String,
    approved: Option<String>,
) -> Result<ClubRow, StoreError> {
    Ok(ClubRow {
        application: serde_json::from_str(application).map_err(|e| corrupt(&id, e))?,
        state: state_of(state),
        reason,
        approved_on: approved.map(|d| d.parse().map_err(|e| corrupt(&id, e))).transpose()?,
    })
}

const COLUMNS: &str = "id, application, state, reason, approved_on";

fn rows(conn: &Connection, sql: &str, args: impl crate::db::Params) -> Result<Vec<ClubRow>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let found = stmt.query_map(args, |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?))
    })?;
    let mut out = Vec::new();
    for f in found {
        let (id, application, state, reason, approved) = f?;
        out.push(row(id, &application, &state, reason, approved)?);
    }
    Ok(out)
}

pub fn get(conn: &Connection, id: &ClubId) -> Result<Option<ClubRow>, StoreError> {
    Ok(rows(conn, &format!("SELECT {COLUMNS} FROM clubs WHERE id = ?1"), [id.as_str()])?.pop())
}

/// Every club, or those waiting for a decision, by name.
pub fn all(conn: &Connection, waiting_only: bool) -> Result<Vec<ClubRow>, StoreError> {
    let filter = if waiting_only { "WHERE state = 'awaiting_approval'" } else { "" };
    let mut out = rows(conn, &format!("SELECT {COLUMNS} FROM clubs {filter}"), [])?;
    out.sort_by(|a, b| a.application.name.cmp(&b.application.name));
    Ok(out)
}

pub fn active(conn: &Connection) -> Result<Vec<ClubRow>, StoreError> {
    let mut out = rows(conn, &format!("SELECT {COLUMNS} FROM clubs WHERE state = 'active'"), [])?;
    out.sort_by(|a, b| a.application.name.cmp(&b.application.name));
    Ok(out)
}

/// Files a club (waiting for approval) with its leader and founders as members.
pub fn insert(conn: &Connection, app: &ClubApplication, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO clubs (id, application, institution_id, leader_id, state, filed_at)
         VALUES (?1, ?2, ?3, ?4, 'awaiting_approval', ?5)",
        params![
            app.club_id.as_str(),
            serde_json::to_string(app).unwrap_or_default(),
            app.institution_id.as_str(),
            app.leader.as_str(),
            now.to_rfc3339()
        ],
    )?;
    set_role(conn, &app.club_id, &app.leader, ClubRole::Leader, now)?;
    for f in &app.founders {
        set_role(conn, &app.club_id, f, ClubRole::Member, now)?;
    }
    Ok(())
}

pub fn decide(
    conn: &Connection,
    id: &ClubId,
    state: ClubState,
    reason: &str,
    approved_on: Option<NaiveDate>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE clubs SET state = ?2, reason = ?3, approved_on = ?4 WHERE id = ?1",
        params![id.as_str(), state_str(state), reason, approved_on.map(|d| d.to_string())],
    )?;
    Ok(())
}

pub fn role_of(conn: &Connection, club: &ClubId, learner: &LearnerId) -> Result<Option<ClubRole>, StoreError> {
    let raw: Option<String> = conn
        .query_row(
            "SELECT role FROM club_members WHERE club_id = ?1 AND learner_id = ?2",
            params![club.as_str(), learner.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    Ok(raw.as_deref().map(role_of_str))
}

pub fn set_role(
    conn: &Connection,
    club: &ClubId,
    learner: &LearnerId,
    role: ClubRole,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO club_members (club_id, learner_id, role, since) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (club_id, learner_id) DO UPDATE SET role = excluded.role, since = excluded.since",
        params![club.as_str(), learner.as_str(), role_str(role), now.to_rfc3339()],
    )?;
    Ok(())
}

/// The day (KST) `learner` joined the club's list in her current role.
pub fn member_since(conn: &Connection, club: &ClubId, learner: &LearnerId) -> Result<Option<NaiveDate>, StoreError> {
    let raw: Option<String> = conn
        .query_row(
            "SELECT since FROM club_members WHERE club_id = ?1 AND learner_id = ?2",
            params![club.as_str(), learner.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    Ok(raw.and_then(|t| t.parse::<DateTime<Utc>>().ok()).map(|t| t.with_timezone(&baeum_domain::kst()).date_naive()))
}

/// Everyone on the club's list (leader, members, people asking), leader first.
pub fn members(conn: &Connection, club: &ClubId) -> Result<Vec<(LearnerId, ClubRole)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT learner_id, role FROM club_members WHERE club_id = ?1
         ORDER BY CASE role WHEN 'leader' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, since, learner_id",
    )?;
    let found = stmt.query_map([club.as_str()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for f in found {
        let (learner, role) = f?;
        out.push((LearnerId::parse(&learner).map_err(|e| corrupt(club.as_str(), e))?, role_of_str(&role)));
    }
    Ok(out)
}

/// Members who count (the leader and members, not those asking).
pub fn member_count(conn: &Connection, club: &ClubId) -> Result<u32, StoreError> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM club_members WHERE club_id = ?1 AND role IN ('leader', 'member')",
        [club.as_str()],
        |r| r.get(0),
    )?)
}

/// The clubs a learner is on the list of, with her role.
pub fn of_learner(conn: &Connection, learner: &LearnerId) -> Result<Vec<(ClubId, ClubRole)>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT club_id, role FROM club_members WHERE learner_id = ?1 ORDER BY club_id")?;
    let found = stmt.query_map([learner.as_str()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for f in found {
        let (club, role) = f?;
        out.push((ClubId::parse(&club).map_err(|e| corrupt(&club, e))?, role_of_str(&role)));
    }
    Ok(out)
}

pub fn activity_club(conn: &Connection, id: &ActivityId) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT club_id FROM club_activities WHERE activity_id = ?1", [id.as_str()], |r| r.get(0))
        .optional()?)
}

pub fn insert_activity(
    conn: &Connection,
    club: &ClubId,
    id: &ActivityId,
    record: &ActivityRecord,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO club_activities (activity_id, club_id, date, record, filed_by, filed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            id.as_str(),
            club.as_str(),
            record.date.to_string(),
            serde_json::to_string(record).unwrap_or_default(),
            by,
            now.to_rfc3339()
        ],
    )?;
    for learner in &record.attendees {
        conn.execute(
            "INSERT INTO club_attendance (activity_id, learner_id, club_id, date, minutes) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.as_str(), learner.as_str(), club.as_str(), record.date.to_string(), record.minutes],
        )?;
    }
    Ok(())
}

/// The club's meetings from `from` on, by date.
pub fn activities(conn: &Connection, club: &ClubId, from: NaiveDate) -> Result<Vec<ActivityLine>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT activity_id, record FROM club_activities WHERE club_id = ?1 AND date >= ?2 ORDER BY date, activity_id",
    )?;
    let found = stmt.query_map(params![club.as_str(), from.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for f in found {
        let (id, record) = f?;
        out.push(ActivityLine {
            activity_id: ActivityId::parse(&id).map_err(|e| corrupt(&id, e))?,
            record: serde_json::from_str(&record).map_err(|e| corrupt(&id, e))?,
        });
    }
    Ok(out)
}

/// Meetings and minutes the club recorded in `year`.
pub fn year_totals(conn: &Connection, club: &ClubId, year: i32) -> Result<(u32, u32), StoreError> {
    let from = format!("{year:04}-01-01");
    let to = format!("{year:04}-12-31");
    let ids: Vec<String> = conn
        .prepare_cached("SELECT record FROM club_activities WHERE club_id = ?1 AND date BETWEEN ?2 AND ?3")?
        .query_map(params![club.as_str(), from, to], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut minutes = 0;
    for record in &ids {
        let r: ActivityRecord = serde_json::from_str(record).map_err(|e| corrupt(club.as_str(), e))?;
        minutes += r.minutes;
    }
    Ok((ids.len() as u32, minutes))
}

/// Minutes of meetings of `club` the learner attended between the two dates (inclusive).
pub fn minutes_attended(
    conn: &Connection,
    learner: &LearnerId,
    club: &ClubId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<u32, StoreError> {
    Ok(conn.query_row(
        "SELECT COALESCE(SUM(minutes), 0) FROM club_attendance
         WHERE learner_id = ?1 AND club_id = ?2 AND date BETWEEN ?3 AND ?4",
        params![learner.as_str(), club.as_str(), from.to_string(), to.to_string()],
        |r| r.get(0),
    )?)
}

pub fn rules(conn: &Connection) -> Result<ClubRules, StoreError> {
    let raw: Option<String> =
        conn.query_row("SELECT value FROM hub_meta WHERE key = 'club_rules'", [], |r| r.get(0)).optional()?;
    match raw {
        None => Ok(ClubRules::default()),
        Some(json) => serde_json::from_str(&json).map_err(|e| corrupt("club_rules", e)),
    }
}

pub fn set_rules(conn: &Connection, rules: &ClubRules) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO hub_meta (key, value) VALUES ('club_rules', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [serde_json::to_string(rules).unwrap_or_default()],
    )?;
    Ok(())
}

/// Records a staff decision (who, what, why).
pub fn action(
    conn: &Connection,
    club: &ClubId,
    action: &str,
    subject: &str,
    by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO club_actions (club_id, action, subject, by_name, reason, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![club.as_str(), action, subject, by, reason, now.to_rfc3339()],
    )?;
    Ok(())
}
