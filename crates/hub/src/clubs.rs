//! Clubs at the hub beyond the kiosks' intents: the operator's decisions (approve, reject with a
//! reason, accept a join request), the rules file, what kiosks read (the board of active clubs,
//! each learner's clubs — with roster and records for leaders), the club part of a learner's
//! learning record, and the bundle a club sends with its grant application.

use crate::db::{Connection, TransactionBehavior};
use baeum_domain::club::{ClubBoard, ClubListing, ClubMember, ClubRole, ClubRules, ClubState, Membership};
use baeum_domain::{ClubId, LearnerId, kst};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use crate::store::clubs::{self as store, ClubRow};
use crate::store::{self as stores, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ClubError {
    #[error("{0}: 없는 동아리입니다")]
    Unknown(ClubId),
    #[error("{0}: 승인을 기다리는 동아리가 아닙니다")]
    NotWaiting(ClubId),
    #[error("{0}: 승인된 동아리가 아닙니다")]
    NotActive(ClubId),
    #[error("{club}: {learner}님은 가입을 신청하지 않았습니다")]
    NotAsked { club: ClubId, learner: LearnerId },
    #[error("반려 사유를 적어 주세요 (신청한 분이 읽습니다)")]
    NoReason,
    #[error("동아리 규칙 파일을 읽을 수 없습니다: {0}")]
    Rules(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<crate::db::Error> for ClubError {
    fn from(e: crate::db::Error) -> Self {
        ClubError::Store(e.into())
    }
}

fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&kst()).date_naive()
}

fn waiting(conn: &Connection, id: &ClubId) -> Result<ClubRow, ClubError> {
    let club = store::get(conn, id)?.ok_or_else(|| ClubError::Unknown(id.clone()))?;
    if club.state != ClubState::AwaitingApproval {
        return Err(ClubError::NotWaiting(id.clone()));
    }
    Ok(club)
}

/// 승인: the club is listed from now on, registered today.
pub fn approve(conn: &mut Connection, id: &ClubId, by: &str, now: DateTime<Utc>) -> Result<(), ClubError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    waiting(&tx, id)?;
    store::decide(&tx, id, ClubState::Active, "", Some(today(now)))?;
    store::action(&tx, id, "approve", "", by, "", now)?;
    tx.commit()?;
    Ok(())
}

/// 반려, with the reason the leader reads.
pub fn reject(conn: &mut Connection, id: &ClubId, by: &str, reason: &str, now: DateTime<Utc>) -> Result<(), ClubError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ClubError::NoReason);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    waiting(&tx, id)?;
    store::decide(&tx, id, ClubState::Rejected, reason, None)?;
    store::action(&tx, id, "reject", "", by, reason, now)?;
    tx.commit()?;
    Ok(())
}

/// Staff accept a join request (as the leader would at a kiosk).
pub fn accept(
    conn: &mut Connection,
    id: &ClubId,
    learner: &LearnerId,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), ClubError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let club = store::get(&tx, id)?.ok_or_else(|| ClubError::Unknown(id.clone()))?;
    if club.state != ClubState::Active {
        return Err(ClubError::NotActive(id.clone()));
    }
    if store::role_of(&tx, id, learner)? != Some(ClubRole::Asked) {
        return Err(ClubError::NotAsked { club: id.clone(), learner: learner.clone() });
    }
    store::set_role(&tx, id, learner, ClubRole::Member, now)?;
    store::action(&tx, id, "accept", learner.as_str(), by, "", now)?;
    tx.commit()?;
    Ok(())
}

pub fn load_rules(conn: &Connection, json: &str) -> Result<ClubRules, ClubError> {
    let rules: ClubRules = serde_json::from_str(json).map_err(|e| ClubError::Rules(e.to_string()))?;
    if rules.min_members == 0 || rules.min_resident_percent > 100 || rules.grant_min > rules.grant_max {
        return Err(ClubError::Rules("인원은 1명 이상, 시민 비율은 100% 이하, 지원금은 최소 ≤ 최대여야 합니다".into()));
    }
    store::set_rules(conn, &rules)?;
    Ok(rules)
}

fn leader_masked(conn: &Connection, club: &ClubRow) -> Result<String, StoreError> {
    Ok(stores::learners::get(conn, club.application.leader.as_str())?.map(|l| l.name.masked()).unwrap_or_default())
}

/// The rules and every active club, for kiosks (no names but the leader's, masked).
pub fn board(conn: &Connection, now: DateTime<Utc>) -> Result<ClubBoard, StoreError> {
    let mut clubs = Vec::new();
    for club in store::active(conn)? {
        let app = &club.application;
        clubs.push(ClubListing {
            club_id: app.club_id.clone(),
            name: app.name.to_string(),
            field: app.field,
            institution_id: app.institution_id.clone(),
            plan: app.plan.clone(),
            place: app.place.to_string(),
            summary: app.summary.clone(),
            members: store::member_count(conn, &app.club_id)?,
            leader_masked: leader_masked(conn, &club)?,
            recruiting: app.recruiting,
            registered_on: club.approved_on.unwrap_or_else(|| today(now)),
        });
    }
    Ok(ClubBoard { as_of: now, rules: store::rules(conn)?, clubs })
}

/// Each of `learners`' clubs; a leader's come with the roster and this and last year's records.
pub fn memberships(
    conn: &Connection,
    learners: &[LearnerId],
    now: DateTime<Utc>,
) -> Result<Vec<Membership>, StoreError> {
    let rules = store::rules(conn)?;
    let today = today(now);
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let last_year = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today);
    let mut out = Vec::new();
    for learner in learners {
        for (club_id, role) in store::of_learner(conn, learner)? {
            let Some(club) = store::get(conn, &club_id)? else { continue };
            let app = &club.application;
            let leads = role == ClubRole::Leader;
            let roster = if leads {
                let mut roster = Vec::new();
                for (who, role) in store::members(conn, &club_id)? {
                    let Some(person) = stores::learners::get(conn, who.as_str())? else { continue };
                    roster.push(ClubMember {
                        learner_id: who,
                        name_masked: person.name.masked(),
                        role,
                        resident: person.resident,
                    });
                }
                roster
            } else {
                Vec::new()
            };
            out.push(Membership {
                learner_id: learner.clone(),
                role,
                club_id: club_id.clone(),
                name: app.name.to_string(),
                field: app.field,
                institution_id: app.institution_id.clone(),
                plan: app.plan.clone(),
                place: app.place.to_string(),
                state: club.state,
                reason: club.reason.clone(),
                registered_on: club.approved_on,
                grant_eligible: club.state == ClubState::Active
                    && club.approved_on.is_some_and(|d| rules.grant_eligible(d, today)),
                my_minutes_this_year: store::minutes_attended(conn, learner, &club_id, year_start, today)?,
                roster,
                activities: if leads { store::activities(conn, &club_id, last_year)? } else { Vec::new() },
            });
        }
    }
    Ok(out)
}

/// A learner's club activity for the learning record: each club she belongs to (as leader or
/// member), since when, and the hours of meetings she attended in all.
pub fn learning_record(
    conn: &Connection,
    learner: &LearnerId,
    now: DateTime<Utc>,
) -> Result<Vec<baeum_domain::certificate::ClubRecord>, StoreError> {
    let today = today(now);
    let mut out = Vec::new();
    for (club_id, role) in store::of_learner(conn, learner)? {
        if role == ClubRole::Asked {
            continue;
        }
        let Some(club) = store::get(conn, &club_id)? else { continue };
        if club.state != ClubState::Active {
            continue;
        }
        // Since she joined, or since the club was approved if she founded it.
        let joined = store::member_since(conn, &club_id, learner)?.unwrap_or(today);
        let since = club.approved_on.map_or(joined, |approved| approved.max(joined));
        let minutes = store::minutes_attended(conn, learner, &club_id, NaiveDate::MIN, today)?;
        out.push(baeum_domain::certificate::ClubRecord {
            club_name: club.application.name.to_string(),
            field: club.application.field,
            leader: role == ClubRole::Leader,
            since,
            minutes,
        });
    }
    Ok(out)
}

/// What a club sends with its grant application: the club as registered, its roster (names in
/// full, mobile numbers masked: the application is checked by the city, which has the rest) and
/// every meeting of `year` with who came.
#[derive(Debug, Serialize)]
pub struct GrantBundle {
    pub club_id: String,
    pub name: String,
    pub field: &'static str,
    pub institution_id: String,
    pub registered_on: Option<NaiveDate>,
    pub grant_eligible: bool,
    pub plan: baeum_domain::club::MeetingPlan,
    pub place: String,
    pub year: i32,
    pub roster: Vec<BundleMember>,
    pub meetings: Vec<BundleMeeting>,
    pub minutes: u32,
}

#[derive(Debug, Serialize)]
pub struct BundleMember {
    pub name: String,
    pub role: &'static str,
    pub mobile: String,
    pub resident: bool,
    pub meetings_attended: u32,
}

#[derive(Debug, Serialize)]
pub struct BundleMeeting {
    pub date: NaiveDate,
    pub place: String,
    pub minutes: u32,
    pub attendees: Vec<String>,
    pub summary: String,
}

pub fn grant_bundle(conn: &Connection, id: &ClubId, year: i32, now: DateTime<Utc>) -> Result<GrantBundle, ClubError> {
    let club = store::get(conn, id)?.ok_or_else(|| ClubError::Unknown(id.clone()))?;
    let rules = store::rules(conn)?;
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let activities: Vec<_> =
        store::activities(conn, id, from)?.into_iter().filter(|a| a.record.date.year() == year).collect();
    let mut names = std::collections::HashMap::new();
    let mut roster = Vec::new();
    for (who, role) in store::members(conn, id)? {
        if role == ClubRole::Asked {
            continue;
        }
        let Some(person) = stores::learners::get(conn, who.as_str())? else { continue };
        names.insert(who.clone(), person.name.as_str().to_owned());
        roster.push(BundleMember {
            name: person.name.as_str().to_owned(),
            role: if role == ClubRole::Leader { "대표" } else { "회원" },
            mobile: person.mobile.masked(),
            resident: person.resident,
            meetings_attended: activities.iter().filter(|a| a.record.attendees.contains(&who)).count() as u32,
        });
    }
    let meetings: Vec<BundleMeeting> = activities
        .iter()
        .map(|a| BundleMeeting {
            date: a.record.date,
            place: a.record.place.to_string(),
            minutes: a.record.minutes,
            attendees: a
                .record
                .attendees
                .iter()
                .map(|l| names.get(l).cloned().unwrap_or_else(|| l.to_string()))
                .collect(),
            summary: a.record.summary.clone(),
        })
        .collect();
    let app = &club.application;
    Ok(GrantBundle {
        club_id: id.to_string(),
        name: app.name.to_string(),
        field: app.field.label_ko(),
        institution_id: app.institution_id.to_string(),
        registered_on: club.approved_on,
        grant_eligible: club.state == ClubState::Active
            && club.approved_on.is_some_and(|d| rules.grant_eligible(d, today(now))),
        plan: app.plan.clone(),
        place: app.place.to_string(),
        year,
        minutes: meetings.iter().map(|m| m.minutes).sum(),
        roster,
        meetings,
    })
}

/// Writes the bundle as `club.json`, `roster.csv` and `meetings.csv` (UTF-8 with BOM, so Excel
/// opens the Korean right) in `dir`.
pub fn write_bundle(bundle: &GrantBundle, dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("club.json"), serde_json::to_string_pretty(bundle).unwrap_or_default())?;
    // Quoted, and text a spreadsheet would run as a formula (=, +, -, @ first) marked as text.
    let csv_field = |s: &str| {
        let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
        format!("\"{}\"", s.replace('"', "\"\""))
    };
    let mut roster = String::from("\u{feff}이름,구분,휴대전화,광명시민,참석 횟수\n");
    for m in &bundle.roster {
        roster.push_str(&format!(
            "{},{},{},{},{}\n",
            csv_field(&m.name),
            m.role,
            m.mobile,
            if m.resident { "예" } else { "아니오" },
            m.meetings_attended
        ));
    }
    std::fs::write(dir.join("roster.csv"), roster)?;
    let mut meetings = String::from("\u{feff}날짜,장소,시간(분),참석자,활동 내용\n");
    for m in &bundle.meetings {
        meetings.push_str(&format!(
            "{},{},{},{},{}\n",
            m.date,
            csv_field(&m.place),
            m.minutes,
            csv_field(&m.attendees.join(", ")),
            csv_field(&m.summary)
        ));
    }
    std::fs::write(dir.join("meetings.csv"), meetings)
}
