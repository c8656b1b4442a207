//! Applying what the hub sent: a snapshot replaces the local catalog, a page of changes is
//! applied on top. Each happens in one IMMEDIATE transaction together with the cursor, so the
//! kiosk shows either the old catalog or the new one — never half, never empty in between.

use baeum_domain::protocol::{CatalogChange, CatalogChanges, CatalogSnapshot};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior};

use super::{StoreError, courses, institutions, places, sync_state};

pub fn replace_with_snapshot(
    conn: &mut Connection,
    hub_url: &str,
    snapshot: &CatalogSnapshot,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch("DELETE FROM courses; DELETE FROM places; DELETE FROM institutions;")?;
    for i in &snapshot.institutions {
        institutions::upsert(&tx, i)?;
    }
    for p in &snapshot.places {
        places::upsert(&tx, p)?;
    }
    for c in &snapshot.courses {
        courses::upsert(&tx, c)?;
    }
    sync_state::set_position(
        &tx,
        sync_state::Position {
            hub_url,
            epoch: &snapshot.epoch,
            cursor: snapshot.cursor,
            hub_head: snapshot.cursor,
            as_of: snapshot.generated_at,
        },
    )?;
    tx.commit()?;
    Ok(())
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
