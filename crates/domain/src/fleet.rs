//! The kiosk's heartbeat (`POST /v1/kiosks/heartbeat`): every few minutes, with its device
//! credential, a kiosk tells the hub how it is — version, outbox, last sync, printer, disk — so
//! the console's fleet page can show which kiosks need a visit. The answer carries notices for
//! the kiosk's screen.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How often a kiosk sends its heartbeat. The console shows a kiosk offline once it has missed
/// [`MISSED_BEATS_OFFLINE`] of them.
pub const HEARTBEAT_SECS: u32 = 180;
pub const MISSED_BEATS_OFFLINE: u32 = 3;

/// Free disk below which a kiosk says `insufficient_storage` (its database and print spool live there).
pub const LOW_DISK_MB: u64 = 500;

/// The printer as the kiosk last saw it (IPP printer-state and printer-state-reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumString, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PrinterCondition {
    Ready,
    Printing,
    NeedsPaper,
    Jammed,
    /// Cover open, toner out, or another reason the printer gave.
    NeedsAttention,
    /// Set but not answering.
    Offline,
    /// No printer set on this kiosk.
    NotConfigured,
}

impl PrinterCondition {
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            PrinterCondition::Ready => "정상",
            PrinterCondition::Printing => "인쇄 중",
            PrinterCondition::NeedsPaper => "용지 없음",
            PrinterCondition::Jammed => "용지 걸림",
            PrinterCondition::NeedsAttention => "점검 필요",
            PrinterCondition::Offline => "응답 없음",
            PrinterCondition::NotConfigured => "설정 안 됨",
        }
    }
}

/// The kiosk's device key for offline certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumString, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeviceKeyState {
    /// Endorsed by the hub: the kiosk may issue provisional certificates offline.
    Endorsed,
    /// Registered, waiting for staff to endorse it.
    Pending,
    None,
}

impl DeviceKeyState {
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            DeviceKeyState::Endorsed => "보증됨",
            DeviceKeyState::Pending => "보증 대기",
            DeviceKeyState::None => "없음",
        }
    }
}

/// One word for the console: the worst thing about the kiosk now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumString, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum KioskHealth {
    Ok,
    InsufficientStorage,
    PrinterNeedsPaper,
    PrinterJammed,
    PrinterNeedsAttention,
    PrinterOffline,
}

impl KioskHealth {
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            KioskHealth::Ok => "정상",
            KioskHealth::InsufficientStorage => "저장 공간 부족",
            KioskHealth::PrinterNeedsPaper => "프린터 용지 없음",
            KioskHealth::PrinterJammed => "프린터 용지 걸림",
            KioskHealth::PrinterNeedsAttention => "프린터 점검 필요",
            KioskHealth::PrinterOffline => "프린터 응답 없음",
        }
    }

    /// Storage first (a full disk stops every write), then the printer.
    pub fn of(printer: PrinterCondition, free_disk_mb: Option<u64>) -> Self {
        if free_disk_mb.is_some_and(|mb| mb < LOW_DISK_MB) {
            return KioskHealth::InsufficientStorage;
        }
        match printer {
            PrinterCondition::NeedsPaper => KioskHealth::PrinterNeedsPaper,
            PrinterCondition::Jammed => KioskHealth::PrinterJammed,
            PrinterCondition::NeedsAttention => KioskHealth::PrinterNeedsAttention,
            PrinterCondition::Offline => KioskHealth::PrinterOffline,
            PrinterCondition::Ready | PrinterCondition::Printing | PrinterCondition::NotConfigured => KioskHealth::Ok,
        }
    }
}

/// A count read as JSON Schema reads an integer: `555` and `555.0` alike (any JSON number whose
/// value is whole), up to 2^53 − 1, the largest every JSON reader keeps exact.
fn whole<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let n = f64::deserialize(d)?;
    if n.fract() != 0.0 || !(0.0..=9_007_199_254_740_991.0).contains(&n) {
        return Err(serde::de::Error::custom("0 이상의 정수여야 합니다"));
    }
    // Exact: a whole f64 below 2^53 converts without loss.
    Ok(n as u64)
}

fn whole_u32<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    u32::try_from(whole(d)?).map_err(|_| serde::de::Error::custom("값이 너무 큽니다"))
}

fn some_whole<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Option::<f64>::deserialize(d)?.map(|n| whole(serde::de::value::F64Deserializer::<D::Error>::new(n))).transpose()
}

/// `POST /v1/kiosks/heartbeat`. The kiosk is the one its credential names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Heartbeat {
    /// The kiosk program's version.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9.+_-]{1,40}$", example = "0.1.0"))]
    pub version: String,
    /// Seconds between heartbeats (the console shows the kiosk offline after three missed).
    #[cfg_attr(feature = "openapi", schema(minimum = 30, maximum = 3600))]
    #[serde(deserialize_with = "whole_u32")]
    pub interval_secs: u32,
    #[cfg_attr(feature = "openapi", schema(maximum = 9_007_199_254_740_991_u64))]
    #[serde(deserialize_with = "whole")]
    pub uptime_secs: u64,
    /// Intents recorded here and not yet answered by the hub.
    #[cfg_attr(feature = "openapi", schema(maximum = 9_007_199_254_740_991_u64))]
    #[serde(deserialize_with = "whole")]
    pub outbox: u64,
    /// Seconds since the last sync that reached the hub (none yet). Seconds, not a time: the
    /// kiosk's clock may be off, the hub dates it by its own.
    #[cfg_attr(feature = "openapi", schema(maximum = 9_007_199_254_740_991_u64))]
    #[serde(default, deserialize_with = "some_whole")]
    pub since_last_sync_secs: Option<u64>,
    /// Catalog changes the kiosk has not applied yet, as it last heard.
    #[cfg_attr(feature = "openapi", schema(maximum = 9_007_199_254_740_991_u64))]
    #[serde(default, deserialize_with = "some_whole")]
    pub catalog_behind: Option<u64>,
    pub printer: PrinterCondition,
    #[cfg_attr(feature = "openapi", schema(maximum = 9_007_199_254_740_991_u64))]
    #[serde(default, deserialize_with = "some_whole")]
    pub free_disk_mb: Option<u64>,
    pub device_key: DeviceKeyState,
    pub status: KioskHealth,
}

/// Largest version string a heartbeat may carry.
pub const MAX_VERSION_CHARS: usize = 40;

impl Heartbeat {
    /// Refuses what the hub would not store as it is (a version that is not a short plain
    /// token, an interval no kiosk uses); the message is Korean and names the field.
    pub fn check(&self) -> Result<(), crate::ValueError> {
        let version_ok = !self.version.is_empty()
            && self.version.chars().count() <= MAX_VERSION_CHARS
            && self.version.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'));
        if !version_ok {
            return Err(crate::ValueError::Heartbeat {
                field: "version", problem: "프로그램 버전 형식이 아닙니다"
            });
        }
        if !(30..=3600).contains(&self.interval_secs) {
            return Err(crate::ValueError::Heartbeat {
                field: "interval_secs",
                problem: "30초에서 3600초 사이여야 합니다",
            });
        }
        let limit = 9_007_199_254_740_991_u64;
        if self.uptime_secs > limit
            || self.outbox > limit
            || self.catalog_behind.is_some_and(|n| n > limit)
            || self.since_last_sync_secs.is_some_and(|n| n > limit)
        {
            return Err(crate::ValueError::Heartbeat { field: "outbox", problem: "값이 너무 큽니다" });
        }
        if self.free_disk_mb.is_some_and(|n| n > limit) {
            return Err(crate::ValueError::Heartbeat { field: "free_disk_mb", problem: "값이 너무 큽니다" });
        }
        Ok(())
    }
}

/// A notice for kiosks' screens, from the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskNotice {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub text: String,
    pub ends_at: DateTime<Utc>,
}

/// The hub's answer to a heartbeat: the notices to show now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeartbeatAnswer {
    pub notices: Vec<KioskNotice>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_outranks_the_printer_and_an_unset_printer_is_not_a_fault() {
        assert_eq!(KioskHealth::of(PrinterCondition::NeedsPaper, Some(100)), KioskHealth::InsufficientStorage);
        assert_eq!(KioskHealth::of(PrinterCondition::NeedsPaper, Some(10_000)), KioskHealth::PrinterNeedsPaper);
        assert_eq!(KioskHealth::of(PrinterCondition::NotConfigured, None), KioskHealth::Ok);
        assert_eq!(KioskHealth::of(PrinterCondition::Offline, None).code(), "printer_offline");
    }

    #[test]
    fn counts_may_come_as_whole_numbers_in_any_json_form() {
        let beat: Heartbeat = serde_json::from_str(
            r#"{"version":"0.1.0","interval_secs":180.0,"uptime_secs":5,"outbox":2.0,"since_last_sync_secs":null,
                "catalog_behind":7.0,"printer":"ready","free_disk_mb":555.0,"device_key":"none","status":"ok"}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (beat.interval_secs, beat.outbox, beat.catalog_behind, beat.free_disk_mb),
            (180, 2, Some(7), Some(555))
        );
        assert!(
            serde_json::from_str::<Heartbeat>(
                r#"{"version":"0.1.0","interval_secs":180,"uptime_secs":5.5,"outbox":0,
            "printer":"ready","device_key":"none","status":"ok"}"#
            )
            .is_err()
        );
        assert!(
            serde_json::from_str::<Heartbeat>(
                r#"{"version":"0.1.0","interval_secs":180,"uptime_secs":-1,"outbox":0,
            "printer":"ready","device_key":"none","status":"ok"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn a_heartbeat_with_a_strange_version_or_interval_is_refused() {
        let good = Heartbeat {
            version: "0.1.0".into(),
            interval_secs: HEARTBEAT_SECS,
            uptime_secs: 60,
            outbox: 0,
            since_last_sync_secs: None,
            catalog_behind: Some(0),
            printer: PrinterCondition::Ready,
            free_disk_mb: Some(20_000),
            device_key: DeviceKeyState::Pending,
            status: KioskHealth::Ok,
        };
        assert!(good.check().is_ok());
        let script = Heartbeat { version: "<script>".into(), ..good.clone() };
        assert!(matches!(script.check(), Err(crate::ValueError::Heartbeat { field: "version", .. })));
        let fast = Heartbeat { interval_secs: 1, ..good };
        assert!(matches!(fast.check(), Err(crate::ValueError::Heartbeat { field: "interval_secs", .. })));
    }
}
