//! The reservation slip (대관 확인서) as an A6 slip for the front desk's printer: the room, when,
//! who (masked), the purpose and headcount, where the booking stands and the fee.

use chrono::{DateTime, Utc};

use crate::certificate_pdf::{CertificateArt, CertificateError, wrap};
use crate::rental::RentalCard;
use crate::slip_pdf::Slip;

/// Renders the slip of `card` for `holder` (already masked) at `now`.
pub fn render(
    card: &RentalCard,
    holder: &str,
    now: DateTime<Utc>,
    art: &CertificateArt,
) -> Result<Vec<u8>, CertificateError> {
    // Before staff approve it, the slip is a receipt of the request, not a confirmation.
    let title = match card.state {
        crate::rental::RentalState::AwaitingApproval => "대관 신청 접수증",
        _ => "대관 확인서",
    };
    let mut slip = Slip::new(title, art);
    let page = &mut slip.page;
    let mut y = 118.0;
    for line in wrap(&card.room_name, 18) {
        page.text(&line, 12.0, y, 12.0);
        y -= 6.0;
    }
    page.text(&card.institution, 12.0, y, 9.0);
    y -= 9.0;
    page.text(&format!("일시  {}", card.when), 12.0, y, 10.0);
    y -= 6.0;
    page.text(&format!("신청자  {holder}"), 12.0, y, 10.0);
    y -= 6.0;
    if let Some(org) = &card.organisation {
        page.text(&format!("단체  {org}"), 12.0, y, 10.0);
        y -= 6.0;
    }
    for line in wrap(&format!("사용 목적  {} ({}명)", card.purpose, card.headcount), 26) {
        page.text(&line, 12.0, y, 10.0);
        y -= 6.0;
    }
    page.text(&format!("예약 번호  {}", card.booking_id), 12.0, y, 8.0);
    y -= 10.0;
    page.text(&format!("상태  {}", card.label), 12.0, y, 13.0);
    y -= 7.0;
    if let Some(fee) = card.fee {
        page.text(&format!("이용료  {}", baeum_domain::Won(fee)), 12.0, y, 11.0);
        y -= 7.0;
    }
    for line in wrap(&card.reason, 26) {
        page.text(&line, 12.0, y, 8.5);
        y -= 5.0;
    }
    Ok(slip.finish(now))
}
