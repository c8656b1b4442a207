//! `catalog_log`: the ordered, compacted record of catalog changes kiosks follow by cursor.

use crate::db::{Connection, Dialect, Transaction, params};

use super::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Institution,
    Place,
    Course,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Institution => "institution",
            Entity::Place => "place",
            Entity::Course => "course",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "institution" => Some(Entity::Institution),
            "place" => Some(Entity::Place),
            "course" => Some(Entity::Course),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Upsert,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub seq: u64,
    pub entity: Entity,
    pub entity_id: String,
    pub op: Op,
}

/// Records a change and returns its sequence number. The record's older entry is dropped,
/// so the log holds at most one entry per record (its newest).
pub fn append(tx: &Transaction<'_>, entity: Entity, id: &str, op: Op) -> Result<u64, StoreError> {
    tx.execute("DELETE FROM catalog_log WHERE entity = ?1 AND entity_id = ?2", params![entity.as_str(), id])?;
    let op = match op {
        Op::Upsert => "upsert",
        Op::Delete => "delete",
    };
    let seq: i64 = match tx.dialect() {
        Dialect::Sqlite => tx.query_row(
            "INSERT INTO catalog_log (entity, entity_id, op) VALUES (?1, ?2, ?3) RETURNING seq",
            params![entity.as_str(), id, op],
            |r| r.get(0),
        )?,
        // A sequence would hand out numbers in a different order from commits, and a kiosk
        // paging "after N" could skip a late one. The counter row is locked until commit, and it
        // is read in the same snapshot as the log.
        Dialect::Postgres => {
            let seq = super::counters::next(tx, super::counters::CATALOG_LOG)?;
            tx.execute(
                "INSERT INTO catalog_log (seq, entity, entity_id, op) VALUES (?1, ?2, ?3, ?4)",
                params![seq, entity.as_str(), id, op],
            )?;
            i64::try_from(seq).unwrap_or(i64::MAX)
        }
    };
    Ok(u64::try_from(seq).unwrap_or_default())
}

/// The newest sequence number ever issued (AUTOINCREMENT never reuses one), 0 if none.
pub fn head(conn: &Connection) -> Result<u64, StoreError> {
    let sql = match conn.dialect() {
        Dialect::Sqlite => "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'catalog_log'), 0)",
        Dialect::Postgres => "SELECT COALESCE((SELECT value FROM counters WHERE name = 'catalog_log'), 0)",
    };
    let seq: i64 = conn.query_row(sql, [], |r| r.get(0))?;
    Ok(u64::try_from(seq).unwrap_or_default())
}

/// Up to `limit` entries after `cursor`, oldest first.
pub fn after(conn: &Connection, cursor: u64, limit: usize) -> Result<Vec<LogEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, entity, entity_id, op, NULL FROM catalog_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    Ok(entries(&mut stmt, cursor, limit)?.into_iter().map(|(e, _)| e).collect())
}

/// [`after`], each entry with its record's stored body as it is now (`None` once it is gone),
/// in one query: on PostgreSQL a query per record would cost a round trip each, and a page of
/// 1,000 changed courses a thousand of them.
pub fn after_with_bodies(
    conn: &Connection,
    cursor: u64,
    limit: usize,
) -> Result<Vec<(LogEntry, Option<String>)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.seq, l.entity, l.entity_id, l.op, COALESCE(i.body, p.body, c.body)
           FROM catalog_log l
           LEFT JOIN institutions i ON l.entity = 'institution' AND i.id = l.entity_id
           LEFT JOIN places p ON l.entity = 'place' AND p.id = l.entity_id
           LEFT JOIN courses c ON l.entity = 'course' AND c.id = l.entity_id
          WHERE l.seq > ?1 ORDER BY l.seq LIMIT ?2",
    )?;
    entries(&mut stmt, cursor, limit)
}

fn entries(
    stmt: &mut crate::db::Statement<'_>,
    cursor: u64,
    limit: usize,
) -> Result<Vec<(LogEntry, Option<String>)>, StoreError> {
    let rows = stmt.query_map(params![i64::try_from(cursor).unwrap_or(i64::MAX), limit as i64], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, entity, entity_id, op, body) = row?;
        let entity = Entity::parse(&entity).ok_or_else(|| StoreError::Corrupt {
            what: "변경 기록",
            id: seq.to_string(),
            problem: format!("알 수 없는 종류 {entity}"),
        })?;
        let op = if op == "delete" { Op::Delete } else { Op::Upsert };
        out.push((LogEntry { seq: u64::try_from(seq).unwrap_or_default(), entity, entity_id, op }, body));
    }
    Ok(out)
}
