//! The hub's decisions on club intents, end to end through `apply_batch`, and staff's decisions
//! through `crate::clubs`: the city's rules with the residence the hub holds, join requests the
//! leader decides, activity records only the leader files, each once.

use baeum_domain::club::{
    ActivityRecord, ClubApplication, ClubIntent, ClubOutcome, ClubRefusal, ClubRole, ClubState, MeetingPlan,
};
use baeum_domain::intent::{IntentBody, Outcome};
use baeum_domain::learner::LearnerIntent;
use baeum_domain::rules::RejectReason;
use baeum_domain::{ActivityId, ClubId, Field, InstitutionId, Selection};
use chrono::Weekday;

use super::fixtures::*;
use crate::store::clubs as store;

fn resident(i: usize, lives_here: bool) -> IntentBody {
    let mut l = learner(i, "1960-01-01");
    l.resident = lives_here;
    IntentBody::Learner(LearnerIntent::RegisterLearner { learner: l.into() })
}

fn club(id: &str, leader: usize, founders: &[usize]) -> IntentBody {
    ClubIntent::RegisterClub {
        application: ClubApplication {
            club_id: ClubId::parse(id).unwrap(),
            name: "철산 사진 동아리".into(),
            field: Field::CultureArts,
            institution_id: InstitutionId::parse("gm-llc").unwrap(),
            plan: MeetingPlan::checked(2, Weekday::Tue, "둘째·넷째 화요일").unwrap(),
            place: "강의실 301".into(),
            summary: String::new(),
            leader: lid(leader),
            founders: founders.iter().map(|i| lid(*i)).collect(),
            recruiting: true,
        },
    }
    .into()
}

fn outcome(o: &Outcome) -> ClubOutcome {
    match o {
        Outcome::Club(c) => c.clone(),
        other => panic!("not a club outcome: {other:?}"),
    }
}

fn activity(id: &str, leader: usize, attendees: &[usize], date: &str) -> IntentBody {
    let date = date.parse().unwrap();
    ClubIntent::FileActivity {
        club_id: ClubId::parse("club-a").unwrap(),
        activity_id: ActivityId::parse(id).unwrap(),
        leader_id: lid(leader),
        record: ActivityRecord::checked(
            date,
            "강의실 301",
            120,
            attendees.iter().map(|i| lid(*i)).collect(),
            "구도 연습",
            date,
            date,
        )
        .unwrap(),
    }
    .into()
}

#[test]
fn the_rules_are_checked_with_the_residence_the_hub_holds() {
    let (mut conn, _) = hub(10, Selection::FirstCome, 0);
    let now = at("2026-11-26T14:00:00");
    let mut k = TestKiosk::unstaffed("k-a");
    // Seven people: four live in the city (57 %), three do not.
    let people: Vec<_> = (1..=7).map(|i| resident(i, i <= 4)).collect();
    k.send(&mut conn, now, people);
    let too_few = k.send(&mut conn, now, vec![club("club-x", 1, &[2, 3, 4])]);
    assert_eq!(
        outcome(&too_few.results[0].outcome),
        ClubOutcome::ClubRefused { reason: ClubRefusal::TooFewMembers { members: 4, needed: 5 } }
    );
    let too_few_residents = k.send(&mut conn, now, vec![club("club-y", 1, &[2, 3, 4, 5, 6, 7])]);
    assert_eq!(
        outcome(&too_few_residents.results[0].outcome),
        ClubOutcome::ClubRefused { reason: ClubRefusal::TooFewResidents { percent: 57, needed: 60 } }
    );
    assert!(store::get(&conn, &ClubId::parse("club-y").unwrap()).unwrap().is_none(), "a refused club is not kept");
    // A form no kiosk would send (a blank name): refused with a reason, not a refused upload.
    let IntentBody::Club(ClubIntent::RegisterClub { mut application }) = club("club-v", 1, &[2, 3, 5, 6]) else {
        unreachable!()
    };
    application.name = "  ".into();
    let blank = k.send(&mut conn, now, vec![ClubIntent::RegisterClub { application }.into()]);
    assert_eq!(outcome(&blank.results[0].outcome), ClubOutcome::ClubRefused { reason: ClubRefusal::BadForm });
    // Five with three residents (60 %): filed, waiting for staff; the same intent again is the same club.
    let filed = k.send(&mut conn, now, vec![club("club-a", 1, &[2, 3, 5, 6, 1])]);
    assert_eq!(outcome(&filed.results[0].outcome), ClubOutcome::ClubFiled { state: ClubState::AwaitingApproval });
    assert_eq!(
        store::member_count(&conn, &ClubId::parse("club-a").unwrap()).unwrap(),
        5,
        "the leader is not counted twice"
    );
    // A learner this kiosk never met cannot be named as a founder.
    let mut other = TestKiosk::unstaffed("k-b");
    other.send(&mut conn, now, vec![resident(8, true)]);
    let stranger = k.send(&mut conn, now, vec![club("club-z", 1, &[2, 3, 4, 8])]);
    assert_eq!(outcome(&stranger.results[0].outcome), ClubOutcome::ClubRefused { reason: ClubRefusal::NotAMember });
}

#[test]
fn joining_waits_for_the_leader_and_only_the_leader_files_records_once() {
    let (mut conn, _) = hub(10, Selection::FirstCome, 0);
    let now = at("2026-11-26T14:00:00");
    let mut k = TestKiosk::unstaffed("k-a");
    k.send(&mut conn, now, (1..=7).map(|i| resident(i, true)).collect());
    k.send(&mut conn, now, vec![club("club-a", 1, &[2, 3, 4, 5])]);
    let id = ClubId::parse("club-a").unwrap();
    // Not approved yet: nobody joins.
    let early = k.send(&mut conn, now, vec![ClubIntent::AskToJoin { club_id: id.clone(), learner_id: lid(6) }.into()]);
    assert_eq!(outcome(&early.results[0].outcome), ClubOutcome::ClubRefused { reason: ClubRefusal::NotActive });
    assert!(matches!(crate::clubs::reject(&mut conn, &id, "김담당", " ", now), Err(crate::clubs::ClubError::NoReason)));
    crate::clubs::approve(&mut conn, &id, "김담당", now).unwrap();
    assert!(crate::clubs::approve(&mut conn, &id, "김담당", now).is_err(), "decided once");

    let asked = k.send(&mut conn, now, vec![ClubIntent::AskToJoin { club_id: id.clone(), learner_id: lid(6) }.into()]);
    assert_eq!(outcome(&asked.results[0].outcome), ClubOutcome::JoinAsked);
    assert_eq!(store::role_of(&conn, &id, &lid(6)).unwrap(), Some(ClubRole::Asked));
    assert_eq!(store::member_count(&conn, &id).unwrap(), 5, "asking is not belonging");
    // A member is not the leader; the leader accepts.
    let not_leader = k.send(
        &mut conn,
        now,
        vec![ClubIntent::AcceptMember { club_id: id.clone(), learner_id: lid(6), leader_id: lid(2) }.into()],
    );
    assert_eq!(outcome(&not_leader.results[0].outcome), ClubOutcome::ClubRefused { reason: ClubRefusal::NotLeader });
    let accepted = k.send(
        &mut conn,
        now,
        vec![ClubIntent::AcceptMember { club_id: id.clone(), learner_id: lid(6), leader_id: lid(1) }.into()],
    );
    assert_eq!(outcome(&accepted.results[0].outcome), ClubOutcome::MemberAccepted { members: 6 });
    let again = k.send(&mut conn, now, vec![ClubIntent::AskToJoin { club_id: id.clone(), learner_id: lid(6) }.into()]);
    assert_eq!(outcome(&again.results[0].outcome), ClubOutcome::ClubRefused { reason: ClubRefusal::AlreadyMember });

    // Records: the leader's, with members only; the same record again is counted once.
    let stranger = k.send(&mut conn, now, vec![activity("act-1", 1, &[1, 7], "2026-11-26")]);
    assert_eq!(outcome(&stranger.results[0].outcome), ClubOutcome::ClubRefused { reason: ClubRefusal::NotAMember });
    let by_member = k.send(&mut conn, now, vec![activity("act-1", 2, &[1, 2], "2026-11-26")]);
    assert_eq!(outcome(&by_member.results[0].outcome), ClubOutcome::ClubRefused { reason: ClubRefusal::NotLeader });
    let filed = k.send(&mut conn, now, vec![activity("act-1", 1, &[1, 2, 6], "2026-11-26")]);
    assert_eq!(
        outcome(&filed.results[0].outcome),
        ClubOutcome::ActivityFiled { meetings_this_year: 1, minutes_this_year: 120 }
    );
    let mut other = TestKiosk::unstaffed("k-b");
    other.send(&mut conn, now, vec![resident(1, true)]);
    let unknown_here = other.send(&mut conn, now, vec![activity("act-1", 1, &[1, 2, 6], "2026-11-26")]);
    assert_eq!(
        unknown_here.results[0].outcome,
        Outcome::Rejected { reason: RejectReason::UnknownLearner },
        "a kiosk that never met the leader"
    );
    // The hub checks a record again on its own clock: a kiosk whose clock runs a week ahead
    // cannot record a meeting that has not happened.
    let ahead = k.send(&mut conn, now, vec![activity("act-2", 1, &[1, 2], "2026-12-03")]);
    assert_eq!(outcome(&ahead.results[0].outcome), ClubOutcome::ClubRefused { reason: ClubRefusal::BadRecord });
    // Nor one from before the club was approved.
    let before = k.send(&mut conn, now, vec![activity("act-3", 1, &[1, 2], "2026-11-20")]);
    assert_eq!(outcome(&before.results[0].outcome), ClubOutcome::ClubRefused { reason: ClubRefusal::BadRecord });
    let twice = k.send(&mut conn, now, vec![activity("act-1", 1, &[1, 2, 6], "2026-11-26")]);
    assert_eq!(
        outcome(&twice.results[0].outcome),
        ClubOutcome::ActivityFiled { meetings_this_year: 1, minutes_this_year: 120 }
    );

    // Her learning record: the club, with the hours she attended.
    let record = crate::clubs::learning_record(&conn, &lid(6), now).unwrap();
    assert_eq!((record.len(), record[0].minutes, record[0].leader), (1, 120, false));
    assert!(crate::clubs::learning_record(&conn, &lid(7), now).unwrap().is_empty());
    let unknown = k.send(
        &mut conn,
        now,
        vec![ClubIntent::AskToJoin { club_id: ClubId::parse("club-none").unwrap(), learner_id: lid(7) }.into()],
    );
    assert_eq!(unknown.results[0].outcome, Outcome::Rejected { reason: RejectReason::UnknownClub });
}
