//! The certificate PDF as a reader and a checker see it: poppler's `pdftotext` reads the Korean
//! exactly, `pdffonts` shows one embedded subset font, the file stays small, and the QR code read
//! back from a 300 dpi rendering (`pdftoppm`, decoded with rqrr) verifies against the published
//! key. The PDF and its PNG land in test-output/certificates/ to be looked at.

use std::path::PathBuf;
use std::process::Command;

use baeum_domain::certificate::{CertificatePayload, KeySet, PublishedKey, SignedCertificate, VerifyError};
use baeum_kiosk::certificate_pdf::{CertificateArt, render};
use ed25519_dalek::SigningKey;

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-output/certificates");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is missing ({e}): `make deps` installs poppler-utils"));
    assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn payload(key: &SigningKey, provisional: bool) -> CertificatePayload {
    CertificatePayload { provisional, ..baeum_test_support::specimen(key) }
}

/// Decodes every QR code in a PNG.
fn read_qr(png: &std::path::Path) -> Vec<String> {
    let image = image::open(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared.detect_grids().iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect()
}

fn public() -> baeum_domain::PublicUrl {
    baeum_domain::PublicUrl::parse("https://hub.gm.go.kr").unwrap()
}

#[test]
fn the_certificate_reads_in_korean_embeds_a_subset_font_and_its_qr_verifies() {
    let hub = SigningKey::from_bytes(&[7; 32]);
    let keys = KeySet { keys: vec![PublishedKey::hub(&hub.verifying_key())], revoked: vec![] };
    let cert = SignedCertificate::sign(payload(&hub, false), &hub);
    let art = CertificateArt::bundled().unwrap();
    let pdf = render(&cert, &public(), &art).unwrap();
    let path = out_dir().join("certificate.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let path_str = path.to_str().unwrap();

    assert!(pdf.len() <= 80 * 1024, "{} bytes", pdf.len());
    let fonts = tool("pdffonts", &[path_str]);
    let font_lines: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(font_lines.len(), 1, "{fonts}");
    assert!(
        font_lines[0].contains("+NanumMyeongjo") && font_lines[0].contains("yes yes yes"),
        "embedded subset: {fonts}"
    );

    let text = tool("pdftotext", &[path_str, "-"]);
    for expected in [
        "제 GM-2026-000123 호",
        "박순자",
        "1951년 4월 2일",
        "어르신 스마트폰 활용 기초",
        "2026. 12. 1. ~ 2026. 12. 24. (총 16시간)",
        "2026년 12월 24일",
        "광명시평생학습원장",
        "https://hub.gm.go.kr/verify",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    assert!(text.contains(&format!("확인번호 {}", cert.verification_code())));
    assert!(!text.contains("임시 발급"));

    tool("pdftoppm", &["-r", "300", "-png", "-singlefile", path_str, out_dir().join("certificate").to_str().unwrap()]);
    let codes = read_qr(&out_dir().join("certificate.png"));
    // A phone's camera opens an https link on the hub's public address, which still carries
    // the signed payload (issue 18: it was the bare `BAEUM1.…` text).
    assert_eq!(codes, vec![format!("https://hub.gm.go.kr/verify/{}", cert.qr_text())], "the QR links to the page");
    assert_eq!(keys.verify(&codes[0]), Ok(payload(&hub, false)));
    let strangers =
        KeySet { keys: vec![PublishedKey::hub(&SigningKey::from_bytes(&[8; 32]).verifying_key())], revoked: vec![] };
    assert!(matches!(strangers.verify(&codes[0]), Err(VerifyError::UnknownKey(_))));
}

#[test]
fn a_kiosk_issued_certificate_says_it_is_provisional() {
    let kiosk = SigningKey::from_bytes(&[3; 32]);
    let cert = SignedCertificate::sign(payload(&kiosk, true), &kiosk);
    let pdf = render(&cert, &public(), &CertificateArt::bundled().unwrap()).unwrap();
    let path = out_dir().join("certificate-provisional.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = tool("pdftotext", &[path.to_str().unwrap(), "-"]);
    assert!(text.contains("임시 발급 (중앙 서버 확인 전)"), "{text}");
}

#[test]
fn the_learning_history_statement_lists_every_course_over_as_many_pages_as_needed() {
    use baeum_domain::certificate::{IssuedCertificate, LearningHistory};
    let hub = SigningKey::from_bytes(&[7; 32]);
    let subjects = ["스마트폰 활용", "서예", "생활 영어", "합창", "수채화", "건강 체조"];
    let completed: Vec<IssuedCertificate> = (0..30)
        .map(|i| {
            let mut p = payload(&hub, false);
            p.serial = format!("GM-2026-{:06}", i + 1);
            p.course_title = format!("{} {}기", subjects[i % subjects.len()], i + 1);
            p.minutes = 600 + 30 * (i as u32 % 3);
            let cert = SignedCertificate::sign(p.clone(), &hub);
            IssuedCertificate {
                serial: p.serial.clone(),
                qr_text: cert.qr_text(),
                verification_code: cert.verification_code(),
                payload: p,
            }
        })
        .collect();
    let clubs = vec![
        baeum_domain::certificate::ClubRecord {
            club_name: "철산 사진 동아리".into(),
            field: baeum_domain::Field::CultureArts,
            leader: true,
            since: "2025-03-15".parse().unwrap(),
            minutes: 1440,
        },
        baeum_domain::certificate::ClubRecord {
            club_name: "하안 책 읽는 엄마들".into(),
            field: baeum_domain::Field::Humanities,
            leader: false,
            since: "2026-08-01".parse().unwrap(),
            minutes: 390,
        },
    ];
    let history =
        LearningHistory {
            learner_name: "박순자".into(), birth_date: "1951-04-02".parse().unwrap(), completed, clubs
        };
    let pdf = baeum_kiosk::history_pdf::render(
        &history,
        "https://hub.gm.go.kr/verify",
        "2026-12-24".parse().unwrap(),
        &CertificateArt::bundled().unwrap(),
    )
    .unwrap();
    let path = out_dir().join("learning-history.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let path_str = path.to_str().unwrap();

    let info = tool("pdfinfo", &[path_str]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .expect("pdfinfo reports pages");
    assert!(pages >= 2, "30 courses need more than one page ({pages})");
    assert!(pdf.len() <= 120 * 1024, "{} bytes", pdf.len());
    let fonts = tool("pdffonts", &[path_str]);
    assert!(fonts.contains("+NanumMyeongjo"), "a subset font: {fonts}");

    let text = tool("pdftotext", &["-layout", path_str, "-"]);
    for cert in &history.completed {
        assert!(text.contains(&cert.payload.course_title), "{} missing", cert.payload.course_title);
        assert!(text.contains(&cert.serial), "{} missing", cert.serial);
        assert!(text.contains(&cert.verification_code));
    }
    let total_hours = history.total_minutes() / 60;
    let total_minutes = history.total_minutes() % 60;
    let total = if total_minutes == 0 {
        format!("총 30과정 · {total_hours}시간 이수 · 학습동아리 2곳 30시간 30분")
    } else {
        format!("총 30과정 · {total_hours}시간 {total_minutes}분 이수 · 학습동아리 2곳 30시간 30분")
    };
    assert!(text.contains(&total), "{total:?} missing");
    // The clubs, each under its field with the hours, next to the courses.
    for expected in [
        "학습동아리 활동",
        "철산 사진 동아리",
        "문화예술 · 대표 · 2025.03.15부터 · 24시간",
        "하안 책 읽는 엄마들",
        "인문교양 · 회원 · 2026.08.01부터 · 6시간 30분",
    ] {
        assert!(text.contains(expected), "{expected:?} missing");
    }
    let compact = text.replace(' ', "");
    assert!(compact.contains("학습이력확인서"));
    for expected in ["박순자", "1951년 4월 2일", "광명시평생학습원장", "2026년 12월 24일"] {
        assert!(text.contains(expected), "{expected:?} missing");
    }
    assert!(compact.contains(&format!("1/{pages}쪽")) && compact.contains(&format!("{pages}/{pages}쪽")));
    // Page order follows the list: the first course on page 1, the last on the last page.
    let page_texts: Vec<&str> = text.split('\u{c}').collect();
    assert!(page_texts[0].contains("GM-2026-000001"));
    assert!(page_texts[pages - 1].contains("GM-2026-000030"));
    tool("pdftoppm", &["-r", "60", "-png", path_str, out_dir().join("learning-history").to_str().unwrap()]);
}
