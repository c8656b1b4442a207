//! `kiosk_identity`: this kiosk's id, chosen once when its database is created. A wiped database
//! gets a new id, so its sequence numbers can never be mistaken for the old ones.

use baeum_domain::KioskId;
use rusqlite::{Connection, OptionalExtension};

use super::StoreError;

pub fn get_or_create(conn: &Connection) -> Result<KioskId, StoreError> {
    let existing: Option<String> =
        conn.query_row("SELECT kiosk_id FROM kiosk_identity WHERE one = 1", [], |r| r.get(0)).optional()?;
    let id = match existing {
        Some(id) => id,
        None => {
            let id = format!("k-{}", uuid::Uuid::new_v4().simple());
            conn.execute("INSERT INTO kiosk_identity (one, kiosk_id) VALUES (1, ?1)", [&id])?;
            id
        }
    };
    KioskId::parse(&id).map_err(|e| StoreError::Corrupt { what: "키오스크 번호", id, problem: e.to_string() })
}
