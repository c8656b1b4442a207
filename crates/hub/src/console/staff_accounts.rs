//! 직원 (시스템 관리자): accounts and roles; a new account gets its console password from the
//! administrator and a kiosk PIN made here and shown once (each staff member their own, in
//! place of one shared PIN); disable, reset a password or a PIN, unlock, and reset a lost
//! authenticator.

use axum::extract::{Path, State};
use axum::response::Response;
use baeum_domain::InstitutionId;
use baeum_domain::staff::{StaffNumber, StaffProfile, StaffRole};
use maud::{Markup, html};

use super::{Act, Done, Officer, Refusal, back, done_banner, kst_time, page};
use crate::api::HubState;
use crate::store::{self, console as credentials};

pub async fn list(officer: Officer, State(state): State<HubState>, done: Done) -> Result<Markup, Refusal> {
    officer.require(officer.is_admin())?;
    let accounts = state
        .with_db(|conn| {
            let mut out = Vec::new();
            for a in store::staff::all(conn)? {
                let c = credentials::credentials(conn, &a.profile.staff_number)?.unwrap_or_default();
                out.push((a, c));
            }
            Ok(out)
        })
        .await?;
    let now = super::now(&state);
    let body = html! {
        main id="main" {
            h1 { "직원 계정" }
            (done_banner(done.done.as_deref()))
            table {
                caption { "계정" }
                thead { tr { th scope="col" { "직원 번호" } th scope="col" { "이름" } th scope="col" { "역할" } th scope="col" { "기관" } th scope="col" { "상태" } th scope="col" { "처리" } } }
                tbody {
                    @for (a, c) in &accounts {
                        @let number = a.profile.staff_number.as_str();
                        tr {
                            td { (number) }
                            td { (a.profile.name) }
                            td { (a.profile.role.label_ko()) }
                            td { (a.profile.institution_id.as_ref().map(|i| i.as_str().to_owned()).unwrap_or_default()) }
                            td {
                                @if let Some(t) = a.disabled_at { "중지 (" (kst_time(t)) ")" }
                                @else if c.locked_until.is_some_and(|t| t > now) || a.locked_until.is_some_and(|t| t > now) {
                                    span class="warn" { "잠김" }
                                    " "
                                    form class="inline" method="post" action={ "/console/staff/" (number) } {
                                        (officer.csrf_field())
                                        input type="hidden" name="action" value="unlock";
                                        button type="submit" { "잠금 해제" }
                                    }
                                }
                                @else { "사용 중" }
                                @if c.password_hash.is_none() { br; "관리 화면 비밀번호 없음" }
                                @if a.profile.role == StaffRole::SystemAdmin { br; @if c.totp_confirmed { "2단계 인증 등록됨" } @else { "2단계 인증 미등록" } }
                            }
                            td {
                                @if a.disabled_at.is_none() {
                                    form class="inline" method="post" action={ "/console/staff/" (number) } {
                                        (officer.csrf_field())
                                        input type="hidden" name="action" value="pin";
                                        button type="submit" { "키오스크 PIN 새로 발급" }
                                    }
                                    " "
                                    form class="inline" method="post" action={ "/console/staff/" (number) } {
                                        (officer.csrf_field())
                                        input type="hidden" name="action" value="password";
                                        label for={ "pw-" (number) } { "새 비밀번호" }
                                        input id={ "pw-" (number) } name="password" type="password" autocomplete="new-password" minlength="10";
                                        button type="submit" { "비밀번호 바꾸기" }
                                    }
                                    @if a.profile.role == StaffRole::SystemAdmin && number != officer.number().as_str() {
                                        " "
                                        form class="inline" method="post" action={ "/console/staff/" (number) } {
                                            (officer.csrf_field())
                                            input type="hidden" name="action" value="totp";
                                            button type="submit" { "2단계 인증 초기화" }
                                        }
                                    }
                                    @if number != officer.number().as_str() {
                                        " "
                                        form class="inline" method="post" action={ "/console/staff/" (number) } {
                                            (officer.csrf_field())
                                            input type="hidden" name="action" value="disable";
                                            button type="submit" class="danger" { "계정 중지" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "계정 추가" }
            form method="post" action="/console/staff" {
                (officer.csrf_field())
                p { label for="n-number" { "직원 번호 (숫자 4~8자리)" } input id="n-number" name="number" inputmode="numeric" required; }
                p { label for="n-name" { "이름" } input id="n-name" name="name" required; }
                p { label for="n-role" { "역할" }
                    select id="n-role" name="role" {
                        option value="desk" { "데스크 직원" }
                        option value="institution_officer" { "기관 담당자" }
                        option value="system_admin" { "시스템 관리자" }
                    } }
                p { label for="n-institution" { "소속 기관 (시스템 관리자는 비워 둠)" } input id="n-institution" name="institution"; }
                p { label for="n-password" { "관리 화면 비밀번호 (10자 이상, 두 종류 이상의 문자)" } input id="n-password" name="password" type="password" autocomplete="new-password" minlength="10" required; }
                p { "키오스크 PIN은 허브가 만들어 한 번만 보여 줍니다." }
                p { button type="submit" { "추가" } }
            }
        }
    };
    Ok(page("직원", Some(&officer), body))
}

/// A kiosk PIN made here: 6 digits, not one digit repeated.
fn fresh_pin() -> Result<String, Refusal> {
    loop {
        let bytes = crate::secret_file::random().map_err(|e| Refusal::Failed(crate::api::Failure::internal(e)))?;
        let n = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) % 1_000_000;
        let pin = format!("{n:06}");
        if baeum_domain::staff::staff_pin(&pin).is_ok() {
            return Ok(pin);
        }
    }
}

/// The page that shows a new kiosk PIN once.
fn pin_page(officer: &Officer, number: &str, pin: &str) -> Markup {
    let body = html! {
        main id="main" {
            h1 { "키오스크 PIN" }
            p { "직원 " (number) "의 키오스크 PIN입니다. 이 화면에서만 보여 주니 본인에게 직접 전해 주세요." }
            p { strong id="new-pin" style="font-size:2em;letter-spacing:.2em" { (pin) } }
            p { a href="/console/staff" { "직원 계정으로" } }
        }
    };
    page("키오스크 PIN", Some(officer), body)
}

#[derive(Debug, serde::Deserialize)]
pub struct NewAccount {
    number: String,
    name: String,
    role: String,
    #[serde(default)]
    institution: String,
    password: String,
}

pub async fn add(State(state): State<HubState>, Act(officer, form): Act<NewAccount>) -> Result<Response, Refusal> {
    use axum::response::IntoResponse;
    officer.require(officer.is_admin())?;
    let number = StaffNumber::parse(form.number.trim()).map_err(|e| Refusal::Invalid(e.to_string()))?;
    let role: StaffRole = form.role.parse().map_err(|_| Refusal::Invalid("역할을 골라 주세요".into()))?;
    let institution = Some(form.institution.trim())
        .filter(|i| !i.is_empty())
        .map(InstitutionId::parse)
        .transpose()
        .map_err(|e| Refusal::Invalid(e.to_string()))?;
    if role != StaffRole::SystemAdmin && institution.is_none() {
        return Err(Refusal::Invalid(format!("{}은(는) 소속 기관이 있어야 합니다", role.label_ko())));
    }
    let name = baeum_domain::text::clean(&form.name, 40, true, false)
        .map_err(|_| Refusal::Invalid("이름을 적어 주세요".into()))?;
    if let Some(problem) = super::auth::password_problem(&form.password, number.as_str()) {
        return Err(Refusal::Invalid(problem.into()));
    }
    let pin = fresh_pin()?;
    let (password, pin_for_hash) = (form.password, pin.clone());
    let (password_hash, pin_hash) = state
        .hashing(move |pepper| {
            let password = pepper.hash_password(&password);
            let pin = crate::staff::hash_pin(pepper, &pin_for_hash);
            (password, pin)
        })
        .await?;
    let password_hash = password_hash.map_err(|e| Refusal::Failed(crate::api::Failure::internal(e)))?;
    let pin_hash = pin_hash.map_err(|e| Refusal::Failed(crate::api::Failure::internal(e)))?;
    let now = super::now(&state);
    let who = officer.clone();
    let profile = StaffProfile { staff_number: number.clone(), name, role, institution_id: institution };
    state
        .with_db(move |conn| {
            if let Some(i) = &profile.institution_id
                && store::institutions::get(conn, i.as_str())?.is_none()
            {
                return Ok(Err(Refusal::Invalid(format!("없는 기관입니다: {i}"))));
            }
            if !store::staff::insert(conn, &profile, &pin_hash, now)? {
                return Ok(Err(Refusal::Invalid(format!("이미 있는 직원 번호입니다: {}", profile.staff_number))));
            }
            credentials::set_password(conn, &profile.staff_number, &password_hash)?;
            who.audit(conn, now, "console_staff_add", &format!("{} {}", profile.staff_number, profile.role.code()))?;
            Ok(Ok(()))
        })
        .await??;
    Ok(pin_page(&officer, number.as_str(), &pin).into_response())
}

#[derive(Debug, serde::Deserialize)]
pub struct AccountAction {
    action: String,
    #[serde(default)]
    password: String,
}

pub async fn act(
    State(state): State<HubState>,
    Path(number): Path<String>,
    Act(officer, form): Act<AccountAction>,
) -> Result<Response, Refusal> {
    use axum::response::IntoResponse;
    officer.require(officer.is_admin())?;
    let number = StaffNumber::parse(&number).map_err(|_| Refusal::NotFound)?;
    if matches!(form.action.as_str(), "disable" | "totp") && &number == officer.number() {
        // Another administrator does it: nobody locks themselves out of the console by a slip.
        return Err(Refusal::Invalid("자기 계정은 중지하거나 2단계 인증을 초기화할 수 없습니다".into()));
    }
    let now = super::now(&state);
    let who = officer.clone();
    let target = number.clone();
    match form.action.as_str() {
        "unlock" => {
            let found = state
                .with_db(move |conn| {
                    let found = store::staff::get(conn, &target)?.is_some();
                    if found {
                        credentials::succeeded(conn, &target)?;
                        store::staff::reset_pin_failures(conn, &target)?;
                        who.audit(conn, now, "console_staff_unlock", target.as_str())?;
                    }
                    Ok(found)
                })
                .await?;
            if !found {
                return Err(Refusal::NotFound);
            }
            Ok(back(&state, "/console/staff", &format!("{number}: 잠금을 풀었습니다 (관리 화면과 키오스크 모두)")))
        }
        "pin" => {
            let pin = fresh_pin()?;
            let raw = pin.clone();
            let hash = state.hashing(move |pepper| crate::staff::hash_pin(pepper, &raw)).await?;
            let hash = hash.map_err(|e| Refusal::Failed(crate::api::Failure::internal(e)))?;
            let found = state
                .with_db(move |conn| {
                    let found = store::staff::set_pin(conn, &target, &hash)?;
                    if found {
                        who.audit(conn, now, "console_staff_pin", target.as_str())?;
                    }
                    Ok(found)
                })
                .await?;
            if !found {
                return Err(Refusal::NotFound);
            }
            Ok(pin_page(&officer, number.as_str(), &pin).into_response())
        }
        "password" => {
            if let Some(problem) = super::auth::password_problem(&form.password, number.as_str()) {
                return Err(Refusal::Invalid(problem.into()));
            }
            let password = form.password;
            let hash = state.hashing(move |pepper| pepper.hash_password(&password)).await?;
            let hash = hash.map_err(|e| Refusal::Failed(crate::api::Failure::internal(e)))?;
            let found = state
                .with_db(move |conn| {
                    let found = credentials::set_password(conn, &target, &hash)?;
                    if found {
                        // Whoever was signed in with the old password is signed out.
                        credentials::end_all_of(conn, &target, now)?;
                        who.audit(conn, now, "console_staff_password", target.as_str())?;
                    }
                    Ok(found)
                })
                .await?;
            if !found {
                return Err(Refusal::NotFound);
            }
            Ok(back(&state, "/console/staff", &format!("{number}: 비밀번호를 바꾸고 잠금을 풀었습니다")))
        }
        "totp" | "disable" => {
            let action = form.action.clone();
            let done = state
                .with_db(move |conn| {
                    let done = if action == "totp" {
                        credentials::reset_totp(conn, &target)?
                            .then(|| format!("{target}: 2단계 인증을 초기화했습니다. 다음 로그인 때 다시 등록합니다"))
                    } else {
                        store::staff::disable(conn, &target, now)?
                            .then(|| format!("{target}: 계정을 중지했습니다. 열려 있던 세션도 끝납니다"))
                    };
                    if done.is_some() {
                        credentials::end_all_of(conn, &target, now)?;
                        who.audit(conn, now, &format!("console_staff_{action}"), target.as_str())?;
                    }
                    Ok(done)
                })
                .await?
                .ok_or(Refusal::NotFound)?;
            Ok(back(&state, "/console/staff", &done))
        }
        _ => Err(Refusal::Invalid("알 수 없는 처리입니다".into())),
    }
}
