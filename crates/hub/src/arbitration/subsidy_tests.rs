//! The hub's decisions on subsidy intents, end to end through `apply_batch`.

use baeum_domain::intent::{IntentBody, Outcome};
use baeum_domain::rules::RejectReason;
use baeum_domain::subsidy::{Ineligibility, ResidenceDeclaration, SubsidyIntent, SubsidyOutcome, SubsidyStatus};
use baeum_domain::{ProgrammeId, Selection};

use super::fixtures::*;
use crate::store::subsidy as store;

const PROGRAMME: &str = r#"{"id":"gm-2026","name":"2026년 광명시민 평생학습지원금",
    "birth_years":{"from":1967,"to":1976},"residence":{"continuous_years":1,"total_years":5},
    "amount":300000,"places":2500,"opens_on":"2026-11-20","closes_on":"2026-12-04",
    "results_on":"2026-12-18","points_expire_on":"2027-06-30","first_taken_birth_year":1967}"#;

fn programme() -> ProgrammeId {
    ProgrammeId::parse("gm-2026").unwrap()
}

const YES: ResidenceDeclaration = ResidenceDeclaration { continuous: false, in_total: true };

fn apply_subsidy(i: usize, residence: ResidenceDeclaration) -> IntentBody {
    SubsidyIntent::ApplySubsidy { learner_id: lid(i), programme_id: programme(), residence }.into()
}

fn hub_with_programme() -> crate::db::Connection {
    let (conn, _) = hub(10, Selection::FirstCome, 0);
    crate::subsidy::load_programme(&conn, PROGRAMME, at("2026-11-01T09:00:00")).unwrap();
    conn
}

fn outcome(o: &Outcome) -> SubsidyOutcome {
    match o {
        Outcome::Subsidy(s) => s.clone(),
        other => panic!("not a subsidy outcome: {other:?}"),
    }
}

#[test]
fn one_application_per_person_even_from_two_kiosks() {
    let mut conn = hub_with_programme();
    let now = at("2026-11-26T14:00:00");
    let mut here = TestKiosk::unstaffed("k-here");
    let first = here.send(&mut conn, now, vec![register(1, "1970-05-05"), apply_subsidy(1, YES)]);
    let SubsidyOutcome::SubsidyApplied { receipt, .. } = outcome(&first.results[1].outcome) else {
        panic!("{:?}", first.results[1].outcome)
    };
    assert_eq!(receipt, "S2026-000001");
    // She goes to another kiosk, offline at the time; staff help her there.
    let mut there = TestKiosk::new("k-there");
    let second = there.send(&mut conn, plus_hours(now, 2), vec![apply_subsidy(1, YES)]);
    assert_eq!(outcome(&second.results[0].outcome), SubsidyOutcome::SubsidyAlreadyApplied { receipt: receipt.clone() });
    let all = store::applications_of(&conn, &[lid(1)]).unwrap();
    assert_eq!(all.len(), 1, "never a second entry");
    assert_eq!(all[0].status, SubsidyStatus::Applied);
}

#[test]
fn a_no_comes_with_its_reason_and_makes_no_entry() {
    let mut conn = hub_with_programme();
    let now = at("2026-11-26T14:00:00");
    let mut k = TestKiosk::unstaffed("k-a");
    let no_residence = ResidenceDeclaration { continuous: false, in_total: false };
    let answer = k.send(
        &mut conn,
        now,
        vec![
            register(1, "1966-05-05"),
            apply_subsidy(1, YES),
            register(2, "1970-05-05"),
            apply_subsidy(2, no_residence),
            // Someone this kiosk never registered nor saw confirm her PIN.
            apply_subsidy(3, YES),
        ],
    );
    assert_eq!(
        outcome(&answer.results[1].outcome),
        SubsidyOutcome::SubsidyNotEligible { reason: Ineligibility::BirthYear { born: 1966, from: 1967, to: 1976 } }
    );
    assert!(matches!(
        outcome(&answer.results[3].outcome),
        SubsidyOutcome::SubsidyNotEligible { reason: Ineligibility::Residence { .. } }
    ));
    assert_eq!(answer.results[4].outcome.rejection(), Some(RejectReason::UnknownLearner));
    assert!(store::applications_of(&conn, &[lid(1), lid(2)]).unwrap().is_empty());
    // After the window, the hub's clock says no.
    let late = k.send(&mut conn, at("2026-12-05T09:00:00"), vec![apply_subsidy(2, YES)]);
    assert!(matches!(
        outcome(&late.results[0].outcome),
        SubsidyOutcome::SubsidyNotEligible { reason: Ineligibility::OutsideWindow { .. } }
    ));
}

#[test]
fn a_withdrawal_before_the_selection_is_honoured_and_after_it_refused() {
    let mut conn = hub_with_programme();
    let now = at("2026-11-26T14:00:00");
    let mut k = TestKiosk::unstaffed("k-a");
    let withdraw =
        |i| IntentBody::from(SubsidyIntent::WithdrawSubsidy { learner_id: lid(i), programme_id: programme() });
    let answer = k.send(
        &mut conn,
        now,
        vec![
            register(1, "1970-05-05"),
            register(2, "1967-01-01"),
            apply_subsidy(1, YES),
            apply_subsidy(2, YES),
            withdraw(1),
        ],
    );
    assert_eq!(outcome(&answer.results[4].outcome), SubsidyOutcome::SubsidyWithdrawn);
    let record = crate::subsidy::select(&mut conn, &programme(), "seed".into(), at("2026-12-05T10:00:00")).unwrap();
    assert_eq!(record.entrants.len(), 1, "the withdrawn application is not in the draw");
    let after = k.send(&mut conn, at("2026-12-06T10:00:00"), vec![withdraw(2)]);
    assert_eq!(after.results[0].outcome.rejection(), Some(RejectReason::SelectionDone));
    let mine = store::applications_of(&conn, &[lid(2)]).unwrap();
    assert!(matches!(mine[0].status, SubsidyStatus::Selected { .. }));
    // Selected once: the next programme tells her so.
    let next = PROGRAMME
        .replace("gm-2026", "gm-2027")
        .replace("2026-11-20", "2026-12-05")
        .replace("2026-12-04", "2026-12-20")
        .replace("2026-12-18", "2026-12-28");
    crate::subsidy::load_programme(&conn, &next, at("2026-12-05T00:00:00")).unwrap();
    let again = k.send(
        &mut conn,
        at("2026-12-07T10:00:00"),
        vec![
            SubsidyIntent::ApplySubsidy {
                learner_id: lid(2),
                programme_id: ProgrammeId::parse("gm-2027").unwrap(),
                residence: YES,
            }
            .into(),
        ],
    );
    assert_eq!(
        outcome(&again.results[0].outcome),
        SubsidyOutcome::SubsidyNotEligible { reason: Ineligibility::AlreadyGranted { year: 2026 } }
    );
}
