//! Certificates while the hub is unreachable. The kiosk signs with its own device key — made
//! once by `baeum-kiosk provision --device-key`, kept in the OS keyring, registered with the hub
//! and trusted only after staff endorsed it there (`baeum-hub kiosk endorse`). Such a
//! certificate says "임시 발급" on paper; its QR verifies offline against the hub's key set; it
//! goes to the hub through the outbox, which checks the completion itself and confirms or
//! revokes it.

use baeum_domain::certificate::CertificateIntent;
use baeum_domain::certificate::IssuedCertificate;
use baeum_domain::certificate::{CertificatePayload, SignedBy, SignedCertificate, key_id, public_key_b64};
use baeum_domain::enrollment::EnrollmentStatus;
use baeum_domain::intent::IntentBody;
use baeum_domain::rules::ProgrammeRules;
use baeum_domain::{CourseId, LearnerId};
use chrono::Datelike;
use ed25519_dalek::SigningKey;

use crate::Kiosk;
use crate::error::KioskError;
use crate::store::offline_certificates::{self, DeviceKey, Provisional};
use crate::store::{self, outbox};

fn unavailable(why: impl Into<String>) -> KioskError {
    KioskError::offline_unavailable(why)
}

/// The key store (OS keyring) failed: Korean for the person, its own words for the log.
fn key_store_failed(e: impl std::fmt::Display) -> KioskError {
    KioskError::OfflineCertificateUnavailable {
        why: "키 보관소를 쓸 수 없습니다".into(),
        detail: crate::error::Detail::of(e),
    }
}

impl Kiosk {
    fn device_secret_name(&self) -> String {
        format!("device-key/{}", self.kiosk_id.as_str())
    }

    /// The signing key from the keyring, if it is there.
    fn device_signing_key(&self) -> Result<Option<SigningKey>, KioskError> {
        let secret = self.secrets.get(&self.device_secret_name()).map_err(key_store_failed)?;
        Ok(secret.and_then(|s| <[u8; 32]>::try_from(s.as_slice()).ok()).map(|seed| SigningKey::from_bytes(&seed)))
    }

    /// The device key from the keyring, made there first if it is not (first time, or the
    /// keyring lost it), and noted in the database by its id and public half.
    pub(crate) fn ensure_device_key(&self) -> Result<SigningKey, KioskError> {
        let key = match self.device_signing_key()? {
            Some(key) => key,
            None => {
                let mut seed = [0u8; 32];
                getrandom::fill(&mut seed).map_err(key_store_failed)?;
                self.secrets.put(&self.device_secret_name(), &seed).map_err(key_store_failed)?;
                SigningKey::from_bytes(&seed)
            }
        };
        let id = key_id(&key.verifying_key());
        let public = public_key_b64(&key.verifying_key());
        let known = offline_certificates::device_key(&self.conn())?;
        if known.as_ref().is_none_or(|k| k.key_id != id) {
            offline_certificates::set_device_key(&self.conn(), &id, &public, self.clock.now())?;
        }
        Ok(key)
    }

    /// Makes the device key if needed (see [`Kiosk::ensure_device_key`]) and registers it with
    /// the hub. Staff then endorse it at the hub by its fingerprint; the answer says whether that
    /// has happened.
    pub async fn provision_device_key(&self) -> Result<DeviceKey, KioskError> {
        self.ensure_device_key()?;
        self.check_device_key().await?;
        offline_certificates::device_key(&self.conn())?.ok_or_else(|| unavailable("기기 키를 저장하지 못했습니다"))
    }

    /// Asks the hub whether the device key is endorsed yet (called with each exchange until it is).
    pub(crate) async fn check_device_key(&self) -> Result<(), KioskError> {
        let Some(key) = offline_certificates::device_key(&self.conn())? else { return Ok(()) };
        if key.endorsed {
            return Ok(());
        }
        let status = self.hub.register_kiosk_key(&key.public_key).await?;
        if status.endorsed {
            offline_certificates::set_endorsed(&self.conn(), &key.key_id, true)?;
        }
        Ok(())
    }

    pub fn device_key(&self) -> Result<Option<DeviceKey>, KioskError> {
        Ok(offline_certificates::device_key(&self.conn())?)
    }

    /// Certificates this kiosk issued offline, with the hub's answers.
    pub fn provisional_certificates(&self) -> Result<Vec<Provisional>, KioskError> {
        Ok(offline_certificates::all(&self.conn())?)
    }

    /// A provisional certificate for a completed course, signed here, queued for the hub. The
    /// same one again if this kiosk already issued it for this learner and course.
    pub(crate) fn issue_provisional(
        &self,
        learner: &LearnerId,
        course: &CourseId,
    ) -> Result<IssuedCertificate, KioskError> {
        let existing = offline_certificates::provisional_of(&self.conn(), learner, course)?;
        if let Some(p) = existing.filter(|p| p.state != "refused") {
            return issued(&p.qr_text);
        }
        let device = offline_certificates::device_key(&self.conn())?
            .ok_or_else(|| unavailable("이 키오스크에는 임시 발급용 기기 키가 없습니다"))?;
        if !device.endorsed {
            return Err(unavailable("이 키오스크의 기기 키를 중앙 서버에서 아직 승인하지 않았습니다"));
        }
        let key = self
            .device_signing_key()?
            .filter(|k| key_id(&k.verifying_key()) == device.key_id)
            .ok_or_else(|| unavailable("키 보관소에서 기기 키를 찾을 수 없습니다. `baeum-kiosk provision --device-key`로 다시 등록해 주세요"))?;

        let conn = self.conn();
        let enrollment = store::enrollments::get(&conn, learner, course)?.ok_or(KioskError::NotEnrolled)?;
        if enrollment.status != Some(EnrollmentStatus::Confirmed) {
            return Err(KioskError::NotEnrolled);
        }
        let person = store::learners::get(&conn, learner.as_str())?.ok_or(KioskError::LearnerNotFound)?;
        let course_row = store::courses::get_many(&conn, &[course.to_string()])?
            .into_iter()
            .next()
            .ok_or_else(|| KioskError::CourseNotFound(course.to_string()))?;
        let attended = outbox::attended(&conn, learner, course)?;
        let sessions = course_row.sessions.len() as u32;
        let rules = ProgrammeRules::default();
        if !rules.completed(attended, sessions) {
            return Err(KioskError::NotCompleted(format!(
                "출석 {attended}/{sessions}회, 기준 {}% (이 키오스크가 아는 출석 기준)",
                rules.completion_percent
            )));
        }
        let institution = self
            .index()
            .names
            .institutions
            .get(course_row.institution_id.as_str())
            .map_or_else(|| course_row.institution_id.to_string(), |i| i.name.to_string());
        let now = self.clock.now();
        let today = now.with_timezone(&baeum_domain::kst()).date_naive();
        let n = offline_certificates::count(&conn)? + 1;
        let serial = format!("GM-P{}-{}-{n:04}", today.year(), self.kiosk_id.as_str());
        let signer = SignedBy { key_id: device.key_id.clone(), provisional: true };
        let payload =
            CertificatePayload::for_completion(serial.clone(), &person, &course_row, institution, today, signer);

        let signed = SignedCertificate::sign(payload, &key);
        let qr_text = signed.qr_text();
        drop(conn);
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let body = IntentBody::Certificate(CertificateIntent::ProvisionalCertificate {
            learner_id: learner.clone(),
            course_id: course.clone(),
            qr_text: qr_text.clone(),
        });
        let intent = outbox::append(&tx, body, now)?;
        offline_certificates::insert(&tx, &serial, learner, course, &qr_text, &intent.op_id, now)?;
        tx.commit()?;
        tracing::info!(serial = %serial, "issued a provisional certificate offline");
        issued(&qr_text)
    }
}

fn issued(qr_text: &str) -> Result<IssuedCertificate, KioskError> {
    let signed = SignedCertificate::parse_qr(qr_text)
        .map_err(|e| KioskError::Certificate { what: e.to_string(), detail: None })?;
    Ok(IssuedCertificate {
        serial: signed.payload.serial.clone(),
        qr_text: qr_text.to_owned(),
        verification_code: signed.verification_code(),
        payload: signed.payload,
    })
}
