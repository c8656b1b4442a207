//! Cell values as Korean offices write them: dates (`2027. 3. 2.(화)`, `2027년 3월 2일`), times
//! (`오후 2시 30분`), head counts and money (`３０,０００원`, `₩30,000`, `무료`). Full-width digits and
//! signs are read like ASCII ones. Every refusal says in Korean what was expected.

use baeum_domain::{Won, kst};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Weekday};

/// Full-width forms (`２０２７／３／２`, `３０，０００`, `－`, `＋`, ideographic space) and other look-alikes
/// (no-break space, the minus sign, `￦`) as their plain ASCII counterparts.
pub fn halfwidth(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            '\u{2212}' => '-',
            '\u{FFE6}' => '₩',
            other => other,
        })
        .collect()
}

const WEEKDAYS: [(char, Weekday, &str); 7] = [
    ('월', Weekday::Mon, "Mon"),
    ('화', Weekday::Tue, "Tue"),
    ('수', Weekday::Wed, "Wed"),
    ('목', Weekday::Thu, "Thu"),
    ('금', Weekday::Fri, "Fri"),
    ('토', Weekday::Sat, "Sat"),
    ('일', Weekday::Sun, "Sun"),
];

fn korean_weekday(day: Weekday) -> char {
    WEEKDAYS.iter().find(|(_, d, _)| *d == day).map_or('?', |(k, _, _)| *k)
}

/// A weekday word: `화`, `화요일`, `Tue`.
fn weekday_word(word: &str) -> Option<Weekday> {
    let word = word.trim();
    let korean = word.strip_suffix("요일").unwrap_or(word);
    WEEKDAYS.iter().find(|(k, _, en)| korean.chars().eq([*k]) || word.eq_ignore_ascii_case(en)).map(|(_, d, _)| *d)
}

/// Splits a trailing weekday off a date: `2027. 3. 2.(화)`, `2027-03-02 (화요일)`, `2027년 3월 2일 화요일`,
/// `2027-03-02 화`. A bare `일` glued to the day number is the day unit, not Sunday.
fn split_weekday(t: &str) -> (&str, Option<Weekday>) {
    if let Some(open) = t.strip_suffix(')').and_then(|s| s.rfind('('))
        && let Some(day) = weekday_word(&t[open + 1..t.len() - 1])
    {
        return (t[..open].trim_end(), Some(day));
    }
    if let Some(before) = t.strip_suffix("요일")
        && let Some(k) = before.chars().next_back()
        && let Some(day) = weekday_word(&k.to_string())
    {
        let body = &before[..before.len() - k.len_utf8()];
        return (body.trim_end().trim_end_matches(','), Some(day));
    }
    if let Some((body, word)) = t.rsplit_once(' ')
        && let Some(day) = weekday_word(word)
    {
        return (body.trim_end().trim_end_matches(','), Some(day));
    }
    (t, None)
}

const DATE_EXAMPLE: &str = "예: 2027-03-02, 2027. 3. 2., 2027년 3월 2일";

/// Year (if written), month and day of a date without weekday.
fn date_parts(t: &str) -> Result<(Option<i32>, u32, u32), String> {
    let number = |s: &str| -> Option<u32> {
        let s = s.trim();
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let not_a_date = || format!("날짜 형식이 아닙니다 ({DATE_EXAMPLE})");
    if t.contains(['년', '월', '일']) {
        // 2027년 3월 2일, 2027년03월02일, 3월 2일
        let mut parts = [None::<u32>; 3];
        let mut rest = t;
        for (i, unit) in ['년', '월', '일'].into_iter().enumerate() {
            if let Some((head, tail)) = rest.split_once(unit) {
                parts[i] = Some(number(head).ok_or_else(not_a_date)?);
                if i == 0 && head.trim().len() != 4 {
                    return Err(format!("연도는 네 자리로 적어 주세요 ({DATE_EXAMPLE})"));
                }
                rest = tail.trim_start_matches('.');
            }
        }
        if !rest.trim().is_empty() {
            return Err(not_a_date());
        }
        return match parts {
            [year, Some(month), Some(day)] => Ok((year.map(|y| y as i32), month, day)),
            [Some(_), Some(_), None] => Err(format!("일이 없습니다 ({DATE_EXAMPLE})")),
            _ => Err(not_a_date()),
        };
    }
    let body = t.trim_end_matches('.').trim_end();
    if body.bytes().all(|b| b.is_ascii_digit()) {
        return match body.len() {
            8 => Ok((body[..4].parse().ok(), number(&body[4..6]).unwrap_or(0), number(&body[6..]).unwrap_or(0))),
            6 => Err("연도는 네 자리로 적어 주세요 (예: 20270302)".into()),
            _ => Err(not_a_date()),
        };
    }
    let Some(separator) = body.chars().find(|c| !c.is_ascii_digit() && *c != ' ') else {
        return Err(not_a_date());
    };
    if !matches!(separator, '-' | '.' | '/') {
        return Err(not_a_date());
    }
    let fields: Vec<&str> = body.split(separator).map(str::trim).collect();
    if fields.iter().any(|f| number(f).is_none()) {
        return Err(not_a_date());
    }
    let small = |f: &str| f.len() <= 2;
    match fields.as_slice() {
        [y, m, d] if y.len() == 4 && small(m) && small(d) => {
            Ok((y.parse().ok(), number(m).unwrap_or(0), number(d).unwrap_or(0)))
        }
        [y, m, d] if y.len() == 2 && small(m) && small(d) => {
            Err(format!("연도는 네 자리로 적어 주세요 ({DATE_EXAMPLE})"))
        }
        [_, _, y] if y.len() == 4 => Err(format!("연도를 앞에 적어 주세요 ({DATE_EXAMPLE})")),
        [y, _] if y.len() == 4 => Err(format!("일이 없습니다 ({DATE_EXAMPLE})")),
        [m, d] if small(m) && small(d) => Ok((None, number(m).unwrap_or(0), number(d).unwrap_or(0))),
        _ => Err(not_a_date()),
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    next.and_then(|n| n.pred_opt()).map_or(31, |last| last.day())
}

/// A date in the forms Korean offices write: `2027-03-02`, `2027.03.02`, `2027. 3. 2.`, `2027/3/2`,
/// `20270302`, `2027년 3월 2일`, with or without zero padding and full-width digits, optionally with
/// its weekday (`(화)`, ` 화요일`), which must then be right. A date without its year is refused.
pub fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    let shown = raw.trim();
    let normal = halfwidth(raw);
    let t = normal.trim();
    if t.is_empty() {
        return Err(format!("날짜가 비어 있습니다 ({DATE_EXAMPLE})"));
    }
    let (body, weekday) = split_weekday(t);
    let (year, month, day) = date_parts(body).map_err(|problem| format!("{problem}: {shown:?}"))?;
    let Some(year) = year else {
        return Err(format!("연도가 없습니다: 2027년 3월 2일처럼 연도를 함께 적어 주세요 (값: {shown:?})"));
    };
    if !(1..=12).contains(&month) {
        return Err(format!("없는 날짜입니다 (월은 1~12): {shown:?}"));
    }
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        format!("없는 날짜입니다 ({year}년 {month}월은 {}일까지 있습니다): {shown:?}", days_in_month(year, month))
    })?;
    match weekday {
        Some(written) if written != date.weekday() => Err(format!(
            "요일이 날짜와 맞지 않습니다 ({year}년 {month}월 {day}일은 {}요일입니다): {shown:?}",
            korean_weekday(date.weekday())
        )),
        _ => Ok(date),
    }
}

const TIME_EXAMPLE: &str = "예: 14:00, 14시 30분, 오후 2시";

/// A time of day: `14:00`, `14:00:00`, `9:30`, `14시`, `14시 30분`, `14시 반`, `오후 2시`,
/// `오전 9시 30분`, `오후 2:30`, `2:00 PM`. 오후 12시 is noon and 오전 12시 midnight.
pub fn parse_time(raw: &str) -> Result<NaiveTime, String> {
    let shown = raw.trim();
    let normal = halfwidth(raw);
    let t = normal.trim();
    let not_a_time = || format!("시각 형식이 아닙니다 ({TIME_EXAMPLE}): {shown:?}");
    if t.is_empty() {
        return Err(format!("시각이 비어 있습니다 ({TIME_EXAMPLE})"));
    }
    let lower = t.to_ascii_lowercase();
    let mut body = lower.as_str();
    let mut afternoon = None;
    for (word, pm) in [("오전", false), ("오후", true), ("a.m.", false), ("p.m.", true), ("am", false), ("pm", true)]
    {
        if let Some(rest) = body.strip_prefix(word) {
            (body, afternoon) = (rest, Some(pm));
            break;
        }
        if let Some(rest) = body.strip_suffix(word) {
            (body, afternoon) = (rest, Some(pm));
            break;
        }
    }
    let body = body.trim();
    let number = |s: &str, max_len: usize| -> Option<u32> {
        let s = s.trim();
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let (hour, minute, second) = if let Some((h, rest)) = body.split_once('시') {
        let rest = rest.trim();
        let minute = if rest.is_empty() {
            0
        } else if rest == "반" {
            30
        } else {
            number(rest.strip_suffix('분').ok_or_else(not_a_time)?, 2).ok_or_else(not_a_time)?
        };
        (number(h, 2).ok_or_else(not_a_time)?, minute, 0)
    } else if body.contains(':') {
        let fields: Vec<&str> = body.split(':').collect();
        let hour = number(fields[0], 2).ok_or_else(not_a_time)?;
        match fields[1..] {
            [m] if m.trim().len() == 2 => (hour, number(m, 2).ok_or_else(not_a_time)?, 0),
            [m, s] if m.trim().len() == 2 && s.trim().len() == 2 => {
                (hour, number(m, 2).ok_or_else(not_a_time)?, number(s, 2).ok_or_else(not_a_time)?)
            }
            _ => return Err(not_a_time()),
        }
    } else if afternoon.is_some() {
        // `2 PM`
        (number(body, 2).ok_or_else(not_a_time)?, 0, 0)
    } else {
        return Err(not_a_time());
    };
    let hour = match afternoon {
        Some(_) if hour > 12 => {
            return Err(format!("오전·오후를 쓰면 시는 1~12입니다 (14:00 또는 오후 2시처럼 적어 주세요): {shown:?}"));
        }
        Some(true) if hour == 12 || hour == 0 => 12,
        Some(true) => hour + 12,
        Some(false) if hour == 12 => 0,
        _ => hour,
    };
    if hour > 23 {
        return Err(format!("없는 시각입니다 (시는 0~23): {shown:?}"));
    }
    if minute > 59 || second > 59 {
        return Err(format!("없는 시각입니다 (분과 초는 0~59): {shown:?}"));
    }
    NaiveTime::from_hms_opt(hour, minute, second).ok_or_else(not_a_time)
}

/// A date and a time in Korean time (`2026-11-20 10:00`, `2027. 3. 2.(화) 오후 2시`,
/// `2027년 3월 2일 14시 30분`, `2027-03-02T14:00`), or an RFC 3339 instant.
pub fn parse_datetime(raw: &str) -> Result<DateTime<FixedOffset>, String> {
    let shown = raw.trim();
    let normal = halfwidth(raw);
    let t = normal.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&kst()));
    }
    // Where the date ends and the time begins: at a `T` between digits, or at some space.
    let mut splits: Vec<(&str, &str)> = Vec::new();
    if let Some(at) = t.find('T') {
        let digit = |s: &str| s.bytes().next().is_some_and(|b| b.is_ascii_digit());
        if t[..at].bytes().next_back().is_some_and(|b| b.is_ascii_digit()) && digit(&t[at + 1..]) {
            splits.push((&t[..at], &t[at + 1..]));
        }
    }
    splits.extend(t.char_indices().filter(|(_, c)| c.is_whitespace()).map(|(at, _)| (t[..at].trim(), t[at..].trim())));
    let (mut date_problem, mut time_problem) = (None, None);
    for (date, time) in splits {
        match (parse_date(date), parse_time(time)) {
            (Ok(d), Ok(time)) => {
                return d
                    .and_time(time)
                    .and_local_timezone(kst())
                    .single()
                    .ok_or_else(|| format!("일시를 한국 시각으로 옮길 수 없습니다: {shown:?}"));
            }
            (Err(e), Ok(_)) => date_problem = date_problem.or(Some(e)),
            (Ok(_), Err(e)) => time_problem = time_problem.or(Some(e)),
            (Err(_), Err(_)) => {}
        }
    }
    if parse_date(t).is_ok() {
        return Err(format!("시각이 없습니다: 2026-11-20 10:00처럼 날짜와 시각을 함께 적어 주세요 (값: {shown:?})"));
    }
    Err(date_problem
        .or(time_problem)
        .unwrap_or_else(|| format!("일시 형식이 아닙니다 (예: 2026-11-20 10:00): {shown:?}")))
}

/// A head count or number of seats: `20`, `20명`, `３０석`, `1,000`.
pub fn parse_count(raw: &str) -> Result<i64, String> {
    let normal = halfwidth(raw);
    let t = normal.trim();
    let t = t.strip_suffix(['명', '석']).unwrap_or(t).trim_end();
    let digits: String = t.chars().filter(|c| *c != ',').collect();
    digits.parse::<i64>().map_err(|_| format!("숫자가 아닙니다: {raw:?}"))
}

/// An amount of money: `30000`, `30,000원`, `３０,０００원`, `₩30,000`; `무료` or nothing is free.
pub fn parse_money(raw: &str) -> Result<Won, String> {
    let normal = halfwidth(raw);
    let t = normal.trim();
    let t = t.strip_prefix('₩').map_or(t, str::trim_start);
    Won::parse(t).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> Result<String, String> {
        parse_date(raw).map(|d| d.to_string())
    }

    fn time(raw: &str) -> Result<String, String> {
        parse_time(raw).map(|t| t.format("%H:%M:%S").to_string())
    }

    #[test]
    fn dates_are_read_in_every_form_korean_offices_write() {
        for raw in [
            "2027-03-02",
            "2027-3-2",
            "2027.03.02",
            "2027.3.2",
            "2027.3.2.",
            "2027. 3. 2.",
            "2027. 03. 02",
            "2027/3/2",
            "2027/03/02",
            "20270302",
            "2027년 3월 2일",
            "2027년 03월 02일",
            "2027년3월2일",
            "２０２７－０３－０２",
            "２０２７년　３월　２일",
            " 2027-03-02 ",
        ] {
            assert_eq!(date(raw), Ok("2027-03-02".into()), "{raw:?}");
        }
    }

    #[test]
    fn a_trailing_weekday_is_accepted_when_it_is_the_right_one() {
        for raw in [
            "2027-03-02(화)",
            "2027. 3. 2.(화)",
            "2027. 3. 2. (화)",
            "2027년 3월 2일 (화)",
            "2027년 3월 2일(화요일)",
            "2027년 3월 2일 화요일",
            "2027-03-02 화",
            "2027-03-02（화）",
            "2027-03-02 (Tue)",
        ] {
            assert_eq!(date(raw), Ok("2027-03-02".into()), "{raw:?}");
        }
        let wrong = date("2027-03-02(수)").unwrap_err();
        assert!(wrong.contains("요일이 날짜와 맞지 않습니다") && wrong.contains("화요일입니다"), "{wrong}");
        // 일 glued to the number is the day, not Sunday.
        assert_eq!(date("2027년 3월 7일"), Ok("2027-03-07".into()));
        assert_eq!(date("2027년 3월 7일 일요일"), Ok("2027-03-07".into()));
    }

    #[test]
    fn a_date_without_its_year_is_refused_with_a_request_for_the_year() {
        for raw in ["3월 2일", "3/2", "03-02", "3.2.", "3월 2일(화)"] {
            let problem = date(raw).unwrap_err();
            assert!(
                problem.starts_with("연도가 없습니다: 2027년 3월 2일처럼 연도를 함께 적어 주세요"),
                "{raw:?}: {problem}"
            );
        }
    }

    #[test]
    fn impossible_or_garbled_dates_are_refused_clearly() {
        assert_eq!(date("2027-02-30").unwrap_err(), "없는 날짜입니다 (2027년 2월은 28일까지 있습니다): \"2027-02-30\"");
        assert!(date("2028-02-29").is_ok(), "2028 is a leap year");
        assert!(date("2027-13-01").unwrap_err().contains("월은 1~12"));
        assert!(date("2027년 4월 31일").unwrap_err().contains("4월은 30일까지"));
        assert!(date("27.3.2").unwrap_err().contains("네 자리"));
        assert!(date("03/02/2027").unwrap_err().contains("연도를 앞에"));
        assert!(date("2027-03").unwrap_err().contains("일이 없습니다"));
        assert!(date("내일").unwrap_err().starts_with("날짜 형식이 아닙니다"));
        assert!(date("2027-03/02").is_err(), "one separator throughout");
        assert!(date("").unwrap_err().contains("비어"));
    }

    #[test]
    fn times_are_read_with_hours_minutes_and_am_pm_in_korean_or_english() {
        for (raw, want) in [
            ("14:00", "14:00:00"),
            ("9:30", "09:30:00"),
            ("10:00:00", "10:00:00"),
            ("14시", "14:00:00"),
            ("14시 30분", "14:30:00"),
            ("14시30분", "14:30:00"),
            ("9시 반", "09:30:00"),
            ("오후 2시", "14:00:00"),
            ("오후2시", "14:00:00"),
            ("오전 9시 30분", "09:30:00"),
            ("오후 2:30", "14:30:00"),
            ("오후 12시", "12:00:00"),
            ("오전 12시", "00:00:00"),
            ("2:00 PM", "14:00:00"),
            ("2 pm", "14:00:00"),
            ("12:30 AM", "00:30:00"),
            ("１４：００", "14:00:00"),
            ("１４시　３０분", "14:30:00"),
        ] {
            assert_eq!(time(raw), Ok(want.into()), "{raw:?}");
        }
    }

    #[test]
    fn impossible_times_are_refused_in_korean() {
        assert!(time("25:00").unwrap_err().contains("시는 0~23"));
        assert!(time("24시").unwrap_err().contains("시는 0~23"));
        assert!(time("14:60").unwrap_err().contains("분과 초는 0~59"));
        assert!(time("오후 14시").unwrap_err().contains("1~12"));
        assert!(time("14").unwrap_err().starts_with("시각 형식이 아닙니다"));
        assert!(time("14:0").is_err(), "minutes have two digits");
        assert!(time("두시").is_err());
        assert!(time("").unwrap_err().contains("비어"));
    }

    #[test]
    fn datetimes_combine_any_date_form_with_any_time_form() {
        for raw in [
            "2026-11-20 10:00",
            "2026.11.20 10:00",
            "2026-11-20T10:00",
            "2026-11-20 10:00:00",
            "2026. 11. 20. 10:00",
            "2026. 11. 20.(금) 10:00",
            "2026년 11월 20일 오전 10시",
            "2026/11/20 10시",
            "20261120 10:00",
            "２０２６－１１－２０　１０：００",
            "2026-11-20T10:00:00+09:00",
            "2026-11-20T01:00:00Z",
        ] {
            let dt = parse_datetime(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
            assert_eq!(dt.to_rfc3339(), "2026-11-20T10:00:00+09:00", "{raw:?}");
        }
        let afternoon = parse_datetime("2027년 3월 2일 (화) 오후 2시 30분").map(|d| d.to_rfc3339());
        assert_eq!(afternoon, Ok("2027-03-02T14:30:00+09:00".into()));
    }

    #[test]
    fn a_datetime_says_which_half_is_wrong() {
        assert!(parse_datetime("3월 2일 10:00").unwrap_err().starts_with("연도가 없습니다"));
        assert!(parse_datetime("2027-02-30 10:00").unwrap_err().contains("2월은 28일까지"));
        assert!(parse_datetime("2027-03-02 25:00").unwrap_err().contains("시는 0~23"));
        assert!(parse_datetime("2027-03-02").unwrap_err().starts_with("시각이 없습니다"));
        assert!(parse_datetime("곧").unwrap_err().starts_with("일시 형식이 아닙니다"));
    }

    #[test]
    fn counts_and_money_accept_full_width_digits_commas_and_units() {
        assert_eq!(parse_count("20"), Ok(20));
        assert_eq!(parse_count("２０명"), Ok(20));
        assert_eq!(parse_count("30석"), Ok(30));
        assert_eq!(parse_count("1,000"), Ok(1000));
        assert_eq!(parse_count("＋５"), Ok(5));
        assert_eq!(parse_count("－３"), Ok(-3), "the sign survives for the domain's range check");
        assert!(parse_count("스무명").is_err());
        assert!(parse_count("").is_err());
        for (raw, won) in [
            ("30000", 30_000),
            ("30,000원", 30_000),
            ("３０,０００원", 30_000),
            ("３０，０００원", 30_000),
            ("₩30,000", 30_000),
            ("￦ 30,000", 30_000),
            ("30,000 원", 30_000),
            ("무료", 0),
            ("", 0),
            ("0원", 0),
        ] {
            assert_eq!(parse_money(raw), Ok(Won(won)), "{raw:?}");
        }
        assert!(parse_money("－5,000원").unwrap_err().contains("0원 이상"));
        assert!(parse_money("삼만원").is_err());
    }

    #[test]
    fn full_width_forms_become_ascii_and_other_text_is_kept() {
        assert_eq!(halfwidth("２０２７／３／２　（화）"), "2027/3/2 (화)");
        assert_eq!(halfwidth("－＋，：．"), "-+,:.");
        assert_eq!(halfwidth("광명시 ￦"), "광명시 ₩");
    }
}
