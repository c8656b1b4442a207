//! Catalog writes and reads that span tables: apply a batch atomically (all or nothing,
//! re-applying the same data changes nothing), take a consistent snapshot, list changes.

use crate::db::{Connection, TransactionBehavior};
use baeum_domain::protocol::{
    CatalogChange, CatalogChanges, CatalogSnapshot, Cursor, PROTOCOL_VERSION, RecordKind, SnapshotChunkHeader,
    encode_snapshot_chunk, push_record_line,
};
use baeum_domain::video::{Video, VideoId};
use baeum_domain::{Course, CourseId, Institution, Place};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::catalog_log::{self, Entity, Op};
use super::{StoreError, courses, decode, encode, institutions, meta, places, videos};

/// Records to write in one transaction.
#[derive(Debug, Default, Clone)]
pub struct CatalogBatch {
    pub institutions: Vec<Institution>,
    pub places: Vec<Place>,
    pub courses: Vec<Course>,
    pub deleted_courses: Vec<CourseId>,
    /// 동영상 강좌: kept apart from the change log (kiosks fetch the list by digest).
    pub videos: Vec<Video>,
    pub deleted_videos: Vec<VideoId>,
}

impl CatalogBatch {
    /// Adds another file's records (every kind, so a new kind cannot be dropped on the way).
    pub fn merge(&mut self, other: CatalogBatch) {
        let CatalogBatch { institutions, places, courses, deleted_courses, videos, deleted_videos } = other;
        self.institutions.extend(institutions);
        self.places.extend(places);
        self.courses.extend(courses);
        self.deleted_courses.extend(deleted_courses);
        self.videos.extend(videos);
        self.deleted_videos.extend(deleted_videos);
    }
}

/// What an apply did, for the operator's report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ApplySummary {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub deleted: usize,
}

impl ApplySummary {
    fn count(&mut self, before: Option<&str>, after: &str) -> bool {
        match before {
            None => self.added += 1,
            Some(b) if b == after => {
                self.unchanged += 1;
                return false;
            }
            Some(_) => self.updated += 1,
        }
        true
    }
}

/// Writes the batch in one IMMEDIATE transaction. Unchanged records are not logged again, so
/// re-importing the same feed moves no cursor. References are checked with clear messages.
pub fn apply(conn: &mut Connection, batch: &CatalogBatch) -> Result<ApplySummary, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut summary = ApplySummary::default();
    for institution in &batch.institutions {
        let body = encode(institution);
        if summary.count(institutions::stored_body(&tx, &institution.id)?.as_deref(), &body) {
            let seq = catalog_log::append(&tx, Entity::Institution, institution.id.as_str(), Op::Upsert)?;
            institutions::upsert(&tx, institution, &body, seq)?;
        }
    }
    for place in &batch.places {
        if institutions::stored_body(&tx, &place.institution_id)?.is_none() {
            return Err(StoreError::Integrity {
                what: "장소",
                id: place.id.to_string(),
                problem: format!("없는 기관을 가리킵니다: {}", place.institution_id),
            });
        }
        let body = encode(place);
        if summary.count(places::stored_body(&tx, &place.id)?.as_deref(), &body) {
            let seq = catalog_log::append(&tx, Entity::Place, place.id.as_str(), Op::Upsert)?;
            places::upsert(&tx, place, &body, seq)?;
        }
    }
    for course in &batch.courses {
        let integrity = |problem: String| StoreError::Integrity { what: "강좌", id: course.id.to_string(), problem };
        if institutions::stored_body(&tx, &course.institution_id)?.is_none() {
            return Err(integrity(format!("없는 기관을 가리킵니다: {}", course.institution_id)));
        }
        if let Some(place_id) = &course.place_id {
            match places::get(&tx, place_id.as_str())? {
                None => return Err(integrity(format!("없는 장소를 가리킵니다: {place_id}"))),
                Some(place) if place.institution_id != course.institution_id => {
                    return Err(integrity(format!(
                        "장소 {place_id}는 기관 {}의 장소가 아닙니다",
                        course.institution_id
                    )));
                }
                Some(_) => {}
            }
        }
        let body = encode(course);
        if summary.count(courses::stored_body(&tx, &course.id)?.as_deref(), &body) {
            let seq = catalog_log::append(&tx, Entity::Course, course.id.as_str(), Op::Upsert)?;
            courses::upsert(&tx, course, &body, seq)?;
        }
    }
    for id in &batch.deleted_courses {
        if courses::delete(&tx, id)? {
            catalog_log::append(&tx, Entity::Course, id.as_str(), Op::Delete)?;
            summary.deleted += 1;
        }
    }
    let mut videos_changed = false;
    for video in &batch.videos {
        let body = encode(video);
        if summary.count(videos::stored_body(&tx, &video.id)?.as_deref(), &body) {
            videos::upsert(&tx, video, &body)?;
            videos_changed = true;
        }
    }
    for id in &batch.deleted_videos {
        if videos::delete(&tx, id)? {
            summary.deleted += 1;
            videos_changed = true;
        }
    }
    if videos_changed {
        videos::refresh_digest(&tx)?;
    }
    tx.commit()?;
    Ok(summary)
}

/// Writes a changed course inside an enrollment transaction (폐강 decided by the hub), so kiosks
/// see the new status through the usual change log.
pub fn update_course(tx: &crate::db::Transaction<'_>, course: &Course) -> Result<(), StoreError> {
    let seq = catalog_log::append(tx, Entity::Course, course.id.as_str(), Op::Upsert)?;
    courses::upsert(tx, course, &encode(course), seq)
}

/// The whole catalog and the cursor it corresponds to, read in one transaction.
pub fn snapshot(conn: &mut Connection, now: DateTime<Utc>) -> Result<CatalogSnapshot, StoreError> {
    let tx = conn.read_transaction()?;
    let snapshot = CatalogSnapshot {
        protocol: PROTOCOL_VERSION,
        epoch: meta::epoch(&tx)?,
        cursor: catalog_log::head(&tx)?,
        generated_at: now,
        institutions: institutions::all(&tx)?,
        places: places::all(&tx)?,
        courses: courses::all(&tx)?,
    };
    tx.commit()?;
    Ok(snapshot)
}

/// Why changes cannot be listed for a cursor.
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error("커서 {cursor}(기록 {epoch})는 이 허브의 기록과 맞지 않습니다. 전체 목록을 다시 받아야 합니다")]
    ResnapshotRequired { epoch: String, cursor: Cursor },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Up to `limit` changes after `after`, for a kiosk whose data comes from history `epoch`.
pub fn changes(
    conn: &mut Connection,
    epoch: &str,
    after: Cursor,
    limit: usize,
) -> Result<CatalogChanges, ChangesError> {
    let tx = conn.read_transaction().map_err(StoreError::from)?;
    let current_epoch = meta::epoch(&tx).map_err(ChangesError::Store)?;
    let head = catalog_log::head(&tx)?;
    // A cursor ahead of the log means the kiosk saw data this hub no longer has (PouchDB #1240).
    if epoch != current_epoch || after > head {
        return Err(ChangesError::ResnapshotRequired { epoch: epoch.to_owned(), cursor: after });
    }
    let entries = catalog_log::after_with_bodies(&tx, after, limit)?;
    let mut changes = Vec::with_capacity(entries.len());
    for (entry, body) in &entries {
        let id = entry.entity_id.as_str();
        let change = match (entry.entity, entry.op) {
            (Entity::Course, Op::Delete) => Some(CatalogChange::DeleteCourse {
                id: CourseId::parse(&entry.entity_id).map_err(|e| StoreError::Corrupt {
                    what: "변경 기록",
                    id: entry.seq.to_string(),
                    problem: e.to_string(),
                })?,
            }),
            (Entity::Course, Op::Upsert) => body
                .as_deref()
                .map(|b| decode("강좌", id, b))
                .transpose()?
                .map(|course| CatalogChange::UpsertCourse { course }),
            (Entity::Place, _) => body
                .as_deref()
                .map(|b| decode("장소", id, b))
                .transpose()?
                .map(|place| CatalogChange::UpsertPlace { place }),
            (Entity::Institution, _) => body
                .as_deref()
                .map(|b| decode("기관", id, b))
                .transpose()?
                .map(|institution| CatalogChange::UpsertInstitution { institution }),
        };
        changes.extend(change);
    }
    let cursor = entries.last().map_or(after, |(e, _)| e.seq);
    tx.commit().map_err(StoreError::from)?;
    Ok(CatalogChanges {
        protocol: PROTOCOL_VERSION,
        epoch: current_epoch,
        cursor,
        has_more: cursor < head,
        head,
        changes,
    })
}

/// Where a snapshot chunk starts: after this table rank and id (`1:` institutions, `2:` places,
/// `3:` courses). Keys sort in the order chunks are served.
fn parse_key(key: Option<&str>) -> (u8, String) {
    key.and_then(|k| k.split_once(':'))
        .and_then(|(rank, id)| rank.parse().ok().map(|r| (r, id.to_owned())))
        .unwrap_or((0, String::new()))
}

fn change_for(rank: u8, id: &str, body: &str) -> Result<CatalogChange, StoreError> {
    Ok(match rank {
        1 => CatalogChange::UpsertInstitution { institution: super::decode("기관", id, body)? },
        2 => CatalogChange::UpsertPlace { place: super::decode("장소", id, body)? },
        _ => CatalogChange::UpsertCourse { course: super::decode("강좌", id, body)? },
    })
}

const TABLES: [(u8, &str); 3] = [(1, "institutions"), (2, "places"), (3, "courses")];

/// Up to `limit` records after `after`, in key order, and the key to continue from (None at the
/// end), as the chunk's JSON lines (see `SnapshotChunkHeader`). Each table is read by primary
/// key, so every chunk costs the same at 50,000 courses. Stored bodies are our own canonical
/// compact serialisation, so they are served as they are, without decoding anything.
pub fn snapshot_chunk(
    conn: &mut Connection,
    after: Option<&str>,
    limit: usize,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let tx = conn.read_transaction()?;
    let (after_rank, after_id) = parse_key(after);
    let mut lines = String::new();
    let mut count = 0;
    let mut last_key = None;
    for (rank, table) in TABLES {
        if rank < after_rank || count >= limit {
            continue;
        }
        let kind = match rank {
            1 => RecordKind::Institution,
            2 => RecordKind::Place,
            _ => RecordKind::Course,
        };
        let from = if rank == after_rank { after_id.as_str() } else { "" };
        let mut stmt =
            tx.prepare_cached(&format!("SELECT id, body FROM {table} WHERE id > ?1 ORDER BY id LIMIT ?2"))?;
        let rows = stmt.query_map(crate::params![from, (limit - count) as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (id, body) = row?;
            // One line per record: a stored body with a line break would split it.
            if body.contains('\n') {
                return Err(StoreError::Corrupt { what: "목록 레코드", id, problem: "줄바꿈".into() });
            }
            push_record_line(&mut lines, kind, &body);
            count += 1;
            last_key = Some(format!("{rank}:{id}"));
        }
    }
    let header = SnapshotChunkHeader {
        protocol: PROTOCOL_VERSION,
        epoch: meta::epoch(&tx)?,
        head: catalog_log::head(&tx)?,
        generated_at: now,
        next: if count >= limit { last_key } else { None },
        records: count,
        sha256: String::new(),
    };
    tx.commit()?;
    Ok(encode_snapshot_chunk(header, &lines))
}

/// Digest of the whole catalog (see `CatalogDigest`), for comparing a kiosk's copy.
pub fn checksum(conn: &mut Connection) -> Result<baeum_domain::protocol::CatalogChecksum, StoreError> {
    let tx = conn.read_transaction()?;
    let mut digest = baeum_domain::protocol::CatalogDigest::default();
    for (rank, table) in TABLES {
        let mut stmt = tx.prepare_cached(&format!("SELECT id, body FROM {table} ORDER BY id"))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, body) = row?;
            digest.add(&change_for(rank, &id, &body)?);
        }
    }
    let records = digest.records;
    let result = baeum_domain::protocol::CatalogChecksum {
        epoch: meta::epoch(&tx)?,
        cursor: catalog_log::head(&tx)?,
        records,
        sha256: digest.finish(),
    };
    tx.commit()?;
    Ok(result)
}
