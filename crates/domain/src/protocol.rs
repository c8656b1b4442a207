//! The hub↔kiosk wire protocol (JSON over HTTP). Versioned; kiosks refuse answers they do not
//! understand instead of guessing. Records are revalidated on arrival (types parse at the edge).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::course::Course;
use crate::ids::CourseId;
use crate::institution::{Institution, Place};

/// Bumped when a kiosk built for an older protocol could misread an answer.
pub const PROTOCOL_VERSION: u32 = 1;

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

/// `GET /v1/catalog/snapshot/chunks?after=KEY&limit=N`: one piece of the catalog, in key order.
/// A kiosk stores pieces as they come (resuming after the last one it stored) and swaps them in
/// when `next` is null; then it catches up with `changes?after=<head of the first piece>`, which
/// replays whatever changed while it was downloading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotChunk {
    pub protocol: u32,
    pub epoch: String,
    /// The hub's newest cursor when this piece was read.
    pub head: Cursor,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub generated_at: DateTime<Utc>,
    /// Records after the requested key, as upserts.
    pub records: Vec<CatalogChange>,
    /// Key to ask for next; null when this was the last piece.
    pub next: Option<String>,
    /// Lower-case hex SHA-256 of the JSON of `records` (see [`records_checksum`]).
    pub sha256: String,
}

/// The wire form of [`SnapshotChunk`] (same JSON): `records` stays raw so the checksum is
/// computed over exactly the bytes the hub sent and the kiosk received, and the hub can serve
/// stored records without re-encoding them.
#[derive(Debug, Serialize, Deserialize)]
pub struct SnapshotChunkWire {
    pub protocol: u32,
    pub epoch: String,
    pub head: Cursor,
    pub generated_at: DateTime<Utc>,
    pub records: Box<serde_json::value::RawValue>,
    pub next: Option<String>,
    pub sha256: String,
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 (lower-case hex) of the bytes of a chunk's `records` JSON array.
pub fn bytes_checksum(json: &str) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(json.as_bytes()))
}

/// The checksum of records as serialised by serde (what the hub sends for them).
pub fn records_checksum(records: &[CatalogChange]) -> String {
    bytes_checksum(&serde_json::to_string(records).unwrap_or_default())
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
    /// e.g. `resnapshot_required`, `bad_request`, `internal`
    pub code: String,
    pub message: String,
}

/// Stable error codes of the hub API.
pub mod codes {
    /// The cursor is ahead of the hub or older than the log it keeps: fetch a fresh snapshot.
    pub const RESNAPSHOT_REQUIRED: &str = "resnapshot_required";
    pub const BAD_REQUEST: &str = "bad_request";
    pub const INTERNAL: &str = "internal";
}
