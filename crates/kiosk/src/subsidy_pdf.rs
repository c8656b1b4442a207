//! The 선정 notice of the subsidy (지원금 선정 안내) as an A6 slip for the front desk's printer:
//! the programme, the person masked, the 접수번호, the amount and the day the points lapse.

use chrono::{DateTime, Utc};

use crate::certificate_pdf::{CertificateArt, CertificateError, wrap};
use crate::slip_pdf::Slip;
use crate::subsidy::SubsidyCard;

/// Renders the notice of `card` (선정) for `holder` (already masked) at `now`.
pub fn render(
    card: &SubsidyCard,
    holder: &str,
    now: DateTime<Utc>,
    art: &CertificateArt,
) -> Result<Vec<u8>, CertificateError> {
    let mut slip = Slip::new("지원금 선정 안내", art);
    let page = &mut slip.page;
    let mut y = 118.0;
    for line in wrap(&card.programme_name, 18) {
        page.text(&line, 12.0, y, 11.0);
        y -= 6.0;
    }
    y -= 4.0;
    page.text(&format!("선정자  {holder}"), 12.0, y, 10.0);
    y -= 6.0;
    if let Some(receipt) = &card.receipt {
        page.text(&format!("접수번호  {receipt}"), 12.0, y, 10.0);
        y -= 10.0;
    }
    if let Some(amount) = card.amount {
        page.text(&format!("지원 금액  {amount} (포인트)"), 12.0, y, 13.0);
        y -= 8.0;
    }
    if let Some(expires) = &card.expires_on {
        page.text(&format!("사용 기한  {expires}까지"), 12.0, y, 13.0);
        y -= 10.0;
    }
    let note = "포인트는 광명시 평생학습 강좌의 수강료에 쓸 수 있습니다. 사용 기한이 지나면 남은 포인트는 사라집니다. \
                거주 요건은 신청하신 대로 기록되었고, 확인이 필요하면 담당 부서에서 연락드립니다.";
    for line in wrap(note, 26) {
        page.text(&line, 12.0, y, 8.5);
        y -= 5.0;
    }
    Ok(slip.finish(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subsidy::SubsidyState;

    #[test]
    fn the_notice_carries_the_amount_and_the_use_by_date_in_a_subset_korean_font() {
        let card = SubsidyCard {
            programme_id: "gm-2026".into(),
            programme_name: "2026년 광명시민 평생학습지원금".into(),
            state: SubsidyState::Selected,
            label: "선정".into(),
            reason: String::new(),
            receipt: Some("S2026-000123".into()),
            amount: Some(baeum_domain::Won(300_000)),
            expires_on: Some("2026년 10월 31일".into()),
            can_withdraw: false,
            can_print: true,
        };
        let art = crate::certificates::art().unwrap();
        let pdf = render(&card, "김*움 (010-****-5678)", Utc::now(), &art).unwrap();
        // A subset font keeps the slip small (the whole Nanum font is megabytes).
        assert!(pdf.len() < 200_000, "{} bytes", pdf.len());
        // Kept in test-output/ to be looked at (pdftoppm makes a picture of it).
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output/subsidy");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("selection-notice.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .unwrap_or_else(|e| panic!("pdftotext is missing ({e}): `make deps` installs poppler-utils"));
        let text = String::from_utf8_lossy(&out.stdout);
        for expected in ["지원금 선정 안내", "300,000원", "2026년 10월 31일까지", "S2026-000123", "김*움"]
        {
            assert!(text.contains(expected), "{expected} missing from {text}");
        }
    }
}
