//! The learner service at the hub: a kiosk registered someone.

use baeum_domain::intent::Outcome;
use baeum_domain::learner::{LearnerIntent, LearnerOutcome};

use super::Decision;
use crate::store::{StoreError, learners, sessions};

pub(super) fn decide(d: &mut Decision<'_, '_>, body: &LearnerIntent) -> Result<Outcome, StoreError> {
    match body {
        LearnerIntent::RegisterLearner { learner } => {
            let Some(learner) = learner.valid() else {
                // What the rules refused stays out of the log: it is someone's personal data.
                tracing::info!(kiosk = %d.kiosk, "a registration the hub's rules refuse was rejected");
                return Ok(super::rejected(baeum_domain::rules::RejectReason::InvalidLearner));
            };
            // The kiosk's fast verifier is never stored: only its Argon2id wrap.
            let mut learner = learner.clone();
            learner.pin_hash = d.pins.wrap(&learner.pin_hash);
            // An id already registered is not this kiosk's to claim: it would "know" her then.
            // (A replay of the same registration never gets here: it gets its stored outcome.)
            if !learners::insert(d.tx, &learner)? {
                return Ok(super::rejected(baeum_domain::rules::RejectReason::InvalidLearner));
            }
            sessions::link(d.tx, &learner.id, d.kiosk, d.now)?;
            Ok(LearnerOutcome::Registered.into())
        }
    }
}
