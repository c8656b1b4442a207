//! The rental service at the hub: a room request is checked against the room (days, hours, slot
//! grid, capacity), the person's no-show strikes and every live booking of the same or a
//! conflicting room, in arrival order inside the batch's transaction. The first request for a
//! time gets it; a later one is told "이미 예약된 시간입니다" with the nearest free times.

use baeum_domain::intent::Outcome;
use baeum_domain::rental::{
    ApprovalMode, Booker, BookingRequest, BookingStatus, FreeSlot, RentalIntent, RentalOutcome, Room, RoomRefusal,
    minute_of,
};
use baeum_domain::rules::RejectReason;
use baeum_domain::{BookingId, LearnerId, Won, kst};
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{Decision, rejected};
use crate::store::rentals::{self as store, NewBooking};
use crate::store::{StoreError, learners, sessions};

/// How many free times a refusal offers, and how many days ahead it looks.
const NEAREST: usize = 3;
const LOOK_AHEAD_DAYS: i64 = 14;

pub(super) fn decide(d: &mut Decision<'_, '_>, body: &RentalIntent) -> Result<Outcome, StoreError> {
    if d.staff.is_none() && !sessions::knows(d.tx, d.kiosk, body.learner())? {
        return Ok(rejected(RejectReason::UnknownLearner));
    }
    match body {
        RentalIntent::RequestRoom { booking_id, learner_id, request } => {
            request_room(d, booking_id, learner_id, request)
        }
        RentalIntent::CancelRoom { booking_id, learner_id } => cancel(d, booking_id, learner_id),
    }
}

fn refused(reason: RoomRefusal) -> Result<Outcome, StoreError> {
    Ok(RentalOutcome::RoomRefused { reason }.into())
}

fn starts_at(date: NaiveDate, minute: u32) -> Option<DateTime<Utc>> {
    let t = date.and_hms_opt(minute / 60, minute % 60, 0)?;
    t.and_local_timezone(kst()).single().map(|t| t.to_utc())
}

fn request_room(
    d: &Decision<'_, '_>,
    id: &BookingId,
    learner_id: &LearnerId,
    r: &BookingRequest,
) -> Result<Outcome, StoreError> {
    // A booking id is the kiosk's own random name: met again, it is the same booking.
    if let Some(existing) = store::get(d.tx, id)? {
        return Ok(RentalOutcome::RoomBooked { status: existing.booking.status, fee: existing.booking.fee }.into());
    }
    let Some(room) = store::room(d.tx, &r.room_id)? else {
        return Ok(rejected(RejectReason::UnknownRoom));
    };
    if learners::get(d.tx, learner_id.as_str())?.is_none() {
        return Ok(rejected(RejectReason::UnknownLearner));
    }
    if let Err(reason) = room.fits(r) {
        return refused(reason);
    }
    let start = minute_of(r.start);
    let end = start + r.slots * room.slot_minutes;
    if starts_at(r.date, start).is_none_or(|t| t <= d.now) {
        return refused(RoomRefusal::Past);
    }
    let (holidays, rule) = store::settings(d.tx)?;
    let (person, organisation) = store::strikes(d.tx, learner_id, r.organisation.as_deref())?;
    let barred =
        [rule.barred_until(&person, d.now), rule.barred_until(&organisation, d.now)].into_iter().flatten().max();
    if let Some(until) = barred {
        return refused(RoomRefusal::Barred { until });
    }
    let conflicts = store::conflicts(d.tx, &r.room_id)?;
    let busy = store::busy_on(d.tx, &conflicts, r.date)?;
    if busy.iter().any(|(s, e)| *s < end && *e > start) {
        return refused(RoomRefusal::Taken { nearest: nearest_free(d, &room, &conflicts, r)? });
    }
    let fee = room.fee(r.date, r.start, r.slots, r.booker, &holidays);
    // A reduction is claimed, not proven: staff check it before the booking stands, even in a
    // room that is otherwise booked at once.
    let claimed = r.booker != Booker::General && fee != room.fee(r.date, r.start, r.slots, Booker::General, &holidays);
    let status = match room.approval {
        ApprovalMode::Instant if !claimed => after_approval(&room, r, fee, d.now),
        _ => BookingStatus::AwaitingApproval,
    };
    // Under a savepoint: if the database's own guard refuses it, the rest of the batch goes on
    // (PostgreSQL refuses every later statement of a transaction that had an error).
    let inserted = d.tx.savepoint(|tx| {
        store::insert(
            tx,
            &NewBooking {
                id,
                learner: learner_id,
                request: r,
                status: &status,
                fee,
                kiosk: d.kiosk,
                arrival: d.arrival,
                at: d.now,
                slot_minutes: room.slot_minutes,
            },
        )
    });
    match inserted {
        Ok(()) => Ok(RentalOutcome::RoomBooked { status, fee }.into()),
        // The database's own guard (migration 0012) saw an overlap the check above did not: the
        // person is told the time is taken, and the batch goes on.
        Err(StoreError::Db(e)) if e.to_string().contains("room_overlap") => {
            tracing::error!(room = %r.room_id, "a room overlap was caught by the database, not by arbitration");
            refused(RoomRefusal::Taken { nearest: nearest_free(d, &room, &conflicts, r)? })
        }
        Err(e) => Err(e),
    }
}

/// Approved: a free booking is confirmed, a paid one waits for payment until the room's
/// deadline, or until the booking starts if that comes first.
pub fn after_approval(room: &Room, request: &BookingRequest, fee: Won, now: DateTime<Utc>) -> BookingStatus {
    if fee.is_free() {
        return BookingStatus::Confirmed;
    }
    let deadline = now + Duration::hours(i64::from(room.payment_hours));
    let starts = starts_at(request.date, minute_of(request.start)).unwrap_or(deadline);
    BookingStatus::Approved { pay_by: deadline.min(starts) }
}

/// Free times of the same length in the room nearest the one asked for: that day first (by how
/// far from the asked start), then the following days.
fn nearest_free(
    d: &Decision<'_, '_>,
    room: &Room,
    conflicts: &[String],
    r: &BookingRequest,
) -> Result<Vec<FreeSlot>, StoreError> {
    let length = r.slots * room.slot_minutes;
    let wanted = minute_of(r.start);
    let mut found = Vec::new();
    for offset in 0..=LOOK_AHEAD_DAYS {
        let date = r.date + Duration::days(offset);
        if !room.is_open_on(date) {
            continue;
        }
        let busy = store::busy_on(d.tx, conflicts, date)?;
        let mut free: Vec<(u32, FreeSlot)> = room
            .slot_starts()
            .into_iter()
            .filter_map(|t| {
                let (s, e) = (minute_of(t), minute_of(t) + length);
                let fits = e <= minute_of(room.closes_at) && !busy.iter().any(|(bs, be)| *bs < e && *be > s);
                let future = starts_at(date, s).is_some_and(|at| at > d.now);
                (fits && future).then(|| (s.abs_diff(wanted), FreeSlot { date, start: t }))
            })
            .collect();
        free.sort_by_key(|(distance, slot)| (*distance, slot.start));
        found.extend(free.into_iter().map(|(_, s)| s).take(NEAREST - found.len()));
        if found.len() >= NEAREST {
            break;
        }
    }
    Ok(found)
}

fn cancel(d: &Decision<'_, '_>, id: &BookingId, learner_id: &LearnerId) -> Result<Outcome, StoreError> {
    let Some(stored) = store::get(d.tx, id)? else {
        return Ok(rejected(RejectReason::NotEnrolled));
    };
    let b = stored.booking;
    if &b.learner_id != learner_id {
        return Ok(rejected(RejectReason::NotEnrolled));
    }
    match b.status {
        BookingStatus::Cancelled { refund } => return Ok(RentalOutcome::RoomCancelled { refund }.into()),
        s if !s.is_live() => return Ok(rejected(RejectReason::NotEnrolled)),
        _ => {}
    }
    let Some(room) = store::room(d.tx, &b.request.room_id)? else {
        return Ok(rejected(RejectReason::UnknownRoom));
    };
    // Once the booked time has begun it is used or a no-show, not cancelled (a no-show must not
    // escape its strike by cancelling the next day).
    if starts_at(b.request.date, minute_of(b.request.start)).is_none_or(|t| t <= d.now) {
        return refused(RoomRefusal::Past);
    }
    let today = d.now.with_timezone(&kst()).date_naive();
    let (refund, _) = room.refund(b.paid, b.request.date, today);
    store::set_status(d.tx, id, &BookingStatus::Cancelled { refund }, b.paid, d.now)?;
    Ok(RentalOutcome::RoomCancelled { refund }.into())
}
