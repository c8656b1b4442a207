//! 시설 대관 commands: rooms, a room's calendar (offline from the last sync), the fee before
//! filing, the request, cancelling with the refund shown first, 나의 신청 내역 and the 대관 확인서.
//! Commands about a person's bookings name the learner; the shell refuses anyone but the person
//! at the kiosk (`Visit::require`).

use baeum_domain::{BookingId, RoomId};
use baeum_kiosk::ErrorView;
use baeum_kiosk::rental::{RentalCard, RoomCalendar, RoomCard, RoomForm, RoomQuote};
use tauri::State;

use crate::commands::{ANSWER_WAIT, Shell, bad_request, learner_id, parse, printer};

/// How many days the calendar shows at once, at most.
const MAX_DAYS: u32 = 31;

fn room_id(raw: &str) -> Result<RoomId, ErrorView> {
    RoomId::parse(raw).map_err(|e| bad_request("room_id", e))
}

fn booking_id(raw: &str) -> Result<BookingId, ErrorView> {
    BookingId::parse(raw).map_err(|e| bad_request("booking_id", e))
}

fn form(value: serde_json::Value) -> Result<baeum_domain::rental::BookingRequest, ErrorView> {
    let form: RoomForm = parse("form", value)?;
    form.parse().map_err(|e| e.view())
}

#[tauri::command]
pub async fn rooms_list(shell: State<'_, Shell>) -> Result<Vec<RoomCard>, ErrorView> {
    shell.kiosk.rooms().map_err(|e| e.view())
}

/// `days` days of a room from `from` (YYYY-MM-DD).
#[tauri::command]
pub async fn room_calendar(
    shell: State<'_, Shell>,
    room_id: String,
    from: String,
    days: u32,
) -> Result<RoomCalendar, ErrorView> {
    let room = self::room_id(&room_id)?;
    let from = from.parse().map_err(|e| bad_request("from", e))?;
    shell.kiosk.room_calendar(&room, from, days.clamp(1, MAX_DAYS)).map_err(|e| e.view())
}

/// The fee and the room's own objections, before anything is filed.
#[tauri::command]
pub async fn room_quote(shell: State<'_, Shell>, form: serde_json::Value) -> Result<RoomQuote, ErrorView> {
    let request = self::form(form)?;
    shell.kiosk.room_quote(&request).map_err(|e| e.view())
}

/// 대관 신청, then a short wait for the hub's answer.
#[tauri::command]
pub async fn request_room(
    shell: State<'_, Shell>,
    learner_id: String,
    form: serde_json::Value,
) -> Result<RentalCard, ErrorView> {
    let learner = self::learner_id(&learner_id)?;
    shell.visit.require(&learner)?;
    let request = self::form(form)?;
    let card = shell.kiosk.request_room(&learner, &request, None).map_err(|e| e.view())?;
    shell.kiosk.exchange_briefly(ANSWER_WAIT).await;
    shell.kiosk.rental_card(&learner, &booking_id(&card.booking_id)?).map_err(|e| e.view())
}

/// What cancelling now would refund (won), shown before the person confirms.
#[tauri::command]
pub async fn room_refund_quote(
    shell: State<'_, Shell>,
    learner_id: String,
    booking_id: String,
) -> Result<u32, ErrorView> {
    let learner = self::learner_id(&learner_id)?;
    shell.visit.require(&learner)?;
    shell.kiosk.room_refund_quote(&learner, &self::booking_id(&booking_id)?).map_err(|e| e.view())
}

#[tauri::command]
pub async fn cancel_room(
    shell: State<'_, Shell>,
    learner_id: String,
    booking_id: String,
) -> Result<RentalCard, ErrorView> {
    let (learner, booking) = (self::learner_id(&learner_id)?, self::booking_id(&booking_id)?);
    shell.visit.require(&learner)?;
    shell.kiosk.cancel_room(&learner, &booking).map_err(|e| e.view())?;
    shell.kiosk.exchange_briefly(ANSWER_WAIT).await;
    shell.kiosk.rental_card(&learner, &booking).map_err(|e| e.view())
}

#[tauri::command]
pub async fn my_rentals(shell: State<'_, Shell>, learner_id: String) -> Result<Vec<RentalCard>, ErrorView> {
    let learner = self::learner_id(&learner_id)?;
    shell.visit.require(&learner)?;
    shell.kiosk.rental_cards(&learner).map_err(|e| e.view())
}

#[tauri::command]
pub async fn print_rental_slip(
    shell: State<'_, Shell>,
    learner_id: String,
    booking_id: String,
) -> Result<baeum_kiosk::store::print_jobs::PrintJob, ErrorView> {
    let (learner, booking) = (self::learner_id(&learner_id)?, self::booking_id(&booking_id)?);
    shell.visit.require(&learner)?;
    let printer = printer(&shell)?;
    shell.kiosk.print_rental_slip(&learner, &booking, &printer).await.map_err(|e| e.view())
}
