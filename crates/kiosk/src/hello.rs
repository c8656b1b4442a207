//! The hello service at the kiosk (the worked example of a service): one intent in the outbox,
//! answered by the hub on the next upload and read back with [`Kiosk::outcome_of`].

use baeum_domain::OpId;
use baeum_domain::hello::HelloIntent;

use crate::Kiosk;
use crate::error::KioskError;
use crate::store::outbox;

impl Kiosk {
    /// Queues a hello from `from` (a label staff would recognise) and returns its op id.
    pub fn say_hello(&self, from: &str) -> Result<OpId, KioskError> {
        let from =
            baeum_domain::text::clean(from, 40, true, false).map_err(|e| KioskError::invalid("from", e.to_string()))?;
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let intent = outbox::append(&tx, HelloIntent::Hello { from }.into(), now)?;
        tx.commit()?;
        Ok(intent.op_id)
    }
}
