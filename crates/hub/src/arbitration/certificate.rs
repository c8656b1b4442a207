//! The certificate service at the hub: a provisional certificate a kiosk issued offline is
//! checked and confirmed, superseded or revoked.

use crate::db::Transaction;
use baeum_domain::certificate::{CertificateIntent, CertificateOutcome};
use baeum_domain::intent::Outcome;
use baeum_domain::rules::RejectReason;
use baeum_domain::{CourseId, LearnerId};
use chrono::{DateTime, Utc};

use super::{CourseCache, Decision, rejected};
use crate::store::{StoreError, attendance, certificates, enrollments, kiosk_keys, learners};

pub(super) fn decide(d: &mut Decision<'_, '_>, body: &CertificateIntent) -> Result<Outcome, StoreError> {
    match body {
        CertificateIntent::ProvisionalCertificate { learner_id, course_id, qr_text } => {
            provisional_certificate(d.tx, d.courses, d.kiosk, learner_id, course_id, qr_text, d.now)
        }
    }
}

/// A certificate a kiosk issued offline: signed by that kiosk's endorsed key, about this learner
/// and course, and complete by the hub's own attendance. Then it is recorded under its own serial
/// (or superseded by the one the hub had already issued); otherwise it is recorded and revoked,
/// so the key set tells offline checkers too.
fn provisional_certificate(
    tx: &Transaction<'_>,
    courses: &mut CourseCache,
    kiosk: &baeum_domain::KioskId,
    learner_id: &LearnerId,
    course_id: &CourseId,
    qr_text: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    use baeum_domain::certificate::{SignedCertificate, public_key};
    let Ok(cert) = SignedCertificate::parse_qr(qr_text) else {
        return Ok(rejected(RejectReason::BadCertificate));
    };
    let key = kiosk_keys::get(tx, &cert.payload.key_id)?
        .filter(|k| k.kiosk_id == kiosk.as_str() && k.endorsement.is_some())
        .and_then(|k| public_key(&k.public_key));
    if !key.is_some_and(|k| cert.signed_by(&k)) || !cert.payload.provisional {
        return Ok(rejected(RejectReason::BadCertificate));
    }
    let serial = cert.payload.serial.clone();
    if let Some(known) = certificates::find(tx, &serial)? {
        // The same upload again after an answer was lost: the answer it had.
        return Ok(match known.superseded_by {
            Some(by) => CertificateOutcome::CertificateConfirmed { serial: by }.into(),
            None if known.revoked_at.is_some() => rejected(RejectReason::NotCompleted),
            None => CertificateOutcome::CertificateConfirmed { serial }.into(),
        });
    }
    let Some(state) = courses.get(tx, course_id)? else {
        return Ok(rejected(RejectReason::UnknownCourse));
    };
    let learner = learners::get(tx, learner_id.as_str())?;
    if learner.is_none_or(|l| l.name.as_str() != cert.payload.learner_name)
        || state.course.title.as_str() != cert.payload.course_title
    {
        return Ok(rejected(RejectReason::BadCertificate));
    }
    let completed = enrollments::is_confirmed(tx, learner_id, course_id)?
        && state.rules.completed(attendance::attended(tx, learner_id, course_id)?, state.course.sessions.len() as u32);
    let existing = certificates::current(tx, learner_id, course_id)?;
    certificates::insert(
        tx,
        &certificates::NewCertificate {
            serial: &serial,
            learner: learner_id,
            course: course_id,
            qr_text,
            verification_code: &cert.verification_code(),
            issued_at: now,
            reissued_by: None,
        },
    )?;
    if !completed {
        certificates::revoke(tx, &serial, "중앙 서버", "수료 기준 미달 (임시 발급 확인 결과)", now)?;
        return Ok(rejected(RejectReason::NotCompleted));
    }
    match existing {
        Some(hubs) => {
            certificates::supersede(tx, &serial, &hubs.serial)?;
            Ok(CertificateOutcome::CertificateConfirmed { serial: hubs.serial }.into())
        }
        None => Ok(CertificateOutcome::CertificateConfirmed { serial }.into()),
    }
}
