//! The operators' console: Korean pages served by the hub for city and institution staff at an
//! office PC. Server-rendered HTML (maud escapes every value), no script: a form posts, the hub
//! acts, and the page redirects back with what happened.
//!
//! Who may see what is decided here once, by [`Officer`]: every page takes one (signed in, every
//! factor given, not idle), and reads through its scope. A 기관 담당자 or 데스크 직원 sees their own
//! institution only — in lists and when typing another institution's id into the address bar.
//! Every form carries the session's CSRF token ([`Act`]), and every action and every view of
//! personal data goes into the access log with the caller's address.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baeum_domain::InstitutionId;
use baeum_domain::staff::{StaffNumber, StaffProfile, StaffRole};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::de::DeserializeOwned;

use crate::api::{Failure, HubState};
use crate::store::staff;

mod audit;
pub mod auth;
mod certificates;
mod clubs;
mod courses;
mod fleet;
mod rentals;
mod staff_accounts;
mod subsidy;
#[cfg(test)]
mod tests;

/// A session ends after this long without a request…
pub const IDLE_MINUTES: i64 = 15;
/// …and after this long in any case (one working day).
pub const MAX_HOURS: i64 = 10;

/// The console's routes, under `/console`.
pub fn router() -> axum::Router<HubState> {
    axum::Router::new()
        .route("/console", get(|| async { Redirect::to("/console/") }))
        .route("/console/", get(home))
        .route("/console/login", get(auth::login_page).post(auth::login))
        .route("/console/totp", get(auth::totp_page).post(auth::totp))
        .route("/console/logout", post(auth::logout))
        .route("/console/courses", get(courses::list))
        .route("/console/courses/{id}", get(courses::detail))
        .route("/console/courses/{id}/class.csv", get(courses::class_csv))
        .route("/console/rentals", get(rentals::list))
        .route("/console/rentals/{id}", post(rentals::decide))
        .route("/console/subsidy", get(subsidy::list))
        .route("/console/subsidy/{id}", get(subsidy::detail))
        .route("/console/subsidy/{id}/residence", post(subsidy::residence))
        .route("/console/subsidy/{id}/draw", post(subsidy::draw))
        .route("/console/clubs", get(clubs::list))
        .route("/console/clubs/{id}", get(clubs::detail).post(clubs::decide))
        .route("/console/certificates", get(certificates::search))
        .route("/console/certificates/{serial}", post(certificates::act))
        .route("/console/keys", post(certificates::endorse))
        .route("/console/fleet", get(fleet::list))
        .route("/console/notices", post(fleet::notice))
        .route("/console/notices/{id}/end", post(fleet::end_notice))
        .route("/console/audit", get(audit::list))
        .route("/console/staff", get(staff_accounts::list).post(staff_accounts::add))
        .route("/console/staff/{number}", post(staff_accounts::act))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
        .layer(axum::middleware::map_response(console_headers))
}

/// No script, nothing from elsewhere, no framing, no caching of pages with personal data.
async fn console_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The session cookie's name: `__Host-` when the hub is reached over HTTPS (the browser then
/// keeps it to this host, Secure, path /), plain over loopback HTTP in tests and `make run`.
pub(crate) fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-baeum_console" } else { "baeum_console" }
}

pub(crate) fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// A cookie as the console sets it: HttpOnly, SameSite=Strict, Secure over HTTPS.
pub(crate) fn set_cookie(name: &str, value: &str, secure: bool, max_age_secs: Option<i64>) -> HeaderValue {
    let mut cookie = cookie::Cookie::build((name.to_owned(), value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .secure(secure);
    if let Some(secs) = max_age_secs {
        cookie = cookie.max_age(cookie::time::Duration::seconds(secs));
    }
    HeaderValue::from_str(&cookie.build().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The caller's address as the access log keeps it.
pub(crate) fn address_of(parts: &Parts) -> String {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// The caller's address, for handlers before a session exists (sign-in).
#[derive(Debug, Clone)]
pub struct Address(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Address {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Address(address_of(parts)))
    }
}

/// Whether a form post comes from the console's own pages: a browser says where a request
/// comes from (`Sec-Fetch-Site`, or `Origin`). Refused when it names another site. Beside the
/// CSRF token, not instead of it.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match (text("origin"), text("host")) {
        (None, _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").is_some_and(|(_, authority)| authority == host),
        (Some(_), None) => false,
    }
}

/// Constant-time comparison of two tokens.
pub(crate) fn tokens_equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A fresh random token (hex of 32 bytes).
pub(crate) fn fresh_token() -> Result<String, Failure> {
    let bytes = crate::secret_file::random().map_err(|e| Failure::internal(format!("random token: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What the hub stores of a session token.
pub(crate) fn digest(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The signed-in staff member a page is for.
#[derive(Debug, Clone)]
pub struct Officer {
    pub profile: StaffProfile,
    pub csrf: String,
    pub address: String,
    session_digest: String,
}

impl Officer {
    pub fn number(&self) -> &StaffNumber {
        &self.profile.staff_number
    }

    pub fn role(&self) -> StaffRole {
        self.profile.role
    }

    pub fn is_admin(&self) -> bool {
        self.role() == StaffRole::SystemAdmin
    }

    /// The institution whose data this person sees, or `None` for all of them (시스템 관리자).
    pub fn scope(&self) -> Option<&InstitutionId> {
        if self.is_admin() { None } else { self.profile.institution_id.as_ref() }
    }

    /// Whether `institution`'s data is this person's to see.
    pub fn covers(&self, institution: &str) -> bool {
        self.scope().is_none_or(|mine| mine.as_str() == institution)
    }

    /// Full phone numbers: only the 기관 담당자 who runs the course (they call learners about
    /// it). Everyone else gets them masked.
    pub fn sees_phone_numbers(&self, institution: &str) -> bool {
        self.role() == StaffRole::InstitutionOfficer && self.covers(institution)
    }

    /// The name recorded with a decision: "이름 (직원 번호)".
    pub fn by(&self) -> String {
        format!("{} ({})", self.profile.name, self.profile.staff_number)
    }

    /// Writes a line of the access log.
    pub fn audit(
        &self,
        conn: &crate::db::Connection,
        now: chrono::DateTime<chrono::Utc>,
        action: &str,
        subject: &str,
    ) -> Result<(), Failure> {
        staff::audit_console(conn, now, self.number(), &self.address, action, subject)?;
        Ok(())
    }

    /// The hidden field every form carries.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.csrf); }
    }

    /// What a scoped person gets for an id that does not exist: the same 403 as for another
    /// institution's, so typing ids tells them nothing about what exists elsewhere.
    pub fn missing(&self) -> Refusal {
        if self.scope().is_some() { Refusal::Forbidden } else { Refusal::NotFound }
    }

    /// Refuses a page this role may not open.
    pub fn require(&self, allowed: bool) -> Result<(), Refusal> {
        if allowed { Ok(()) } else { Err(Refusal::Forbidden) }
    }
}

/// Why a console request was not served.
#[derive(Debug)]
pub enum Refusal {
    /// Not signed in (or the session ended): to the sign-in page.
    SignIn,
    /// Signed in, second factor still owed.
    SecondFactor,
    /// Not this person's to see or do (403, the same page for "not yours" and "not there").
    Forbidden,
    NotFound,
    /// A form without the session's token, or from another site.
    Csrf,
    /// A form value the hub refuses: the message is shown on a page of its own.
    Invalid(String),
    Failed(Failure),
}

impl From<Failure> for Refusal {
    fn from(f: Failure) -> Self {
        Refusal::Failed(f)
    }
}

impl From<crate::store::StoreError> for Refusal {
    fn from(e: crate::store::StoreError) -> Self {
        Refusal::Failed(e.into())
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (status, title, text) = match self {
            Refusal::SignIn => return Redirect::to("/console/login").into_response(),
            Refusal::SecondFactor => return Redirect::to("/console/totp").into_response(),
            Refusal::Forbidden => (
                StatusCode::FORBIDDEN,
                "볼 수 없는 화면입니다",
                "이 화면을 볼 권한이 없거나 소속 기관의 정보가 아닙니다.".to_owned(),
            ),
            Refusal::NotFound => (StatusCode::NOT_FOUND, "찾을 수 없습니다", "주소를 다시 확인해 주세요.".to_owned()),
            Refusal::Csrf => (
                StatusCode::FORBIDDEN,
                "요청을 처리하지 않았습니다",
                "이 화면에서 보낸 요청이 아닙니다. 화면을 새로 고친 뒤 다시 해 주세요.".to_owned(),
            ),
            Refusal::Invalid(message) => (StatusCode::BAD_REQUEST, "입력을 확인해 주세요", message),
            Refusal::Failed(f) => {
                let message = f.message().to_owned();
                (f.status(), "처리하지 못했습니다", message)
            }
        };
        let body = html! {
            main id="main" {
                h1 { (title) }
                p { (text) }
                p { a href="/console/" { "첫 화면으로" } }
            }
        };
        (status, page(title, None, body)).into_response()
    }
}

impl FromRequestParts<HubState> for Officer {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &HubState) -> Result<Self, Self::Rejection> {
        let signed = auth::session_of(parts, state).await?;
        if !signed.verified {
            return Err(Refusal::SecondFactor);
        }
        Ok(signed.officer)
    }
}

/// A form from a console page: the body parsed as `T`, after the session's CSRF token in it
/// and the browser's own origin headers were checked.
#[derive(Debug)]
pub struct Act<T>(pub Officer, pub T);

#[derive(serde::Deserialize)]
struct WithCsrf<T> {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<HubState> for Act<T> {
    type Rejection = Refusal;

    async fn from_request(request: Request, state: &HubState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let officer = Officer::from_request_parts(&mut parts, state).await?;
        if !same_origin(&parts.headers) {
            tracing::warn!(event = "console_cross_site", "a console form posted from another site was refused");
            return Err(Refusal::Csrf);
        }
        let request = Request::from_parts(parts, body);
        let axum::Form(raw) = axum::Form::<WithCsrf<T>>::from_request(request, state)
            .await
            .map_err(|_| Refusal::Invalid("입력한 내용을 읽을 수 없습니다. 빠진 칸이 없는지 확인해 주세요.".into()))?;
        if !tokens_equal(&raw.csrf, &officer.csrf) {
            tracing::warn!(event = "console_csrf", "a console form without the session's token was refused");
            return Err(Refusal::Csrf);
        }
        Ok(Act(officer, raw.form))
    }
}

/// A form with nothing but its CSRF token (sign out).
#[derive(Debug, serde::Deserialize)]
pub struct Nothing {}

/// The state's clock, for handlers.
pub(crate) fn now(state: &HubState) -> chrono::DateTime<chrono::Utc> {
    state.clock().now()
}

/// Redirects after a form, with a message for the next page (`?done=…&sig=…`). The message is
/// signed with a key derived from the hub's pepper, so a crafted link cannot put words of its
/// own in the console's green banner.
pub(crate) fn back(state: &HubState, to: &str, done: &str) -> Response {
    let separator = if to.contains('?') { '&' } else { '?' };
    let sig = done_signature(state, done);
    Redirect::to(&format!("{to}{separator}done={}&sig={sig}", url_encode(done))).into_response()
}

fn done_signature(state: &HubState, done: &str) -> String {
    state.pepper().derive("baeum console done", &[done])[..16].iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Times as staff read them (KST).
pub(crate) fn kst_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&baeum_domain::kst()).format("%Y-%m-%d %H:%M").to_string()
}

const STYLE: &str = "
body{font-family:'NanumGothic','Noto Sans KR',sans-serif;margin:0;color:#111;background:#fafafa;font-size:16px;line-height:1.5}
header{background:#0b3d6e;color:#fff;padding:.5em 1em;display:flex;flex-wrap:wrap;gap:1em;align-items:center}
header a{color:#fff}
header .who{margin-left:auto}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25em 1em;margin:0;padding:0}
main{padding:1em 1.5em;max-width:80em}
table{border-collapse:collapse;margin:.5em 0;background:#fff}
th,td{border:1px solid #999;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#e8eef5}
.done{background:#e6f4ea;border:2px solid #1e6b34;padding:.5em}
.warn{color:#8a1c1c;font-weight:bold}
.muted{color:#444}
form.inline{display:inline}
button,input[type=submit]{font-size:1em;padding:.3em .8em;background:#0b4f9c;color:#fff;border:0;border-radius:4px;cursor:pointer}
button.danger{background:#a4161a}
input,select,textarea{font-size:1em;padding:.2em}
label{margin-right:.5em}
a{color:#0b4f9c}
.skip{position:absolute;left:-9999px}.skip:focus{left:1em;top:1em;background:#fff;color:#000;padding:.5em}
";

/// A console page: the heading, the menu for this person's role, and the body.
pub(crate) fn page(title: &str, who: Option<&Officer>, body: Markup) -> maud::Markup {
    html! {
        (DOCTYPE)
        html lang="ko" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 배움 운영 관리" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a class="skip" href="#main" { "본문으로 건너뛰기" }
                header {
                    strong { "배움 운영 관리" }
                    @if let Some(who) = who {
                        nav aria-label="주 메뉴" {
                            ul {
                                li { a href="/console/courses" { "강좌" } }
                                @if who.role() != StaffRole::Desk {
                                    li { a href="/console/rentals" { "대관" } }
                                    li { a href="/console/clubs" { "동아리" } }
                                }
                                @if who.is_admin() { li { a href="/console/subsidy" { "지원금" } } }
                                li { a href="/console/certificates" { "수료증" } }
                                @if who.role() != StaffRole::Desk { li { a href="/console/fleet" { "키오스크" } } }
                                @if who.is_admin() {
                                    li { a href="/console/audit" { "접속 기록" } }
                                    li { a href="/console/staff" { "직원" } }
                                }
                            }
                        }
                        div class="who" {
                            (who.profile.name) " · " (who.role().label_ko())
                            @if let Some(i) = &who.profile.institution_id { " · " (i.as_str()) }
                            " "
                            form class="inline" method="post" action="/console/logout" {
                                (who.csrf_field())
                                button type="submit" { "로그아웃" }
                            }
                        }
                    }
                }
                (body)
            }
        }
    }
}

/// The message a form's redirect carried, shown at the top of the page.
pub(crate) fn done_banner(done: Option<&str>) -> Markup {
    html! {
        @if let Some(text) = done.filter(|t| !t.is_empty()) {
            p class="done" role="status" { (text) }
        }
    }
}

/// The message a form's redirect carried (`?done=`), if its signature is the hub's.
#[derive(Debug, Default)]
pub(crate) struct Done {
    pub done: Option<String>,
}

impl FromRequestParts<HubState> for Done {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &HubState) -> Result<Self, Self::Rejection> {
        #[derive(serde::Deserialize)]
        struct Raw {
            done: Option<String>,
            sig: Option<String>,
        }
        let raw = parts.uri.query().and_then(|q| serde_urlencoded::from_str::<Raw>(q).ok());
        let done = raw.and_then(|r| match (r.done, r.sig) {
            (Some(done), Some(sig)) if tokens_equal(&sig, &done_signature(state, &done)) => Some(done),
            _ => None,
        });
        Ok(Done { done })
    }
}

async fn home(
    officer: Officer,
    axum::extract::State(state): axum::extract::State<HubState>,
) -> Result<Markup, Refusal> {
    let scope = officer.scope().map(|i| i.as_str().to_owned());
    let now = now(&state);
    let (waiting_rentals, waiting_clubs, offline) = state
        .with_db(move |conn| {
            let rentals = crate::store::rentals::listed(conn, true)?
                .into_iter()
                .filter(|b| {
                    scope.as_deref().is_none_or(|s| {
                        rentals::institution_of_room(conn, b.request.room_id.as_str()).ok().flatten().as_deref()
                            == Some(s)
                    })
                })
                .count();
            let clubs = crate::store::clubs::all(conn, true)?
                .into_iter()
                .filter(|c| scope.as_deref().is_none_or(|s| c.application.institution_id.as_str() == s))
                .count();
            let offline = crate::store::fleet::kiosks(conn, scope.as_deref())?
                .iter()
                .filter(|k| !k.revoked && k.offline(now))
                .count();
            Ok((rentals, clubs, offline))
        })
        .await?;
    let body = html! {
        main id="main" {
            h1 { "첫 화면" }
            p { (officer.profile.name) "님, 안녕하세요." }
            ul {
                li { a href="/console/courses" { "강좌별 신청 현황과 수강생 명단" } }
                @if officer.role() != StaffRole::Desk {
                    li { a href="/console/rentals" { "승인 기다리는 대관 " (waiting_rentals) "건" } }
                    li { a href="/console/clubs" { "승인 기다리는 동아리 " (waiting_clubs) "곳" } }
                    li { a href="/console/fleet" { "연결이 끊긴 키오스크 " (offline) "대" } }
                }
                @if officer.is_admin() { li { a href="/console/subsidy" { "평생학습 지원금 신청과 추첨" } } }
                li { a href="/console/certificates" { "수료증 조회·재발급·취소" } }
            }
        }
    };
    Ok(page("첫 화면", Some(&officer), body))
}

/// A service's error as the console shows it: the service's own Korean sentence for what staff
/// can fix, the reference-number page for the store's failures.
macro_rules! refusal_from {
    ($($error:ident),*) => {$(
        impl From<$error> for Refusal {
            fn from(e: $error) -> Self {
                match e {
                    $error::Store(store) => Refusal::Failed(store.into()),
                    other => Refusal::Invalid(other.to_string()),
                }
            }
        }
    )*};
}
use crate::certificates::IssueError;
use crate::clubs::ClubError;
use crate::devices::DeviceError;
use crate::rentals::RentalError;
use crate::subsidy::SubsidyError;
refusal_from!(RentalError, ClubError, SubsidyError, IssueError, DeviceError);
