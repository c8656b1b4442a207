//! When the next background sync happens: every `interval` while the hub answers; after a
//! failure sooner, with exponential backoff and jitter (about 2 s, 4 s, 8 s … up to the
//! interval), so a kiosk whose line comes back catches up quickly while many kiosks do not all
//! hammer a recovering hub in the same second.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};

#[derive(Debug)]
pub struct SyncSchedule {
    interval: Duration,
    backoff: Option<ExponentialBackoff>,
}

/// First retry after a failure (before jitter).
pub const FIRST_RETRY: Duration = Duration::from_secs(2);

impl SyncSchedule {
    pub fn new(interval: Duration) -> Self {
        Self { interval: interval.max(FIRST_RETRY), backoff: None }
    }

    /// The hub answered: wait a whole interval, and forget the failures.
    pub fn after_success(&mut self) -> Duration {
        self.backoff = None;
        self.interval
    }

    /// The sync failed: wait the next backoff step, never longer than the interval.
    pub fn after_failure(&mut self) -> Duration {
        let interval = self.interval;
        let backoff = self.backoff.get_or_insert_with(|| {
            ExponentialBuilder::default()
                .with_min_delay(FIRST_RETRY)
                .with_max_delay(interval)
                .with_factor(2.0)
                .with_jitter()
                .without_max_times()
                .build()
        });
        backoff.next().unwrap_or(interval).min(interval)
    }

    /// The hub said how long to wait (`429 Retry-After`): at least that, and at least the next
    /// backoff step, so a fleet told to wait does not come back all at once.
    pub fn after_busy(&mut self, retry_after: Duration) -> Duration {
        self.after_failure().max(retry_after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_exponentially_with_jitter_up_to_the_interval() {
        let interval = Duration::from_secs(60);
        let mut schedule = SyncSchedule::new(interval);
        let delays: Vec<Duration> = (0..10).map(|_| schedule.after_failure()).collect();
        // Jitter adds up to one step, so step n lies in [2^n·2 s, 2^(n+1)·2 s], capped.
        for (n, d) in delays.iter().enumerate().take(4) {
            let base = FIRST_RETRY * 2u32.pow(n as u32);
            assert!(*d >= base.min(interval) && *d <= (base * 2).min(interval), "step {n}: {d:?}");
        }
        assert!(delays.iter().all(|d| *d <= interval));
        assert_eq!(delays[9], interval, "long outages settle at the normal interval");
    }

    #[test]
    fn a_busy_hub_is_given_at_least_the_time_it_asked_for() {
        let mut schedule = SyncSchedule::new(Duration::from_secs(60));
        assert!(schedule.after_busy(Duration::from_secs(30)) >= Duration::from_secs(30));
        // Past the interval too: the hub's word counts more than the schedule's cap.
        assert_eq!(schedule.after_busy(Duration::from_secs(120)), Duration::from_secs(120));
    }

    #[test]
    fn a_success_resets_the_backoff() {
        let mut schedule = SyncSchedule::new(Duration::from_secs(60));
        for _ in 0..6 {
            schedule.after_failure();
        }
        assert_eq!(schedule.after_success(), Duration::from_secs(60));
        assert!(schedule.after_failure() <= FIRST_RETRY * 2);
    }

    #[test]
    fn jitter_spreads_kiosks_apart() {
        let firsts: std::collections::HashSet<Duration> =
            (0..20).map(|_| SyncSchedule::new(Duration::from_secs(60)).after_failure()).collect();
        assert!(firsts.len() > 1, "twenty kiosks should not all retry at the same instant");
    }
}
