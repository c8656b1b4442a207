//! The rental service at the kiosk (시설 대관): rooms and a calendar that works offline from the
//! last sync and says as of when, the fee shown before anything is filed, the request filed as
//! an intent, its status (승인 대기 / 승인 / 반려 / 취소), cancelling with the refund shown first,
//! and the 대관 확인서 slip.

use baeum_domain::intent::IntentBody;
use baeum_domain::rental::{
    ApprovalMode, Booker, BookingRequest, BookingStatus, FreeSlot, RentalIntent, Room, RoomKind, RoomRefusal,
    conflicting, minute_of,
};
use baeum_domain::{BookingId, LearnerId, RoomId, Won, kst};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use crate::Kiosk;
use crate::error::KioskError;
use crate::on_duty::OnDuty;
use crate::store::rentals::LocalBooking;
use crate::store::{self, outbox};

/// A room as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoomCard {
    pub id: String,
    pub name: String,
    pub institution: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub kind: RoomKind,
    pub capacity: u32,
    pub equipment: Vec<String>,
    pub photo: Option<String>,
    /// `09:00~22:00`
    pub hours: String,
    pub slot_minutes: u32,
    /// Per slot, in won (0: free).
    pub fee_per_slot: u32,
    pub surcharge_percent: u8,
    /// Evening slots start at this time (`18:00`).
    pub evening_from: String,
    /// Booked at once (true) or after staff approve.
    pub instant: bool,
    pub payment_hours: u32,
    /// `7일 전까지 전액, 3~6일 전 10% 공제, …`
    pub cancellation: String,
    /// Names of the rooms it is made of, or of the hall it is part of.
    pub linked: Vec<String>,
}

/// One slot on the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SlotState {
    Free,
    Taken,
    Past,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SlotView {
    /// `10:00`
    pub start: String,
    pub state: SlotState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CalendarDay {
    /// `2026-12-08`
    pub date: String,
    /// `12월 8일 (화)`
    pub label: String,
    pub open: bool,
    pub slots: Vec<SlotView>,
}

/// A room's availability for some days, from the last sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoomCalendar {
    pub room: RoomCard,
    /// `14:05 기준` (None before the first sync).
    pub as_of: Option<String>,
    pub days: Vec<CalendarDay>,
}

/// What a request would cost, computed before anything is filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoomQuote {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub fee: Won,
    /// `15,000원 × 2 · 저녁·주말·공휴일 30% 가산 · 등록 동아리 30% 감면`
    pub breakdown: String,
    /// The room's own reason it cannot be booked so (capacity, hours), in words.
    pub problem: Option<String>,
}

/// Where a booking stands, as the screen names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RentalState {
    /// 접수 대기: filed here, the hub has not answered.
    Pending,
    AwaitingApproval,
    Approved,
    Confirmed,
    Rejected,
    Cancelled,
    Released,
    NoShow,
    /// The hub did not book it (taken, barred, …; `reason` says why, `nearest` offers times).
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RentalCard {
    pub booking_id: String,
    pub room_id: String,
    pub room_name: String,
    pub institution: String,
    /// `12월 8일 (화) 10:00~12:00`
    pub when: String,
    pub purpose: String,
    pub headcount: u32,
    pub organisation: Option<String>,
    pub state: RentalState,
    /// 승인 대기 / 승인 / 예약 확정 / 반려 / 취소 / …
    pub label: String,
    /// Why (반려 사유, the refusal), or what comes next (pay by …).
    pub reason: String,
    pub fee: Option<u32>,
    /// Free times the hub offered instead (when the time was taken).
    pub nearest: Vec<FreeSlotView>,
    pub can_cancel: bool,
    pub can_print: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FreeSlotView {
    pub date: String,
    pub start: String,
    /// `12월 8일 (화) 12:00`
    pub label: String,
}

/// A request as the screen sends it; parsed here into a [`BookingRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RoomForm {
    pub room_id: String,
    /// `2026-12-08`
    pub date: String,
    /// `10:00`
    pub start: String,
    pub slots: u32,
    pub purpose: String,
    pub headcount: u32,
    pub organisation: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "\"general\" | \"public_body\" | \"registered_club\""))]
    pub booker: Booker,
}

impl RoomForm {
    pub fn parse(&self) -> Result<BookingRequest, KioskError> {
        let room_id = RoomId::parse(&self.room_id).map_err(|e| KioskError::invalid("room_id", e.to_string()))?;
        let date = self.date.parse().map_err(|_| KioskError::invalid("date", "날짜를 2026-12-08처럼 골라 주세요"))?;
        let start = NaiveTime::parse_from_str(&self.start, "%H:%M")
            .map_err(|_| KioskError::invalid("start", "시작 시간을 골라 주세요"))?;
        let purpose = baeum_domain::text::clean(&self.purpose, 100, true, false)
            .map_err(|e| KioskError::invalid("purpose", format!("사용 목적: {e}")))?;
        let organisation = match self.organisation.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(o) => Some(
                baeum_domain::text::clean(o, 60, true, false)
                    .map_err(|e| KioskError::invalid("organisation", format!("단체 이름: {e}")))?,
            ),
        };
        if self.headcount == 0 {
            return Err(KioskError::invalid("headcount", "인원을 1명 이상으로 적어 주세요"));
        }
        Ok(BookingRequest {
            room_id,
            date,
            start,
            slots: self.slots,
            purpose,
            headcount: self.headcount,
            organisation,
            booker: self.booker,
        })
    }
}

/// `12월 8일 (화)`
pub fn day_label(d: NaiveDate) -> String {
    format!("{}월 {}일 ({})", d.month(), d.day(), baeum_domain::schedule::weekday_ko(d.weekday()))
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn cancellation_text(room: &Room) -> String {
    if room.cancellation.is_empty() {
        return "취소해도 환불되지 않습니다".into();
    }
    let mut steps: Vec<String> = room
        .cancellation
        .iter()
        .map(|s| match s.refund_percent {
            100 => format!("{}일 전까지 전액 환불", s.days_before),
            p => format!("{}일 전까지 {}% 환불", s.days_before, p),
        })
        .collect();
    steps.push("당일 환불 없음".into());
    steps.join(" · ")
}

fn card_of(room: &Room, rooms: &[Room], institution: &str) -> RoomCard {
    let linked = conflicting(rooms, &room.id)
        .into_iter()
        .filter(|id| id != &room.id)
        .filter_map(|id| rooms.iter().find(|r| r.id == id).map(|r| r.name.clone()))
        .collect();
    RoomCard {
        id: room.id.to_string(),
        name: room.name.clone(),
        institution: institution.to_owned(),
        kind: room.kind,
        capacity: room.capacity,
        equipment: room.equipment.clone(),
        photo: room.photo.clone(),
        hours: format!("{}~{}", hhmm(room.opens_at), hhmm(room.closes_at)),
        slot_minutes: room.slot_minutes,
        fee_per_slot: room.fee_per_slot.0,
        surcharge_percent: room.surcharge_percent,
        evening_from: hhmm(room.evening_from),
        instant: room.approval == ApprovalMode::Instant,
        payment_hours: room.payment_hours,
        cancellation: cancellation_text(room),
        linked,
    }
}

fn when_text(r: &BookingRequest, slot_minutes: u32) -> String {
    let end = r.start + Duration::minutes(i64::from(r.slots * slot_minutes));
    format!("{} {}~{}", day_label(r.date), hhmm(r.start), hhmm(end))
}

fn kst_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&kst()).format("%-m월 %-d일 %H:%M").to_string()
}

fn rental_card(
    b: &LocalBooking,
    rooms: &[Room],
    institution_of: &dyn Fn(&str) -> String,
    now: DateTime<Utc>,
) -> RentalCard {
    let room = rooms.iter().find(|r| r.id == b.request.room_id);
    let slot_minutes = room.map_or(60, |r| r.slot_minutes);
    let (state, reason) = match (&b.status, &b.refused, b.rejected, b.pending) {
        (_, _, _, true) => (RentalState::Pending, "중앙 서버와 연결되면 자동으로 접수됩니다".to_owned()),
        (_, Some(refusal), _, false) => (RentalState::Refused, refusal.message_ko()),
        (_, None, Some(rejected), false) => (RentalState::Refused, rejected.message_ko().to_owned()),
        (Some(status), None, None, false) => match status {
            BookingStatus::AwaitingApproval => {
                (RentalState::AwaitingApproval, "담당자가 확인한 뒤 승인 여부를 알려 드립니다".into())
            }
            BookingStatus::Approved { pay_by } => (
                RentalState::Approved,
                format!("{}까지 창구에서 결제해 주세요. 결제하지 않으면 자동 취소됩니다", kst_text(*pay_by)),
            ),
            BookingStatus::Confirmed => (RentalState::Confirmed, "예약이 확정되었습니다".into()),
            BookingStatus::Rejected { reason } => (RentalState::Rejected, reason.clone()),
            BookingStatus::Cancelled { refund } => (RentalState::Cancelled, format!("환불 {refund}")),
            BookingStatus::Released => (RentalState::Released, "결제 기한이 지나 자동 취소되었습니다".into()),
            BookingStatus::NoShow => (RentalState::NoShow, "예약하고 사용하지 않아 노쇼로 기록되었습니다".into()),
        },
        (None, None, None, false) => (RentalState::Pending, String::new()),
    };
    let label = match state {
        RentalState::Pending => "접수 대기",
        RentalState::Refused => "예약 불가",
        _ => b.status.as_ref().map_or("접수 대기", BookingStatus::label_ko),
    };
    let nearest = match &b.refused {
        Some(RoomRefusal::Taken { nearest }) => nearest.iter().map(free_view).collect(),
        _ => Vec::new(),
    };
    let live = b.status.as_ref().is_some_and(BookingStatus::is_live);
    // Once the booked time has begun it can no longer be cancelled (the hub refuses it too).
    let started =
        b.request.date.and_time(b.request.start).and_local_timezone(kst()).single().is_none_or(|t| t.to_utc() <= now);
    RentalCard {
        booking_id: b.booking_id.to_string(),
        room_id: b.request.room_id.to_string(),
        room_name: room.map_or_else(|| b.request.room_id.to_string(), |r| r.name.clone()),
        institution: room.map(|r| institution_of(r.institution_id.as_str())).unwrap_or_default(),
        when: when_text(&b.request, slot_minutes),
        purpose: b.request.purpose.clone(),
        headcount: b.request.headcount,
        organisation: b.request.organisation.clone(),
        can_cancel: live && !b.pending && !started,
        can_print: !b.pending && live && b.refused.is_none() && b.rejected.is_none(),
        state,
        label: label.to_owned(),
        reason,
        fee: b.fee.map(|f| f.0),
        nearest,
    }
}

fn free_view(s: &FreeSlot) -> FreeSlotView {
    FreeSlotView {
        date: s.date.to_string(),
        start: hhmm(s.start),
        label: format!("{} {}", day_label(s.date), hhmm(s.start)),
    }
}

impl Kiosk {
    /// Asks the hub for its rooms and taken times and for these learners' bookings, and keeps
    /// them for offline use.
    pub async fn refresh_rooms(&self, learners: &[LearnerId]) -> Result<(), KioskError> {
        let board = self.hub.room_board().await?;
        {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            store::rentals::replace_board(&tx, &board)?;
            tx.commit()?;
        }
        for chunk in learners.chunks(500) {
            let list = self.hub.lookup_bookings(chunk).await?;
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for b in &list.bookings {
                store::rentals::apply_hub_view(&tx, b, list.as_of)?;
            }
            tx.commit()?;
        }
        Ok(())
    }

    pub(crate) fn institution_name(&self, id: &str) -> String {
        self.index().names.institutions.get(id).map(|i| i.name.to_string()).unwrap_or_else(|| id.to_owned())
    }

    /// Every room, by institution.
    pub fn rooms(&self) -> Result<Vec<RoomCard>, KioskError> {
        let rooms = store::rentals::rooms(&self.conn())?;
        Ok(rooms.iter().map(|r| card_of(r, &rooms, &self.institution_name(r.institution_id.as_str()))).collect())
    }

    /// `days` days of `room` from `from`: each slot free, taken (by the hub's last word, this
    /// kiosk's requests on their way, or a room it is part of or made of) or past.
    pub fn room_calendar(&self, room: &RoomId, from: NaiveDate, days: u32) -> Result<RoomCalendar, KioskError> {
        let conn = self.conn();
        let rooms = store::rentals::rooms(&conn)?;
        let r = rooms
            .iter()
            .find(|x| &x.id == room)
            .ok_or_else(|| KioskError::RoomUnavailable("대관 시설을 찾을 수 없습니다".into()))?;
        let conflicts = conflicting(&rooms, room);
        let names: Vec<&str> = conflicts.iter().map(RoomId::as_str).collect();
        let to = from + Duration::days(i64::from(days.max(1)) - 1);
        let mut busy: Vec<(NaiveDate, u32, u32)> = store::rentals::busy_between(&conn, &names, from, to)?
            .into_iter()
            .map(|b| (b.date, b.start_minute, b.end_minute))
            .collect();
        for p in store::rentals::pending(&conn)? {
            if conflicts.contains(&p.request.room_id)
                && let Some(pr) = rooms.iter().find(|x| x.id == p.request.room_id)
            {
                let s = minute_of(p.request.start);
                busy.push((p.request.date, s, s + p.request.slots * pr.slot_minutes));
            }
        }
        let as_of = store::rentals::board_meta(&conn)?
            .map(|(t, _)| format!("{} 기준", t.with_timezone(&kst()).format("%H:%M")));
        drop(conn);
        let now = self.clock.now();
        let days = (0..days.max(1))
            .map(|i| {
                let date = from + Duration::days(i64::from(i));
                let open = r.is_open_on(date);
                let slots = if open {
                    r.slot_starts()
                        .into_iter()
                        .map(|t| {
                            let (s, e) = (minute_of(t), minute_of(t) + r.slot_minutes);
                            let starts = date.and_time(t).and_local_timezone(kst()).single().map(|x| x.to_utc());
                            let state = if starts.is_none_or(|x| x <= now) {
                                SlotState::Past
                            } else if busy.iter().any(|(d, bs, be)| *d == date && *bs < e && *be > s) {
                                SlotState::Taken
                            } else {
                                SlotState::Free
                            };
                            SlotView { start: hhmm(t), state }
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                CalendarDay { date: date.to_string(), label: day_label(date), open, slots }
            })
            .collect();
        Ok(RoomCalendar { room: card_of(r, &rooms, &self.institution_name(r.institution_id.as_str())), as_of, days })
    }

    /// The fee of a request and whether the room allows it, before anything is filed.
    pub fn room_quote(&self, request: &BookingRequest) -> Result<RoomQuote, KioskError> {
        let conn = self.conn();
        let rooms = store::rentals::rooms(&conn)?;
        let holidays = store::rentals::board_meta(&conn)?.map(|(_, h)| h).unwrap_or_default();
        let r = rooms
            .iter()
            .find(|x| x.id == request.room_id)
            .ok_or_else(|| KioskError::RoomUnavailable("대관 시설을 찾을 수 없습니다".into()))?;
        let fee = r.fee(request.date, request.start, request.slots, request.booker, &holidays);
        let mut parts = vec![format!("{} × {}", r.fee_per_slot, request.slots)];
        // Named only when a slot of this request is surcharged.
        if r.surcharge_percent > 0 && fee != Won::ZERO {
            let plain = Room { surcharge_percent: 0, ..r.clone() };
            if plain.fee(request.date, request.start, request.slots, request.booker, &holidays) != fee {
                parts.push(format!("저녁·주말·공휴일 {}% 가산", r.surcharge_percent));
            }
        }
        if let Some(red) = r.reductions.iter().find(|x| x.booker == request.booker) {
            let who = match red.booker {
                Booker::PublicBody => "공공기관",
                Booker::RegisteredClub => "등록 동아리",
                Booker::General => "일반",
            };
            parts.push(format!("{who} {}% 감면", red.percent_off));
        }
        let problem = r.fits(request).err().map(|e| e.message_ko());
        Ok(RoomQuote {
            fee,
            breakdown: if r.fee_per_slot.is_free() { "무료".into() } else { parts.join(" · ") },
            problem,
        })
    }

    /// 대관 신청: checked against the room here, then filed as an intent; the hub decides.
    pub fn request_room(
        &self,
        learner: &LearnerId,
        request: &BookingRequest,
        staff: Option<&OnDuty>,
    ) -> Result<RentalCard, KioskError> {
        let quote = self.room_quote(request)?;
        if let Some(problem) = quote.problem {
            return Err(KioskError::RoomUnavailable(problem));
        }
        let starts = request.date.and_time(request.start).and_local_timezone(kst()).single().map(|t| t.to_utc());
        if starts.is_none_or(|t| t <= self.clock.now()) {
            return Err(KioskError::RoomUnavailable(RoomRefusal::Past.message_ko()));
        }
        let now = self.clock.now();
        let id = BookingId::parse(&format!("b-{}", uuid::Uuid::new_v4().simple()))
            .map_err(|e| KioskError::RoomUnavailable(e.to_string()))?;
        let mut conn = self.conn();
        if store::learners::get(&conn, learner.as_str())?.is_none() {
            return Err(KioskError::LearnerNotFound);
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let body = IntentBody::Rental(RentalIntent::RequestRoom {
            booking_id: id.clone(),
            learner_id: learner.clone(),
            request: request.clone(),
        });
        let intent = outbox::append_by(&tx, body, staff.map(OnDuty::stamp), now)?;
        store::rentals::insert_requested(&tx, &id, learner, request, &intent.op_id, now)?;
        tx.commit()?;
        drop(conn);
        self.rental_card(learner, &id)
    }

    /// What cancelling now would refund, by this kiosk's clock (the hub decides on arrival).
    pub fn room_refund_quote(&self, learner: &LearnerId, booking: &BookingId) -> Result<u32, KioskError> {
        let conn = self.conn();
        let b =
            store::rentals::get(&conn, booking)?.filter(|b| &b.learner_id == learner).ok_or(KioskError::NotEnrolled)?;
        let rooms = store::rentals::rooms(&conn)?;
        let r = rooms.iter().find(|x| x.id == b.request.room_id).ok_or(KioskError::NotEnrolled)?;
        Ok(r.refund(b.paid, b.request.date, self.clock.now_kst().date_naive()).0.0)
    }

    /// 대관 취소 (offline too).
    pub fn cancel_room(&self, learner: &LearnerId, booking: &BookingId) -> Result<RentalCard, KioskError> {
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let b =
            store::rentals::get(&tx, booking)?.filter(|b| &b.learner_id == learner).ok_or(KioskError::NotEnrolled)?;
        if b.pending || !b.status.as_ref().is_some_and(BookingStatus::is_live) {
            return Err(KioskError::NotEnrolled);
        }
        let body =
            IntentBody::Rental(RentalIntent::CancelRoom { booking_id: booking.clone(), learner_id: learner.clone() });
        let intent = outbox::append(&tx, body, now)?;
        store::rentals::set_pending(&tx, booking, &intent.op_id)?;
        tx.commit()?;
        drop(conn);
        self.rental_card(learner, booking)
    }

    /// A learner's bookings, newest first.
    pub fn rental_cards(&self, learner: &LearnerId) -> Result<Vec<RentalCard>, KioskError> {
        let conn = self.conn();
        let rooms = store::rentals::rooms(&conn)?;
        let rows = store::rentals::of_learner(&conn, learner)?;
        drop(conn);
        let names = |id: &str| self.institution_name(id);
        let now = self.clock.now();
        Ok(rows.iter().map(|b| rental_card(b, &rooms, &names, now)).collect())
    }

    pub fn rental_card(&self, learner: &LearnerId, booking: &BookingId) -> Result<RentalCard, KioskError> {
        self.rental_cards(learner)?
            .into_iter()
            .find(|c| c.booking_id == booking.as_str())
            .ok_or(KioskError::NotEnrolled)
    }

    /// Queues the 대관 확인서 for `printer_uri` and tries the printer once.
    pub async fn print_rental_slip(
        &self,
        learner: &LearnerId,
        booking: &BookingId,
        printer_uri: &str,
    ) -> Result<crate::store::print_jobs::PrintJob, KioskError> {
        let card = self.rental_card(learner, booking)?;
        if !card.can_print {
            return Err(KioskError::NotEnrolled);
        }
        let person = store::learners::get(&self.conn(), learner.as_str())?.ok_or(KioskError::LearnerNotFound)?;
        let holder = format!("{} ({})", person.name.masked(), person.mobile.masked());
        let art = crate::certificates::art()?;
        let pdf = crate::rental_pdf::render(&card, &holder, self.clock.now(), &art).map_err(KioskError::from)?;
        let id = self.queue_print(&format!("대관 확인서 {}", card.room_name), printer_uri, &pdf)?;
        self.print_now(&id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_with_their_korean_weekday() {
        assert_eq!(day_label("2026-12-08".parse().unwrap()), "12월 8일 (화)");
        assert_eq!(day_label("2026-12-13".parse().unwrap()), "12월 13일 (일)");
    }
}
