//! 실시간 수업 참여 안내: an A6 slip in large type for a learner's first ZOOM class. The first
//! page has the class, its time, the passcode and the QR code of the https invitation; the second
//! says step by step how to join, starting with installing the app (where older learners get
//! stuck).

use baeum_domain::live::LiveClass;
use chrono::{DateTime, Utc};

use crate::certificate_pdf::{CertificateArt, CertificateError, wrap};
use crate::slip_pdf::Slip;

const TITLE: &str = "실시간 수업 참여 안내";

/// The steps, each short enough for large type on an A6 page.
const STEPS: &[&str] = &[
    "1. 수업 전날, 휴대전화의 Play 스토어(아이폰은 App Store)에서 '줌'을 찾아 Zoom Workplace 앱을 설치합니다.",
    "2. 수업 10분 전, 카메라로 앞장의 QR 코드를 비추고 화면에 뜨는 주소를 누릅니다.",
    "3. '회의 참가'를 누르고 이름을 적습니다. 암호를 물으면 앞장의 회의 암호를 입력합니다.",
    "4. 소리가 안 들리면 화면 아래 '오디오'를 누르고 '와이파이 또는 셀룰러 데이터'를 고릅니다.",
];

pub fn render(class: &LiveClass, now: DateTime<Utc>, art: &CertificateArt) -> Result<Vec<u8>, CertificateError> {
    let mut slip = Slip::new(TITLE, art);
    let mut y = 120.0;
    for line in wrap(&class.course_title, 16) {
        slip.page.text(&line, 10.0, y, 12.0);
        y -= 6.5;
    }
    y -= 2.0;
    // The day and the time on lines of their own, in large type.
    let start = class.starts_at.with_timezone(&baeum_domain::kst());
    let end = class.ends_at.with_timezone(&baeum_domain::kst());
    let day = format!(
        "{} ({})",
        baeum_domain::time::date_ko(start.date_naive()),
        baeum_domain::schedule::weekday_ko(chrono::Datelike::weekday(&start))
    );
    slip.page.text(&day, 10.0, y, 12.0);
    y -= 6.5;
    slip.page.text(&format!("{}~{}", start.format("%H:%M"), end.format("%H:%M")), 10.0, y, 12.0);
    y -= 6.0;
    y -= 3.0;
    slip.page.text(&format!("회의 암호  {}", class.passcode.as_str()), 10.0, y, 16.0);
    slip.page.text("QR 코드를 휴대전화 카메라로 비추세요", 10.0, 57.0, 9.0);
    slip.qr(class.join_url.as_str(), 30.0, 14.0, 42.0)?;
    slip.next_page("참여 방법");
    let mut y = 118.0;
    for step in STEPS {
        for line in wrap(step, 17) {
            slip.page.text(&line, 10.0, y, 11.5);
            y -= 6.2;
        }
        y -= 3.0;
    }
    Ok(slip.finish(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slip_has_the_passcode_the_time_and_the_steps_and_its_qr_opens_the_invitation() {
        let class: LiveClass = serde_json::from_value(serde_json::json!({
            "course_id": "gm-llc-00340", "course_title": "한글 기초 배움교실 (수시 접수)",
            "starts_at": "2026-12-08T10:00:00+09:00", "ends_at": "2026-12-08T12:00:00+09:00",
            "join_url": "https://us02web.zoom.us/j/8123456789", "passcode": "482913"
        }))
        .unwrap();
        let art = crate::certificates::art().unwrap();
        let pdf = render(&class, Utc::now(), &art).unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output/live");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("join-slip.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext");
        let text = String::from_utf8_lossy(&out.stdout);
        for expected in [
            "실시간 수업 참여 안내",
            "회의 암호 482913",
            "2026년 12월 8일 (화)",
            "10:00~12:00",
            "Zoom Workplace",
            "참여 방법",
        ] {
            assert!(text.contains(expected), "{expected} missing from {text}");
        }
        // The QR code read back from the printed page, as a phone would.
        let png = dir.join("join-slip");
        let status = std::process::Command::new("pdftoppm")
            .args(["-r", "200", "-f", "1", "-l", "1", "-png", "-singlefile"])
            .arg(&path)
            .arg(&png)
            .status()
            .expect("pdftoppm");
        assert!(status.success());
        let image = image::open(png.with_extension("png")).unwrap().to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(image);
        let found: Vec<String> =
            prepared.detect_grids().iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect();
        assert_eq!(found, vec!["https://us02web.zoom.us/j/8123456789".to_owned()]);
    }
}
