//! A sample certificate for `baeum-kiosk print-test`: real layout and font, an obviously fake
//! person and a throwaway key, so staff can check the printer without anyone's data.

use baeum_domain::certificate::{CertificatePayload, SignedCertificate, key_id};
use baeum_kiosk::certificate_pdf::{CertificateArt, CertificateError, render};

pub fn certificate_pdf() -> Result<Vec<u8>, CertificateError> {
    let key = ed25519_dalek::SigningKey::from_bytes(&[0x5a; 32]);
    let date = |s: &str| s.parse().unwrap_or_default();
    let payload = CertificatePayload {
        serial: "TEST-0000-000000".into(),
        learner_name: "인쇄시험".into(),
        birth_date: date("2000-01-01"),
        course_title: "프린터 인쇄 시험 (효력 없음)".into(),
        institution: "배움 키오스크".into(),
        minutes: 60,
        first_date: date("2026-01-01"),
        last_date: date("2026-01-01"),
        issued_on: date("2026-01-01"),
        key_id: key_id(&key.verifying_key()),
        provisional: true,
    };
    render(
        &SignedCertificate::sign(payload, &key),
        &baeum_domain::PublicUrl::unconfigured("https://example.invalid"),
        &CertificateArt::bundled()?,
    )
}
