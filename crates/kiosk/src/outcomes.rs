//! The hub's answers, each taken by the service its intent belongs to, in the transaction that
//! records the answer in the outbox (so a crash leaves both or neither).

use baeum_domain::OpId;
use baeum_domain::intent::{IntentBody, Outcome};
use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use crate::store::{self, StoreError};

/// Applies `outcome`, the hub's answer to the intent `op` with `body`, to this kiosk's rows.
pub(crate) fn apply(
    tx: &Transaction<'_>,
    op: &OpId,
    body: &IntentBody,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    match body {
        IntentBody::Enrollment(intent) => store::enrollments::apply_outcome(tx, op, intent, outcome, now),
        IntentBody::Subsidy(intent) => store::subsidy::apply_outcome(tx, op, intent, outcome, now),
        IntentBody::Rental(intent) => store::rentals::apply_outcome(tx, op, intent, outcome, now),
        IntentBody::Club(intent) => store::clubs::apply_outcome(tx, op, intent, outcome),
        // The learner's record is written when the kiosk registers them; the hub's answer adds
        // nothing to it.
        IntentBody::Learner(_) => Ok(()),
        // Attendance and provisional certificates are read from the outbox together with their
        // answers (`outbox::attended`, `store::offline_certificates`): recording the answer is all.
        IntentBody::Attendance(_) | IntentBody::Certificate(_) => Ok(()),
        // A greeting is read from its outbox answer (`Kiosk::outcome_of`).
        IntentBody::Hello(_) => Ok(()),
    }
}
