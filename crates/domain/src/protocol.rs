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
