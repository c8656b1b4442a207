//! Readers for the dates and times on the wire (`2026-12-01`, `10:00:00`,
//! `2026-11-20T10:00:00+09:00`). A 50,000-course snapshot carries about a million of them and
//! chrono's general format parser was the largest single cost of validating one; the exact
//! shapes chrono itself writes are read here directly. Anything else goes to chrono's own
//! parser, so what is accepted, and the value read, are exactly chrono's.

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use serde::Deserializer;
use serde::de::{Error, Visitor};

fn digits<const N: usize>(b: &[u8]) -> Option<u32> {
    let mut v = 0;
    for &c in b.get(..N)? {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// `YYYY-MM-DD`.
fn fast_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits::<4>(b)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits::<2>(&b[5..])?, digits::<2>(&b[8..])?)
}

/// `HH:MM:SS` (leap seconds and fractions are left to chrono).
fn fast_time(b: &[u8]) -> Option<NaiveTime> {
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    NaiveTime::from_hms_opt(digits::<2>(b)?, digits::<2>(&b[3..])?, digits::<2>(&b[6..])?)
}

/// `YYYY-MM-DDTHH:MM:SS+HH:MM` (or `-HH:MM`).
fn fast_datetime(b: &[u8]) -> Option<DateTime<FixedOffset>> {
    if b.len() != 25 || b[10] != b'T' || b[22] != b':' {
        return None;
    }
    let sign = match b[19] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let local = fast_date(&b[..10])?.and_time(fast_time(&b[11..19])?);
    let seconds = i32::try_from(digits::<2>(&b[20..])? * 3600 + digits::<2>(&b[23..])? * 60).ok()?;
    let offset = FixedOffset::east_opt(sign * seconds)?;
    local.and_local_timezone(offset).single()
}

struct Reader<T> {
    fast: fn(&[u8]) -> Option<T>,
    what: &'static str,
    _t: PhantomData<T>,
}

impl<T> Visitor<'_> for Reader<T>
where
    T: std::str::FromStr,
    T::Err: fmt::Display,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<T, E> {
        match (self.fast)(v.as_bytes()) {
            Some(t) => Ok(t),
            None => v.parse().map_err(E::custom),
        }
    }
}

pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    d.deserialize_str(Reader { fast: fast_date, what: "a date (YYYY-MM-DD)", _t: PhantomData })
}

pub fn time<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
    d.deserialize_str(Reader { fast: fast_time, what: "a time (HH:MM:SS)", _t: PhantomData })
}

pub fn datetime<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
    d.deserialize_str(Reader { fast: fast_datetime, what: "an RFC 3339 date and time", _t: PhantomData })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T>(f: fn(serde_json::Value) -> Result<T, serde_json::Error>, raw: &str) -> Option<T> {
        f(serde_json::Value::String(raw.into())).ok()
    }

    #[test]
    fn reads_exactly_what_chrono_reads() {
        let dates = [
            "2026-12-01",
            "2024-02-29",
            "2026-02-29",
            "2026-13-01",
            "26-12-01",
            "2026-1-01",
            "+2026-12-01",
            "2026-12-0x",
            "",
        ];
        for raw in dates {
            assert_eq!(read(date, raw), raw.parse::<NaiveDate>().ok(), "{raw:?}");
        }
        let times = ["10:00:00", "23:59:59", "23:59:60", "24:00:00", "10:00", "10:00:00.5", "1a:00:00", "10-00-00"];
        for raw in times {
            assert_eq!(read(time, raw), raw.parse::<NaiveTime>().ok(), "{raw:?}");
        }
        let instants = [
            "2026-11-20T10:00:00+09:00",
            "2026-11-20T01:00:00+00:00",
            "2026-11-20T10:00:00-05:30",
            "2026-11-20T10:00:00Z",
            "2026-11-20 10:00:00+09:00",
            "2026-11-20T10:00:00+25:00",
            "2026-11-20T10:00:00+0900",
            "2026-02-30T10:00:00+09:00",
        ];
        for raw in instants {
            let ours = read(datetime, raw);
            assert_eq!(ours, raw.parse::<DateTime<FixedOffset>>().ok(), "{raw:?}");
            assert_eq!(
                ours.map(|t| t.offset().local_minus_utc()),
                raw.parse::<DateTime<FixedOffset>>().ok().map(|t| t.offset().local_minus_utc()),
                "{raw:?}"
            );
        }
        assert!(read(date, "2026-12-01").is_some_and(|d| d.to_string() == "2026-12-01"));
    }

    #[test]
    fn a_number_is_refused_with_what_was_expected() {
        let err = date(serde_json::json!(20261201)).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains("YYYY-MM-DD"), "{err}");
    }
}
