//! 나중에 볼 강좌 as an A6 slip: each video with the QR code of its https link, so a person
//! watches at home by pointing her phone's camera at it. Four to a page.

use baeum_domain::video::Video;
use chrono::{DateTime, Utc};

use crate::certificate_pdf::{CertificateArt, CertificateError, wrap};
use crate::slip_pdf::Slip;

const TITLE: &str = "나중에 볼 강좌";
const PER_PAGE: usize = 4;

pub fn render(videos: &[Video], now: DateTime<Utc>, art: &CertificateArt) -> Result<Vec<u8>, CertificateError> {
    let mut slip = Slip::new(TITLE, art);
    slip.page.text("휴대전화 카메라로 QR 코드를 비추면 바로 볼 수 있습니다", 10.0, 122.0, 8.0);
    for (i, video) in videos.iter().enumerate() {
        if i > 0 && i % PER_PAGE == 0 {
            slip.next_page(TITLE);
        }
        let top = 116.0 - (i % PER_PAGE) as f32 * 26.0;
        slip.qr(video.url.as_str(), 9.0, top - 24.0, 23.0)?;
        let mut y = top - 5.0;
        for line in wrap(video.title.as_str(), 15).into_iter().take(2) {
            slip.page.text(&line, 35.0, y, 10.0);
            y -= 5.0;
        }
        slip.page.text(&format!("{} · {}분", video.provider, video.minutes), 35.0, y - 1.0, 8.0);
    }
    Ok(slip.finish(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_videos_make_two_pages_with_every_title() {
        let videos: Vec<Video> = (1..=5)
            .map(|i| {
                baeum_domain::video::VideoDraft {
                    id: format!("v-{i}"),
                    title: format!("동영상 강좌 {i}번"),
                    field: "인문교양".into(),
                    life_stages: "노년".into(),
                    minutes: "30".into(),
                    level: "초급".into(),
                    provider: "GSEEK".into(),
                    url: format!("https://www.gseek.kr/c/{i}"),
                    ..Default::default()
                }
                .try_into()
                .unwrap()
            })
            .collect();
        let art = crate::certificates::art().unwrap();
        let pdf = render(&videos, chrono::Utc::now(), &art).unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output/videos");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("watch-later.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new("pdfinfo").arg(&path).output().expect("pdfinfo (poppler-utils)");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Pages:           2"));
        let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext");
        let text = String::from_utf8_lossy(&out.stdout);
        for i in 1..=5 {
            assert!(text.contains(&format!("동영상 강좌 {i}번")), "{i} missing from {text}");
        }
        assert!(text.contains("다음 장에 계속"));
    }
}
