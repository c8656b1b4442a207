//! Staff mode: the PIN that opens it (with a lockout after repeated wrong tries), and the queue
//! of intents still waiting for the hub. (Attendance and the class list are the attendance
//! service's, in `attendance.rs`.)
//!
//! The PIN itself is never stored: only an Argon2id verifier, so a copied database does not give
//! it away cheaply. Wrong tries are counted in the database, so restarting the kiosk does not lift
//! a lockout.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::Kiosk;
use crate::error::KioskError;
use crate::store::outbox::WaitingIntent;
use crate::store::{self, staff_pin};

/// Wrong PINs in a row before staff mode locks.
pub const MAX_TRIES: u32 = 5;
/// How long it stays locked.
pub const LOCKOUT: Duration = Duration::minutes(10);

/// A staff PIN: 6 to 12 digits, not one repeated digit, not a straight run (123456).
#[derive(Clone, PartialEq, Eq)]
pub struct StaffPin(String);

impl std::fmt::Debug for StaffPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaffPin(******)")
    }
}

impl StaffPin {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let t = raw.trim();
        if !(6..=12).contains(&t.len()) || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err("직원 PIN은 숫자 6~12자리입니다".into());
        }
        let b = t.as_bytes();
        let step = |d: i8| b.windows(2).all(|w| w[1] as i8 - w[0] as i8 == d);
        if step(0) || step(1) || step(-1) {
            return Err("같은 숫자 반복이나 연속된 숫자(예: 123456)는 직원 PIN으로 쓸 수 없습니다".into());
        }
        Ok(Self(t.to_owned()))
    }
}

/// What staff see about sync and the outbox.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PendingIntents {
    pub count: u64,
    /// The oldest ones (at most 50).
    pub oldest: Vec<WaitingIntent>,
}

impl Kiosk {
    /// Sets (or replaces) the staff PIN; a lockout in force is lifted.
    pub fn set_staff_pin(&self, raw: &str) -> Result<(), KioskError> {
        let pin = StaffPin::parse(raw).map_err(|e| KioskError::invalid("pin", e))?;
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| KioskError::certificate("난수를 만들 수 없습니다", e))?;
        // Argon2 refuses only parameters we chose, never the PIN itself; its words go to the log.
        let unhashable = |e: argon2::password_hash::Error| {
            tracing::error!(code = %baeum_domain::ErrorCode::InputInvalid, detail = %e, "staff PIN verifier failed");
            KioskError::invalid("pin", "직원 PIN을 저장하지 못했습니다. 다시 정해 주세요")
        };
        let salt = SaltString::encode_b64(&salt).map_err(unhashable)?;
        let verifier = Argon2::default().hash_password(pin.0.as_bytes(), &salt).map_err(unhashable)?.to_string();
        staff_pin::set(&self.conn(), &verifier, self.clock.now())?;
        Ok(())
    }

    pub fn staff_pin_is_set(&self) -> Result<bool, KioskError> {
        Ok(staff_pin::get(&self.conn())?.is_some())
    }

    /// Checks a PIN typed at the staff screen. Wrong: how many tries are left; the fifth wrong
    /// try in a row locks staff mode for ten minutes (also across restarts).
    pub fn check_staff_pin(&self, raw: &str) -> Result<(), KioskError> {
        let now = self.clock.now();
        let Some(row) = staff_pin::get(&self.conn())? else {
            return Err(KioskError::StaffPinNotSet);
        };
        if let Some(until) = row.locked_until.filter(|until| *until > now) {
            return Err(KioskError::StaffLocked { until });
        }
        // A lockout that has run out starts a fresh count.
        let failures = if row.locked_until.is_some() { 0 } else { row.failures };
        // Hashing takes tens of milliseconds; the database is not held meanwhile.
        let matches = PasswordHash::new(&row.verifier)
            .map_err(|e| {
                KioskError::Store(store::StoreError::Corrupt {
                    what: "직원 PIN 기록",
                    id: "1".into(),
                    problem: e.to_string(),
                })
            })
            .map(|hash| Argon2::default().verify_password(raw.trim().as_bytes(), &hash).is_ok())?;
        let conn = self.conn();
        if matches {
            staff_pin::clear_failures(&conn)?;
            return Ok(());
        }
        let failures = failures + 1;
        if failures >= MAX_TRIES {
            let until = now + LOCKOUT;
            staff_pin::record_failure(&conn, 0, Some(until))?;
            tracing::warn!("staff PIN locked after {MAX_TRIES} wrong tries");
            return Err(KioskError::StaffLocked { until });
        }
        staff_pin::record_failure(&conn, failures, None)?;
        Err(KioskError::StaffPinWrong { remaining: MAX_TRIES - failures })
    }

    /// Intents recorded here that the hub has not answered yet.
    pub fn pending_intents(&self) -> Result<PendingIntents, KioskError> {
        let conn = self.conn();
        let count = store::outbox::counts(&conn)?.pending;
        Ok(PendingIntents { count, oldest: store::outbox::waiting(&conn, 50)? })
    }
}

/// When a lockout ends, for the message staff read.
pub fn locked_until_text(until: DateTime<Utc>) -> String {
    until.with_timezone(&baeum_domain::time::kst()).format("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_pins_are_long_and_not_guessable_sequences() {
        assert!(StaffPin::parse("482913").is_ok());
        assert!(StaffPin::parse("48291").is_err(), "too short");
        assert!(StaffPin::parse("4829130000000").is_err(), "too long");
        assert!(StaffPin::parse("111111").is_err());
        assert!(StaffPin::parse("123456").is_err());
        assert!(StaffPin::parse("987654").is_err());
        assert!(StaffPin::parse("48a913").is_err());
        assert_eq!(format!("{:?}", StaffPin::parse("482913").unwrap()), "StaffPin(******)");
    }
}
