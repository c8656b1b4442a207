//! The learner service at the hub: a kiosk registered someone.

use baeum_domain::intent::Outcome;
use baeum_domain::learner::{LearnerIntent, LearnerOutcome};

use super::Decision;
use crate::store::{StoreError, learners, sessions};

pub(super) fn decide(d: &mut Decision<'_, '_>, body: &LearnerIntent) -> Result<Outcome, StoreError> {
    match body {
        LearnerIntent::RegisterLearner { learner } => {
            // The kiosk's fast verifier is never stored: only its Argon2id wrap.
            let mut learner = learner.clone();
            learner.pin_hash = d.pins.wrap(&learner.pin_hash);
            learners::insert(d.tx, &learner)?;
            sessions::link(d.tx, &learner.id, d.kiosk, d.now)?;
            Ok(LearnerOutcome::Registered.into())
        }
    }
}
