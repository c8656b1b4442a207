//! The console through its router, in process: sign-in and lockout, the second factor, scope by
//! institution (lists and typed addresses), masked phone numbers, CSRF, and the access log.
//! The browser tests (tests/e2e/console) drive the same pages in Chromium against a real hub.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use baeum_domain::staff::{StaffNumber, StaffProfile, StaffRole};
use baeum_domain::{Course, FixedClock, InstitutionId, Selection};
use tower::ServiceExt;

use crate::api::{HubState, router};
use crate::arbitration::fixtures::*;
use crate::store;

const PASSWORD: &str = "gwangmyeong-2026!";

struct Console {
    app: axum::Router,
    state: HubState,
    clock: Arc<FixedClock>,
    course: Course,
}

/// A browser: keeps the console's cookies between requests.
#[derive(Default)]
struct Browser {
    cookies: Vec<(String, String)>,
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, console: &Console, request: Request<Body>) -> Page {
        let response = console.app.clone().oneshot(request).await.unwrap();
        for set in response.headers().get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (pair, _) = set.split_once(';').unwrap_or((set, ""));
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !v.is_empty() {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
        let status = response.status();
        let location = response.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 22).await.unwrap();
        Page { status, location, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&mut self, console: &Console, path: &str) -> Page {
        let request = Request::get(path).header(header::COOKIE, self.cookie_header()).body(Body::empty()).unwrap();
        self.send(console, request).await
    }

    async fn post(&mut self, console: &Console, path: &str, form: &[(&str, &str)], site: &str) -> Page {
        let body = serde_urlencoded::to_string(form).unwrap();
        let request = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", site)
            .body(Body::from(body))
            .unwrap();
        self.send(console, request).await
    }

    /// The hidden `name` field of the last page.
    fn field(page: &Page, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = page.body.find(&marker).unwrap_or_else(|| panic!("no {name} in {}", page.body)) + marker.len();
        page.body[start..].split('"').next().unwrap().to_owned()
    }

    async fn sign_in(&mut self, console: &Console, number: &str, password: &str) -> Page {
        let form = self.get(console, "/console/login").await;
        let token = Self::field(&form, "login_token");
        self.post(
            console,
            "/console/login",
            &[("login_token", &token), ("staff_number", number), ("password", password)],
            "same-origin",
        )
        .await
    }
}

fn console() -> Console {
    let (conn, course) = hub(10, Selection::FirstCome, 0);
    let mut k = TestKiosk::new("k-a");
    let everyone = (1..=2).flat_map(|i| [register(i, "1950-01-01"), apply(i, &course)]).collect();
    let mut conn = conn;
    k.send(&mut conn, at("2026-11-26T14:00:00"), everyone);
    let clock = Arc::new(FixedClock::new(at("2026-11-27T10:00:00")));
    let state = HubState::new(conn, clock.clone());
    Console { app: router(state.clone()), state, clock, course }
}

/// An account with `password` (Argon2id, the test pepper).
async fn account(console: &Console, number: &str, role: StaffRole, institution: Option<&str>) {
    let profile = StaffProfile {
        staff_number: StaffNumber::parse(number).unwrap(),
        name: format!("직원{number}"),
        role,
        institution_id: institution.map(|i| InstitutionId::parse(i).unwrap()),
    };
    let now = console.clock.as_ref().now_for_tests();
    let (password, pin) = console
        .state
        .hashing(|pepper| (pepper.hash_password(PASSWORD).unwrap(), crate::staff::hash_pin(pepper, "975312").unwrap()))
        .await
        .unwrap();
    console
        .state
        .with_db(move |conn| {
            store::staff::insert(conn, &profile, &pin, now)?;
            store::console::set_password(conn, &profile.staff_number, &password)?;
            Ok(())
        })
        .await
        .unwrap();
}

trait Now {
    fn now_for_tests(&self) -> chrono::DateTime<chrono::Utc>;
}

impl Now for FixedClock {
    fn now_for_tests(&self) -> chrono::DateTime<chrono::Utc> {
        baeum_domain::Clock::now(self)
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_and_the_right_one_then_waits() {
    let c = console();
    account(&c, "2001", StaffRole::Desk, Some(c.course.institution_id.as_str())).await;
    let mut b = Browser::default();
    for _ in 0..4 {
        let page = b.sign_in(&c, "2001", "wrong-password-1").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert!(page.body.contains("직원 번호나 비밀번호가 맞지 않습니다"), "{}", page.body);
    }
    let fifth = b.sign_in(&c, "2001", "wrong-password-1").await;
    assert_eq!(fifth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(fifth.body.contains("계정이 잠겼습니다"), "{}", fifth.body);
    // The right password does not open a locked account…
    let locked = b.sign_in(&c, "2001", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    // …until the lock has run out; then the count starts again (one slip does not lock her anew).
    c.clock.advance(chrono::Duration::minutes(store::console::LOCK_MINUTES + 1));
    let slip = b.sign_in(&c, "2001", "wrong-password-1").await;
    assert_eq!(slip.status, StatusCode::UNAUTHORIZED, "{}", slip.body);
    let open = b.sign_in(&c, "2001", PASSWORD).await;
    assert_eq!((open.status, open.location.as_deref()), (StatusCode::SEE_OTHER, Some("/console/")));
    let home = b.get(&c, "/console/").await;
    assert_eq!(home.status, StatusCode::OK);
    let log = c.state.with_db(|conn| Ok(store::staff::audit_log(conn, &Default::default())?)).await.unwrap();
    assert_eq!(log.iter().filter(|l| l.action == "console_sign_in_failed").count(), 6);
    assert!(log.iter().any(|l| l.action == "console_sign_in" && l.kiosk_id == "console"));
}

#[tokio::test]
async fn an_administrator_needs_a_totp_code_and_a_code_cannot_be_used_twice() {
    let c = console();
    account(&c, "1001", StaffRole::SystemAdmin, None).await;
    let mut b = Browser::default();
    // Half signed in, she may still sign out; the session then opens nothing.
    let mut quitter = Browser::default();
    quitter.sign_in(&c, "1001", PASSWORD).await;
    let page = quitter.get(&c, "/console/totp").await;
    let out = quitter.post(&c, "/console/logout", &[("csrf", &Browser::field(&page, "csrf"))], "same-origin").await;
    assert_eq!(out.location.as_deref(), Some("/console/login"));
    assert_eq!(quitter.get(&c, "/console/totp").await.location.as_deref(), Some("/console/login"));
    let signed = b.sign_in(&c, "1001", PASSWORD).await;
    assert_eq!(signed.location.as_deref(), Some("/console/totp"));
    // The password alone opens no page.
    let home = b.get(&c, "/console/audit").await;
    assert_eq!(home.location.as_deref(), Some("/console/totp"));
    let enrol = b.get(&c, "/console/totp").await;
    assert!(enrol.body.contains("<svg"), "the enrolment QR code");
    let secret = enrol.body.split("id=\"totp-secret\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let nonce = c
        .state
        .with_db(|conn| {
            Ok(store::console::credentials(conn, &StaffNumber::parse("1001").unwrap())?.unwrap().totp_nonce.unwrap())
        })
        .await
        .unwrap();
    let totp = super::auth::totp_for(c.state.pepper(), "1001", &nonce).unwrap();
    assert_eq!(totp.get_secret_base32(), secret, "the page shows the secret the hub checks against");
    let now = baeum_domain::Clock::now(c.clock.as_ref());
    let code = totp.generate(u64::try_from(now.timestamp()).unwrap());
    let csrf = Browser::field(&enrol, "csrf");
    let wrong = b.post(&c, "/console/totp", &[("csrf", &csrf), ("code", "000000")], "same-origin").await;
    assert!(wrong.body.contains("인증 코드가 맞지 않거나"), "{}", wrong.body);
    let right = b.post(&c, "/console/totp", &[("csrf", &csrf), ("code", &code)], "same-origin").await;
    assert_eq!(right.location.as_deref(), Some("/console/"));
    assert_eq!(b.get(&c, "/console/audit").await.status, StatusCode::OK);
    // Someone who saw the code over her shoulder cannot sign in with it in the same 30 s.
    let mut other = Browser::default();
    other.sign_in(&c, "1001", PASSWORD).await;
    let page = other.get(&c, "/console/totp").await;
    assert!(!page.body.contains("<svg"), "enrolled: no QR code again");
    let csrf = Browser::field(&page, "csrf");
    let replay = other.post(&c, "/console/totp", &[("csrf", &csrf), ("code", &code)], "same-origin").await;
    assert!(replay.body.contains("이미 쓴 코드"), "{}", replay.body);
    // The session ends after 15 idle minutes.
    c.clock.advance(chrono::Duration::minutes(super::IDLE_MINUTES + 1));
    assert_eq!(b.get(&c, "/console/audit").await.location.as_deref(), Some("/console/login"));
}

#[tokio::test]
async fn an_officer_sees_only_her_institution_and_phone_numbers_follow_the_role() {
    let c = console();
    let mine = c.course.institution_id.as_str().to_owned();
    let other = c
        .state
        .with_db(move |conn| {
            Ok(store::courses::all(conn)?.into_iter().find(|x| x.institution_id.as_str() != mine).unwrap())
        })
        .await
        .unwrap();
    account(&c, "3001", StaffRole::InstitutionOfficer, Some(c.course.institution_id.as_str())).await;
    account(&c, "3002", StaffRole::Desk, Some(c.course.institution_id.as_str())).await;
    let mut officer = Browser::default();
    officer.sign_in(&c, "3001", PASSWORD).await;
    let list = officer.get(&c, "/console/courses").await;
    assert!(list.body.contains(c.course.title.as_str()));
    assert!(list.body.contains(&format!("/console/courses/{}\"", c.course.id.as_str())));
    assert!(
        !list.body.contains(&format!("/console/courses/{}\"", other.id.as_str())),
        "another institution's course is not listed"
    );
    // Typing the other course's address is refused the same way.
    let typed = officer.get(&c, &format!("/console/courses/{}", other.id.as_str())).await;
    assert_eq!(typed.status, StatusCode::FORBIDDEN);
    assert_eq!(
        officer.get(&c, &format!("/console/courses/{}/class.csv", other.id.as_str())).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(officer.get(&c, "/console/audit").await.status, StatusCode::FORBIDDEN);
    // Her own class list: the numbers in full for the officer, masked for the desk.
    let csv = officer.get(&c, &format!("/console/courses/{}/class.csv", c.course.id.as_str())).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body.lines().count(), 3, "a header and two learners: {}", csv.body);
    assert!(!csv.body.contains("****"), "{}", csv.body);
    let mut desk = Browser::default();
    desk.sign_in(&c, "3002", PASSWORD).await;
    let masked = desk.get(&c, &format!("/console/courses/{}/class.csv", c.course.id.as_str())).await;
    assert!(masked.body.lines().skip(1).all(|l| l.contains("-****-")), "{}", masked.body);
    assert_eq!(desk.get(&c, "/console/rentals").await.status, StatusCode::FORBIDDEN);
    let log = c.state.with_db(|conn| Ok(store::staff::audit_log(conn, &Default::default())?)).await.unwrap();
    let exports: Vec<_> = log.iter().filter(|l| l.action == "console_class_csv").collect();
    assert_eq!(exports.len(), 2, "each export of personal data is in the access log");
    assert!(exports.iter().all(|l| l.subject == c.course.id.as_str()));
}

#[tokio::test]
async fn a_form_without_the_token_or_from_another_site_is_refused() {
    let c = console();
    account(&c, "3001", StaffRole::InstitutionOfficer, Some(c.course.institution_id.as_str())).await;
    let mut b = Browser::default();
    b.sign_in(&c, "3001", PASSWORD).await;
    let page = b.get(&c, "/console/fleet").await;
    let csrf = Browser::field(&page, "csrf");
    let none = b.post(&c, "/console/notices", &[("text", "정전 예정"), ("hours", "4")], "same-origin").await;
    assert_eq!(none.status, StatusCode::FORBIDDEN);
    let forged =
        b.post(&c, "/console/notices", &[("csrf", &csrf), ("text", "정전 예정"), ("hours", "4")], "cross-site").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("이 화면에서 보낸 요청이 아닙니다"));
    let now = baeum_domain::Clock::now(c.clock.as_ref());
    let shown = c.state.with_db(move |conn| Ok(store::fleet::notices(conn, None, now)?)).await.unwrap();
    assert!(shown.is_empty(), "nothing was posted");
    let real = b
        .post(
            &c,
            "/console/notices",
            &[("csrf", &csrf), ("text", "오늘 오후 3시 정전 예정"), ("hours", "4")],
            "same-origin",
        )
        .await;
    assert_eq!(real.status, StatusCode::SEE_OTHER);
    // The page after the form shows the hub's message; a link with words of its own shows none.
    let after = b.get(&c, real.location.as_deref().unwrap()).await;
    assert!(after.body.contains("공지를 게시했습니다"), "{}", after.body);
    let crafted = b
        .get(&c, "/console/fleet?done=%EB%B9%84%EB%B0%80%EB%B2%88%ED%98%B8%EB%A5%BC%20%EB%B3%B4%EB%82%B4%20%EC%A3%BC%EC%84%B8%EC%9A%94&sig=00")
        .await;
    assert!(!crafted.body.contains("비밀번호를 보내 주세요"), "an unsigned message is not shown");
    let institution = c.course.institution_id.to_string();
    let shown = c.state.with_db(move |conn| Ok(store::fleet::showing(conn, &institution, now)?)).await.unwrap();
    assert_eq!(shown.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["오늘 오후 3시 정전 예정"]);
    // The sign-in form has its own token: a forged sign-in is refused before any password check.
    let mut stranger = Browser::default();
    let forged =
        stranger.post(&c, "/console/login", &[("staff_number", "3001"), ("password", PASSWORD)], "same-origin").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_kiosk_unseen_for_three_heartbeats_is_offline() {
    use baeum_domain::fleet::*;
    let c = console();
    let beat = Heartbeat {
        version: "0.1.0".into(),
        interval_secs: HEARTBEAT_SECS,
        uptime_secs: 100,
        outbox: 3,
        since_last_sync_secs: None,
        catalog_behind: Some(0),
        printer: PrinterCondition::NeedsPaper,
        free_disk_mb: Some(9000),
        device_key: DeviceKeyState::Pending,
        status: KioskHealth::of(PrinterCondition::NeedsPaper, Some(9000)),
    };
    let now = baeum_domain::Clock::now(c.clock.as_ref());
    let institution = c.course.institution_id.to_string();
    let kiosks = c
        .state
        .with_db(move |conn| {
            store::devices::put(conn, "k-fleet", &institution, "digest-1", "key-1", now)?;
            store::fleet::record(conn, "k-fleet", &beat, now)?;
            Ok(store::fleet::kiosks(conn, None)?)
        })
        .await
        .unwrap();
    let k = kiosks.iter().find(|k| k.kiosk_id == "k-fleet").unwrap();
    assert_eq!(k.last.as_ref().map(|b| (b.outbox, b.status)), Some((3, KioskHealth::PrinterNeedsPaper)));
    assert!(!k.offline(now + chrono::Duration::seconds(i64::from(HEARTBEAT_SECS * 3 - 1))));
    assert!(k.offline(now + chrono::Duration::seconds(i64::from(HEARTBEAT_SECS * 3 + 1))));
}
