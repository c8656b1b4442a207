//! JSON feeds: either an array of flat records of one kind, or an object with `institutions`,
//! `places` and `courses` arrays. Records use the same column names (or Korean headings) as the
//! CSV feeds; every error names the line where the record starts.

use serde_json::Value;

use super::headers::{canonical, detect};
use super::{FeedError, FeedErrors, FeedKind, Record, Sheet};

/// Lines where records start, with the key of the array they are in (None for a top-level array).
fn record_lines(text: &str) -> Vec<(Option<String>, u64)> {
    let mut out = Vec::new();
    let (mut depth, mut line) = (0usize, 1u64);
    let (mut in_string, mut escaped) = (false, false);
    let mut string = String::new();
    let mut last_string: Option<String> = None;
    let mut key: Option<String> = None;
    let top_is_array = text.trim_start().starts_with('[');
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
                last_string = Some(std::mem::take(&mut string));
            } else {
                string.push(c);
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            ':' if depth == 1 && !top_is_array => key = last_string.take(),
            '{' | '[' => {
                let record_depth = if top_is_array { 1 } else { 2 };
                if c == '{' && depth == record_depth {
                    out.push((if top_is_array { None } else { key.clone() }, line));
                }
                depth += 1;
            }
            '}' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    out
}

fn cell(value: &Value) -> Result<String, String> {
    match value {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        // A list such as life stages ["노년", "중장년"] becomes the CSV form 노년|중장년.
        Value::Array(items) => items.iter().map(cell).collect::<Result<Vec<_>, _>>().map(|v| v.join("|")),
        Value::Object(_) => Err("값 자리에 객체가 올 수 없습니다".into()),
    }
}

fn sheet(file: &str, kind: Option<FeedKind>, items: &[Value], lines: &[u64]) -> Result<(FeedKind, Sheet), FeedErrors> {
    let error = |line: u64, column: &str, problem: String| FeedError {
        file: file.to_owned(),
        line,
        column: column.to_owned(),
        problem,
    };
    let mut raw_headings: Vec<String> = Vec::new();
    for item in items {
        if let Value::Object(map) = item {
            for k in map.keys() {
                if !raw_headings.contains(k) {
                    raw_headings.push(k.clone());
                }
            }
        }
    }
    let kind = match kind.or_else(|| detect(&raw_headings)) {
        Some(k) => k,
        None => {
            return Err(FeedErrors(vec![error(
                1,
                "-",
                "기관·장소·강좌·동영상 중 무엇의 목록인지 알 수 없습니다".into(),
            )]));
        }
    };
    let mut headers: Vec<String> = raw_headings.iter().map(|h| canonical(kind, h)).collect();
    headers.dedup();
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(0);
        let Value::Object(map) = item else {
            errors.push(error(line, "-", "레코드는 { } 객체여야 합니다".into()));
            continue;
        };
        let mut values = std::collections::HashMap::new();
        for (k, v) in map {
            match cell(v) {
                Ok(text) => {
                    values.insert(canonical(kind, k), text);
                }
                Err(problem) => errors.push(error(line, &canonical(kind, k), problem)),
            }
        }
        records.push(Record { line, sheet_row: None, values });
    }
    if !errors.is_empty() {
        return Err(FeedErrors(errors));
    }
    Ok((kind, Sheet { file: file.to_owned(), header_line: 1, headers, records }))
}

/// Reads a JSON feed into sheets of records (lines counted alike for CRLF, LF and CR-only files).
pub fn sheets(file: &str, text: &str) -> Result<Vec<(FeedKind, Sheet)>, FeedErrors> {
    let text = &*super::text::unix_newlines(text);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        FeedErrors(vec![FeedError {
            file: file.to_owned(),
            line: e.line() as u64,
            column: "-".into(),
            problem: format!("JSON 형식이 아닙니다: {e}"),
        }])
    })?;
    let lines = record_lines(text);
    match value {
        Value::Array(items) => {
            let starts: Vec<u64> = lines.iter().map(|(_, l)| *l).collect();
            Ok(vec![sheet(file, None, &items, &starts)?])
        }
        Value::Object(map) => {
            let mut out = Vec::new();
            for (key, value) in &map {
                let kind = match key.as_str() {
                    "institutions" | "기관" => FeedKind::Institutions,
                    "places" | "장소" => FeedKind::Places,
                    "courses" | "강좌" => FeedKind::Courses,
                    "videos" | "동영상" => FeedKind::Videos,
                    other => {
                        return Err(FeedErrors(vec![FeedError {
                            file: file.to_owned(),
                            line: 1,
                            column: other.to_owned(),
                            problem: "알 수 없는 목록입니다 (institutions, places, courses, videos)".into(),
                        }]));
                    }
                };
                let Value::Array(items) = value else {
                    return Err(FeedErrors(vec![FeedError {
                        file: file.to_owned(),
                        line: 1,
                        column: key.clone(),
                        problem: "배열이어야 합니다".into(),
                    }]));
                };
                let starts: Vec<u64> =
                    lines.iter().filter(|(k, _)| k.as_deref() == Some(key)).map(|(_, l)| *l).collect();
                out.push(sheet(file, Some(kind), items, &starts)?);
            }
            Ok(out)
        }
        _ => Err(FeedErrors(vec![FeedError {
            file: file.to_owned(),
            line: 1,
            column: "-".into(),
            problem: "배열이나 객체여야 합니다".into(),
        }])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_lines_are_found_in_both_shapes() {
        let text = "{\n \"institutions\": [\n  {\"id\": \"a\"},\n  {\"id\": \"b\", \"name\": \"x{y\"}\n ],\n \"courses\": [\n  {\"id\": \"c\"}\n ]\n}";
        let lines = record_lines(text);
        assert_eq!(
            lines,
            vec![(Some("institutions".into()), 3), (Some("institutions".into()), 4), (Some("courses".into()), 7)]
        );
        assert_eq!(record_lines("[\n{\"a\":1},\n\n{\"b\":{\"c\":2}}]"), vec![(None, 2), (None, 4)]);
    }
}
