//! Addresses people open on their phones. The hub has one public address (where citizens reach
//! it from mobile data, e.g. `https://edu.gm.go.kr`), which may differ from the address kiosks
//! sync over; every QR code a person is meant to scan is an https link on it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::certificate::{QR_PREFIX, SignedCertificate};
use crate::ids::OpId;

/// Why a public address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublicUrlError {
    #[error("공개 주소를 읽을 수 없습니다: https://edu.gm.go.kr 처럼 적어 주세요")]
    Unreadable,
    #[error("공개 주소는 https:// 로 시작해야 합니다 (http는 이 컴퓨터 안의 시험용 주소에만 쓸 수 있습니다)")]
    NotHttps,
    #[error("공개 주소에는 물음표(?)나 # 뒤의 내용을 붙일 수 없습니다")]
    HasQuery,
}

/// The hub's public address: `https://host[:port][/prefix]`, no trailing slash, no query.
/// Plain `http://` is allowed only for a loopback host (a developer's machine, tests).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "https://edu.gm.go.kr"))]
#[serde(try_from = "String", into = "String")]
pub struct PublicUrl(String);

impl PublicUrl {
    pub fn parse(raw: &str) -> Result<Self, PublicUrlError> {
        let url = url::Url::parse(raw.trim()).map_err(|_| PublicUrlError::Unreadable)?;
        let Some(host) = url.host() else { return Err(PublicUrlError::Unreadable) };
        if url.query().is_some() || url.fragment().is_some() {
            return Err(PublicUrlError::HasQuery);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(PublicUrlError::Unreadable);
        }
        let loopback = match host {
            url::Host::Domain(d) => d == "localhost",
            url::Host::Ipv4(ip) => ip.is_loopback(),
            url::Host::Ipv6(ip) => ip.is_loopback(),
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => return Err(PublicUrlError::NotHttps),
            _ => return Err(PublicUrlError::Unreadable),
        }
        Ok(Self(url.as_str().trim_end_matches('/').to_owned()))
    }

    /// An address taken as it is, where no public one was configured or heard of: a hub's own
    /// listening address (it warns at start-up), or the address a kiosk syncs over while its hub
    /// has not said (hubs older than `Health::public_url`). Phones may not reach it.
    pub fn unconfigured(base: &str) -> Self {
        Self(base.trim_end_matches('/').to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The verification page, printed under a certificate's QR code.
    pub fn verify_page(&self) -> String {
        format!("{}/verify", self.0)
    }

    /// What a certificate's QR code carries: the verification page for this very certificate,
    /// with the signed payload in the path so it still verifies offline ([`certificate_text_in`]).
    pub fn certificate_link(&self, cert: &SignedCertificate) -> String {
        format!("{}/verify/{}", self.0, cert.qr_text())
    }

    /// The phone payment page of an application (the op id is unguessable).
    pub fn payment_link(&self, op: &OpId) -> String {
        format!("{}/pay/{}", self.0, op.as_str())
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PublicUrl {
    type Error = PublicUrlError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PublicUrl> for String {
    fn from(value: PublicUrl) -> Self {
        value.0
    }
}

/// Why a link to someone else's site was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebLinkError {
    #[error("링크를 읽을 수 없습니다: https:// 로 시작하는 주소를 적어 주세요")]
    Unreadable,
    #[error("링크는 https:// 로 시작해야 합니다 (휴대전화가 바로 열 수 있는 주소; zoommtg:// 나 http:// 는 안 됩니다)")]
    NotHttps,
    #[error("링크가 너무 깁니다 (2,000자까지)")]
    TooLong,
}

/// An https link a person opens on her phone from a QR code: a video course on GSEEK, a ZOOM
/// invitation. Only `https://` with a host and no user name in it: a phone camera opens it in
/// the browser (a `zoommtg://` link does nothing without the app, which is where older learners
/// get stuck), and nothing in it can point the phone at this machine's files.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "https://www.gseek.kr/course/1234"))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[serde(try_from = "String", into = "String")]
pub struct WebLink(String);

impl WebLink {
    pub fn parse(raw: &str) -> Result<Self, WebLinkError> {
        let raw = raw.trim();
        if raw.len() > 2000 {
            return Err(WebLinkError::TooLong);
        }
        let url = url::Url::parse(raw).map_err(|_| WebLinkError::Unreadable)?;
        if url.scheme() != "https" {
            return Err(if url.scheme() == "http" || url.scheme().starts_with("zoom") {
                WebLinkError::NotHttps
            } else {
                WebLinkError::Unreadable
            });
        }
        if url.host_str().is_none_or(str::is_empty) || !url.username().is_empty() || url.password().is_some() {
            return Err(WebLinkError::Unreadable);
        }
        Ok(Self(url.as_str().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WebLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for WebLink {
    type Error = WebLinkError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<WebLink> for String {
    fn from(value: WebLink) -> Self {
        value.0
    }
}

/// The signed certificate text (`BAEUM1.<payload>.<signature>`) inside whatever a person or a
/// scanner hands over: the bare QR text, the QR's link, or a link pasted with spaces around it.
pub fn certificate_text_in(input: &str) -> Option<&str> {
    let marker = format!("{QR_PREFIX}.");
    let start = input.find(&marker)?;
    // The payload and signature are base64url, separated by dots; anything else ends the text.
    let rest = &input[start..];
    let end =
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')).unwrap_or(rest.len());
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_address_must_be_https_unless_it_is_this_machine() {
        assert_eq!(PublicUrl::parse("https://edu.gm.go.kr/").unwrap().as_str(), "https://edu.gm.go.kr");
        assert_eq!(PublicUrl::parse("https://gm.go.kr/edu/").unwrap().verify_page(), "https://gm.go.kr/edu/verify");
        assert_eq!(PublicUrl::parse("http://edu.gm.go.kr"), Err(PublicUrlError::NotHttps));
        assert_eq!(PublicUrl::parse("http://192.168.0.10:8787"), Err(PublicUrlError::NotHttps));
        assert!(PublicUrl::parse("http://127.0.0.1:8787").is_ok());
        assert!(PublicUrl::parse("http://localhost:8787").is_ok());
        assert_eq!(PublicUrl::parse("https://edu.gm.go.kr/?a=1"), Err(PublicUrlError::HasQuery));
        assert_eq!(PublicUrl::parse("edu.gm.go.kr"), Err(PublicUrlError::Unreadable));
        assert_eq!(PublicUrl::parse("ftp://edu.gm.go.kr"), Err(PublicUrlError::Unreadable));
    }

    #[test]
    fn a_link_for_a_phone_is_https_with_a_host() {
        assert_eq!(
            WebLink::parse(" https://us02web.zoom.us/j/8123456789?pwd=abc ").unwrap().as_str(),
            "https://us02web.zoom.us/j/8123456789?pwd=abc"
        );
        assert_eq!(WebLink::parse("zoommtg://zoom.us/join?confno=8123456789"), Err(WebLinkError::NotHttps));
        assert_eq!(WebLink::parse("http://www.gseek.kr/x"), Err(WebLinkError::NotHttps));
        assert_eq!(WebLink::parse("https://user:pw@www.gseek.kr/"), Err(WebLinkError::Unreadable));
        assert_eq!(WebLink::parse("javascript:alert(1)"), Err(WebLinkError::Unreadable));
        assert_eq!(WebLink::parse("www.gseek.kr"), Err(WebLinkError::Unreadable));
        assert_eq!(WebLink::parse(&format!("https://a.kr/{}", "x".repeat(2000))), Err(WebLinkError::TooLong));
    }

    #[test]
    fn the_certificate_text_is_found_in_a_link_or_on_its_own() {
        let text = "BAEUM1.eyJzIjoiR00ifQ.c2lnbmF0dXJl";
        assert_eq!(certificate_text_in(text), Some(text));
        assert_eq!(certificate_text_in(&format!("https://edu.gm.go.kr/verify/{text}")), Some(text));
        assert_eq!(certificate_text_in(&format!("  https://edu.gm.go.kr/verify/{text}\n")), Some(text));
        assert_eq!(certificate_text_in(&format!("https://edu.gm.go.kr/verify/{text}?utm=x")), Some(text));
        assert_eq!(certificate_text_in("GM-2026-000001"), None);
    }

    #[test]
    fn links_are_made_on_the_public_address() {
        let public = PublicUrl::parse("https://edu.gm.go.kr").unwrap();
        assert_eq!(public.payment_link(&OpId::parse("op-1").unwrap()), "https://edu.gm.go.kr/pay/op-1");
        let json = serde_json::to_string(&public).unwrap();
        assert_eq!(json, "\"https://edu.gm.go.kr\"");
        assert!(serde_json::from_str::<PublicUrl>("\"http://edu.gm.go.kr\"").is_err());
    }
}
