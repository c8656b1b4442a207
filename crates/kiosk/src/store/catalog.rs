//! Applying a page of changes from the hub, in one IMMEDIATE transaction together with the
//! cursor, so after a crash the cursor is never ahead of the data. (Snapshots arrive through
//! `snapshot_staging`.)

use baeum_domain::protocol::{CatalogChange, CatalogChanges};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior};

use super::{StoreError, courses, institutions, places, sync_state};

/// Digest of the local catalog, computed exactly as the hub computes its own
/// (`GET /v1/catalog/checksum`), so the two can be compared.
pub fn checksum(conn: &Connection) -> Result<(u64, String), StoreError> {
    let mut digest = baeum_domain::protocol::CatalogDigest::default();
    for i in institutions::all_by_id(conn)? {
        digest.add(&CatalogChange::UpsertInstitution { institution: i });
    }
    for p in places::all(conn)? {
        digest.add(&CatalogChange::UpsertPlace { place: p });
    }
    for c in courses::all_by_id(conn)? {
        digest.add(&CatalogChange::UpsertCourse { course: c });
    }
    let records = digest.records;
    Ok((records, digest.finish()))
}

pub fn apply_changes(
    conn: &mut Connection,
    hub_url: &str,
    page: &CatalogChanges,
    as_of: DateTime<Utc>,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for change in &page.changes {
        match change {
            CatalogChange::UpsertInstitution { institution } => institutions::upsert(&tx, institution)?,
            CatalogChange::UpsertPlace { place } => places::upsert(&tx, place)?,
            CatalogChange::UpsertCourse { course } => courses::upsert(&tx, course)?,
            CatalogChange::DeleteCourse { id } => courses::delete(&tx, id)?,
        }
    }
    sync_state::set_position(
        &tx,
        sync_state::Position { hub_url, epoch: &page.epoch, cursor: page.cursor, hub_head: page.head, as_of },
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use baeum_domain::protocol::{CatalogChanges, PROTOCOL_VERSION};
    use chrono::Utc;

    use super::*;

    #[test]
    fn a_page_moves_the_cursor_and_records_how_far_behind_the_hub_the_kiosk_still_is() {
        let mut conn = crate::store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let page = CatalogChanges {
            protocol: PROTOCOL_VERSION,
            epoch: "e1".into(),
            cursor: 40,
            has_more: true,
            head: 45,
            changes: Vec::new(),
        };
        apply_changes(&mut conn, "http://hub", &page, Utc::now()).unwrap_or_else(|e| panic!("{e}"));
        let state = sync_state::get(&conn).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((state.cursor, state.hub_head, state.epoch.as_deref()), (40, Some(45), Some("e1")));
    }
}
