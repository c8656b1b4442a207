//! The kiosk's heartbeat: every few minutes its state goes to the hub (the console's fleet page)
//! and the notices the hub answers with come back for the welcome screen.

use std::path::Path;
use std::time::Instant;

use baeum_domain::fleet::{DeviceKeyState, HEARTBEAT_SECS, Heartbeat, KioskHealth, KioskNotice, PrinterCondition};

use crate::printing::{PrinterState, PrinterStatus};
use crate::{Kiosk, KioskError};

/// The printer's IPP state as one condition.
pub fn condition(status: Option<&PrinterStatus>) -> PrinterCondition {
    let Some(status) = status else { return PrinterCondition::NotConfigured };
    let has = |prefixes: &[&str]| status.reasons.iter().any(|r| prefixes.iter().any(|p| r.starts_with(p)));
    if status.state == PrinterState::Unreachable {
        PrinterCondition::Offline
    } else if has(&["media-empty", "media-needed", "input-tray-missing"]) {
        PrinterCondition::NeedsPaper
    } else if has(&["media-jam"]) {
        PrinterCondition::Jammed
    } else if status.state == PrinterState::Stopped
        || has(&["cover-open", "door-open", "toner-empty", "marker-supply-empty"])
    {
        PrinterCondition::NeedsAttention
    } else if status.state == PrinterState::Processing {
        PrinterCondition::Printing
    } else {
        PrinterCondition::Ready
    }
}

/// Free space where the kiosk keeps its data, in MiB (none where it cannot be read).
pub fn free_disk_mb(dir: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        let stat = rustix::fs::statvfs(dir).ok()?;
        Some(stat.f_bavail.saturating_mul(stat.f_frsize) / (1024 * 1024))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

impl Kiosk {
    /// Builds this kiosk's heartbeat now.
    pub async fn heartbeat_now(
        &self,
        printer_uri: Option<&str>,
        started: Instant,
        data_dir: &Path,
    ) -> Result<Heartbeat, KioskError> {
        let status = self.status()?;
        let printer = match printer_uri.filter(|u| !u.trim().is_empty()) {
            // An address the kiosk cannot use is a printer that does not answer: the heartbeat
            // still goes, so the console shows the printer, not the kiosk, as the problem.
            Some(uri) => Some(crate::printing::printer_status(uri).await.unwrap_or(PrinterStatus {
                printer_uri: uri.to_owned(),
                state: PrinterState::Unreachable,
                reasons: Vec::new(),
                message: None,
            })),
            None => None,
        };
        let printer = condition(printer.as_ref());
        let free_disk_mb = free_disk_mb(data_dir);
        Ok(Heartbeat {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            interval_secs: HEARTBEAT_SECS,
            uptime_secs: started.elapsed().as_secs(),
            outbox: status.pending_intents,
            since_last_sync_secs: status
                .last_success_at
                .map(|t| u64::try_from((self.clock.now() - t).num_seconds()).unwrap_or_default()),
            catalog_behind: status.behind,
            printer,
            free_disk_mb,
            device_key: match &status.device_key {
                Some(k) if k.endorsed => DeviceKeyState::Endorsed,
                Some(_) => DeviceKeyState::Pending,
                None => DeviceKeyState::None,
            },
            status: KioskHealth::of(printer, free_disk_mb),
        })
    }

    /// Sends the heartbeat and keeps the notices the hub answered with (shown on the welcome
    /// screen until they end; an unreachable hub leaves the last ones up).
    pub async fn send_heartbeat(
        &self,
        printer_uri: Option<&str>,
        started: Instant,
        data_dir: &Path,
    ) -> Result<Vec<KioskNotice>, KioskError> {
        let beat = self.heartbeat_now(printer_uri, started, data_dir).await?;
        let answer = self.hub.heartbeat(&beat).await?;
        *self.notices.write().unwrap_or_else(|p| p.into_inner()) = answer.notices.clone();
        Ok(answer.notices)
    }

    /// The notices to show now (those whose end has not passed).
    pub fn notices(&self) -> Vec<KioskNotice> {
        let now = self.clock.now();
        self.notices.read().unwrap_or_else(|p| p.into_inner()).iter().filter(|n| n.ends_at > now).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(state: PrinterState, reasons: &[&str]) -> PrinterStatus {
        PrinterStatus {
            printer_uri: "ipp://p".into(),
            state,
            reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
            message: None,
        }
    }

    #[test]
    fn the_printer_reasons_become_one_condition() {
        assert_eq!(condition(None), PrinterCondition::NotConfigured);
        assert_eq!(condition(Some(&status(PrinterState::Idle, &[]))), PrinterCondition::Ready);
        assert_eq!(
            condition(Some(&status(PrinterState::Stopped, &["media-empty-error"]))),
            PrinterCondition::NeedsPaper
        );
        assert_eq!(condition(Some(&status(PrinterState::Idle, &["media-jam"]))), PrinterCondition::Jammed);
        assert_eq!(condition(Some(&status(PrinterState::Unreachable, &[]))), PrinterCondition::Offline);
        assert_eq!(condition(Some(&status(PrinterState::Stopped, &["cover-open"]))), PrinterCondition::NeedsAttention);
    }

    #[test]
    fn free_disk_space_is_read_from_the_data_folder() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        assert!(free_disk_mb(dir.path()).is_some_and(|mb| mb > 0));
    }
}
