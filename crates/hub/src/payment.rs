//! Who takes the money for "pay later on the phone", and the three steps of a phone payment: claim
//! (a short transaction), charge (the provider, outside the database lock, so a slow provider
//! holds up no kiosk), record (another short transaction). The hub talks to a payment provider
//! through this trait; the demo and tests use [`TestProvider`], which is labelled as such on every
//! page and never moves real money.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::db::{Connection, TransactionBehavior};
use baeum_domain::Won;
use baeum_domain::enrollment::EnrollmentOutcome;
use baeum_domain::enrollment::PaymentMethod;
use baeum_domain::intent::Outcome;
use chrono::{DateTime, Utc};

use crate::store::enrollments::{self, state};
use crate::store::ledger::Payment;
use crate::store::{StoreError, payment_attempts};

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The provider's reason, in the Korean it is written for the payer.
    #[error("결제가 거절되었습니다: {0}")]
    Declined(String),
    /// The detail (often a network library's English) goes to the log, not to the page.
    #[error("결제 서비스에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요")]
    Unavailable(String),
}

pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    /// Shown on the payment page.
    fn label(&self) -> &str;
    /// Whether this provider moves real money (the page warns when it does not).
    fn is_test(&self) -> bool;
    /// Charges `amount` for `reference`; returns the provider's receipt number.
    ///
    /// Must be idempotent on `reference` (the application's op id), as payment gateways are on
    /// an order id: a second call for a reference already charged returns the first receipt and
    /// charges nothing. The hub relies on it when an answer was lost (a timeout, a crash between
    /// the charge and its record) and the person taps 결제하기 again.
    fn charge(&self, reference: &str, amount: Won) -> Result<String, PaymentError>;
}

/// How long the payment page waits for the charge before telling the person to come back. The
/// charge itself goes on in its own task and is recorded when the provider answers; meanwhile
/// the attempt is unfinished, so nobody is charged twice and the seat is not released.
pub const CHARGE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Accepts every payment and issues `TEST-…` receipts, one per reference (idempotent, as the
/// trait asks).
#[derive(Debug, Default)]
pub struct TestProvider {
    next: AtomicU64,
    charged: Mutex<HashMap<String, String>>,
}

impl PaymentProvider for TestProvider {
    fn label(&self) -> &str {
        "테스트 결제 (실제로 돈이 나가지 않습니다)"
    }

    fn is_test(&self) -> bool {
        true
    }

    fn charge(&self, reference: &str, amount: Won) -> Result<String, PaymentError> {
        if amount.is_free() {
            return Err(PaymentError::Declined("0원은 결제할 수 없습니다".into()));
        }
        let mut charged = self.charged.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let receipt = charged.entry(reference.to_owned()).or_insert_with(|| {
            let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
            format!("TEST-{}-{n}", &reference[..reference.len().min(8)])
        });
        Ok(receipt.clone())
    }
}

/// Where a phone payment stands before the provider is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// No application has this op id.
    Unknown,
    /// The seat is not waiting for payment (paid already, cancelled, released).
    NothingToPay,
    /// Another attempt for this application is under way (a double tap).
    InProgress,
    /// This attempt may charge `owed`.
    Claimed { owed: Won },
    /// The provider already took `owed` for this application (`receipt`), but recording it
    /// failed: record it now, without charging again.
    Charged { owed: Won, receipt: String },
}

/// Step 1 of a phone payment, in its own short transaction: claims the application `op`.
pub fn claim(conn: &mut Connection, op: &str, now: DateTime<Utc>) -> Result<Claim, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(row) = enrollments::by_op(&tx, op)? else { return Ok(Claim::Unknown) };
    // Money taken and not recorded comes first, whatever became of the seat: recording it (or
    // the rejection that tells staff to refund it) is the only way forward.
    if let Some((amount, receipt)) = payment_attempts::charged_unrecorded(&tx, op)? {
        return Ok(Claim::Charged { owed: Won(amount), receipt });
    }
    if row.state != state::AWAITING_PAYMENT {
        return Ok(Claim::NothingToPay);
    }
    let owed = Won(row.price.total().0.saturating_sub(row.paid.0));
    if !payment_attempts::claim(&tx, op, owed.0, now)? {
        return Ok(Claim::InProgress);
    }
    tx.commit()?;
    Ok(Claim::Claimed { owed })
}

/// Step 2½, right after the provider answered, in its own short write: the receipt is kept with
/// the open attempt, so it survives a failure of step 3 (and step 3 can be retried without a
/// second charge).
pub fn hold_receipt(conn: &mut Connection, op: &str, receipt: &str) -> Result<(), StoreError> {
    payment_attempts::hold_receipt(conn, op, receipt)
}

/// The provider did not take the money: the application may be paid again at once.
pub fn abandon(conn: &mut Connection, op: &str) -> Result<(), StoreError> {
    payment_attempts::abandon(conn, op)
}

/// Step 3, after the provider took `owed` with `receipt`: the payment is recorded against the
/// seat and the attempt finished, in one transaction. The outcome is the enrollment service's
/// (`Paid`, or a rejection when the seat could not take it, which staff must then settle: the
/// receipt is kept with the attempt).
pub fn record(
    conn: &mut Connection,
    op: &str,
    owed: Won,
    receipt: &str,
    now: DateTime<Utc>,
) -> Result<Option<Outcome>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(row) = enrollments::by_op(&tx, op)? else { return Ok(None) };
    // Two taps that both found the same held receipt: the first recorded it, the second says so.
    if payment_attempts::finished_with(&tx, op, receipt)? {
        return Ok(Some(EnrollmentOutcome::Paid { amount: owed }.into()));
    }
    let payment = Payment {
        learner: &row.learner_id,
        course: &row.course_id,
        method: PaymentMethod::Online,
        receipt,
        amount: owed,
        op: None,
        at: now,
    };
    let outcome = crate::arbitration::record_payment(&tx, &payment)?;
    payment_attempts::finish(&tx, op, receipt, now)?;
    tx.commit()?;
    Ok(Some(outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_provider_charges_a_reference_once() {
        let provider = TestProvider::default();
        let first = provider.charge("op-abcdefgh-1", Won(30_000)).unwrap_or_else(|e| panic!("{e}"));
        let again = provider.charge("op-abcdefgh-1", Won(30_000)).unwrap_or_else(|e| panic!("{e}"));
        let other = provider.charge("op-abcdefgh-2", Won(30_000)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first, again, "the same reference: the first receipt, no second charge");
        assert_ne!(first, other);
        assert!(matches!(provider.charge("op-free", Won::ZERO), Err(PaymentError::Declined(_))));
    }
}
