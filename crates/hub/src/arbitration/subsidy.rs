//! The subsidy service at the hub: one application per person per programme, checked against the
//! programme's rules on the hub's clock, and a withdrawal honoured until the selection is run.

use baeum_domain::intent::Outcome;
use baeum_domain::rules::RejectReason;
use baeum_domain::subsidy::{ResidenceDeclaration, SubsidyIntent, SubsidyOutcome, SubsidyStatus, receipt_number};
use baeum_domain::{LearnerId, ProgrammeId, kst};

use super::{Decision, rejected};
use crate::store::subsidy::{self as store, NewApplication};
use crate::store::{StoreError, counters, learners, sessions};

pub(super) fn decide(d: &mut Decision<'_, '_>, body: &SubsidyIntent) -> Result<Outcome, StoreError> {
    // As for enrollments: a kiosk acts only for learners it knows, unless staff stand behind it.
    if d.staff.is_none() && !sessions::knows(d.tx, d.kiosk, body.learner())? {
        return Ok(rejected(RejectReason::UnknownLearner));
    }
    match body {
        SubsidyIntent::ApplySubsidy { learner_id, programme_id, residence } => {
            apply(d, learner_id, programme_id, *residence)
        }
        SubsidyIntent::WithdrawSubsidy { learner_id, programme_id } => withdraw(d, learner_id, programme_id),
    }
}

fn apply(
    d: &Decision<'_, '_>,
    learner_id: &LearnerId,
    programme_id: &ProgrammeId,
    residence: ResidenceDeclaration,
) -> Result<Outcome, StoreError> {
    let Some(programme) = store::programme(d.tx, programme_id)? else {
        return Ok(rejected(RejectReason::UnknownProgramme));
    };
    let Some(learner) = learners::get(d.tx, learner_id.as_str())? else {
        return Ok(rejected(RejectReason::UnknownLearner));
    };
    let existing = store::application(d.tx, programme_id, learner_id)?;
    // One entry per person: a second application (another kiosk, offline at the time) is told
    // about the first. One she withdrew may be filed again while the window is open.
    if let Some(first) = &existing
        && first.status != SubsidyStatus::Withdrawn
    {
        return Ok(SubsidyOutcome::SubsidyAlreadyApplied { receipt: first.receipt.clone() }.into());
    }
    let today = d.now.with_timezone(&kst()).date_naive();
    let granted: Vec<i32> =
        store::grants_of(d.tx, std::slice::from_ref(learner_id), Some(programme_id))?.iter().map(|g| g.year).collect();
    if let Err(reason) = programme.check(learner.birth_date, &granted, Some(residence), today) {
        return Ok(SubsidyOutcome::SubsidyNotEligible { reason }.into());
    }
    let receipt = match existing {
        Some(withdrawn) => {
            store::reapply(d.tx, programme_id, learner_id, residence, d.now)?;
            withdrawn.receipt
        }
        None => {
            // Receipts are numbered per year, across that year's programmes, by a counter row
            // (several hub processes never hand out the same one).
            let year = programme.year();
            let receipt = receipt_number(year, counters::next(d.tx, &format!("subsidy-receipts-{year}"))?);
            let first_taken = programme.first_taken_birth_year == Some(chrono::Datelike::year(&learner.birth_date));
            store::insert_application(
                d.tx,
                &NewApplication {
                    programme: programme_id,
                    learner: learner_id,
                    receipt: &receipt,
                    first_taken,
                    residence,
                    op: d.op,
                    arrival: d.arrival,
                    at: d.now,
                },
            )?;
            receipt
        }
    };
    Ok(SubsidyOutcome::SubsidyApplied { receipt, results_on: programme.results_on }.into())
}

fn withdraw(d: &Decision<'_, '_>, learner_id: &LearnerId, programme_id: &ProgrammeId) -> Result<Outcome, StoreError> {
    let Some(application) = store::application(d.tx, programme_id, learner_id)? else {
        return Ok(rejected(RejectReason::NotEnrolled));
    };
    match application.status {
        SubsidyStatus::Applied => {
            store::set_status(d.tx, programme_id, learner_id, &SubsidyStatus::Withdrawn, d.now)?;
            Ok(SubsidyOutcome::SubsidyWithdrawn.into())
        }
        SubsidyStatus::Withdrawn => Ok(SubsidyOutcome::SubsidyWithdrawn.into()),
        SubsidyStatus::Selected { .. } | SubsidyStatus::NotSelected | SubsidyStatus::NotEligible { .. } => {
            Ok(rejected(RejectReason::SelectionDone))
        }
    }
}
