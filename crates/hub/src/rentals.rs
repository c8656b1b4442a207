//! Operating the rooms (시설 대관): loading the rooms file, and what staff decide on a booking —
//! approve, reject with a reason, record the payment, mark a no-show (a strike) — each recorded
//! with who and why. Releasing approved bookings left unpaid is housekeeping's
//! ([`release_overdue`]). Requests and cancellations are decided in `arbitration::rental`.

use crate::db::{Connection, TransactionBehavior};
use baeum_domain::rental::{BookingStatus, RoomsConfig};
use baeum_domain::{BookingId, kst};
use chrono::{DateTime, Utc};

use crate::store::StoreError;
use crate::store::rentals as store;

#[derive(Debug, thiserror::Error)]
pub enum RentalError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("대관 시설 파일을 읽을 수 없습니다: {0}")]
    Config(String),
    #[error("없는 예약 번호입니다: {0}")]
    Unknown(BookingId),
    #[error("{id}: 지금 상태({status})에서는 할 수 없습니다")]
    WrongState { id: BookingId, status: &'static str },
    #[error("{0}: 반려 사유를 적어 주세요")]
    ReasonNeeded(BookingId),
    #[error("{0}: 예약 시간이 끝나지 않아 노쇼로 기록할 수 없습니다")]
    NotYet(BookingId),
    #[error("{0}: 그 시간에 이미 다른 예약이 있습니다")]
    Overlap(BookingId),
}

impl From<crate::db::Error> for RentalError {
    fn from(e: crate::db::Error) -> Self {
        RentalError::Store(e.into())
    }
}

/// Reads and loads the rooms file, all or nothing. Every room must name its parts among the
/// rooms the hub knows after loading, so a hall cannot be made of a room nobody can see; and a
/// file that would make live bookings overlap (a new hall over rooms already booked) is refused.
pub fn load_rooms(conn: &mut Connection, json: &str) -> Result<RoomsConfig, RentalError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let config = load_rooms_in(&tx, json)?;
    let overlaps = store::overlaps(&tx)?;
    if let Some((a, b)) = overlaps.first() {
        return Err(RentalError::Config(format!("이 설정이면 이미 있는 예약 {a}와(과) {b}의 시간이 겹칩니다")));
    }
    tx.commit()?;
    Ok(config)
}

fn load_rooms_in(conn: &Connection, json: &str) -> Result<RoomsConfig, RentalError> {
    let config: RoomsConfig = serde_json::from_str(json).map_err(|e| RentalError::Config(e.to_string()))?;
    for room in &config.rooms {
        if room.slot_minutes < 10 || room.opens_at >= room.closes_at || room.name.trim().is_empty() {
            return Err(RentalError::Config(format!("{}: 운영 시간이나 이용 단위가 맞지 않습니다", room.id)));
        }
        if let Some(photo) = &room.photo {
            let safe = photo.len() <= 100
                && !photo.contains("..")
                && photo.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_./-".contains(&b))
                && [".svg", ".png", ".jpg"].iter().any(|ext| photo.ends_with(ext));
            if !safe {
                return Err(RentalError::Config(format!(
                    "{}: 사진은 키오스크 화면에 들어 있는 파일 이름이어야 합니다 (예: rooms/lecture_room.svg)",
                    room.id
                )));
            }
        }
        for part in &room.parts {
            let known = config.rooms.iter().any(|r| &r.id == part) || store::room(conn, part)?.is_some();
            if !known || part == &room.id {
                return Err(RentalError::Config(format!("{}: 구성 시설 {part}을(를) 찾을 수 없습니다", room.id)));
            }
        }
    }
    store::put_config(conn, &config)?;
    Ok(config)
}

fn in_state(
    conn: &Connection,
    id: &BookingId,
    allowed: fn(&BookingStatus) -> bool,
) -> Result<store::StoredBooking, RentalError> {
    let stored = store::get(conn, id)?.ok_or_else(|| RentalError::Unknown(id.clone()))?;
    if !allowed(&stored.booking.status) {
        return Err(RentalError::WrongState { id: id.clone(), status: stored.booking.status.label_ko() });
    }
    Ok(stored)
}

/// 승인: a free booking is confirmed, a paid one waits for payment until the room's deadline.
pub fn approve(
    conn: &mut Connection,
    id: &BookingId,
    by: &str,
    now: DateTime<Utc>,
) -> Result<BookingStatus, RentalError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stored = in_state(&tx, id, |s| matches!(s, BookingStatus::AwaitingApproval))?;
    let room = store::room(&tx, &stored.booking.request.room_id)?
        .ok_or_else(|| RentalError::Config(format!("{}: 시설이 없습니다", stored.booking.request.room_id)))?;
    let status = crate::arbitration::rental::after_approval(&room, &stored.booking.request, stored.booking.fee, now);
    store::set_status(&tx, id, &status, stored.booking.paid, now)?;
    store::record_action(&tx, id, "approve", by, None, now)?;
    tx.commit()?;
    Ok(status)
}

/// 반려, with the reason the person will read.
pub fn reject(
    conn: &mut Connection,
    id: &BookingId,
    by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), RentalError> {
    let reason =
        baeum_domain::text::clean(reason, 200, true, false).map_err(|_| RentalError::ReasonNeeded(id.clone()))?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stored = in_state(&tx, id, |s| matches!(s, BookingStatus::AwaitingApproval | BookingStatus::Approved { .. }))?;
    store::set_status(&tx, id, &BookingStatus::Rejected { reason: reason.clone() }, stored.booking.paid, now)?;
    store::record_action(&tx, id, "reject", by, Some(&reason), now)?;
    tx.commit()?;
    Ok(())
}

/// The fee was paid (at the desk, receipt number `receipt`): 예약 확정.
pub fn paid(
    conn: &mut Connection,
    id: &BookingId,
    by: &str,
    receipt: &str,
    now: DateTime<Utc>,
) -> Result<(), RentalError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stored = in_state(&tx, id, |s| matches!(s, BookingStatus::Approved { .. }))?;
    store::set_status(&tx, id, &BookingStatus::Confirmed, stored.booking.fee, now)?;
    store::record_action(&tx, id, "paid", by, Some(receipt), now)?;
    tx.commit()?;
    Ok(())
}

/// 노쇼: a confirmed booking whose day has come and nobody used it. A strike for the person and
/// the organisation.
pub fn no_show(conn: &mut Connection, id: &BookingId, by: &str, now: DateTime<Utc>) -> Result<(), RentalError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stored = in_state(&tx, id, |s| matches!(s, BookingStatus::Confirmed))?;
    let b = &stored.booking;
    // Only once the booked time is over: before its end, the person may still come.
    let room = store::room(&tx, &b.request.room_id)?;
    let ends = room.and_then(|r| {
        let end = baeum_domain::rental::minute_of(b.request.start) + b.request.slots * r.slot_minutes;
        b.request.date.and_hms_opt(end / 60, end % 60, 0)?.and_local_timezone(kst()).single()
    });
    if ends.is_none_or(|t| now < t.to_utc()) {
        return Err(RentalError::NotYet(id.clone()));
    }
    store::set_status(&tx, id, &BookingStatus::NoShow, b.paid, now)?;
    store::add_strike(&tx, &b.learner_id, b.request.organisation.as_deref(), id, now)?;
    store::record_action(&tx, id, "no_show", by, None, now)?;
    tx.commit()?;
    Ok(())
}

/// Approved bookings left unpaid past their deadline are released (the room is free again).
/// Runs inside housekeeping's transaction; returns how many.
pub fn release_overdue(conn: &Connection, now: DateTime<Utc>) -> Result<u32, StoreError> {
    let mut released = 0;
    for id in store::overdue(conn, now)? {
        store::set_status(conn, &id, &BookingStatus::Released, baeum_domain::Won::ZERO, now)?;
        store::record_action(conn, &id, "released_unpaid", "housekeeping", None, now)?;
        released += 1;
    }
    Ok(released)
}
