//! `videos`: the video courses feeds listed, and the digest of the whole list (in `hub_meta`)
//! that kiosks compare before fetching it.

use crate::db::{Connection, OptionalExtension, Transaction, params};
use baeum_domain::video::{Video, VideoId, list_digest};

use super::StoreError;

pub fn stored_body(conn: &Connection, id: &VideoId) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT body FROM videos WHERE id = ?1", [id.as_str()], |r| r.get(0)).optional()?)
}

pub fn upsert(tx: &Transaction<'_>, video: &Video, body: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO videos (id, provider, body) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, body = excluded.body",
        params![video.id.as_str(), video.provider.as_str(), body],
    )?;
    Ok(())
}

/// True when there was such a video.
pub fn delete(tx: &Transaction<'_>, id: &VideoId) -> Result<bool, StoreError> {
    Ok(tx.execute("DELETE FROM videos WHERE id = ?1", [id.as_str()])? > 0)
}

/// Every video, by id.
pub fn all(conn: &Connection) -> Result<Vec<Video>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, body FROM videos ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, body) = row?;
        out.push(serde_json::from_str(&body).map_err(|e| StoreError::Corrupt {
            what: "동영상 강좌",
            id,
            problem: e.to_string(),
        })?);
    }
    Ok(out)
}

/// Recomputes the list's digest after a change (inside the import's transaction).
pub fn refresh_digest(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let digest = list_digest(&all(tx)?);
    tx.execute(
        "INSERT INTO hub_meta (key, value) VALUES ('videos_digest', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [digest],
    )?;
    Ok(())
}

/// The digest kiosks compare; empty when no video was ever imported.
pub fn digest(conn: &Connection) -> Result<String, StoreError> {
    Ok(conn
        .query_row("SELECT value FROM hub_meta WHERE key = 'videos_digest'", [], |r| r.get::<_, String>(0))
        .optional()?
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::encode;

    #[test]
    fn the_stored_digest_is_the_digest_of_the_stored_list() {
        let mut conn = crate::store::open_in_memory().unwrap();
        assert_eq!(digest(&conn).unwrap(), "");
        let json = r#"{"id":"gseek-1","title":"스마트폰 사진","field":"culture_arts","life_stages":["senior"],"minutes":30,"level":"beginner","provider":"GSEEK","url":"https://www.gseek.kr/c/1"}"#;
        let video: Video = serde_json::from_str(json).unwrap();
        let tx = conn.transaction().unwrap();
        upsert(&tx, &video, &encode(&video)).unwrap();
        refresh_digest(&tx).unwrap();
        tx.commit().unwrap();
        assert_eq!(digest(&conn).unwrap(), list_digest(std::slice::from_ref(&video)));
        assert_eq!(all(&conn).unwrap(), vec![video]);
    }
}
