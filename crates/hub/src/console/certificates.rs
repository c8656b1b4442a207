//! 수료증: search by serial, verification code or learner; reissue (a corrected name) and
//! revoke with a reason, after which /verify says so; and the kiosks' device keys for offline
//! certificates, endorsed once staff have read the fingerprint off the kiosk's screen.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use baeum_domain::staff::StaffRole;
use maud::{Markup, html};

use super::{Act, Officer, Refusal, back, done_banner, page};
use crate::api::HubState;
use crate::store::{self, certificates::StoredCertificate};

#[derive(Debug, Default, serde::Deserialize)]
pub struct Search {
    #[serde(default)]
    q: String,
}

/// The institution of a certificate's course.
fn institution_of(conn: &crate::db::Connection, c: &StoredCertificate) -> Result<Option<String>, store::StoreError> {
    Ok(store::courses::get(conn, &c.course_id)?.map(|course| course.institution_id.to_string()))
}

fn state_of(c: &StoredCertificate) -> String {
    match (&c.revoked_at, &c.superseded_by) {
        (Some(_), _) => format!("취소됨 (사유: {})", c.revoke_reason.clone().unwrap_or_default()),
        (None, Some(new)) => format!("재발급됨 → {new}"),
        (None, None) => "유효".to_owned(),
    }
}

pub async fn search(
    officer: Officer,
    State(state): State<HubState>,
    Query(search): Query<Search>,
    done: super::Done,
) -> Result<Markup, Refusal> {
    let q = search.q.trim().to_owned();
    let now = super::now(&state);
    let who = officer.clone();
    let (found, keys) = state
        .with_db(move |conn| {
            let mut found = Vec::new();
            if !q.is_empty() {
                let mut hits = store::certificates::find(conn, &q)?.into_iter().collect::<Vec<_>>();
                if hits.is_empty() {
                    hits = store::certificates::of_learner(conn, &q)?;
                }
                for c in hits {
                    // Another institution's certificate is not in this person's results at all.
                    if institution_of(conn, &c)?.is_some_and(|i| who.covers(&i)) {
                        found.push(c);
                    }
                }
                who.audit(conn, now, "console_certificate_search", &q)?;
            }
            let keys = if who.role() == StaffRole::Desk {
                Vec::new()
            } else {
                let kiosks: Vec<String> = store::devices::all(conn)?
                    .into_iter()
                    .filter(|d| who.covers(&d.institution_id) && !d.revoked())
                    .map(|d| d.kiosk_id)
                    .collect();
                store::kiosk_keys::all(conn)?.into_iter().filter(|k| kiosks.contains(&k.kiosk_id)).collect()
            };
            Ok((found, keys))
        })
        .await?;
    let revokes = officer.role() != StaffRole::Desk;
    let body = html! {
        main id="main" {
            h1 { "수료증" }
            (done_banner(done.done.as_deref()))
            form method="get" action="/console/certificates" role="search" {
                label for="q" { "증서 번호, 확인번호 또는 학습자 번호" }
                input id="q" name="q" value=(search.q);
                button type="submit" { "찾기" }
            }
            @if !search.q.trim().is_empty() {
                h2 { "찾은 수료증 " (found.len()) "건" }
                @for c in &found {
                    section aria-labelledby={ "c-" (c.serial) } {
                        h3 id={ "c-" (c.serial) } { (c.serial) }
                        p { "학습자 " (c.learner_id) " · 강좌 " (c.course_id) " · 발급 " (c.issued_at.get(..10).unwrap_or(&c.issued_at)) " · 확인번호 " (c.verification_code) }
                        p { "상태: " strong class="cert-state" { (state_of(c)) } }
                        @if c.valid() {
                            form class="inline" method="post" action={ "/console/certificates/" (c.serial) } {
                                (officer.csrf_field())
                                input type="hidden" name="action" value="reissue";
                                button type="submit" { "재발급" }
                            }
                            @if revokes {
                                " "
                                form class="inline" method="post" action={ "/console/certificates/" (c.serial) } {
                                    (officer.csrf_field())
                                    input type="hidden" name="action" value="revoke";
                                    label for={ "reason-" (c.serial) } { "취소 사유" }
                                    input id={ "reason-" (c.serial) } name="reason" maxlength="200" required;
                                    button type="submit" class="danger" { "수료증 취소" }
                                }
                            }
                        }
                    }
                }
            }
            @if revokes {
                h2 { "키오스크 기기 키" }
                p { "키오스크 화면(직원 메뉴)에 나온 지문이 같은지 확인한 뒤 보증하세요. 보증한 키오스크만 연결이 끊겼을 때 임시 수료증을 발급합니다." }
                table {
                    caption { "등록된 기기 키" }
                    thead { tr { th scope="col" { "키오스크" } th scope="col" { "지문" } th scope="col" { "등록" } th scope="col" { "보증" } } }
                    tbody {
                        @for k in &keys {
                            tr {
                                td { (k.kiosk_id) }
                                td { code { (baeum_domain::device::fingerprint_text(&k.key_id)) } }
                                td { (k.registered_at.get(..16).unwrap_or(&k.registered_at)) }
                                td {
                                    @if let Some(by) = &k.endorsed_by { "보증함 (" (by) ")" }
                                    @else {
                                        form class="inline" method="post" action="/console/keys" {
                                            (officer.csrf_field())
                                            input type="hidden" name="kiosk" value=(k.kiosk_id);
                                            label for={ "fp-" (k.key_id) } { "키오스크에 나온 지문" }
                                            input id={ "fp-" (k.key_id) } name="fingerprint" required;
                                            button type="submit" { "보증" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("수료증", Some(&officer), body))
}

#[derive(Debug, serde::Deserialize)]
pub struct CertificateAction {
    action: String,
    #[serde(default)]
    reason: String,
}

pub async fn act(
    State(state): State<HubState>,
    Path(serial): Path<String>,
    Act(officer, form): Act<CertificateAction>,
) -> Result<Response, Refusal> {
    let now = super::now(&state);
    let signer = state.signer().clone();
    let (by, who, wanted) = (officer.by(), officer.clone(), serial.clone());
    let done = state
        .with_db(move |conn| {
            let Some(c) = store::certificates::find(conn, &wanted)? else { return Ok(Err(who.missing())) };
            if !institution_of(conn, &c)?.is_some_and(|i| who.covers(&i)) {
                return Ok(Err(Refusal::Forbidden));
            }
            let done = match form.action.as_str() {
                "reissue" => match crate::certificates::reissue(conn, &signer, &c.serial, &by, now) {
                    Ok(new) => format!("{}을(를) {}(으)로 재발급했습니다", c.serial, new.serial),
                    Err(e) => return Ok(Err(e.into())),
                },
                "revoke" if who.role() != StaffRole::Desk => {
                    let reason = form.reason.trim();
                    if reason.is_empty() {
                        return Ok(Err(Refusal::Invalid("취소 사유를 적어 주세요".into())));
                    }
                    if !store::certificates::revoke(conn, &c.serial, &by, reason, now)? {
                        return Ok(Err(Refusal::Invalid(format!("{}: 이미 취소된 수료증입니다", c.serial))));
                    }
                    format!("{}을(를) 취소했습니다. 확인 페이지에도 취소로 나옵니다", c.serial)
                }
                "revoke" => return Ok(Err(Refusal::Forbidden)),
                _ => return Ok(Err(Refusal::Invalid("알 수 없는 처리입니다".into()))),
            };
            who.audit(conn, now, &format!("console_certificate_{}", form.action), &c.serial)?;
            Ok(Ok(done))
        })
        .await??;
    Ok(back(&state, &format!("/console/certificates?q={}", super::url_encode(&serial)), &done))
}

#[derive(Debug, serde::Deserialize)]
pub struct Endorse {
    kiosk: String,
    fingerprint: String,
}

pub async fn endorse(State(state): State<HubState>, Act(officer, form): Act<Endorse>) -> Result<Response, Refusal> {
    officer.require(officer.role() != StaffRole::Desk)?;
    let now = super::now(&state);
    let signer = state.signer().clone();
    let (by, who) = (officer.by(), officer.clone());
    let done = state
        .with_db(move |conn| {
            let Some(device) = store::devices::get(conn, &form.kiosk)? else { return Ok(Err(who.missing())) };
            if !who.covers(&device.institution_id) {
                return Ok(Err(Refusal::Forbidden));
            }
            match crate::devices::endorse(conn, &signer, &form.kiosk, &form.fingerprint, &by, now) {
                Ok(key) => {
                    who.audit(conn, now, "console_key_endorse", &form.kiosk)?;
                    Ok(Ok(format!(
                        "{}의 기기 키 {}을(를) 보증했습니다",
                        form.kiosk,
                        baeum_domain::device::fingerprint_text(&key)
                    )))
                }
                Err(e) => Ok(Err(e.into())),
            }
        })
        .await??;
    Ok(back(&state, "/console/certificates", &done))
}
