//! The hello service at the hub (the worked example of a service): a greeting back, with the
//! arrival number the intent was given. Nothing is stored but the outcome itself, which
//! `apply_batch` keeps like every other so a resent hello replays the same answer.

use baeum_domain::hello::{HelloIntent, HelloOutcome};
use baeum_domain::intent::Outcome;

use super::Decision;
use crate::store::StoreError;

pub(super) fn decide(d: &mut Decision<'_, '_>, body: &HelloIntent) -> Result<Outcome, StoreError> {
    match body {
        HelloIntent::Hello { from } => {
            Ok(HelloOutcome::Greeted { greeting: format!("안녕하세요, {from}"), arrival: d.arrival }.into())
        }
    }
}
