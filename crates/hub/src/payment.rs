//! Who takes the money for "pay later on the phone". The hub talks to a payment provider through
//! this trait; the demo and tests use [`TestProvider`], which is labelled as such on every page
//! and never moves real money.

use std::sync::atomic::{AtomicU64, Ordering};

use baeum_domain::Won;

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
    fn charge(&self, reference: &str, amount: Won) -> Result<String, PaymentError>;
}

/// Accepts every payment and issues `TEST-…` receipts.
#[derive(Debug, Default)]
pub struct TestProvider {
    next: AtomicU64,
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
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        Ok(format!("TEST-{}-{n}", &reference[..reference.len().min(8)]))
    }
}
