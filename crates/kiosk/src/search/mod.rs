//! Catalog search on the kiosk: as-you-type matching over title, institution, place and
//! instructor (partial, spacing-insensitive, 초성, mixed Hangul/Latin/digits) plus filters, from an
//! in-memory index rebuilt after each sync that changed the catalog.

pub mod hangul;
pub mod index;
pub mod matcher;

pub use index::{Price, SearchIndex, SearchQuery, TimeOfDay};
