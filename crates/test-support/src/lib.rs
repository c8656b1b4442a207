//! baeum-test-support: what crate tests, system tests and benches share, so each is written once.
//!
//! - a hub on a free loopback port: in this process with an injected clock ([`in_process::Hub`])
//!   or the real `baeum-hub` binary ([`HubProcess`]), which the e2e harness also starts the same
//!   way (`seed`, then `serve --listen 127.0.0.1:0`, reading the address it prints);
//! - the demo day's clock and the learner registration form;
//! - the certificate specimen, signed;
//! - a real IPP printer ([`IppPrinter`]) and the kiosk's admin commands.

pub mod in_process;
mod process;
pub mod rush;

use std::sync::Arc;

use baeum_domain::certificate::{CertificatePayload, key_id};
use baeum_domain::learner::{ConsentPurpose, IdentityCheck};
use baeum_domain::{FixedClock, kst};
use baeum_kiosk::{HubUrl, RegistrationForm};
use chrono::{NaiveDate, TimeZone};
use ed25519_dalek::SigningKey;

pub use process::{
    HubProcess, IppPrinter, TEST_INSTITUTION, binary, credential_of, kiosk, kiosk_with_input, seed, seed_sqlite,
    stderr, stdout,
};

/// The day the demo catalog and the crate tests are dated for (courses open, closing and
/// starting around it).
#[allow(non_snake_case)]
pub fn demo_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default()
}

/// A fixed clock on the demo day at `hour:minute` KST.
pub fn demo_clock_at(hour: u32, minute: u32) -> Arc<FixedClock> {
    let day = demo_date();
    let at = kst()
        .from_local_datetime(&day.and_hms_opt(hour, minute, 0).unwrap_or_default())
        .single()
        .map(|t| t.to_utc())
        .unwrap_or_default();
    Arc::new(FixedClock::new(at))
}

/// The demo day at 14:05 KST, the time most crate tests run at.
pub fn demo_day() -> Arc<FixedClock> {
    demo_clock_at(14, 5)
}

/// Registration details of test learner `i`: a distinct mobile number and birth date each, the
/// required consent given, the optional one refused.
pub fn learner_form(i: usize) -> RegistrationForm {
    RegistrationForm {
        resident: !i.is_multiple_of(3),
        ..learner_form_of(
            "김배움",
            &format!("19{:02}-0{}-1{}", 40 + i % 50, 1 + i % 9, i % 10),
            &format!("010{:08}", 30_000_000 + i),
            "4821",
        )
    }
}

/// A resident's registration with these details as typed (so bad input can be tried too).
pub fn learner_form_of(name: &str, birth_date: &str, mobile: &str, pin: &str) -> RegistrationForm {
    RegistrationForm {
        name: name.into(),
        birth_date: birth_date.into(),
        mobile: mobile.into(),
        pin: pin.into(),
        resident: true,
        guardian: None,
        consents: vec![(ConsentPurpose::CourseAdministration, true), (ConsentPurpose::CourseNews, false)],
        identity: IdentityCheck::SelfDeclared,
    }
}

/// The certificate specimen (박순자, 「어르신 스마트폰 활용 기초」) naming `key` as its signer.
pub fn specimen(key: &SigningKey) -> CertificatePayload {
    CertificatePayload::specimen(key_id(&key.verifying_key()))
}

/// The body of `POST /v1/kiosks/provision` for a device of a test's own under `kiosk_id`, with
/// a fresh device key.
pub fn provision_body(code: &str, kiosk_id: &str) -> serde_json::Value {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).unwrap_or_else(|e| panic!("{e}"));
    let key = SigningKey::from_bytes(&seed);
    serde_json::json!({
        "code": code,
        "kiosk_id": kiosk_id,
        "public_key": baeum_domain::certificate::public_key_b64(&key.verifying_key()),
    })
}

/// A 선착순 course of `courses` open for application at `now` with at least 5 seats, paid or
/// free as `paid` says (either when `None`).
pub fn open_first_come_course(
    courses: &[baeum_domain::Course],
    now: chrono::DateTime<chrono::Utc>,
    paid: Option<bool>,
) -> baeum_domain::CourseId {
    courses
        .iter()
        .find(|c| {
            c.phase_at(now) == baeum_domain::ApplicationPhase::Open
                && c.selection == baeum_domain::Selection::FirstCome
                && c.capacity >= 5
                && paid.is_none_or(|paid| c.fee.is_free() != paid)
        })
        .map(|c| c.id.clone())
        .unwrap_or_else(|| panic!("the demo has an open first-come course (paid: {paid:?})"))
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(0)
}

/// A loopback hub address nothing answers on: a kiosk pointed at it is offline.
pub fn dead_hub() -> HubUrl {
    HubUrl::parse(&format!("http://127.0.0.1:{}", free_port())).unwrap_or_else(|e| panic!("{e}"))
}

/// The hub session of a learner registered with `form`, as her PIN opens it at kiosk `k` (her
/// own records — history, certificates — are answered only inside one).
pub async fn session_of(k: &baeum_kiosk::Kiosk, form: &RegistrationForm) -> baeum_kiosk::HubSession {
    let signed_in = k
        .find_learner(&form.mobile, &form.birth_date, &form.pin)
        .await
        .unwrap_or_else(|e| panic!("her PIN opens a session: {e}"));
    signed_in.session.unwrap_or_else(|| panic!("the hub answered, so it opened a session"))
}

/// The desk staff account tests sign in with (see [`staff_on_duty`]).
pub const TEST_STAFF: &str = "1001";
pub const TEST_STAFF_PIN: &str = "246813";

/// Adds [`TEST_STAFF`] (a desk clerk of [`TEST_INSTITUTION`]) to the hub database `db` if it is
/// not there yet, with the pepper file the hub serving `db` uses, and signs them in at kiosk `k`
/// as staff do on the staff screen.
pub async fn staff_on_duty(db: &std::path::Path, k: &baeum_kiosk::Kiosk) -> baeum_kiosk::on_duty::OnDuty {
    use baeum_domain::staff::{StaffNumber, StaffProfile, StaffRole};
    let number = StaffNumber::parse(TEST_STAFF).unwrap_or_else(|e| panic!("{e}"));
    let conn = baeum_hub::store::open(db).unwrap_or_else(|e| panic!("{e}"));
    if baeum_hub::store::staff::get(&conn, &number).unwrap_or_else(|e| panic!("{e}")).is_none() {
        let pepper = baeum_hub::pins::PinPepper::load_or_create(&db.with_extension("pin-pepper"))
            .unwrap_or_else(|e| panic!("{e}"));
        let profile = StaffProfile {
            staff_number: number,
            name: "김직원".into(),
            role: StaffRole::Desk,
            institution_id: Some(
                baeum_domain::InstitutionId::parse(TEST_INSTITUTION).unwrap_or_else(|e| panic!("{e}")),
            ),
        };
        baeum_hub::staff::add(&conn, &pepper, &profile, TEST_STAFF_PIN, chrono::Utc::now())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    drop(conn);
    k.staff_sign_in(TEST_STAFF, TEST_STAFF_PIN).await.unwrap_or_else(|e| panic!("staff sign-in: {e}"))
}

/// Moves `clock` to an hour after `course`'s last class ends: attendance is only ever taken for
/// classes that have started, so a test that marks every class lives past them first.
pub fn after_last_class(clock: &FixedClock, course: &baeum_domain::Course) {
    let last = course.sessions.last().unwrap_or_else(|| panic!("{} has classes", course.id));
    let ends = last.date.and_time(last.ends_at).and_local_timezone(baeum_domain::kst()).earliest();
    clock.set(ends.unwrap_or_else(|| panic!("a KST time")).to_utc() + chrono::Duration::hours(1));
}
