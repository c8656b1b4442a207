//! `rooms`, `room_busy`, `room_board`, `room_bookings` at the kiosk: the hub's room board as of
//! the last sync (for calendars offline) and this kiosk's learners' bookings.

use baeum_domain::intent::Outcome;
use baeum_domain::rental::{
    Booking, BookingRequest, BookingStatus, Busy, RentalIntent, RentalOutcome, Room, RoomBoard, RoomRefusal,
};
use baeum_domain::rules::RejectReason;
use baeum_domain::{BookingId, LearnerId, OpId, Won};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{StoreError, decode, decode_rows, encode, read_time};

/// Replaces the board with the hub's.
pub fn replace_board(tx: &Transaction<'_>, board: &RoomBoard) -> Result<(), StoreError> {
    tx.execute("DELETE FROM rooms", [])?;
    tx.execute("DELETE FROM room_busy", [])?;
    let mut room = tx.prepare_cached("INSERT INTO rooms (id, body) VALUES (?1, ?2)")?;
    for r in &board.rooms {
        room.execute(params![r.id.as_str(), encode(r)])?;
    }
    let mut busy =
        tx.prepare_cached("INSERT INTO room_busy (room_id, date, start_minute, end_minute) VALUES (?1, ?2, ?3, ?4)")?;
    for b in &board.busy {
        busy.execute(params![b.room_id.as_str(), b.date.to_string(), b.start_minute, b.end_minute])?;
    }
    tx.execute(
        "INSERT INTO room_board (id, as_of, holidays) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET as_of = excluded.as_of, holidays = excluded.holidays",
        params![board.as_of.to_rfc3339(), encode(&board.holidays)],
    )?;
    Ok(())
}

pub fn rooms(conn: &Connection) -> Result<Vec<Room>, StoreError> {
    decode_rows(conn, "대관 시설", "SELECT id, body FROM rooms ORDER BY id", [])
}

/// When the board was true, and the holidays.
pub type BoardMeta = (DateTime<Utc>, Vec<NaiveDate>);

/// When the board was true, and the holidays (None before the first sync).
pub fn board_meta(conn: &Connection) -> Result<Option<BoardMeta>, StoreError> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT as_of, holidays FROM room_board WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(t, h)| Ok((read_time("대관 현황 시각", "1", &t)?, decode("공휴일", "1", &h)?))).transpose()
}

/// Taken stretches of these rooms between `from` and `to` (inclusive): the hub's, and this
/// kiosk's own requests still on their way.
pub fn busy_between(
    conn: &Connection,
    rooms: &[&str],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Busy>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT date, start_minute, end_minute FROM room_busy WHERE room_id = ?1 AND date >= ?2 AND date <= ?3",
    )?;
    let mut out = Vec::new();
    for room in rooms {
        let rows = stmt.query_map(params![room, from.to_string(), to.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?, r.get::<_, u32>(2)?))
        })?;
        for row in rows {
            let (date, start_minute, end_minute) = row?;
            let corrupt =
                |problem: String| StoreError::Corrupt { what: "대관 현황", id: (*room).to_owned(), problem };
            out.push(Busy {
                room_id: baeum_domain::RoomId::parse(room).map_err(|e| corrupt(e.to_string()))?,
                date: date.parse().map_err(|e: chrono::ParseError| corrupt(e.to_string()))?,
                start_minute,
                end_minute,
            });
        }
    }
    Ok(out)
}

/// A booking as this kiosk knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalBooking {
    pub booking_id: BookingId,
    pub learner_id: LearnerId,
    pub request: BookingRequest,
    pub status: Option<BookingStatus>,
    pub fee: Option<Won>,
    pub paid: Won,
    pub refused: Option<RoomRefusal>,
    pub rejected: Option<RejectReason>,
    pub pending: bool,
    pub hub_as_of: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "booking_id, learner_id, request, status, fee, paid, refused, rejected, pending_op, hub_as_of";

type Row = (
    String,
    String,
    String,
    Option<String>,
    Option<u32>,
    u32,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?))
}

fn read(row: Row) -> Result<LocalBooking, StoreError> {
    let (id, learner, request, status, fee, paid, refused, rejected, pending, hub_as_of) = row;
    let corrupt = |problem: String| StoreError::Corrupt { what: "대관 예약", id: id.clone(), problem };
    Ok(LocalBooking {
        booking_id: BookingId::parse(&id).map_err(|e| corrupt(e.to_string()))?,
        learner_id: LearnerId::parse(&learner).map_err(|e| corrupt(e.to_string()))?,
        request: decode("대관 신청", &id, &request)?,
        status: status.map(|s| decode("대관 상태", &id, &s)).transpose()?,
        fee: fee.map(Won),
        paid: Won(paid),
        refused: refused.map(|s| decode("대관 거절", &id, &s)).transpose()?,
        rejected: rejected.map(|r| decode("대관 거절", &id, &format!("\"{r}\""))).transpose()?,
        pending: pending.is_some(),
        hub_as_of: hub_as_of.map(|t| read_time("대관 조회 시각", &id, &t)).transpose()?,
    })
}

pub fn get(conn: &Connection, id: &BookingId) -> Result<Option<LocalBooking>, StoreError> {
    let found = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM room_bookings WHERE booking_id = ?1"))?
        .query_row([id.as_str()], row)
        .optional()?;
    found.map(read).transpose()
}

/// A learner's bookings, newest request first.
pub fn of_learner(conn: &Connection, learner: &LearnerId) -> Result<Vec<LocalBooking>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM room_bookings WHERE learner_id = ?1 ORDER BY created_at DESC"
    ))?;
    let rows: Vec<Row> = stmt.query_map([learner.as_str()], row)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(read).collect()
}

/// This kiosk's requests still on their way (their times count as taken here).
pub fn pending(conn: &Connection) -> Result<Vec<LocalBooking>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM room_bookings WHERE pending_op IS NOT NULL AND status IS NULL"
    ))?;
    let rows: Vec<Row> = stmt.query_map([], row)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(read).collect()
}

pub fn insert_requested(
    tx: &Transaction<'_>,
    id: &BookingId,
    learner: &LearnerId,
    request: &BookingRequest,
    op: &OpId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO room_bookings (booking_id, learner_id, request, pending_op, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id.as_str(), learner.as_str(), encode(request), op.as_str(), now.to_rfc3339()])?;
    Ok(())
}

pub fn set_pending(tx: &Transaction<'_>, id: &BookingId, op: &OpId) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE room_bookings SET pending_op = ?2 WHERE booking_id = ?1")?
        .execute(params![id.as_str(), op.as_str()])?;
    Ok(())
}

/// Takes the hub's answer to intent `op`.
pub fn apply_outcome(
    tx: &Transaction<'_>,
    op: &OpId,
    intent: &RentalIntent,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = intent.booking();
    let (status, fee, refused, rejected): (
        Option<BookingStatus>,
        Option<Won>,
        Option<RoomRefusal>,
        Option<RejectReason>,
    ) = match outcome {
        // A cancellation the hub refused leaves the booking as it was (the next lookup says how
        // it stands); only a refused request marks the booking itself.
        Outcome::Rejected { .. } | Outcome::Rental(RentalOutcome::RoomRefused { .. })
            if matches!(intent, RentalIntent::CancelRoom { .. }) =>
        {
            (None, None, None, None)
        }
        Outcome::Rental(RentalOutcome::RoomBooked { status, fee }) => (Some(status.clone()), Some(*fee), None, None),
        Outcome::Rental(RentalOutcome::RoomRefused { reason }) => (None, None, Some(reason.clone()), None),
        Outcome::Rental(RentalOutcome::RoomCancelled { refund }) => {
            (Some(BookingStatus::Cancelled { refund: *refund }), None, None, None)
        }
        Outcome::Rejected { reason } => (None, None, None, Some(*reason)),
        _ => return Ok(()),
    };
    tx.prepare_cached(
        "UPDATE room_bookings SET status = COALESCE(?3, status), fee = COALESCE(?4, fee), refused = COALESCE(?5, refused),
             rejected = COALESCE(?6, rejected), pending_op = NULL, hub_as_of = ?7
         WHERE booking_id = ?1 AND pending_op = ?2",
    )?
    .execute(params![
        id.as_str(),
        op.as_str(),
        status.as_ref().map(encode),
        fee.map(|f| f.0),
        refused.as_ref().map(encode),
        rejected.map(RejectReason::code),
        now.to_rfc3339()
    ])?;
    Ok(())
}

/// Takes the hub's current view of a booking (approved, rejected, paid, released since).
pub fn apply_hub_view(tx: &Transaction<'_>, b: &Booking, as_of: DateTime<Utc>) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO room_bookings (booking_id, learner_id, request, status, fee, paid, created_at, hub_as_of)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
         ON CONFLICT (booking_id) DO UPDATE SET status = excluded.status, fee = excluded.fee, paid = excluded.paid,
             refused = NULL, rejected = NULL, hub_as_of = excluded.hub_as_of
         WHERE room_bookings.pending_op IS NULL",
    )?
    .execute(params![
        b.booking_id.as_str(),
        b.learner_id.as_str(),
        encode(&b.request),
        encode(&b.status),
        b.fee.0,
        b.paid.0,
        as_of.to_rfc3339()
    ])?;
    Ok(())
}

pub fn learners_to_refresh(conn: &Connection) -> Result<Vec<LearnerId>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT learner_id FROM room_bookings ORDER BY learner_id")?;
    let ids: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(ids.iter().filter_map(|i| LearnerId::parse(i).ok()).collect())
}

/// Forgets the bookings of learners whose details left this kiosk (none on its way).
pub fn purge_orphans(tx: &Transaction<'_>) -> Result<usize, StoreError> {
    Ok(tx.execute(
        "DELETE FROM room_bookings WHERE pending_op IS NULL
           AND NOT EXISTS (SELECT 1 FROM learners l WHERE l.id = room_bookings.learner_id)",
        [],
    )?)
}
