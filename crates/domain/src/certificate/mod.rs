//! A completion certificate (수료증) as data: what it says, signed with Ed25519 so a paper copy can be
//! checked by anyone — online at the hub or offline against the published key set. The QR code
//! carries `BAEUM1.<payload>.<signature>` (both base64url) inside a link to the hub's verification
//! page (`crate::links`); the signature is over the payload's exact bytes, so nothing has to be
//! re-encoded to verify it.

mod service;
pub use service::*;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::NaiveDate;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// First part of every certificate QR code (and the format's version).
pub const QR_PREFIX: &str = "BAEUM1";

/// What a certificate states. Field names are short because they travel in a QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificatePayload {
    /// Serial number, e.g. `GM-2026-000123`.
    #[serde(rename = "s")]
    pub serial: String,
    #[serde(rename = "n")]
    pub learner_name: String,
    #[serde(rename = "b")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub birth_date: NaiveDate,
    #[serde(rename = "c")]
    pub course_title: String,
    #[serde(rename = "i")]
    pub institution: String,
    /// Teaching time in minutes.
    #[serde(rename = "m")]
    pub minutes: u32,
    #[serde(rename = "f")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub first_date: NaiveDate,
    #[serde(rename = "l")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub last_date: NaiveDate,
    /// Issue date in Asia/Seoul.
    #[serde(rename = "d")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub issued_on: NaiveDate,
    /// Which key signed it ([`key_id`]).
    #[serde(rename = "k")]
    pub key_id: String,
    /// Issued by a kiosk while offline; final once the hub confirms it.
    #[serde(rename = "p")]
    pub provisional: bool,
}

/// Who signs a certificate and how: the hub (final) or a kiosk offline (provisional).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBy {
    pub key_id: String,
    pub provisional: bool,
}

impl CertificatePayload {
    /// What a certificate for `learner` completing `course` states — the one place that decides
    /// it, for the hub and for a kiosk issuing offline alike.
    pub fn for_completion(
        serial: String,
        learner: &crate::learner::Learner,
        course: &crate::Course,
        institution: String,
        issued_on: NaiveDate,
        signer: SignedBy,
    ) -> Self {
        Self {
            serial,
            learner_name: learner.name.as_str().to_owned(),
            birth_date: learner.birth_date,
            course_title: course.title.as_str().to_owned(),
            institution,
            minutes: u32::try_from(course.total_minutes()).unwrap_or(0),
            first_date: course.first_session().date,
            last_date: course.last_session().date,
            issued_on,
            key_id: signer.key_id,
            provisional: signer.provisional,
        }
    }

    /// A specimen (박순자, 「어르신 스마트폰 활용 기초」, GM-2026-000123) signed by `key_id`, for
    /// tests, benchmarks and layout checks. Not anyone's certificate: no hub has issued it.
    pub fn specimen(key_id: String) -> Self {
        let date = |s: &str| s.parse().unwrap_or_default();
        Self {
            serial: "GM-2026-000123".into(),
            learner_name: "박순자".into(),
            birth_date: date("1951-04-02"),
            course_title: "어르신 스마트폰 활용 기초".into(),
            institution: "광명시평생학습원".into(),
            minutes: 16 * 60,
            first_date: date("2026-12-01"),
            last_date: date("2026-12-24"),
            issued_on: date("2026-12-24"),
            key_id,
            provisional: false,
        }
    }

    /// "16시간" / "16시간 30분"
    pub fn hours_ko(&self) -> String {
        let (h, m) = (self.minutes / 60, self.minutes % 60);
        if m == 0 { format!("{h}시간") } else { format!("{h}시간 {m}분") }
    }
}

/// A payload with its signature, as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCertificate {
    pub payload: CertificatePayload,
    /// The exact payload bytes that were signed.
    bytes: Vec<u8>,
    signature: Signature,
}

/// Why a certificate did not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("배움 수료증 QR 코드가 아닙니다")]
    Malformed,
    #[error("알 수 없는 서명 키입니다 ({0})")]
    UnknownKey(String),
    #[error("내용이 바뀌었거나 서명이 맞지 않습니다")]
    BadSignature,
    #[error("중앙 서버가 보증하지 않은 키오스크 키입니다 ({0})")]
    UnendorsedKey(String),
    #[error("취소된 수료증입니다 ({0})")]
    Revoked(String),
}

impl VerifyError {
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::Malformed => "malformed",
            VerifyError::UnknownKey(_) => "unknown_key",
            VerifyError::BadSignature => "bad_signature",
            VerifyError::UnendorsedKey(_) => "unendorsed_key",
            VerifyError::Revoked(_) => "revoked",
        }
    }
}

/// A key's id: the first 16 hex digits of SHA-256 of its public key.
pub fn key_id(key: &VerifyingKey) -> String {
    Sha256::digest(key.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl SignedCertificate {
    /// Signs `payload` (whose `key_id` must name `key`).
    pub fn sign(payload: CertificatePayload, key: &SigningKey) -> Self {
        let bytes = serde_json::to_vec(&payload).unwrap_or_default();
        let signature = key.sign(&bytes);
        Self { payload, bytes, signature }
    }

    /// What the QR code carries.
    pub fn qr_text(&self) -> String {
        format!("{QR_PREFIX}.{}.{}", B64.encode(&self.bytes), B64.encode(self.signature.to_bytes()))
    }

    /// Reads a QR code's text or link (without checking the signature: see [`KeySet::verify`]).
    pub fn parse_qr(text: &str) -> Result<Self, VerifyError> {
        let text = crate::links::certificate_text_in(text).ok_or(VerifyError::Malformed)?;
        let mut parts = text.split('.');
        let (Some(QR_PREFIX), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(VerifyError::Malformed);
        };
        let bytes = B64.decode(payload).map_err(|_| VerifyError::Malformed)?;
        let signature: [u8; 64] =
            B64.decode(signature).ok().and_then(|s| s.try_into().ok()).ok_or(VerifyError::Malformed)?;
        let payload = serde_json::from_slice(&bytes).map_err(|_| VerifyError::Malformed)?;
        Ok(Self { payload, bytes, signature: Signature::from_bytes(&signature) })
    }

    /// The short code printed under the QR code (`ABCDE-FGHJK`): base32 of the signature's
    /// SHA-256, without letters people confuse (no I, L, O, U).
    pub fn verification_code(&self) -> String {
        const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let digest = Sha256::digest(self.signature.to_bytes());
        let mut bits: u64 = 0;
        for b in &digest[..8] {
            bits = bits << 8 | u64::from(*b);
        }
        let chars: String = (0..10).map(|i| ALPHABET[((bits >> (59 - 5 * i)) & 31) as usize] as char).collect();
        format!("{}-{}", &chars[..5], &chars[5..])
    }

    /// Whether `key` made the signature over the exact payload bytes.
    pub fn signed_by(&self, key: &VerifyingKey) -> bool {
        key.verify_strict(&self.bytes, &self.signature).is_ok()
    }

    pub fn signature_b64(&self) -> String {
        B64.encode(self.signature.to_bytes())
    }
}

/// A public key as the hub publishes it. Kiosk keys carry the hub's endorsement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedKey {
    pub id: String,
    /// Ed25519 public key, base64url.
    pub public_key: String,
    /// `hub` or `kiosk:<kiosk id>`.
    pub owner: String,
    /// For kiosk keys: the hub key's signature over [`endorsement_message`], base64url.
    pub endorsement: Option<String>,
}

/// What the hub signs to endorse a kiosk's device key.
pub fn endorsement_message(key_id: &str, public_key_b64: &str) -> Vec<u8> {
    format!("baeum-endorse:{key_id}:{public_key_b64}").into_bytes()
}

impl PublishedKey {
    pub fn hub(key: &VerifyingKey) -> Self {
        Self { id: key_id(key), public_key: B64.encode(key.as_bytes()), owner: "hub".into(), endorsement: None }
    }

    /// A kiosk's device key endorsed by the hub's `hub_key`.
    pub fn endorsed_kiosk(kiosk: &str, key: &VerifyingKey, hub_key: &SigningKey) -> Self {
        let id = key_id(key);
        let public_key = B64.encode(key.as_bytes());
        let endorsement = B64.encode(hub_key.sign(&endorsement_message(&id, &public_key)).to_bytes());
        Self { id, public_key, owner: format!("kiosk:{kiosk}"), endorsement: Some(endorsement) }
    }

    pub fn verifying_key(&self) -> Option<VerifyingKey> {
        public_key(&self.public_key)
    }

    /// The hub's signature over this kiosk key, made with `hub_key`.
    pub fn endorse(&mut self, hub_key: &SigningKey) {
        let message = endorsement_message(&self.id, &self.public_key);
        self.endorsement = Some(B64.encode(hub_key.sign(&message).to_bytes()));
    }
}

/// An Ed25519 public key from its base64url form.
pub fn public_key(b64: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = B64.decode(b64).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// A public key in its base64url form (as published).
pub fn public_key_b64(key: &VerifyingKey) -> String {
    B64.encode(key.as_bytes())
}

/// Everything needed to check a certificate offline: the published keys and revoked serials.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeySet {
    pub keys: Vec<PublishedKey>,
    pub revoked: Vec<String>,
}

impl KeySet {
    /// Checks a QR code's text: the key is known (a kiosk key endorsed by a hub key), the
    /// signature matches the exact payload bytes, the serial is not revoked.
    pub fn verify(&self, qr_text: &str) -> Result<CertificatePayload, VerifyError> {
        let cert = SignedCertificate::parse_qr(qr_text)?;
        let id = &cert.payload.key_id;
        let published = self.keys.iter().find(|k| k.id == *id).ok_or_else(|| VerifyError::UnknownKey(id.clone()))?;
        let key = published.verifying_key().ok_or_else(|| VerifyError::UnknownKey(id.clone()))?;
        if published.owner != "hub" && !self.endorsed(published) {
            return Err(VerifyError::UnendorsedKey(id.clone()));
        }
        key.verify_strict(&cert.bytes, &cert.signature).map_err(|_| VerifyError::BadSignature)?;
        if self.revoked.contains(&cert.payload.serial) {
            return Err(VerifyError::Revoked(cert.payload.serial));
        }
        Ok(cert.payload)
    }

    fn endorsed(&self, kiosk_key: &PublishedKey) -> bool {
        let Some(endorsement) = kiosk_key.endorsement.as_deref() else { return false };
        let Some(signature) = B64.decode(endorsement).ok().and_then(|s| <[u8; 64]>::try_from(s).ok()) else {
            return false;
        };
        let message = endorsement_message(&kiosk_key.id, &kiosk_key.public_key);
        self.keys
            .iter()
            .filter(|k| k.owner == "hub")
            .filter_map(PublishedKey::verifying_key)
            .any(|hub| hub.verify(&message, &Signature::from_bytes(&signature)).is_ok())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    pub fn payload(key: &SigningKey) -> CertificatePayload {
        CertificatePayload::specimen(key_id(&key.verifying_key()))
    }

    #[test]
    fn a_signed_certificate_verifies_and_any_change_breaks_it() {
        let hub = key(1);
        let keys = KeySet { keys: vec![PublishedKey::hub(&hub.verifying_key())], revoked: vec![] };
        let cert = SignedCertificate::sign(payload(&hub), &hub);
        let text = cert.qr_text();
        assert_eq!(keys.verify(&text), Ok(payload(&hub)));
        assert_eq!(cert.verification_code().len(), 11);
        // The QR is a link a phone opens; the link verifies offline just the same.
        let link = crate::links::PublicUrl::parse("https://edu.gm.go.kr").unwrap().certificate_link(&cert);
        assert!(link.starts_with("https://edu.gm.go.kr/verify/BAEUM1."), "{link}");
        assert_eq!(keys.verify(&link), Ok(payload(&hub)));

        // Tampered: the name changed, the signature kept.
        let mut forged = payload(&hub);
        forged.learner_name = "김철수".into();
        let forged_text = format!(
            "{QR_PREFIX}.{}.{}",
            B64.encode(serde_json::to_vec(&forged).unwrap()),
            text.rsplit('.').next().unwrap()
        );
        assert_eq!(keys.verify(&forged_text), Err(VerifyError::BadSignature));
        assert_eq!(keys.verify("hello"), Err(VerifyError::Malformed));
    }

    #[test]
    fn unknown_unendorsed_and_revoked_are_refused() {
        let hub = key(1);
        let stranger = key(9);
        let keys =
            KeySet { keys: vec![PublishedKey::hub(&hub.verifying_key())], revoked: vec!["GM-2026-000123".into()] };
        let by_stranger = SignedCertificate::sign(payload(&stranger), &stranger).qr_text();
        assert!(matches!(keys.verify(&by_stranger), Err(VerifyError::UnknownKey(_))));
        let revoked = SignedCertificate::sign(payload(&hub), &hub).qr_text();
        assert!(matches!(keys.verify(&revoked), Err(VerifyError::Revoked(_))));

        // A kiosk key: accepted with the hub's endorsement, refused with a forged one.
        let kiosk = key(5);
        let mut set = KeySet { keys: vec![PublishedKey::hub(&hub.verifying_key())], revoked: vec![] };
        set.keys.push(PublishedKey::endorsed_kiosk("k-1", &kiosk.verifying_key(), &hub));
        let mut offline = payload(&kiosk);
        offline.provisional = true;
        let text = SignedCertificate::sign(offline, &kiosk).qr_text();
        assert!(set.verify(&text).is_ok_and(|p| p.provisional));
        set.keys[1] = PublishedKey::endorsed_kiosk("k-1", &kiosk.verifying_key(), &stranger);
        assert!(matches!(set.verify(&text), Err(VerifyError::UnendorsedKey(_))));
    }
}
