//! Time in Baeum: instants are UTC on the wire, shown and scheduled in Asia/Seoul.
//! Korea has kept UTC+9 without daylight saving since 1988, so a fixed offset is exact and
//! spares every crate the tz database.

use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, Utc};

/// Asia/Seoul (KST, UTC+09:00).
pub fn kst() -> FixedOffset {
    // 9 h is always a valid offset; east_opt only fails beyond ±24 h.
    FixedOffset::east_opt(9 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC offset"))
}

/// `2026년 4월 9일`: a date as Korean documents and screens write it.
pub fn date_ko(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}년 {}월 {}일", d.year(), d.month(), d.day())
}

/// Where "now" comes from. Injected so rules and sync are deterministic in tests.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    fn now_kst(&self) -> DateTime<FixedOffset> {
        self.now().with_timezone(&kst())
    }
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to (tests, demos).
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}
