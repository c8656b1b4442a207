//! Personal data leaves the kiosk when it is no longer needed (PIPA): a learner's details some
//! days after she was last registered or found here and nothing about her waits for the hub,
//! the bodies of registrations the hub answered as long ago, and a printed document at once
//! (`store::print_jobs`). The hub keeps the record; a returning learner is found there again.

use serde::Serialize;

use crate::Kiosk;
use crate::error::KioskError;
use crate::store;

/// What one purge pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    pub learners: usize,
    /// Answered registrations and provisional certificates whose bodies were emptied.
    pub registrations: usize,
    /// Documents that never printed and outlived the period.
    pub documents: usize,
    /// Provisional certificates the hub answered.
    pub certificates: usize,
    /// Subsidy applications and grants, room bookings, clubs and 나중에 볼 강좌 of learners whose
    /// details went.
    pub service_rows: usize,
}

impl Kiosk {
    /// Keeps learners' details for `days` after they were last needed (`keep_personal_days`).
    pub fn with_retention(mut self, days: u16) -> Self {
        self.keep_personal = chrono::Duration::days(days.into());
        self
    }

    /// Removes what the retention period has passed for (run after every sync).
    pub fn purge_personal_data(&self) -> Result<Purged, KioskError> {
        let now = self.clock.now();
        let before = now - self.keep_personal;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let purged = Purged {
            learners: store::learners::purge(&tx, before, now)?,
            registrations: store::outbox::purge_registrations(&tx, before)?,
            documents: store::print_jobs::purge_stale(&tx, before, now)?,
            certificates: store::offline_certificates::purge(&tx, before)?,
            service_rows: 0,
        };
        // After the learners: their subsidy, room, club and 나중에 볼 강좌 rows go with them.
        let purged = Purged {
            service_rows: store::subsidy::purge_orphans(&tx)?
                + store::rentals::purge_orphans(&tx)?
                + store::videos::purge_orphans(&tx)?
                + store::clubs::purge_orphans(&tx)?,
            ..purged
        };
        tx.commit()?;
        if purged != Purged::default() {
            tracing::info!(
                learners = purged.learners,
                registrations = purged.registrations,
                documents = purged.documents,
                certificates = purged.certificates,
                service_rows = purged.service_rows,
                "personal data purged"
            );
        }
        Ok(purged)
    }
}
