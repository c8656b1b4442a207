//! The page a learner opens from the QR code on their receipt to pay later on their phone:
//! `/pay/{op}` where `op` is the unguessable op id of their application. Plain Korean HTML, no
//! script, large type.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Html;
use baeum_domain::enrollment::EnrollmentOutcome;
use baeum_domain::intent::Outcome;
use baeum_domain::{Won, kst};

use super::{HubState, escape};
use crate::payment::{self, Claim};
use crate::store::enrollments::{self, state};
use crate::store::{courses, learners};

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"ko\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{title}</title><style>body{{font-family:sans-serif;font-size:20px;line-height:1.6;max-width:36em;margin:1em auto;padding:0 1em;color:#111}}\
         button{{font-size:22px;padding:.6em 1.2em;background:#0b4f9c;color:#fff;border:0;border-radius:8px}}\
         .test{{background:#fff3cd;border:2px solid #8a6d00;padding:.5em}}</style></head><body><h1>{title}</h1>{body}</body></html>"
    ))
}

fn not_found() -> (StatusCode, Html<String>) {
    (
        StatusCode::NOT_FOUND,
        page("결제 정보를 찾을 수 없습니다", "<p>영수증의 QR 코드를 다시 찍어 보시거나 기관에 문의해 주세요.</p>"),
    )
}

pub async fn show(
    State(state): State<HubState>,
    op: Result<Path<String>, PathRejection>,
) -> (StatusCode, Html<String>) {
    // A mangled address gets the Korean page, not axum's English sentence.
    let Ok(Path(op)) = op else { return not_found() };
    let provider = state.payments.clone();
    let result = state
        .with_db(move |conn| {
            let Some(row) = enrollments::by_op(conn, &op)? else { return Ok(None) };
            let course = courses::get(conn, row.course_id.as_str())?;
            let learner = learners::get(conn, row.learner_id.as_str())?;
            Ok(Some((row, course, learner)))
        })
        .await;
    let Ok(Some((row, Some(course), Some(learner)))) = result else { return not_found() };
    let owed = Won(row.price.total().0.saturating_sub(row.paid.0));
    let head = format!("<p><b>{}</b><br>신청자 {}</p>", escape(course.title.as_str()), escape(&learner.name.masked()));
    if row.state != state::AWAITING_PAYMENT {
        let label = enrollments::view_status_label(&row);
        return (StatusCode::OK, page("결제할 금액이 없습니다", &format!("{head}<p>현재 상태: {label}</p>")));
    }
    let due = row.due_at.map(|t| t.with_timezone(&kst()).format("%m월 %d일 %H:%M").to_string()).unwrap_or_default();
    let warning =
        if provider.is_test() { format!("<p class=\"test\">{}</p>", provider.label()) } else { String::new() };
    let body = format!(
        "{head}<p>결제 금액 <b>{owed}</b><br>결제 기한 {due}까지 (기한이 지나면 신청이 자동으로 취소됩니다)</p>{warning}\
         <form method=\"post\"><button type=\"submit\">{owed} 결제하기</button></form>"
    );
    (StatusCode::OK, page("수강료 결제", &body))
}

/// Whether a form post comes from the payment page itself. A browser says where a request comes
/// from (`Sec-Fetch-Site`, or at least `Origin`); another site's form posting here — a forged
/// "pay" button — is refused. A client that says neither (not a browser) is not a CSRF risk.
/// `public` is the hub's public address, whose origin is the page's own when a proxy in front
/// of the hub changes `Host`.
fn from_this_page(headers: &HeaderMap, public: &str) -> bool {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = text(header::ORIGIN) else { return true };
    let public_origin = public.split_once("://").map(|(scheme, rest)| (scheme, rest.split('/').next().unwrap_or(rest)));
    let own = public_origin.is_some_and(|(scheme, authority)| origin == format!("{scheme}://{authority}"));
    own || text(header::HOST)
        .is_some_and(|host| origin.split_once("://").is_some_and(|(_, authority)| authority == host))
}

pub async fn pay(
    State(state): State<HubState>,
    headers: HeaderMap,
    op: Result<Path<String>, PathRejection>,
) -> (StatusCode, Html<String>) {
    let Ok(Path(op)) = op else { return not_found() };
    if !from_this_page(&headers, state.public.as_str()) {
        tracing::warn!(event = "payment_cross_site", "a payment form posted from another site was refused");
        return (
            StatusCode::FORBIDDEN,
            page(
                "결제하지 못했습니다",
                "<p>다른 사이트에서 보낸 결제 요청은 받지 않습니다. 영수증의 QR 코드로 결제 화면을 다시 열어 주세요.</p>",
            ),
        );
    }
    let refused =
        |message: &str| (StatusCode::CONFLICT, page("결제하지 못했습니다", &format!("<p>{}</p>", escape(message))));
    let now = state.clock.now();
    let claim_op = op.clone();
    let (owed, held) = match state.with_db(move |conn| Ok(payment::claim(conn, &claim_op, now)?)).await {
        Ok(Claim::Claimed { owed }) => (owed, None),
        Ok(Claim::Charged { owed, receipt }) => (owed, Some(receipt)),
        Ok(Claim::NothingToPay) => return refused("이미 결제되었거나 결제할 수 없는 신청입니다."),
        Ok(Claim::InProgress) => return refused("결제가 진행 중입니다. 잠시 후 이 화면을 새로 고쳐 확인해 주세요."),
        Ok(Claim::Unknown) => return not_found(),
        // Logged with its reference number where it was made; the page shows the number.
        Err(e) => return unavailable(&e),
    };
    // Charge, hold the receipt and record it in a task of its own: a page that stops waiting
    // (the timeout below, the phone going away) does not stop the payment being recorded when
    // the provider answers.
    let task = tokio::spawn(settle(state.clone(), op, owed, held));
    let settled = match tokio::time::timeout(payment::CHARGE_TIMEOUT, task).await {
        Ok(Ok(settled)) => settled,
        Ok(Err(e)) => {
            tracing::error!(code = baeum_domain::ErrorCode::Internal.as_str(), detail = %e, "payment task failed; attempt left open");
            Settled::Unknown
        }
        Err(_) => {
            tracing::warn!(
                event = "payment_timeout",
                "payment not settled in time; it is recorded when the provider answers"
            );
            Settled::Unknown
        }
    };
    match settled {
        Settled::Declined(message) => refused(&message),
        Settled::Unknown => refused(
            "결제 결과를 확인하지 못했습니다. 2분쯤 뒤에 이 화면을 새로 고쳐 다시 시도해 주세요. 두 번 결제되지는 않습니다.",
        ),
        Settled::Recorded { receipt, answer: Ok(Some(Outcome::Enrollment(EnrollmentOutcome::Paid { .. }))) } => (
            StatusCode::OK,
            page("결제가 완료되었습니다", &format!("<p>수강이 확정되었습니다.<br>승인번호 {}</p>", escape(&receipt))),
        ),
        Settled::Recorded { receipt, answer: Err(e) } => {
            // Charged; the receipt is held with the attempt when that write worked (else the
            // log line of `settle` has it): the seat stays, and the next tap records it.
            tracing::error!(code = baeum_domain::ErrorCode::Internal.as_str(), answer = %e.body.message, "a charge could not be recorded");
            refused(&format!(
                "결제는 되었지만 아직 신청에 반영하지 못했습니다. 잠시 후 이 화면을 새로 고쳐 다시 눌러 주세요 (다시 결제되지 않습니다). 승인번호 {}",
                escape(&receipt)
            ))
        }
        Settled::Recorded { receipt, answer } => {
            // Charged, but the seat could not take the payment (cancelled, 폐강): the receipt
            // stays with the attempt for staff to settle, and the person is told what to bring.
            tracing::error!(event = "payment_unmatched", receipt = %receipt, answer = ?answer.as_ref().map(|o| o.as_ref().map(Outcome::rejection)), "a charge the seat could not take");
            refused(&format!(
                "결제는 되었지만 신청에 반영하지 못했습니다. 승인번호 {}를 가지고 기관에 문의해 주시면 환불해 드립니다.",
                escape(&receipt)
            ))
        }
    }
}

/// The hub could not read or write what it needs; nothing was charged. The page carries the
/// failure's reference number, which the log has beside the detail.
fn unavailable(failure: &super::Failure) -> (StatusCode, Html<String>) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        page(
            "잠시 후 다시 시도해 주세요",
            &format!("<p>결제하지 않았습니다. 잠시 후 다시 시도해 주세요.</p><p>{}</p>", escape(&failure.body.message)),
        ),
    )
}

/// How a payment attempt ended, as far as the page can tell.
enum Settled {
    /// The provider refused; the application may be paid again at once.
    Declined(String),
    /// No answer from the provider (unreachable, or the task failed): the attempt stays open, so
    /// neither a second charge nor a release of the seat can happen meanwhile.
    Unknown,
    /// Charged (now or before) and recorded, or the record's failure.
    Recorded { receipt: String, answer: Result<Option<Outcome>, super::Failure> },
}

/// Steps 2 and 3: the provider, outside the database lock (kiosks keep uploading meanwhile);
/// its receipt held with the attempt at once; then the payment recorded against the seat. A
/// charge already made (`held`) is only recorded.
async fn settle(state: HubState, op: String, owed: Won, held: Option<String>) -> Settled {
    let receipt = match held {
        Some(receipt) => receipt,
        None => {
            let provider = state.payments.clone();
            let charge_op = op.clone();
            let receipt = match tokio::task::spawn_blocking(move || provider.charge(&charge_op, owed)).await {
                Ok(Ok(receipt)) => receipt,
                Ok(Err(e @ crate::payment::PaymentError::Declined(_))) => {
                    let abandon_op = op.clone();
                    // A failure here is logged where it is made; the attempt then stays open
                    // until the person taps again.
                    let _ = state.with_db(move |conn| Ok(payment::abandon(conn, &abandon_op)?)).await;
                    return Settled::Declined(e.to_string());
                }
                Ok(Err(crate::payment::PaymentError::Unavailable(detail))) => {
                    tracing::warn!(
                        event = "payment_unavailable",
                        detail,
                        "payment provider unreachable; attempt left open"
                    );
                    return Settled::Unknown;
                }
                Err(e) => {
                    tracing::error!(code = baeum_domain::ErrorCode::Internal.as_str(), detail = %e, "payment charge failed; attempt left open");
                    return Settled::Unknown;
                }
            };
            let hold_op = op.clone();
            let held = receipt.clone();
            if state.with_db(move |conn| Ok(payment::hold_receipt(conn, &hold_op, &held)?)).await.is_err() {
                // The record below still links it. Should that fail too, the receipt in this line
                // finds the charge at the provider, which keeps its reference (the op id is not
                // logged: it opens the payment page).
                tracing::error!(event = "payment_receipt_unheld", receipt, "a receipt could not be held");
            }
            receipt
        }
    };
    let now = state.clock.now();
    let record_receipt = receipt.clone();
    let answer = state.with_db(move |conn| Ok(payment::record(conn, &op, owed, &record_receipt, now)?)).await;
    Settled::Recorded { receipt, answer }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap_or_else(|e| panic!("{e}")));
        }
        map
    }

    #[test]
    fn only_the_payment_page_itself_may_post_its_form() {
        let public = "https://edu.gm.go.kr/baeum";
        let ok = |pairs: &[(&'static str, &str)]| from_this_page(&headers(pairs), public);
        assert!(ok(&[("sec-fetch-site", "same-origin"), ("origin", "https://edu.gm.go.kr")]));
        assert!(ok(&[("origin", "https://edu.gm.go.kr"), ("host", "10.0.0.5:8787")]), "behind a proxy");
        assert!(ok(&[("origin", "http://127.0.0.1:8787"), ("host", "127.0.0.1:8787")]));
        assert!(ok(&[]), "not a browser");
        assert!(!ok(&[("sec-fetch-site", "cross-site")]));
        assert!(!ok(&[("sec-fetch-site", "same-site"), ("host", "edu.gm.go.kr")]));
        assert!(!ok(&[("origin", "https://evil.example"), ("host", "edu.gm.go.kr")]));
        assert!(!ok(&[("origin", "https://edu.gm.go.kr.evil.example"), ("host", "x")]));
        assert!(!ok(&[("origin", "null"), ("host", "edu.gm.go.kr")]));
    }
}
