//! The application receipt (수강신청 접수증) as a small PDF (A6) for the front desk's printer: the
//! course, the masked applicant, where the application stands — "접수 대기 (확정 전)" while only this
//! kiosk knows it — and, while a seat waits for payment, the amount, the deadline and the QR to pay.

use chrono::{DateTime, Utc};

use crate::certificate_pdf::{CertificateArt, CertificateError, wrap};
use crate::enrollment::{EnrollmentCard, EnrollmentState};
use crate::slip_pdf::Slip;

/// How a receipt names a state (the words Korean portals print).
pub fn state_ko(card: &EnrollmentCard) -> String {
    match card.state {
        EnrollmentState::Pending => "접수 대기 (확정 전)".into(),
        EnrollmentState::AwaitingPayment => "결제 대기".into(),
        EnrollmentState::Confirmed => "수강 확정".into(),
        EnrollmentState::Waitlisted => format!("대기 {}번", card.position.unwrap_or(0)),
        EnrollmentState::Entered => "추첨 대기".into(),
        EnrollmentState::Cancelled => "취소".into(),
        EnrollmentState::Released => "미결제 자동취소".into(),
        EnrollmentState::CourseCancelled => "폐강 (전액 환불)".into(),
        EnrollmentState::Rejected => "신청 불가".into(),
    }
}

fn when(iso: &str) -> String {
    iso.parse::<DateTime<Utc>>()
        .map(|t| t.with_timezone(&baeum_domain::kst()).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// Renders the receipt of `card` for `applicant` (already masked) at `now`.
pub fn render(
    card: &EnrollmentCard,
    applicant: &str,
    now: DateTime<Utc>,
    art: &CertificateArt,
) -> Result<Vec<u8>, CertificateError> {
    let mut slip = Slip::new("수강신청 접수증", art);
    let page = &mut slip.page;
    let mut y = 118.0;
    for line in wrap(&card.title, 18) {
        page.text(&line, 12.0, y, 11.0);
        y -= 6.0;
    }
    page.text(&card.institution, 12.0, y, 9.0);
    y -= 9.0;
    page.text(&format!("신청자  {applicant}"), 12.0, y, 10.0);
    y -= 6.0;
    page.text(&format!("신청 일시  {}", when(&card.applied_at)), 12.0, y, 10.0);
    y -= 10.0;
    page.text(&format!("상태  {}", state_ko(card)), 12.0, y, 13.0);
    y -= 8.0;
    let note = match card.state {
        EnrollmentState::Pending => "중앙 서버와 연결되면 자동으로 처리됩니다. 결과는 어느 키오스크에서나 '나의 신청 내역'에서 확인하실 수 있습니다.".to_owned(),
        EnrollmentState::AwaitingPayment => format!(
            "결제 금액 {}. {}까지 창구에서 결제하시거나 QR 코드를 찍어 휴대전화로 결제해 주세요.",
            baeum_domain::Won(card.total.saturating_sub(card.paid)),
            card.payment_due.as_deref().map(when).unwrap_or_default()
        ),
        _ => "신청 내역은 '나의 신청 내역'에서 언제든 확인하실 수 있습니다.".to_owned(),
    };
    for line in wrap(&note, 26) {
        page.text(&line, 12.0, y, 8.5);
        y -= 5.0;
    }
    if let Some(url) = card.payment_url.as_deref() {
        slip.qr(url, 37.5, 14.0, 30.0)?;
    }
    Ok(slip.finish(now))
}
