//! `rooms`, `room_conflicts`, `room_settings`, `room_bookings`, `room_strikes`, `room_actions`:
//! what the rental service keeps. Overlaps are refused here too (triggers in migration 0012).

use crate::db::{Connection, OptionalExtension, params};
use baeum_domain::rental::{
    Booking, BookingRequest, BookingStatus, Busy, Room, RoomsConfig, StrikeRule, conflicting, minute_of,
};
use baeum_domain::{BookingId, KioskId, LearnerId, RoomId, Won};
use chrono::{DateTime, NaiveDate, Utc};

use super::{StoreError, decode, decode_rows, encode, read_time};

/// Loads the rooms file: every room (new or changed), the conflicts between them, holidays and
/// the no-show rule. A room left out of the file stays (its bookings still name it).
pub fn put_config(conn: &Connection, config: &RoomsConfig) -> Result<(), StoreError> {
    let mut upsert = conn.prepare_cached(
        "INSERT INTO rooms (id, institution_id, body) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET institution_id = excluded.institution_id, body = excluded.body",
    )?;
    for room in &config.rooms {
        upsert.execute(params![room.id.as_str(), room.institution_id.as_str(), encode(room)])?;
    }
    let all = rooms(conn)?;
    conn.execute("DELETE FROM room_conflicts", [])?;
    let mut pair = conn.prepare_cached("INSERT INTO room_conflicts (room_id, other_id) VALUES (?1, ?2)")?;
    for room in &all {
        for other in conflicting(&all, &room.id) {
            pair.execute(params![room.id.as_str(), other.as_str()])?;
        }
    }
    conn.execute(
        "INSERT INTO room_settings (id, holidays, strikes) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET holidays = excluded.holidays, strikes = excluded.strikes",
        params![encode(&config.holidays), encode(&config.strikes)],
    )?;
    Ok(())
}

pub fn rooms(conn: &Connection) -> Result<Vec<Room>, StoreError> {
    decode_rows(conn, "대관 시설", "SELECT id, body FROM rooms ORDER BY institution_id, id", [])
}

pub fn room(conn: &Connection, id: &RoomId) -> Result<Option<Room>, StoreError> {
    let body: Option<String> = conn
        .prepare_cached("SELECT body FROM rooms WHERE id = ?1")?
        .query_row([id.as_str()], |r| r.get(0))
        .optional()?;
    body.map(|b| decode("대관 시설", id.as_str(), &b)).transpose()
}

/// Holidays and the no-show rule (none and "never barred" before a rooms file was loaded).
pub fn settings(conn: &Connection) -> Result<(Vec<NaiveDate>, StrikeRule), StoreError> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT holidays, strikes FROM room_settings WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        Some((h, s)) => Ok((decode("공휴일", "1", &h)?, decode("노쇼 기준", "1", &s)?)),
        None => Ok((Vec::new(), StrikeRule { bar_after: 0, bar_days: 0, expire_days: 0 })),
    }
}

/// Rooms that may not be booked at the same time as `room` (itself included).
pub fn conflicts(conn: &Connection, room: &RoomId) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT other_id FROM room_conflicts WHERE room_id = ?1")?;
    let ids = stmt.query_map([room.as_str()], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(ids)
}

/// Live stretches of these rooms on `date`, as (start, end) minutes.
pub fn busy_on(conn: &Connection, rooms: &[String], date: NaiveDate) -> Result<Vec<(u32, u32)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT start_minute, end_minute FROM room_bookings WHERE room_id = ?1 AND date = ?2 AND live = 1",
    )?;
    let mut out = Vec::new();
    for room in rooms {
        for row in
            stmt.query_map(params![room, date.to_string()], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, u32>(1)?)))?
        {
            out.push(row?);
        }
    }
    Ok(out)
}

/// Every live booking's time from `from` on (for kiosks' calendars; no names).
pub fn busy_from(conn: &Connection, from: NaiveDate) -> Result<Vec<Busy>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT room_id, date, start_minute, end_minute FROM room_bookings WHERE live = 1 AND date >= ?1
         ORDER BY room_id, date, start_minute",
    )?;
    let rows = stmt.query_map([from.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?, r.get::<_, u32>(3)?))
    })?;
    rows.map(|row| {
        let (room, date, start_minute, end_minute) = row?;
        let corrupt = |problem: String| StoreError::Corrupt { what: "대관 예약", id: room.clone(), problem };
        Ok(Busy {
            room_id: RoomId::parse(&room).map_err(|e| corrupt(e.to_string()))?,
            date: date.parse().map_err(|e: chrono::ParseError| corrupt(e.to_string()))?,
            start_minute,
            end_minute,
        })
    })
    .collect()
}

/// A booking as stored, with what the hub needs beside the wire form.
#[derive(Debug, Clone)]
pub struct StoredBooking {
    pub booking: Booking,
    pub kiosk_id: String,
}

pub struct NewBooking<'a> {
    pub id: &'a BookingId,
    pub learner: &'a LearnerId,
    pub request: &'a BookingRequest,
    pub status: &'a BookingStatus,
    pub fee: Won,
    pub kiosk: &'a KioskId,
    pub arrival: u64,
    pub at: DateTime<Utc>,
    pub slot_minutes: u32,
}

impl std::fmt::Debug for NewBooking<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewBooking").field("id", self.id).field("status", self.status).finish_non_exhaustive()
    }
}

pub fn insert(conn: &Connection, b: &NewBooking<'_>) -> Result<(), StoreError> {
    let start = minute_of(b.request.start);
    let end = start + b.request.slots * b.slot_minutes;
    conn.prepare_cached(
        "INSERT INTO room_bookings (booking_id, learner_id, room_id, date, start_minute, end_minute, request, status,
             live, fee, organisation, pay_by, kiosk_id, arrival, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
    )?
    .execute(params![
        b.id.as_str(),
        b.learner.as_str(),
        b.request.room_id.as_str(),
        b.request.date.to_string(),
        start,
        end,
        encode(b.request),
        encode(b.status),
        b.status.is_live(),
        b.fee.0,
        b.request.organisation.as_deref().map(organisation_key),
        pay_by(b.status),
        b.kiosk.as_str(),
        b.arrival as i64,
        b.at.to_rfc3339()
    ])?;
    Ok(())
}

fn pay_by(status: &BookingStatus) -> Option<String> {
    match status {
        BookingStatus::Approved { pay_by } => Some(pay_by.to_rfc3339()),
        _ => None,
    }
}

/// An organisation's name as strikes count it: spaces and case do not make another club.
pub fn organisation_key(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

const COLUMNS: &str = "booking_id, learner_id, request, status, fee, paid, kiosk_id";

type Row = (String, String, String, String, u32, u32, String);

fn read(row: Row) -> Result<StoredBooking, StoreError> {
    let (id, learner, request, status, fee, paid, kiosk_id) = row;
    let corrupt = |problem: String| StoreError::Corrupt { what: "대관 예약", id: id.clone(), problem };
    Ok(StoredBooking {
        booking: Booking {
            booking_id: BookingId::parse(&id).map_err(|e| corrupt(e.to_string()))?,
            learner_id: LearnerId::parse(&learner).map_err(|e| corrupt(e.to_string()))?,
            request: decode("대관 신청", &id, &request)?,
            status: decode("대관 상태", &id, &status)?,
            fee: Won(fee),
            paid: Won(paid),
        },
        kiosk_id,
    })
}

fn row(r: &crate::db::Row<'_>) -> crate::db::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

pub fn get(conn: &Connection, id: &BookingId) -> Result<Option<StoredBooking>, StoreError> {
    let found = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM room_bookings WHERE booking_id = ?1"))?
        .query_row([id.as_str()], row)
        .optional()?;
    found.map(read).transpose()
}

/// Every booking of these learners, soonest first.
pub fn of_learners(conn: &Connection, learners: &[LearnerId]) -> Result<Vec<Booking>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM room_bookings WHERE learner_id = ?1 ORDER BY date, start_minute"
    ))?;
    let mut out = Vec::new();
    for l in learners {
        let rows: Vec<Row> = stmt.query_map([l.as_str()], row)?.collect::<Result<_, _>>()?;
        for r in rows {
            out.push(read(r)?.booking);
        }
    }
    Ok(out)
}

/// Bookings waiting for staff (승인 대기), oldest first, or every booking from `from` on.
pub fn listed(conn: &Connection, waiting_only: bool) -> Result<Vec<Booking>, StoreError> {
    let sql = if waiting_only {
        let status = crate::db::json_field(conn.dialect(), "status", "status");
        format!(
            "SELECT {COLUMNS} FROM room_bookings WHERE live = 1 AND {status} = 'awaiting_approval'
             ORDER BY arrival"
        )
    } else {
        format!("SELECT {COLUMNS} FROM room_bookings ORDER BY date, start_minute")
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows: Vec<Row> = stmt.query_map([], row)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(|r| read(r).map(|s| s.booking)).collect()
}

pub fn set_status(
    conn: &Connection,
    id: &BookingId,
    status: &BookingStatus,
    paid: Won,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE room_bookings SET status = ?2, live = ?3, paid = ?4, pay_by = ?5, updated_at = ?6 WHERE booking_id = ?1",
    )?
    .execute(params![id.as_str(), encode(status), status.is_live(), paid.0, pay_by(status), now.to_rfc3339()])?;
    Ok(())
}

/// Approved bookings whose payment deadline passed.
pub fn overdue(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<BookingId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT booking_id FROM room_bookings WHERE live = 1 AND pay_by IS NOT NULL AND pay_by <= ?1",
    )?;
    let ids: Vec<String> = stmt.query_map([now.to_rfc3339()], |r| r.get(0))?.collect::<Result<_, _>>()?;
    ids.iter()
        .map(|i| {
            BookingId::parse(i).map_err(|e| StoreError::Corrupt {
                what: "대관 예약",
                id: i.clone(),
                problem: e.to_string(),
            })
        })
        .collect()
}

pub fn add_strike(
    conn: &Connection,
    learner: &LearnerId,
    organisation: Option<&str>,
    booking: &BookingId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO room_strikes (learner_id, organisation, booking_id, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (booking_id) DO NOTHING",
        params![learner.as_str(), organisation.map(organisation_key), booking.as_str(), at.to_rfc3339()],
    )?;
    Ok(())
}

/// Times of no-show strikes.
pub type Strikes = Vec<DateTime<Utc>>;

/// Strikes against the person, and against the organisation when one is named.
pub fn strikes(
    conn: &Connection,
    learner: &LearnerId,
    organisation: Option<&str>,
) -> Result<(Strikes, Strikes), StoreError> {
    let read_all = |sql: &str, key: &str| -> Result<Vec<DateTime<Utc>>, StoreError> {
        let mut stmt = conn.prepare_cached(sql)?;
        let raw: Vec<String> = stmt.query_map([key], |r| r.get(0))?.collect::<Result<_, _>>()?;
        raw.iter().map(|t| read_time("노쇼 기록", key, t)).collect()
    };
    let person = read_all("SELECT at FROM room_strikes WHERE learner_id = ?1", learner.as_str())?;
    let organisation = match organisation {
        Some(name) => read_all("SELECT at FROM room_strikes WHERE organisation = ?1", &organisation_key(name))?,
        None => Vec::new(),
    };
    Ok((person, organisation))
}

pub fn record_action(
    conn: &Connection,
    id: &BookingId,
    action: &str,
    by: &str,
    reason: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO room_actions (booking_id, action, by_name, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id.as_str(), action, by, reason, at.to_rfc3339()],
    )?;
    Ok(())
}

/// Pairs of live bookings that overlap in the same or conflicting rooms (the invariant; empty
/// always).
pub fn overlaps(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT a.booking_id, b.booking_id FROM room_bookings a JOIN room_bookings b
           ON a.booking_id < b.booking_id AND a.date = b.date
          AND a.start_minute < b.end_minute AND b.start_minute < a.end_minute
         WHERE a.live = 1 AND b.live = 1
           AND (a.room_id = b.room_id
                OR EXISTS (SELECT 1 FROM room_conflicts c WHERE c.room_id = a.room_id AND c.other_id = b.room_id))",
    )?;
    let pairs = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    Ok(pairs)
}
