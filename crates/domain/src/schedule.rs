//! When a course meets. A course is a list of sessions (회차), each on a date in Asia/Seoul; most
//! institutions describe them as a weekly pattern ("2026.12.01~12.22 화·목 10:00~12:00").

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// One meeting of a course, in Korean local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-12-01"))]
    #[serde(deserialize_with = "crate::wire_time::date")]
    pub date: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "10:00:00"))]
    #[serde(deserialize_with = "crate::wire_time::time")]
    pub starts_at: NaiveTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12:00:00"))]
    #[serde(deserialize_with = "crate::wire_time::time")]
    pub ends_at: NaiveTime,
}

impl Session {
    pub fn minutes(&self) -> i64 {
        (self.ends_at - self.starts_at).num_minutes()
    }
}

/// "Every Tue and Thu from A to B, 10:00–12:00, except holidays".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyPattern {
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    pub weekdays: Vec<Weekday>,
    pub starts_at: NaiveTime,
    pub ends_at: NaiveTime,
    pub skip: Vec<NaiveDate>,
}

/// A course never has more sessions than this; it catches a mistyped year in a feed.
pub const MAX_SESSIONS: usize = 400;

impl WeeklyPattern {
    pub fn sessions(&self) -> Result<Vec<Session>, String> {
        if self.last_date < self.first_date {
            return Err(format!("종료일({})이 시작일({})보다 빠릅니다", self.last_date, self.first_date));
        }
        if self.ends_at <= self.starts_at {
            return Err(format!("종료 시각({})이 시작 시각({})보다 늦어야 합니다", self.ends_at, self.starts_at));
        }
        if self.weekdays.is_empty() {
            return Err("요일을 하나 이상 적어야 합니다".into());
        }
        let mut out = Vec::new();
        let mut day = self.first_date;
        while day <= self.last_date {
            if self.weekdays.contains(&day.weekday()) && !self.skip.contains(&day) {
                out.push(Session { date: day, starts_at: self.starts_at, ends_at: self.ends_at });
                if out.len() > MAX_SESSIONS {
                    return Err(format!("회차가 {MAX_SESSIONS}회를 넘습니다. 기간을 확인해 주세요"));
                }
            }
            day = match day.succ_opt() {
                Some(d) => d,
                None => break,
            };
        }
        if out.is_empty() {
            return Err("기간 안에 해당 요일이 없어 회차가 0회입니다".into());
        }
        Ok(out)
    }
}

/// Parses `화,목`, `화·목`, `월수금`, `토요일, 일요일` or `tue|thu`.
pub fn parse_weekdays(raw: &str) -> Result<Vec<Weekday>, String> {
    let mut out = Vec::new();
    let trimmed = raw.trim();
    if trimmed.is_ascii() {
        for part in trimmed.to_ascii_lowercase().split([',', '|', ' ', '/']).filter(|p| !p.is_empty()) {
            out.push(part.parse::<Weekday>().map_err(|_| format!("알 수 없는 요일입니다: {part:?}"))?);
        }
    } else {
        // "월요일" → "월": after removing "요일" every day is one syllable.
        for c in trimmed.replace("요일", "").chars().filter(|c| !matches!(c, ',' | '·' | '|' | '/' | ' ')) {
            out.push(match c {
                '월' => Weekday::Mon,
                '화' => Weekday::Tue,
                '수' => Weekday::Wed,
                '목' => Weekday::Thu,
                '금' => Weekday::Fri,
                '토' => Weekday::Sat,
                '일' => Weekday::Sun,
                other => return Err(format!("알 수 없는 요일입니다: {other:?}")),
            });
        }
    }
    out.sort_by_key(|d| d.num_days_from_monday());
    out.dedup();
    if out.is_empty() {
        return Err("요일을 하나 이상 적어야 합니다".into());
    }
    Ok(out)
}

/// Korean one-syllable weekday name.
pub fn weekday_ko(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "월",
        Weekday::Tue => "화",
        Weekday::Wed => "수",
        Weekday::Thu => "목",
        Weekday::Fri => "금",
        Weekday::Sat => "토",
        Weekday::Sun => "일",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }
    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }

    #[test]
    fn a_tuesday_thursday_pattern_expands_to_dated_sessions() {
        let p = WeeklyPattern {
            first_date: d(2026, 12, 1),
            last_date: d(2026, 12, 22),
            weekdays: vec![Weekday::Tue, Weekday::Thu],
            starts_at: t(10, 0),
            ends_at: t(12, 0),
            skip: vec![d(2026, 12, 17)],
        };
        let sessions = p.sessions().unwrap_or_default();
        let dates: Vec<u32> = sessions.iter().map(|s| s.date.day()).collect();
        assert_eq!(dates, vec![1, 3, 8, 10, 15, 22]);
        assert_eq!(sessions[0].minutes(), 120);
    }

    #[test]
    fn impossible_patterns_are_explained() {
        let mut p = WeeklyPattern {
            first_date: d(2026, 12, 10),
            last_date: d(2026, 12, 1),
            weekdays: vec![Weekday::Mon],
            starts_at: t(10, 0),
            ends_at: t(12, 0),
            skip: vec![],
        };
        assert!(p.sessions().unwrap_err().contains("종료일"));
        p.last_date = d(2036, 12, 1);
        assert!(p.sessions().unwrap_err().contains("회차"));
        p.last_date = d(2026, 12, 13);
        p.ends_at = t(9, 0);
        assert!(p.sessions().unwrap_err().contains("종료 시각"));
    }

    #[test]
    fn weekdays_parse_in_korean_and_english() {
        use Weekday::*;
        assert_eq!(parse_weekdays("화,목"), Ok(vec![Tue, Thu]));
        assert_eq!(parse_weekdays("월수금"), Ok(vec![Mon, Wed, Fri]));
        assert_eq!(parse_weekdays("토·일"), Ok(vec![Sat, Sun]));
        assert_eq!(parse_weekdays("일요일"), Ok(vec![Sun]));
        assert_eq!(parse_weekdays("tue|thu"), Ok(vec![Tue, Thu]));
        assert!(parse_weekdays("화,X").is_err());
        assert!(parse_weekdays("").is_err());
    }
}
