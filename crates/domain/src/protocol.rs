//! The hub↔kiosk wire protocol (JSON over HTTP; snapshot chunks as JSON lines). Versioned; kiosks refuse answers they do not
//! understand instead of guessing. Records are revalidated on arrival (types parse at the edge).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::course::Course;
use crate::ids::CourseId;
use crate::institution::{Institution, Place};

/// Bumped when a kiosk built for an older protocol could misread an answer.
/// 2: snapshot chunks became JSON lines (was one JSON document).
/// 3: intent bodies and outcomes name their service (`"service":"enrollment"`, see
///    [`crate::intent`]); outbox refusal codes are [`crate::ErrorCode`]s.
pub const PROTOCOL_VERSION: u32 = 3;

/// Position in the hub's catalog change log. 0 means "nothing yet".
pub type Cursor = u64;

/// `GET /health`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// Always `ok` when the hub can read its database.
    pub status: String,
    pub version: String,
    pub protocol: u32,
    pub epoch: String,
    pub cursor: Cursor,
    pub courses: u64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub time: DateTime<Utc>,
    /// Where people reach the hub from their phones: every QR code a person scans links here.
    /// Absent from hubs older than this field.
    #[serde(default)]
    pub public_url: Option<crate::links::PublicUrl>,
}

/// `GET /v1/catalog/snapshot`: the whole catalog as of `cursor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogSnapshot {
    pub protocol: u32,
    /// Names the hub's change-log history; send it back with `changes` requests.
    pub epoch: String,
    /// Continue with `changes?after=cursor`.
    pub cursor: Cursor,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub generated_at: DateTime<Utc>,
    pub institutions: Vec<Institution>,
    pub places: Vec<Place>,
    pub courses: Vec<Course>,
}

/// One change to the catalog, in hub order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CatalogChange {
    UpsertInstitution {
        institution: Institution,
    },
    UpsertPlace {
        place: Place,
    },
    UpsertCourse {
        course: Course,
    },
    /// The course was withdrawn from the catalog altogether (a 폐강 is an upsert with status cancelled).
    DeleteCourse {
        id: CourseId,
    },
}

/// `GET /v1/catalog/changes?after=CURSOR`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogChanges {
    pub protocol: u32,
    pub epoch: String,
    /// The cursor these changes bring the kiosk to.
    pub cursor: Cursor,
    /// More changes wait after `cursor`: ask again.
    pub has_more: bool,
    /// The hub's newest cursor when it answered, so a kiosk knows how far behind it is.
    pub head: Cursor,
    pub changes: Vec<CatalogChange>,
}

/// `GET /v1/catalog/snapshot/chunks?after=KEY&limit=N`: one piece of the catalog, in key order,
/// as newline-delimited JSON ([`SNAPSHOT_CHUNK_MEDIA_TYPE`]): this header on the first line, then
/// one [`CatalogChange`] (an upsert) per line. A kiosk stores pieces as they come (resuming after
/// the last one it stored) and swaps them in when `next` is null; then it catches up with
/// `changes?after=<head of the first piece>`, which replays whatever changed while it was
/// downloading.
///
/// Lines instead of one JSON document because a chunk is 2 MB: the kiosk checks the checksum,
/// finds each record's body by its fixed line prefix without reading it, and parses each body
/// once, into its type, keeping the bytes it stores; the hub serves its stored bodies as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotChunkHeader {
    pub protocol: u32,
    pub epoch: String,
    /// The hub's newest cursor when this piece was read.
    pub head: Cursor,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub generated_at: DateTime<Utc>,
    /// Key to ask for next; null when this was the last piece.
    pub next: Option<String>,
    /// How many record lines follow.
    pub records: usize,
    /// Lower-case hex SHA-256 of every byte after the header line (the record lines, each with
    /// its newline).
    pub sha256: String,
}

/// Content type of a snapshot chunk.
pub const SNAPSHOT_CHUNK_MEDIA_TYPE: &str = "application/x-ndjson";

/// What a snapshot record line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Institution,
    Place,
    Course,
}

impl RecordKind {
    /// The line up to the body: the line is `prefix`, the body, `}` — the JSON of the
    /// corresponding [`CatalogChange`] upsert as serde writes it.
    const fn prefix(self) -> &'static str {
        match self {
            RecordKind::Institution => r#"{"kind":"upsert_institution","institution":"#,
            RecordKind::Place => r#"{"kind":"upsert_place","place":"#,
            RecordKind::Course => r#"{"kind":"upsert_course","course":"#,
        }
    }
}

/// Appends the line of one record whose stored body is `body` (compact JSON; it must not
/// contain a newline, which compact JSON never does).
pub fn push_record_line(out: &mut String, kind: RecordKind, body: &str) {
    out.push_str(kind.prefix());
    out.push_str(body);
    out.push_str("}\n");
}

/// A whole chunk from its header fields and its record lines (see [`push_record_line`]).
pub fn encode_snapshot_chunk(mut header: SnapshotChunkHeader, lines: &str) -> String {
    header.sha256 = bytes_checksum(lines);
    let mut out = serde_json::to_string(&header).unwrap_or_default();
    out.reserve(lines.len() + 1);
    out.push('\n');
    out.push_str(lines);
    out
}

/// Why a snapshot chunk could not be read. The words are for the kiosk's status screen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    /// The parser's own (English) words stay in the field, for the log; people read Korean only.
    #[error("목록 조각의 머리글을 읽을 수 없습니다")]
    Header(String),
    #[error("받은 목록 조각의 검사값이 맞지 않습니다")]
    Checksum,
    #[error("목록 조각의 {line}번째 줄을 읽을 수 없습니다")]
    Line { line: usize },
    #[error("목록 조각에 레코드가 {expected}개 있어야 하는데 {found}개입니다")]
    Count { expected: usize, found: usize },
}

/// A snapshot chunk whose checksum matched, with each record's kind and body (not yet parsed).
#[derive(Debug)]
pub struct ChunkLines<'a> {
    pub header: SnapshotChunkHeader,
    pub records: Vec<(RecordKind, &'a str)>,
}

/// Reads only a chunk's header line (to ask for the next chunk while this one is checked) and
/// returns it with the rest of the text.
pub fn read_snapshot_header(text: &str) -> Result<(SnapshotChunkHeader, &str), ChunkError> {
    let (head, lines) = text.split_once('\n').ok_or_else(|| ChunkError::Header("줄바꿈이 없습니다".into()))?;
    let header = serde_json::from_str(head).map_err(|e| ChunkError::Header(e.to_string()))?;
    Ok((header, lines))
}

/// Reads a chunk: the header, the checksum over the record lines, then each line's kind and body.
pub fn read_snapshot_chunk(text: &str) -> Result<ChunkLines<'_>, ChunkError> {
    let (header, lines) = read_snapshot_header(text)?;
    if header.sha256 != bytes_checksum(lines) {
        return Err(ChunkError::Checksum);
    }
    let mut records = Vec::with_capacity(header.records.min(100_000));
    for (i, line) in lines.split_terminator('\n').enumerate() {
        let bad = || ChunkError::Line { line: i + 2 };
        let kind = [RecordKind::Course, RecordKind::Institution, RecordKind::Place]
            .into_iter()
            .find(|k| line.starts_with(k.prefix()))
            .ok_or_else(bad)?;
        let body = line[kind.prefix().len()..].strip_suffix('}').ok_or_else(bad)?;
        records.push((kind, body));
    }
    if records.len() != header.records || !(lines.is_empty() || lines.ends_with('\n')) {
        return Err(ChunkError::Count { expected: header.records, found: records.len() });
    }
    Ok(ChunkLines { header, records })
}

/// `GET /v1/catalog/checksum`: a digest of the whole catalog, to compare a kiosk's copy with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogChecksum {
    pub epoch: String,
    pub cursor: Cursor,
    pub records: u64,
    /// See [`CatalogDigest`].
    pub sha256: String,
}

/// Lower-case hex of some bytes (digests, ids).
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// SHA-256 (lower-case hex) of some text.
pub fn bytes_checksum(text: &str) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(text.as_bytes()))
}

/// Digest of a whole catalog: every record's JSON and a newline, in key order
/// (institutions, then places, then courses, each by id).
#[derive(Debug, Default)]
pub struct CatalogDigest {
    hasher: sha2::Sha256,
    pub records: u64,
}

impl CatalogDigest {
    pub fn add(&mut self, record: &CatalogChange) {
        use sha2::Digest;
        self.hasher.update(serde_json::to_vec(record).unwrap_or_default());
        self.hasher.update(b"\n");
        self.records += 1;
    }

    pub fn finish(self) -> String {
        use sha2::Digest;
        hex(&self.hasher.finalize())
    }
}

/// Every non-2xx answer carries a stable code the client branches on and a message for logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// One of [`crate::ErrorCode`] (`resnapshot_required`, `bad_request`, `internal`…). Kept a
    /// string on the wire so a kiosk still reads an answer carrying a code newer than itself.
    pub code: String,
    /// Plain Korean for the person who reads it; never a library's English text.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Institution, InstitutionDraft};

    fn institution(id: &str) -> Institution {
        Institution::try_from(InstitutionDraft {
            id: id.into(),
            name: "광명평생학습원 \"본관\"".into(),
            kind: "평생학습기관".into(),
            dong: "철산동".into(),
            address: "경기도 광명시 오리로 613".into(),
            phone: "02-2680-2114".into(),
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn chunk(ids: &[&str]) -> String {
        let mut lines = String::new();
        for id in ids {
            let body = serde_json::to_string(&institution(id)).unwrap_or_default();
            push_record_line(&mut lines, RecordKind::Institution, &body);
        }
        let header = SnapshotChunkHeader {
            protocol: PROTOCOL_VERSION,
            epoch: "e".into(),
            head: 7,
            generated_at: Utc::now(),
            next: Some("1:b".into()),
            records: ids.len(),
            sha256: String::new(),
        };
        encode_snapshot_chunk(header, &lines)
    }

    #[test]
    fn every_record_line_is_the_json_of_its_change_and_reads_back_with_its_body() {
        let text = chunk(&["a", "b"]);
        let read = read_snapshot_chunk(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((read.header.records, read.header.next.as_deref(), read.records.len()), (2, Some("1:b"), 2));
        for ((kind, body), (id, line)) in read.records.iter().zip(["a", "b"].iter().zip(text.lines().skip(1))) {
            assert_eq!(*kind, RecordKind::Institution);
            assert_eq!(serde_json::from_str::<Institution>(body).ok(), Some(institution(id)));
            let change: CatalogChange = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(change, CatalogChange::UpsertInstitution { institution: institution(id) });
        }
        assert_eq!(read_snapshot_chunk(&chunk(&[])).map(|c| c.records.len()), Ok(0));
    }

    #[test]
    fn damaged_chunks_are_refused_with_a_reason() {
        let text = chunk(&["a", "b"]);
        let (head, lines) = text.split_once('\n').unwrap_or_default();
        let cut = &text[..text.len() - 20];
        assert_eq!(read_snapshot_chunk(cut).err(), Some(ChunkError::Checksum));
        assert_eq!(read_snapshot_chunk(&text.replacen("철산동", "하안동", 1)).err(), Some(ChunkError::Checksum));
        assert!(matches!(read_snapshot_chunk("<html>점검 중</html>"), Err(ChunkError::Header(_))));
        assert!(matches!(read_snapshot_chunk(&format!("{{}}\n{lines}")), Err(ChunkError::Header(_))));
        // Consistent checksums around lines that are not records, or a count that does not match.
        let relabel = |lines: &str, records: usize| {
            let mut header: SnapshotChunkHeader = serde_json::from_str(head).unwrap_or_else(|e| panic!("{e}"));
            header.records = records;
            encode_snapshot_chunk(header, lines)
        };
        let unknown = lines.replacen("upsert_institution", "upsert_building", 1);
        assert_eq!(read_snapshot_chunk(&relabel(&unknown, 2)).err(), Some(ChunkError::Line { line: 2 }));
        assert_eq!(read_snapshot_chunk(&relabel(lines, 3)).err(), Some(ChunkError::Count { expected: 3, found: 2 }));
        let unterminated = lines.trim_end_matches('\n');
        assert!(read_snapshot_chunk(&relabel(unterminated, 2)).is_err());
    }
}
