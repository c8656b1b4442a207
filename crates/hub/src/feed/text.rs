//! Line endings and line numbers. Feed files come with Windows (CRLF), Unix (LF) or old Mac
//! (CR-only) line endings; each counts as one line break, as a spreadsheet or editor shows them.

use std::borrow::Cow;

/// The text with every CRLF and lone CR turned into LF.
pub fn unix_newlines(text: &str) -> Cow<'_, str> {
    if text.contains('\r') { Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n")) } else { Cow::Borrowed(text) }
}

/// How many line breaks (CRLF, LF or CR) the bytes hold.
pub fn line_breaks(bytes: &[u8]) -> u64 {
    let mut count = 0;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'\n' => count += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => count += 1,
            _ => {}
        }
    }
    count
}

/// Where one CSV record starts: its byte offset (in LF text), the line it starts on, and the row a
/// spreadsheet shows it in (a cell with line breaks keeps its record on one row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordStart {
    pub byte: usize,
    pub line: u64,
    pub row: u64,
    pub blank: bool,
}

/// The start of every record of CSV text with LF line endings, blank lines included, reading
/// quotes as the `csv` crate does (a `"` opens a quoted field only at the start of a field).
pub fn record_starts(text: &str) -> Vec<RecordStart> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut line, mut row) = (1u64, 1u64);
    let mut i = 0;
    while i < bytes.len() {
        out.push(RecordStart { byte: i, line, row, blank: bytes[i] == b'\n' });
        let mut field_start = true;
        let mut quoted = false;
        while i < bytes.len() {
            let b = bytes[i];
            i += 1;
            if quoted {
                match b {
                    b'"' if bytes.get(i) == Some(&b'"') => i += 1,
                    b'"' => quoted = false,
                    b'\n' => line += 1,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' if field_start => quoted = true,
                b',' => {
                    field_start = true;
                    continue;
                }
                b'\n' => {
                    line += 1;
                    break;
                }
                _ => {}
            }
            field_start = false;
        }
        row += 1;
    }
    out
}

/// The record a `csv` position points at: the `csv` crate reports the byte where it started
/// looking, which can be a line break or blank line before the record.
pub fn record_at(starts: &[RecordStart], byte: u64) -> Option<RecordStart> {
    let from = starts.partition_point(|s| (s.byte as u64) < byte);
    starts[from..].iter().find(|s| !s.blank).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_line_ending_becomes_one_line_feed() {
        assert_eq!(unix_newlines("a\r\nb\rc\nd\r"), "a\nb\nc\nd\n");
        assert!(matches!(unix_newlines("a\nb"), Cow::Borrowed(_)));
        assert_eq!(line_breaks(b"a\r\nb\rc\nd"), 3);
    }

    #[test]
    fn records_start_on_their_line_and_a_multi_line_cell_keeps_its_row() {
        let text = "h1,h2\n1,2\n\n\"x\ny, \"\"z\"\"\",3\n4,5\n6,\"7";
        let starts: Vec<(usize, u64, u64, bool)> =
            record_starts(text).iter().map(|s| (s.byte, s.line, s.row, s.blank)).collect();
        assert_eq!(
            starts,
            vec![
                (0, 1, 1, false),
                (6, 2, 2, false),
                (10, 3, 3, true),
                (11, 4, 4, false),
                (26, 6, 5, false),
                (30, 7, 6, false)
            ]
        );
        // The csv crate points at the blank line before a record: the record is the next one.
        let record = record_at(&record_starts(text), 10).map(|s| s.line);
        assert_eq!(record, Some(4));
        assert_eq!(record_at(&record_starts(text), 200), None);
    }
}
