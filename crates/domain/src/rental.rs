//! The rental service (시설 대관): rooms as institutions rent them (opening hours, slots, fees
//! with surcharges and reductions, approval, a payment deadline, a cancellation schedule, rooms
//! made of other rooms), the intents a kiosk files and the hub's answers. The hub never lets two
//! live bookings of one room, or of rooms nested in each other, overlap.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::ids::{BookingId, InstitutionId, LearnerId, RoomId};
use crate::money::Won;

/// The kinds of rooms 광명시평생학습원 and the libraries rent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoomKind {
    /// 강의실
    LectureRoom,
    /// 미디어실
    MediaRoom,
    /// 전시실
    Exhibition,
    /// 공유주방
    SharedKitchen,
    /// 화상면접실
    InterviewRoom,
    /// 세미나실 (libraries)
    SeminarRoom,
    /// 다목적홀 (a hall made of other rooms)
    Hall,
}

/// Who a booking is for: a reduction may apply to public bodies and registered clubs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Booker {
    /// 개인 또는 일반 단체
    General,
    /// 공공기관
    PublicBody,
    /// 등록 동아리
    RegisteredClub,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomReduction {
    pub booker: Booker,
    pub percent_off: u8,
}

/// Confirmed at once, or after staff approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalMode {
    Instant,
    Staff,
}

/// One step of the cancellation schedule: cancelled at least `days_before` days ahead (by date,
/// KST), `refund_percent` of what was paid comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundStep {
    pub days_before: u32,
    pub refund_percent: u8,
}

/// A room as its institution rents it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Room {
    pub id: RoomId,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub institution_id: InstitutionId,
    pub name: String,
    pub kind: RoomKind,
    pub capacity: u32,
    pub equipment: Vec<String>,
    /// A picture of the room shipped with the kiosk's screens (`rooms/lecture_room.svg`): the
    /// kiosk shows no picture from the network (its content security policy allows none).
    pub photo: Option<String>,
    /// Days open (mon … sun) and the hours.
    #[cfg_attr(feature = "ts", ts(type = "Array<string>"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub open_days: Vec<Weekday>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "partial-time"))]
    pub opens_at: NaiveTime,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "partial-time"))]
    pub closes_at: NaiveTime,
    pub slot_minutes: u32,
    pub fee_per_slot: Won,
    /// Added to slots in the evening, at weekends and on holidays (30 for +30 %).
    pub surcharge_percent: u8,
    /// Slots starting at or after this time are evening slots.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "partial-time"))]
    pub evening_from: NaiveTime,
    pub reductions: Vec<RoomReduction>,
    pub approval: ApprovalMode,
    /// After approval, the booking waits this long for payment.
    pub payment_hours: u32,
    /// Most generous first; a cancellation later than every step refunds nothing.
    pub cancellation: Vec<RefundStep>,
    /// Rooms this one is made of (a hall that is room A + B): booking it blocks them, and
    /// booking one of them blocks it.
    #[serde(default)]
    pub parts: Vec<RoomId>,
}

impl Room {
    /// The slot starts of a day, in order.
    pub fn slot_starts(&self) -> Vec<NaiveTime> {
        let mut out = Vec::new();
        let step = Duration::minutes(i64::from(self.slot_minutes.max(10)));
        let mut t = self.opens_at;
        while t + step <= self.closes_at && t < t + step {
            out.push(t);
            t += step;
        }
        out
    }

    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        self.open_days.contains(&date.weekday())
    }

    /// Whether a request fits the room itself: text, slots, capacity, days, hours, the slot grid
    /// (not whether the time is free, which only the hub knows for sure).
    pub fn fits(&self, r: &BookingRequest) -> Result<(), RoomRefusal> {
        let purpose_ok = crate::text::clean(&r.purpose, 100, true, false).is_ok();
        let organisation_ok = r.organisation.as_deref().is_none_or(|o| crate::text::clean(o, 60, true, false).is_ok());
        // A public body or a club is named, so staff can check the reduction.
        if r.organisation.is_none() && r.booker != Booker::General {
            return Err(RoomRefusal::OrganisationNeeded);
        }
        let starts = self.slot_starts();
        if !purpose_ok || !organisation_ok || r.slots == 0 || r.headcount == 0 || r.slots as usize > starts.len() {
            return Err(RoomRefusal::BadRequest);
        }
        if r.headcount > self.capacity {
            return Err(RoomRefusal::OverCapacity { capacity: self.capacity });
        }
        let end = minute_of(r.start) + r.slots * self.slot_minutes;
        if !self.is_open_on(r.date) || !starts.contains(&r.start) || end > minute_of(self.closes_at) {
            return Err(RoomRefusal::Closed);
        }
        Ok(())
    }

    /// The fee of `slots` slots from `start` on `date` for `booker`: each slot's fee, the
    /// surcharge on evening, weekend and holiday slots, then the reduction, rounded down to 10 won.
    pub fn fee(&self, date: NaiveDate, start: NaiveTime, slots: u32, booker: Booker, holidays: &[NaiveDate]) -> Won {
        let special_day = matches!(date.weekday(), Weekday::Sat | Weekday::Sun) || holidays.contains(&date);
        let step = Duration::minutes(i64::from(self.slot_minutes));
        let mut total: u64 = 0;
        for i in 0..slots {
            let at = start + step * i as i32;
            let surcharge = if special_day || at >= self.evening_from { u64::from(self.surcharge_percent) } else { 0 };
            total += u64::from(self.fee_per_slot.0) * (100 + surcharge) / 100;
        }
        let off = self.reductions.iter().find(|r| r.booker == booker).map_or(0, |r| u64::from(r.percent_off.min(100)));
        Won((total * (100 - off) / 100 / 10 * 10).min(u64::from(u32::MAX)) as u32)
    }

    /// What cancelling a booking of `date` on `today` refunds of `paid` (by whole days ahead).
    pub fn refund(&self, paid: Won, date: NaiveDate, today: NaiveDate) -> (Won, u8) {
        let days = (date - today).num_days();
        let percent = self
            .cancellation
            .iter()
            .filter(|s| days >= i64::from(s.days_before))
            .map(|s| s.refund_percent.min(100))
            .max()
            .unwrap_or(0);
        (Won((u64::from(paid.0) * u64::from(percent) / 100) as u32), percent)
    }
}

/// Every room that may not be booked at the same time as `room`: itself, the rooms it is made
/// of, the rooms made of it, and so on both ways.
pub fn conflicting(rooms: &[Room], room: &RoomId) -> BTreeSet<RoomId> {
    let mut out = BTreeSet::from([room.clone()]);
    // Down: its parts, their parts, …
    let mut stack = vec![room.clone()];
    while let Some(r) = stack.pop() {
        if let Some(found) = rooms.iter().find(|x| x.id == r) {
            for p in &found.parts {
                if out.insert(p.clone()) {
                    stack.push(p.clone());
                }
            }
        }
    }
    // Up: rooms containing any of those (a hall containing one of its parts).
    loop {
        let parents: Vec<RoomId> = rooms
            .iter()
            .filter(|x| !out.contains(&x.id) && x.parts.iter().any(|p| out.contains(p)))
            .map(|x| x.id.clone())
            .collect();
        if parents.is_empty() {
            break;
        }
        for p in parents {
            out.insert(p);
        }
    }
    out
}

/// The rooms file (`baeum-hub rental rooms FILE.json`): rooms, the public holidays their
/// surcharge applies on, and the no-show rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoomsConfig {
    pub rooms: Vec<Room>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub holidays: Vec<NaiveDate>,
    pub strikes: StrikeRule,
}

/// No-show strikes: `bar_after` strikes within `expire_days` bar the person (or organisation)
/// from booking for `bar_days` after the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrikeRule {
    pub bar_after: u32,
    pub bar_days: u32,
    pub expire_days: u32,
}

impl StrikeRule {
    /// Until when someone with strikes at `strikes` is barred at `now`, if they are.
    pub fn barred_until(&self, strikes: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let live: Vec<&DateTime<Utc>> =
            strikes.iter().filter(|t| **t > now - Duration::days(i64::from(self.expire_days))).collect();
        if self.bar_after == 0 || (live.len() as u32) < self.bar_after {
            return None;
        }
        let last = live.into_iter().max()?;
        let until = *last + Duration::days(i64::from(self.bar_days));
        (until > now).then_some(until)
    }
}

/// What a person asks for at the kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    pub room_id: RoomId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "partial-time"))]
    pub start: NaiveTime,
    pub slots: u32,
    pub purpose: String,
    pub headcount: u32,
    /// The organisation booking (a club's name), if any.
    pub organisation: Option<String>,
    pub booker: Booker,
}

/// A room intent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RentalIntent {
    /// 대관 신청
    RequestRoom { booking_id: BookingId, learner_id: LearnerId, request: BookingRequest },
    /// 대관 취소
    CancelRoom { booking_id: BookingId, learner_id: LearnerId },
}

impl RentalIntent {
    pub fn learner(&self) -> &LearnerId {
        match self {
            RentalIntent::RequestRoom { learner_id, .. } | RentalIntent::CancelRoom { learner_id, .. } => learner_id,
        }
    }

    pub fn booking(&self) -> &BookingId {
        match self {
            RentalIntent::RequestRoom { booking_id, .. } | RentalIntent::CancelRoom { booking_id, .. } => booking_id,
        }
    }
}

/// A free time the hub offers instead of a taken one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreeSlot {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "partial-time"))]
    pub start: NaiveTime,
}

/// Why the hub did not book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RoomRefusal {
    /// 이미 예약된 시간입니다, with the nearest free times of the same length.
    Taken {
        nearest: Vec<FreeSlot>,
    },
    OverCapacity {
        capacity: u32,
    },
    /// Outside the room's days or hours, or not on its slot grid.
    Closed,
    /// The time has passed.
    Past,
    /// No-show strikes: no bookings until then.
    Barred {
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        until: DateTime<Utc>,
    },
    /// The purpose or organisation is empty or too long, or no slots.
    BadRequest,
    /// A reduction for a public body or a club, with no organisation named.
    OrganisationNeeded,
}

impl RoomRefusal {
    pub fn message_ko(&self) -> String {
        match self {
            RoomRefusal::Taken { .. } => "이미 예약된 시간입니다".into(),
            RoomRefusal::OverCapacity { capacity } => format!("인원이 정원({capacity}명)을 넘습니다"),
            RoomRefusal::Closed => "운영하지 않는 날이나 시간입니다".into(),
            RoomRefusal::Past => "이미 지난 시간입니다".into(),
            RoomRefusal::Barred { until } => format!(
                "노쇼(예약 후 미사용)가 누적되어 {}까지 대관을 신청할 수 없습니다",
                until.with_timezone(&crate::kst()).format("%Y년 %-m월 %-d일")
            ),
            RoomRefusal::BadRequest => "사용 목적과 시간을 확인해 주세요".into(),
            RoomRefusal::OrganisationNeeded => "공공기관이나 등록 동아리로 신청하려면 단체 이름을 적어 주세요".into(),
        }
    }
}

/// Where a booking stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BookingStatus {
    /// 승인 대기
    AwaitingApproval,
    /// 승인: pay by `pay_by`, or it is released.
    Approved {
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        pay_by: DateTime<Utc>,
    },
    /// 예약 확정 (paid, or free)
    Confirmed,
    /// 반려, with the reason staff gave.
    Rejected { reason: String },
    /// 취소, with the refund.
    Cancelled { refund: Won },
    /// 미결제 자동취소
    Released,
    /// 노쇼
    NoShow,
}

impl BookingStatus {
    /// Holds the room (the hub refuses any overlapping request).
    pub fn is_live(&self) -> bool {
        matches!(self, BookingStatus::AwaitingApproval | BookingStatus::Approved { .. } | BookingStatus::Confirmed)
    }

    pub fn label_ko(&self) -> &'static str {
        match self {
            BookingStatus::AwaitingApproval => "승인 대기",
            BookingStatus::Approved { .. } => "승인",
            BookingStatus::Confirmed => "예약 확정",
            BookingStatus::Rejected { .. } => "반려",
            BookingStatus::Cancelled { .. } => "취소",
            BookingStatus::Released => "미결제 자동취소",
            BookingStatus::NoShow => "노쇼",
        }
    }
}

/// The hub's answer to a room intent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RentalOutcome {
    RoomBooked { status: BookingStatus, fee: Won },
    RoomRefused { reason: RoomRefusal },
    RoomCancelled { refund: Won },
}

/// A booking as the hub holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Booking {
    pub booking_id: BookingId,
    pub learner_id: LearnerId,
    pub request: BookingRequest,
    pub status: BookingStatus,
    pub fee: Won,
    pub paid: Won,
}

/// `POST /v1/rooms/bookings/lookup`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingLookup {
    pub learner_ids: Vec<LearnerId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bookings {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub as_of: DateTime<Utc>,
    pub bookings: Vec<Booking>,
}

/// One taken stretch of a room (no one's name: what a calendar needs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Busy {
    pub room_id: RoomId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    /// Minutes after midnight, [start, end).
    pub start_minute: u32,
    pub end_minute: u32,
}

/// `GET /v1/rooms`: the rooms, holidays and every live booking's time from today on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomBoard {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub as_of: DateTime<Utc>,
    pub rooms: Vec<Room>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub holidays: Vec<NaiveDate>,
    pub busy: Vec<Busy>,
}

/// Minutes after midnight.
pub fn minute_of(t: NaiveTime) -> u32 {
    chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn room(id: &str, parts: &[&str]) -> Room {
        Room {
            id: RoomId::parse(id).unwrap(),
            institution_id: InstitutionId::parse("gm-llc").unwrap(),
            name: id.into(),
            kind: RoomKind::LectureRoom,
            capacity: 30,
            equipment: vec!["빔프로젝터".into()],
            photo: None,
            open_days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat],
            opens_at: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            closes_at: NaiveTime::from_hms_opt(22, 0, 0).unwrap(),
            slot_minutes: 60,
            fee_per_slot: Won(20_000),
            surcharge_percent: 30,
            evening_from: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            reductions: vec![
                RoomReduction { booker: Booker::PublicBody, percent_off: 50 },
                RoomReduction { booker: Booker::RegisteredClub, percent_off: 30 },
            ],
            approval: ApprovalMode::Staff,
            payment_hours: 24,
            cancellation: vec![
                RefundStep { days_before: 7, refund_percent: 100 },
                RefundStep { days_before: 3, refund_percent: 90 },
                RefundStep { days_before: 1, refund_percent: 70 },
            ],
            parts: parts.iter().map(|p| RoomId::parse(p).unwrap()).collect(),
        }
    }

    fn t(h: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn fees_add_the_surcharge_per_slot_then_take_the_reduction() {
        let r = room("a", &[]);
        let tuesday: NaiveDate = "2026-12-08".parse().unwrap();
        let saturday: NaiveDate = "2026-12-12".parse().unwrap();
        assert_eq!(r.fee(tuesday, t(10), 2, Booker::General, &[]), Won(40_000));
        // 17:00 is a day slot, 18:00 an evening one: 20,000 + 26,000.
        assert_eq!(r.fee(tuesday, t(17), 2, Booker::General, &[]), Won(46_000));
        assert_eq!(r.fee(saturday, t(10), 1, Booker::General, &[]), Won(26_000), "weekend");
        assert_eq!(r.fee(tuesday, t(10), 1, Booker::General, &[tuesday]), Won(26_000), "holiday");
        assert_eq!(r.fee(tuesday, t(10), 2, Booker::RegisteredClub, &[]), Won(28_000), "club −30 %");
        assert_eq!(r.fee(saturday, t(10), 1, Booker::PublicBody, &[]), Won(13_000), "weekend, then −50 %");
    }

    #[test]
    fn the_refund_follows_the_schedule_by_days_ahead() {
        let r = room("a", &[]);
        let date: NaiveDate = "2026-12-20".parse().unwrap();
        let on = |d: &str| r.refund(Won(40_000), date, d.parse().unwrap());
        assert_eq!(on("2026-12-13"), (Won(40_000), 100), "7 days ahead");
        assert_eq!(on("2026-12-14"), (Won(36_000), 90), "6 days: −10 %");
        assert_eq!(on("2026-12-17"), (Won(36_000), 90), "3 days");
        assert_eq!(on("2026-12-18"), (Won(28_000), 70), "2 days: −30 %");
        assert_eq!(on("2026-12-19"), (Won(28_000), 70), "1 day");
        assert_eq!(on("2026-12-20"), (Won(0), 0), "on the day: nothing");
    }

    #[test]
    fn a_hall_conflicts_with_its_parts_and_a_part_with_the_hall_only() {
        let rooms = [room("a", &[]), room("b", &[]), room("hall", &["a", "b"]), room("c", &[])];
        let ids = |s: &BTreeSet<RoomId>| s.iter().map(|r| r.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&conflicting(&rooms, &RoomId::parse("hall").unwrap())), ["a", "b", "hall"]);
        assert_eq!(ids(&conflicting(&rooms, &RoomId::parse("a").unwrap())), ["a", "hall"]);
        assert_eq!(ids(&conflicting(&rooms, &RoomId::parse("c").unwrap())), ["c"]);
    }

    #[test]
    fn three_strikes_bar_for_a_month_and_strikes_expire() {
        let rule = StrikeRule { bar_after: 3, bar_days: 30, expire_days: 90 };
        let day = |d: &str| format!("{d}T10:00:00Z").parse::<DateTime<Utc>>().unwrap();
        let strikes = [day("2026-09-01"), day("2026-10-01"), day("2026-11-01")];
        assert_eq!(rule.barred_until(&strikes, day("2026-11-15")), Some(day("2026-12-01")));
        assert_eq!(rule.barred_until(&strikes, day("2026-12-02")), None, "the month is over");
        assert_eq!(rule.barred_until(&strikes[..2], day("2026-11-15")), None, "two strikes");
        // The first strike expired (over 90 days) by the time of a late third.
        let late = [day("2026-06-01"), day("2026-10-01"), day("2026-11-01")];
        assert_eq!(rule.barred_until(&late, day("2026-11-15")), None);
    }

    #[test]
    fn slots_fill_the_opening_hours() {
        let r = room("a", &[]);
        let starts = r.slot_starts();
        assert_eq!(starts.first(), Some(&t(9)));
        assert_eq!(starts.last(), Some(&t(21)));
        assert_eq!(starts.len(), 13);
    }
}
