//! `videos`, `video_list` and `watch_later`: the hub's video course list and what each learner
//! keeps to watch at home.

use baeum_domain::LearnerId;
use baeum_domain::video::{Video, VideoId};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::StoreError;

/// The digest of the list this kiosk holds (empty for none).
pub fn digest(conn: &Connection) -> Result<String, StoreError> {
    Ok(conn
        .query_row("SELECT digest FROM video_list WHERE only_row = 1", [], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

/// Replaces the whole list with the hub's.
pub fn replace_all(tx: &Transaction<'_>, digest: &str, videos: &[Video]) -> Result<(), StoreError> {
    tx.execute("DELETE FROM videos", [])?;
    let mut insert = tx.prepare_cached("INSERT INTO videos (id, body) VALUES (?1, ?2)")?;
    for v in videos {
        insert.execute(params![v.id.as_str(), serde_json::to_string(v).unwrap_or_default()])?;
    }
    tx.execute(
        "INSERT INTO video_list (only_row, digest) VALUES (1, ?1)
         ON CONFLICT (only_row) DO UPDATE SET digest = excluded.digest",
        [digest],
    )?;
    Ok(())
}

fn decode(id: String, body: &str) -> Result<Video, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt { what: "동영상 강좌", id, problem: e.to_string() })
}

/// Every video, by title.
pub fn all(conn: &Connection) -> Result<Vec<Video>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, body FROM videos")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, body) = row?;
        out.push(decode(id, &body)?);
    }
    out.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}

pub fn get(conn: &Connection, id: &VideoId) -> Result<Option<Video>, StoreError> {
    let body: Option<String> =
        conn.query_row("SELECT body FROM videos WHERE id = ?1", [id.as_str()], |r| r.get(0)).optional()?;
    body.map(|b| decode(id.to_string(), &b)).transpose()
}

/// Keeps `video` on the learner's 나중에 볼 강좌 (again is a no-op).
pub fn save(conn: &Connection, learner: &LearnerId, video: &VideoId, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO watch_later (learner_id, video_id, saved_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![learner.as_str(), video.as_str(), now.to_rfc3339()],
    )?;
    Ok(())
}

pub fn unsave(conn: &Connection, learner: &LearnerId, video: &VideoId) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM watch_later WHERE learner_id = ?1 AND video_id = ?2",
        params![learner.as_str(), video.as_str()],
    )?;
    Ok(())
}

/// The learner's kept videos, oldest first (a video the hub no longer lists is left out).
pub fn saved(conn: &Connection, learner: &LearnerId) -> Result<Vec<Video>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, v.body FROM watch_later w JOIN videos v ON v.id = w.video_id
         WHERE w.learner_id = ?1 ORDER BY w.saved_at, v.id",
    )?;
    let rows = stmt.query_map([learner.as_str()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, body) = row?;
        out.push(decode(id, &body)?);
    }
    Ok(out)
}

/// Forgets the lists of learners whose details left this kiosk.
pub fn purge_orphans(tx: &Transaction<'_>) -> Result<usize, StoreError> {
    Ok(tx.execute(
        "DELETE FROM watch_later WHERE NOT EXISTS (SELECT 1 FROM learners l WHERE l.id = watch_later.learner_id)",
        [],
    )?)
}
