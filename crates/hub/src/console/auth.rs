//! Signing in to the console: staff number and password (Argon2id keyed with the hub's pepper;
//! five wrong in a row lock the account for 15 minutes), then for a 시스템 관리자 a TOTP code
//! from an authenticator app, enrolled on first sign-in from a QR code. The session lives in an
//! HttpOnly, SameSite=Strict cookie (Secure over HTTPS) and ends after 15 idle minutes.
//!
//! The TOTP secret is never stored: it is HMAC(pepper, staff number, nonce), so the database
//! alone gives no second factor away, and a new enrolment (new nonce) voids the old app.

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use baeum_domain::staff::{StaffNumber, StaffRole};
use chrono::{DateTime, Utc};
use maud::{Markup, PreEscaped, html};
use totp_rs::{Algorithm, TOTP};

use super::{
    Officer, Refusal, cookie_name, cookie_value, digest, fresh_token, page, same_origin, set_cookie, tokens_equal,
};
use crate::api::HubState;
use crate::store::{console as store, staff};

/// The double-submit cookie of the sign-in form (there is no session yet to hold a token).
const LOGIN_COOKIE: &str = "baeum_console_login";

/// A signed-in session, whether or not the second factor was given yet.
#[derive(Debug)]
pub(crate) struct Signed {
    pub officer: Officer,
    pub verified: bool,
}

/// The session behind the request's cookie: open, not idle, its account active.
pub(crate) async fn session_of(parts: &Parts, state: &HubState) -> Result<Signed, Refusal> {
    let Some(token) = cookie_value(&parts.headers, cookie_name(state.secure_cookies())) else {
        return Err(Refusal::SignIn);
    };
    let token_digest = digest(token);
    let now = super::now(state);
    let address = super::address_of(parts);
    let found = state
        .with_db(move |conn| {
            let Some(session) = store::session(conn, &token_digest)? else { return Ok(None) };
            let idle = now - session.last_seen_at > chrono::Duration::minutes(super::IDLE_MINUTES);
            let old = now - session.created_at > chrono::Duration::hours(super::MAX_HOURS);
            let number = StaffNumber::parse(&session.staff_number).map_err(|e| crate::store::StoreError::Corrupt {
                what: "직원 번호",
                id: session.staff_number.clone(),
                problem: e.to_string(),
            })?;
            let account = staff::get(conn, &number)?.filter(|a| a.disabled_at.is_none());
            let Some(account) = account.filter(|_| !idle && !old) else {
                store::end(conn, &token_digest, now)?;
                return Ok(None);
            };
            store::touch(conn, &token_digest, now)?;
            Ok(Some((account.profile, session.csrf, session.verified, token_digest)))
        })
        .await?;
    let Some((profile, csrf, verified, session_digest)) = found else { return Err(Refusal::SignIn) };
    Ok(Signed { officer: Officer { profile, csrf, address, session_digest }, verified })
}

fn login_form(token: &str, message: Option<&str>) -> Markup {
    let body = html! {
        main id="main" {
            h1 { "로그인" }
            p { "직원 번호와 관리 화면 비밀번호를 입력해 주세요. 키오스크 직원 PIN과는 다른 비밀번호입니다." }
            @if let Some(m) = message { p class="warn" role="alert" { (m) } }
            form method="post" action="/console/login" {
                input type="hidden" name="login_token" value=(token);
                p { label for="staff_number" { "직원 번호" } input id="staff_number" name="staff_number" inputmode="numeric" autocomplete="username" required; }
                p { label for="password" { "비밀번호" } input id="password" name="password" type="password" autocomplete="current-password" required; }
                p { button type="submit" { "로그인" } }
            }
        }
    };
    page("로그인", None, body)
}

/// A sign-in page with a fresh double-submit token.
fn login_response(
    state: &HubState,
    message: Option<&str>,
    status: axum::http::StatusCode,
) -> Result<Response, Refusal> {
    let token = fresh_token()?;
    let mut response = (status, login_form(&token, message)).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, &token, state.secure_cookies(), Some(900)));
    Ok(response)
}

pub async fn login_page(State(state): State<HubState>) -> Result<Response, Refusal> {
    login_response(&state, None, axum::http::StatusCode::OK)
}

#[derive(Debug, serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login_token: String,
    #[serde(default)]
    staff_number: String,
    #[serde(default)]
    password: String,
}

/// What a sign-in attempt came to.
enum Attempt {
    Wrong,
    Locked(DateTime<Utc>),
    In { number: StaffNumber, admin: bool },
}

pub async fn login(
    State(state): State<HubState>,
    headers: HeaderMap,
    super::Address(address): super::Address,
    axum::Form(form): axum::Form<LoginForm>,
) -> Result<Response, Refusal> {
    let cookie = cookie_value(&headers, LOGIN_COOKIE).unwrap_or_default();
    if !same_origin(&headers) || form.login_token.is_empty() {
        return Err(Refusal::Csrf);
    }
    if !tokens_equal(cookie, &form.login_token) {
        // The form's cookie ran out (the page stood open over 15 minutes) or another tab made a
        // new one: the form again, nothing checked.
        return login_response(
            &state,
            Some("로그인 화면이 오래 열려 있었습니다. 직원 번호와 비밀번호를 다시 입력해 주세요."),
            axum::http::StatusCode::BAD_REQUEST,
        );
    }
    let now = super::now(&state);
    let wrong = "직원 번호나 비밀번호가 맞지 않습니다. 5번 틀리면 15분 동안 로그인할 수 없습니다.";
    let Ok(number) = StaffNumber::parse(form.staff_number.trim()) else {
        return login_response(&state, Some(wrong), axum::http::StatusCode::UNAUTHORIZED);
    };
    let lookup = number.clone();
    let known = state
        .with_db(move |conn| {
            let account = staff::get(conn, &lookup)?.filter(|a| a.disabled_at.is_none());
            let credentials = store::credentials(conn, &lookup)?.unwrap_or_default();
            Ok(account.map(|a| (a.profile.role, credentials)))
        })
        .await?;
    if let Some((_, c)) = &known
        && let Some(until) = c.locked_until.filter(|t| *t > now)
    {
        return login_response(&state, Some(&locked_text(until)), axum::http::StatusCode::TOO_MANY_REQUESTS);
    }
    let stored = known.as_ref().and_then(|(_, c)| c.password_hash.clone());
    let password = form.password;
    // An unknown number or one without a password costs the same Argon2id run as a wrong one.
    let matches = state
        .hashing(move |pepper| {
            let against = stored.as_deref().unwrap_or(crate::pins::DUMMY_PASSWORD);
            pepper.verify_password(against, &password) && stored.is_some()
        })
        .await?;
    let attempt_number = number.clone();
    let attempt_address = address.clone();
    let attempt = state
        .with_db(move |conn| {
            let Some((role, _)) = known else { return Ok(Attempt::Wrong) };
            // Read again: guesses sent at once all passed the first check while Argon2id ran.
            let locked = store::credentials(conn, &attempt_number)?.and_then(|c| c.locked_until).filter(|t| *t > now);
            if let Some(until) = locked {
                return Ok(Attempt::Locked(until));
            }
            if !matches {
                let locked = store::failed(conn, &attempt_number, now)?;
                staff::audit_console(conn, now, &attempt_number, &attempt_address, "console_sign_in_failed", "")?;
                return Ok(locked.map_or(Attempt::Wrong, Attempt::Locked));
            }
            Ok(Attempt::In { number: attempt_number, admin: role == StaffRole::SystemAdmin })
        })
        .await?;
    let (number, admin) = match attempt {
        Attempt::Wrong => return login_response(&state, Some(wrong), axum::http::StatusCode::UNAUTHORIZED),
        Attempt::Locked(until) => {
            return login_response(&state, Some(&locked_text(until)), axum::http::StatusCode::TOO_MANY_REQUESTS);
        }
        Attempt::In { number, admin } => (number, admin),
    };
    let token = fresh_token()?;
    let csrf = fresh_token()?;
    let token_digest = digest(&token);
    state
        .with_db(move |conn| {
            // The password alone finishes sign-in for roles without a second factor; a
            // 시스템 관리자's failure count starts again only after the code.
            if admin {
                // One half-signed-in session at a time: each gets at most the codes the lockout
                // allows, so opening many first buys no extra guesses.
                store::end_unverified_of(conn, &number, now)?;
            } else {
                store::succeeded(conn, &number)?;
            }
            store::open_session(conn, &token_digest, &number, &csrf, &address, !admin, now)?;
            staff::audit_console(conn, now, &number, &address, "console_sign_in", if admin { "password" } else { "" })?;
            Ok(())
        })
        .await?;
    let mut response = Redirect::to(if admin { "/console/totp" } else { "/console/" }).into_response();
    let secure = state.secure_cookies();
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, set_cookie(cookie_name(secure), &token, secure, None));
    headers.append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, "", secure, Some(0)));
    Ok(response)
}

fn locked_text(until: DateTime<Utc>) -> String {
    format!(
        "잘못된 비밀번호나 인증 코드가 여러 번 입력되어 계정이 잠겼습니다. {}에 다시 시도하거나 시스템 관리자에게 잠금 해제를 요청해 주세요.",
        until.with_timezone(&baeum_domain::kst()).format("%H:%M")
    )
}

/// The TOTP of `number` under `nonce` (RFC 6238: SHA-1, 6 digits, 30 s, as authenticator apps expect).
pub fn totp_for(pepper: &crate::pins::PinPepper, number: &str, nonce: &str) -> Result<TOTP, Refusal> {
    let secret = pepper.derive("baeum console totp", &[number, nonce])[..20].to_vec();
    TOTP::new(Algorithm::SHA1, 6, 1, 30, secret, Some("배움 운영 관리".to_owned()), number.to_owned())
        .map_err(|e| Refusal::Failed(crate::api::Failure::internal(format!("TOTP: {e}"))))
}

/// The time step a code belongs to: this one, the one before or the one after (a phone's clock
/// a little off), or none.
pub fn step_of(totp: &TOTP, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs = u64::try_from(now.timestamp()).ok()?;
    [secs.saturating_sub(30), secs, secs + 30]
        .into_iter()
        .find(|t| tokens_equal(&totp.generate(*t), &code))
        .and_then(|t| i64::try_from(t / 30).ok())
}

/// A QR code of `text` as inline SVG (the console's CSP allows no image from elsewhere).
fn qr_svg(text: &str) -> Result<String, Refusal> {
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| Refusal::Failed(crate::api::Failure::internal(format!("QR: {e}"))))?;
    Ok(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build())
}

pub async fn totp_page(parts: Parts, State(state): State<HubState>) -> Result<Response, Refusal> {
    let signed = session_of(&parts, &state).await?;
    if signed.verified {
        return Ok(Redirect::to("/console/").into_response());
    }
    totp_form(&state, &signed.officer, None).await
}

async fn totp_form(state: &HubState, officer: &Officer, message: Option<&str>) -> Result<Response, Refusal> {
    let number = officer.number().clone();
    let credentials = state
        .with_db(move |conn| {
            let mut c = store::credentials(conn, &number)?.unwrap_or_default();
            if c.totp_nonce.is_none() {
                let nonce = fresh_token()?;
                store::start_totp(conn, &number, &nonce)?;
                c.totp_nonce = Some(nonce);
            }
            Ok(c)
        })
        .await?;
    let nonce = credentials.totp_nonce.unwrap_or_default();
    let enrolment = if credentials.totp_confirmed {
        None
    } else {
        let totp = totp_for(state.pepper(), officer.number().as_str(), &nonce)?;
        Some((qr_svg(&totp.get_url())?, totp.get_secret_base32()))
    };
    let body = html! {
        main id="main" {
            h1 { "인증 코드 확인" }
            @if let Some((svg, secret)) = &enrolment {
                p { "시스템 관리자는 2단계 인증을 써야 합니다. 휴대전화의 인증 앱(Google OTP, Microsoft Authenticator 등)으로 아래 QR 코드를 찍어 등록한 뒤, 앱에 나온 6자리 코드를 입력해 주세요." }
                figure {
                    div role="img" aria-label="인증 앱 등록용 QR 코드" { (PreEscaped(svg)) }
                    figcaption { "QR 코드를 찍을 수 없으면 이 키를 직접 입력하세요: " code id="totp-secret" { (secret) } }
                }
            } @else {
                p { "휴대전화 인증 앱에 나온 6자리 코드를 입력해 주세요." }
            }
            @if let Some(m) = message { p class="warn" role="alert" { (m) } }
            form method="post" action="/console/totp" {
                (officer.csrf_field())
                p { label for="code" { "인증 코드 (6자리)" } input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="7" required; }
                p { button type="submit" { "확인" } }
            }
            form method="post" action="/console/logout" { (officer.csrf_field()) button type="submit" { "취소하고 로그아웃" } }
        }
    };
    Ok(page("인증 코드 확인", None, body).into_response())
}

#[derive(Debug, serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn totp(parts: Parts, State(state): State<HubState>, body: axum::body::Bytes) -> Result<Response, Refusal> {
    // Not `Act`: the session is signed in but not verified yet, which `Act` refuses.
    let signed = session_of(&parts, &state).await?;
    if signed.verified {
        return Ok(Redirect::to("/console/").into_response());
    }
    let officer = signed.officer;
    #[derive(serde::Deserialize)]
    struct Posted {
        #[serde(default)]
        csrf: String,
        #[serde(flatten)]
        form: CodeForm,
    }
    let posted: Posted =
        serde_urlencoded::from_bytes(&body).map_err(|_| Refusal::Invalid("인증 코드를 읽을 수 없습니다".into()))?;
    if !same_origin(&parts.headers) || !tokens_equal(&posted.csrf, &officer.csrf) {
        return Err(Refusal::Csrf);
    }
    let now = super::now(&state);
    let number = officer.number().clone();
    let nonce = state.with_db({
        let number = number.clone();
        move |conn| Ok(store::credentials(conn, &number)?.and_then(|c| c.totp_nonce))
    });
    let Some(nonce) = nonce.await? else { return totp_form(&state, &officer, None).await };
    let totp = totp_for(state.pepper(), number.as_str(), &nonce)?;
    let step = step_of(&totp, &posted.form.code, now);
    let (address, session_digest) = (officer.address.clone(), officer.session_digest.clone());
    let outcome = state
        .with_db(move |conn| {
            if let Some(until) = store::credentials(conn, &number)?.and_then(|c| c.locked_until).filter(|t| *t > now) {
                store::end(conn, &session_digest, now)?;
                return Ok(Err(Some(until)));
            }
            if let Some(step) = step
                && store::use_totp_step(conn, &number, step, now)?
            {
                store::succeeded(conn, &number)?;
                store::mark_verified(conn, &session_digest)?;
                staff::audit_console(conn, now, &number, &address, "console_sign_in", "totp")?;
                return Ok(Ok(()));
            }
            let locked = store::failed(conn, &number, now)?;
            staff::audit_console(conn, now, &number, &address, "console_totp_failed", "")?;
            if locked.is_some() {
                store::end_all_of(conn, &number, now)?;
            }
            Ok(Err(locked))
        })
        .await?;
    match outcome {
        Ok(()) => Ok(Redirect::to("/console/").into_response()),
        Err(Some(until)) => {
            login_response(&state, Some(&locked_text(until)), axum::http::StatusCode::TOO_MANY_REQUESTS)
        }
        Err(None) => {
            totp_form(
                &state,
                &officer,
                Some("인증 코드가 맞지 않거나 이미 쓴 코드입니다. 앱에 나온 새 코드를 입력해 주세요."),
            )
            .await
        }
    }
}

pub async fn logout(parts: Parts, State(state): State<HubState>, body: axum::body::Bytes) -> Result<Response, Refusal> {
    // Not `Act`: someone half signed in (a code still owed) may sign out too.
    let officer = session_of(&parts, &state).await?.officer;
    #[derive(serde::Deserialize)]
    struct Posted {
        #[serde(default)]
        csrf: String,
    }
    let posted: Posted = serde_urlencoded::from_bytes(&body).map_err(|_| Refusal::Csrf)?;
    if !same_origin(&parts.headers) || !tokens_equal(&posted.csrf, &officer.csrf) {
        return Err(Refusal::Csrf);
    }
    let now = super::now(&state);
    let (session_digest, number, address) =
        (officer.session_digest.clone(), officer.number().clone(), officer.address.clone());
    state
        .with_db(move |conn| {
            store::end(conn, &session_digest, now)?;
            staff::audit_console(conn, now, &number, &address, "console_sign_out", "")?;
            Ok(())
        })
        .await?;
    let mut response = Redirect::to("/console/login").into_response();
    let secure = state.secure_cookies();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(cookie_name(secure), "", secure, Some(0)));
    Ok(response)
}

/// A password the console accepts: 10 characters or more, with at least two of letters, digits
/// and symbols (KISA's guidance for 2 kinds), not the staff number.
pub fn password_problem(password: &str, number: &str) -> Option<&'static str> {
    let chars = password.chars().count();
    let kinds = [
        password.chars().any(char::is_alphabetic),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
    ]
    .iter()
    .filter(|k| **k)
    .count();
    if chars < 10 {
        return Some("비밀번호는 10자 이상이어야 합니다");
    }
    if chars > 128 {
        return Some("비밀번호는 128자 이하여야 합니다");
    }
    if kinds < 2 {
        return Some("비밀번호에는 영문, 숫자, 특수문자 가운데 두 가지 이상을 섞어 주세요");
    }
    if password.contains(number) {
        return Some("비밀번호에 직원 번호를 넣을 수 없습니다");
    }
    None
}
