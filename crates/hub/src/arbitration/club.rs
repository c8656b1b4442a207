//! The club service at the hub: a registration is checked against the city's rules with the
//! residence the hub holds for each founder; a join request waits for the leader; only the
//! leader (or staff) accepts members and files activity records, whose attendees must be on the
//! roster. Ids are the kiosk's own random names, so an intent met again answers as before.

use baeum_domain::club::{ClubIntent, ClubOutcome, ClubRefusal, ClubRole, ClubState, Headcount, earliest_record};
use baeum_domain::intent::Outcome;
use baeum_domain::rules::RejectReason;
use baeum_domain::{ClubId, LearnerId, kst};
use chrono::Datelike;

use super::{Decision, rejected};
use crate::store::clubs::{self as store, ClubRow};
use crate::store::{StoreError, learners, sessions};

fn refused(reason: ClubRefusal) -> Result<Outcome, StoreError> {
    Ok(ClubOutcome::ClubRefused { reason }.into())
}

/// A learner this kiosk may name: known to the hub and met here (or staff stand behind it).
fn may_name(d: &Decision<'_, '_>, learner: &LearnerId) -> Result<bool, StoreError> {
    Ok(learners::get(d.tx, learner.as_str())?.is_some()
        && (d.staff.is_some() || sessions::knows(d.tx, d.kiosk, learner)?))
}

pub(super) fn decide(d: &mut Decision<'_, '_>, body: &ClubIntent) -> Result<Outcome, StoreError> {
    if !may_name(d, body.actor())? {
        return Ok(rejected(RejectReason::UnknownLearner));
    }
    match body {
        ClubIntent::RegisterClub { application } => register(d, application),
        ClubIntent::AskToJoin { club_id, learner_id } => {
            let Some(club) = store::get(d.tx, club_id)? else { return Ok(rejected(RejectReason::UnknownClub)) };
            if club.state != ClubState::Active {
                return refused(ClubRefusal::NotActive);
            }
            match store::role_of(d.tx, club_id, learner_id)? {
                Some(ClubRole::Asked) => return Ok(ClubOutcome::JoinAsked.into()),
                Some(_) => return refused(ClubRefusal::AlreadyMember),
                None => {}
            }
            if !club.application.recruiting {
                return refused(ClubRefusal::NotRecruiting);
            }
            store::set_role(d.tx, club_id, learner_id, ClubRole::Asked, d.now)?;
            Ok(ClubOutcome::JoinAsked.into())
        }
        ClubIntent::AcceptMember { club_id, learner_id, leader_id } => {
            if let Err(outcome) = led_club(d, club_id, leader_id)? {
                return Ok(outcome);
            }
            match store::role_of(d.tx, club_id, learner_id)? {
                Some(ClubRole::Asked) => store::set_role(d.tx, club_id, learner_id, ClubRole::Member, d.now)?,
                Some(_) => {}
                None => return refused(ClubRefusal::NotAMember),
            }
            Ok(ClubOutcome::MemberAccepted { members: store::member_count(d.tx, club_id)? }.into())
        }
        ClubIntent::FileActivity { club_id, activity_id, leader_id, record } => {
            let club = match led_club(d, club_id, leader_id)? {
                Ok(club) => club,
                Err(outcome) => return Ok(outcome),
            };
            let year = record.date.year();
            if store::activity_club(d.tx, activity_id)?.is_none() {
                let today = d.now.with_timezone(&kst()).date_naive();
                if record.check(today, earliest_record(club.approved_on, today)).is_err() {
                    return refused(ClubRefusal::BadRecord);
                }
                for attendee in &record.attendees {
                    if !matches!(store::role_of(d.tx, club_id, attendee)?, Some(ClubRole::Leader | ClubRole::Member)) {
                        return refused(ClubRefusal::NotAMember);
                    }
                }
                let by = d.staff.map_or_else(|| leader_id.to_string(), |s| format!("staff:{}", s.staff_number));
                store::insert_activity(d.tx, club_id, activity_id, record, &by, d.now)?;
            }
            let (meetings, minutes) = store::year_totals(d.tx, club_id, year)?;
            Ok(ClubOutcome::ActivityFiled { meetings_this_year: meetings, minutes_this_year: minutes }.into())
        }
    }
}

/// The club, if it is active and `leader` leads it (or staff act); otherwise the outcome to give.
fn led_club(
    d: &Decision<'_, '_>,
    club_id: &ClubId,
    leader: &LearnerId,
) -> Result<Result<ClubRow, Outcome>, StoreError> {
    let Some(club) = store::get(d.tx, club_id)? else { return Ok(Err(rejected(RejectReason::UnknownClub))) };
    if club.state != ClubState::Active {
        return Ok(Err(ClubOutcome::ClubRefused { reason: ClubRefusal::NotActive }.into()));
    }
    if d.staff.is_none() && club.application.leader != *leader {
        return Ok(Err(ClubOutcome::ClubRefused { reason: ClubRefusal::NotLeader }.into()));
    }
    Ok(Ok(club))
}

fn register(d: &Decision<'_, '_>, app: &baeum_domain::club::ClubApplication) -> Result<Outcome, StoreError> {
    if let Some(existing) = store::get(d.tx, &app.club_id)? {
        return Ok(ClubOutcome::ClubFiled { state: existing.state }.into());
    }
    if app.form_problem().is_some() {
        return refused(ClubRefusal::BadForm);
    }
    let mut founders = app.founders.clone();
    founders.sort();
    founders.dedup();
    founders.retain(|f| f != &app.leader);
    let mut count = Headcount { members: 1, residents: 0 };
    for who in std::iter::once(&app.leader).chain(&founders) {
        if !may_name(d, who)? {
            return refused(ClubRefusal::NotAMember);
        }
        let resident = learners::get(d.tx, who.as_str())?.is_some_and(|l| l.resident);
        count.residents += u32::from(resident);
    }
    count.members += founders.len() as u32;
    if let Err(reason) = store::rules(d.tx)?.check(count, app.plan.per_month) {
        return refused(reason);
    }
    // Stored as the form allows it: trimmed.
    let app = baeum_domain::club::ClubApplication {
        founders,
        name: app.name.trim().to_owned(),
        place: app.place.trim().to_owned(),
        summary: app.summary.trim().to_owned(),
        ..app.clone()
    };
    store::insert(d.tx, &app, d.now)?;
    Ok(ClubOutcome::ClubFiled { state: ClubState::AwaitingApproval }.into())
}
