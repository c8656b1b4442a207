//! `lottery_draws`: every 추첨 with its seed, entrants and result, so anyone can re-run it.

use crate::db::{Connection, OptionalExtension, Transaction, params};
use baeum_domain::rules::Draw;
use baeum_domain::{CourseId, LearnerId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{StoreError, decode, encode};

/// A recorded draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedDraw {
    pub course_id: CourseId,
    pub seed: String,
    pub capacity: u32,
    /// In hub arrival order.
    pub entrants: Vec<LearnerId>,
    pub result: Draw,
    pub drawn_at: DateTime<Utc>,
}

pub fn record(tx: &Transaction<'_>, draw: &RecordedDraw) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO lottery_draws (course_id, seed, entrants, winners, waitlist, drawn_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            draw.course_id.as_str(),
            draw.seed,
            encode(&(draw.capacity, &draw.entrants)),
            encode(&draw.result.winners),
            encode(&draw.result.waitlist),
            draw.drawn_at.to_rfc3339()
        ],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, course: &CourseId) -> Result<Option<RecordedDraw>, StoreError> {
    let row: Option<(String, String, String, String, String)> = conn
        .query_row(
            "SELECT seed, entrants, winners, waitlist, drawn_at FROM lottery_draws WHERE course_id = ?1",
            [course.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((seed, entrants, winners, waitlist, drawn_at)) = row else { return Ok(None) };
    let id = course.as_str();
    let (capacity, entrants): (u32, Vec<LearnerId>) = decode("추첨", id, &entrants)?;
    Ok(Some(RecordedDraw {
        course_id: course.clone(),
        seed,
        capacity,
        entrants,
        result: Draw { winners: decode("추첨", id, &winners)?, waitlist: decode("추첨", id, &waitlist)? },
        drawn_at: drawn_at.parse().map_err(|e: chrono::ParseError| StoreError::Corrupt {
            what: "추첨",
            id: id.to_owned(),
            problem: e.to_string(),
        })?,
    }))
}
