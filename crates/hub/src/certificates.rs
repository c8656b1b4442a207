//! Issuing, reissuing, revoking and checking completion certificates. The hub signs with its
//! Ed25519 key (a file beside its database, readable only by the hub's user); the key set it
//! publishes lets anyone check a paper certificate offline.

use std::path::Path;

use crate::db::{Connection, TransactionBehavior};
use baeum_domain::certificate::{CertificatePayload, KeySet, PublishedKey, SignedBy, SignedCertificate, key_id};
use baeum_domain::certificate::{ClassCertificates, IssuedCertificate, LearningHistory, NotCompleted};
use baeum_domain::{CourseId, LearnerId, kst};
use chrono::{DateTime, Datelike, Utc};
use ed25519_dalek::SigningKey;
use serde::Serialize;

use crate::store::certificates::{self, StoredCertificate};
use crate::store::enrollments;
use crate::store::{StoreError, attendance, courses, institutions, kiosk_keys, learners, rules};

/// The hub's signing key.
#[derive(Clone)]
pub struct HubSigner {
    key: SigningKey,
}

impl std::fmt::Debug for HubSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HubSigner({})", key_id(&self.key.verifying_key()))
    }
}

impl HubSigner {
    /// Reads the key at `path`, or makes one there (mode 0600) on first start.
    pub fn load_or_create(path: &Path) -> std::io::Result<Self> {
        let seed = crate::secret_file::load_or_create(path, "서명 키")?;
        Ok(Self { key: SigningKey::from_bytes(&seed) })
    }

    /// A key for this process only (tests).
    pub fn ephemeral() -> Self {
        Self { key: SigningKey::from_bytes(&crate::secret_file::random().unwrap_or([42; 32])) }
    }

    pub fn key_id(&self) -> String {
        key_id(&self.key.verifying_key())
    }

    /// What the hub publishes for offline checks: its key, the kiosk keys staff endorsed, and
    /// every serial no longer valid.
    pub fn key_set(&self, conn: &Connection) -> Result<KeySet, StoreError> {
        let mut keys = vec![PublishedKey::hub(&self.key.verifying_key())];
        keys.extend(kiosk_keys::endorsed(conn)?.iter().map(kiosk_keys::KioskKey::published));
        Ok(KeySet { keys, revoked: certificates::invalid_serials(conn)? })
    }

    /// Endorses one registered kiosk key (staff compared its fingerprint on site): the hub signs
    /// it, so offline checks trust the certificates it signs. See [`crate::devices::endorse`].
    pub fn endorse_key(
        &self,
        conn: &Connection,
        key: &kiosk_keys::KioskKey,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut published = key.published();
        published.endorse(&self.key);
        let signature = published.endorsement.unwrap_or_default();
        kiosk_keys::set_endorsement(conn, &key.key_id, &signature, by, now)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("수강 확정된 신청이 없습니다")]
    NotEnrolled,
    #[error("출석이 수료 기준에 모자랍니다 ({attended}/{sessions}회, 기준 {percent}%)")]
    NotCompleted { attended: u32, sessions: u32, percent: u8 },
    #[error("수료증을 찾을 수 없습니다: {0}")]
    UnknownSerial(String),
    #[error("이미 취소되었거나 재발급된 수료증입니다: {0}")]
    NoLongerValid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<crate::db::Error> for IssueError {
    fn from(e: crate::db::Error) -> Self {
        IssueError::Store(e.into())
    }
}

fn issued(stored: &StoredCertificate) -> Result<IssuedCertificate, IssueError> {
    let signed = SignedCertificate::parse_qr(&stored.qr_text).map_err(|e| {
        IssueError::Store(StoreError::Corrupt { what: "수료증", id: stored.serial.clone(), problem: e.to_string() })
    })?;
    Ok(IssuedCertificate {
        serial: stored.serial.clone(),
        qr_text: stored.qr_text.clone(),
        verification_code: stored.verification_code.clone(),
        payload: signed.payload,
    })
}

/// The certificate of a completed course: the valid one already issued, or a new one.
pub fn issue(
    conn: &mut Connection,
    signer: &HubSigner,
    learner_id: &LearnerId,
    course_id: &CourseId,
    now: DateTime<Utc>,
) -> Result<IssuedCertificate, IssueError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let cert = certificate_of(&tx, signer, learner_id, course_id, now)?;
    tx.commit()?;
    Ok(cert)
}

fn sign_new(
    tx: &crate::db::Transaction<'_>,
    signer: &HubSigner,
    learner_id: &LearnerId,
    course_id: &CourseId,
    now: DateTime<Utc>,
    reissued_by: Option<&str>,
) -> Result<IssuedCertificate, IssueError> {
    if !enrollments::is_confirmed(tx, learner_id, course_id)? {
        return Err(IssueError::NotEnrolled);
    }
    let course = courses::get(tx, course_id.as_str())?.ok_or(IssueError::NotEnrolled)?;
    let learner = learners::get(tx, learner_id.as_str())?.ok_or(IssueError::NotEnrolled)?;
    let rules = rules::for_course(tx, &course)?;
    let attended = attendance::attended(tx, learner_id, course_id)?;
    let sessions = course.sessions.len() as u32;
    if !rules.completed(attended, sessions) {
        return Err(IssueError::NotCompleted { attended, sessions, percent: rules.completion_percent });
    }
    let institution = institutions::get(tx, course.institution_id.as_str())?
        .map_or_else(|| course.institution_id.to_string(), |i| i.name.to_string());
    let today = now.with_timezone(&kst()).date_naive();
    let serial = certificates::next_serial(tx, today.year())?;
    let signed_by = SignedBy { key_id: signer.key_id(), provisional: false };
    let payload = CertificatePayload::for_completion(serial.clone(), &learner, &course, institution, today, signed_by);
    let signed = SignedCertificate::sign(payload, &signer.key);
    let code = signed.verification_code();
    certificates::insert(
        tx,
        &certificates::NewCertificate {
            serial: &serial,
            learner: learner_id,
            course: course_id,
            qr_text: &signed.qr_text(),
            verification_code: &code,
            issued_at: now,
            reissued_by,
        },
    )?;
    Ok(IssuedCertificate { serial, qr_text: signed.qr_text(), verification_code: code, payload: signed.payload })
}

/// Every course `learner_id` completed, with its certificate (issued now where none was yet),
/// oldest first: what the learning-history statement (학습이력 확인서) lists.
pub fn learning_history(
    conn: &mut Connection,
    signer: &HubSigner,
    learner_id: &LearnerId,
    now: DateTime<Utc>,
) -> Result<LearningHistory, IssueError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let learner = learners::get(&tx, learner_id.as_str())?.ok_or(IssueError::NotEnrolled)?;
    let mut completed = Vec::new();
    for row in enrollments::of_learner(&tx, learner_id)? {
        if row.state != enrollments::state::CONFIRMED {
            continue;
        }
        match certificate_of(&tx, signer, learner_id, &row.course_id, now) {
            Ok(cert) => completed.push(cert),
            Err(IssueError::NotCompleted { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    tx.commit()?;
    completed.sort_by(|a, b| (a.payload.last_date, &a.serial).cmp(&(b.payload.last_date, &b.serial)));
    Ok(LearningHistory {
        learner_name: learner.name.as_str().to_owned(),
        birth_date: learner.birth_date,
        completed,
        clubs: crate::clubs::learning_record(conn, learner_id, now)?,
    })
}

/// Certificates for a whole class: every confirmed learner who completed gets one (issued now
/// where none was yet); the others are listed with their attendance, names masked.
pub fn class_certificates(
    conn: &mut Connection,
    signer: &HubSigner,
    course_id: &CourseId,
    now: DateTime<Utc>,
) -> Result<ClassCertificates, IssueError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let course = courses::get(&tx, course_id.as_str())?.ok_or(IssueError::NotEnrolled)?;
    let (mut issued, mut not_completed) = (Vec::new(), Vec::new());
    for row in enrollments::in_state(&tx, course_id, enrollments::state::CONFIRMED)? {
        match certificate_of(&tx, signer, &row.learner_id, course_id, now) {
            Ok(cert) => issued.push(cert),
            Err(IssueError::NotCompleted { attended, sessions, .. }) => {
                let name = learners::get(&tx, row.learner_id.as_str())?.map(|l| l.name.masked()).unwrap_or_default();
                not_completed.push(NotCompleted { learner_masked: name, attended, sessions });
            }
            Err(e) => return Err(e),
        }
    }
    tx.commit()?;
    Ok(ClassCertificates { course_id: course.id, issued, not_completed })
}

/// The valid certificate, or a new one, inside the caller's transaction.
fn certificate_of(
    tx: &crate::db::Transaction<'_>,
    signer: &HubSigner,
    learner_id: &LearnerId,
    course_id: &CourseId,
    now: DateTime<Utc>,
) -> Result<IssuedCertificate, IssueError> {
    match certificates::current(tx, learner_id, course_id)? {
        Some(existing) => issued(&existing),
        None => sign_new(tx, signer, learner_id, course_id, now, None),
    }
}

/// A new serial for the same completion (e.g. a name was corrected); the old one is superseded.
pub fn reissue(
    conn: &mut Connection,
    signer: &HubSigner,
    serial: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<IssuedCertificate, IssueError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let old = certificates::find(&tx, serial)?.ok_or_else(|| IssueError::UnknownSerial(serial.to_owned()))?;
    if !old.valid() {
        return Err(IssueError::NoLongerValid(serial.to_owned()));
    }
    let learner = LearnerId::parse(&old.learner_id).map_err(|e| StoreError::Corrupt {
        what: "수료증",
        id: serial.to_owned(),
        problem: e.to_string(),
    })?;
    let course = CourseId::parse(&old.course_id).map_err(|e| StoreError::Corrupt {
        what: "수료증",
        id: serial.to_owned(),
        problem: e.to_string(),
    })?;
    let new = sign_new(&tx, signer, &learner, &course, now, Some(by))?;
    certificates::supersede(&tx, &old.serial, &new.serial)?;
    tx.commit()?;
    Ok(new)
}

/// What the verification page says about a serial or verification code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Verification {
    /// `valid`, `revoked`, `superseded` or `unknown`.
    pub status: &'static str,
    pub serial: Option<String>,
    pub payload: Option<CertificatePayload>,
    pub superseded_by: Option<String>,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
}

/// What anyone who holds the paper may learn from the hub (`/verify`, `/v1/certificates/verify`):
/// whether it is genuine and what it says, the name masked as on the page (홍*동) — never the
/// birth date, the full name, or who revoked it and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PublicVerification {
    /// `valid`, `revoked`, `superseded`, `unknown`, or `needs_code` (a serial alone: serials
    /// follow each other, so the printed code or the QR is asked for).
    pub status: &'static str,
    pub serial: Option<String>,
    /// The learner's name masked (`홍*동`).
    pub learner: Option<String>,
    pub course_title: Option<String>,
    pub institution: Option<String>,
    /// Teaching time in minutes.
    pub minutes: Option<u32>,
    #[schema(value_type = Option<String>, format = Date)]
    pub first_date: Option<chrono::NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    pub last_date: Option<chrono::NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    pub issued_on: Option<chrono::NaiveDate>,
    /// Issued by a kiosk offline and not (yet) confirmed by the hub.
    pub provisional: Option<bool>,
    pub superseded_by: Option<String>,
    /// The day it was revoked (Asia/Seoul).
    #[schema(value_type = Option<String>, format = Date)]
    pub revoked_on: Option<chrono::NaiveDate>,
}

impl PublicVerification {
    fn only(status: &'static str) -> Self {
        Self {
            status,
            serial: None,
            learner: None,
            course_title: None,
            institution: None,
            minutes: None,
            first_date: None,
            last_date: None,
            issued_on: None,
            provisional: None,
            superseded_by: None,
            revoked_on: None,
        }
    }
}

/// The public check: by the printed code or the QR only (a serial alone gets `needs_code`), and
/// only what a verifier needs.
pub fn verify_public(conn: &Connection, input: &str) -> Result<PublicVerification, StoreError> {
    let by_code_or_qr = match VerifyInput::read(input) {
        VerifyInput::Signed(_) => true,
        VerifyInput::SerialOrCode(key) => is_code(&key),
    };
    if !by_code_or_qr {
        return Ok(PublicVerification::only("needs_code"));
    }
    let v = verify(conn, input)?;
    let Some(p) = v.payload else { return Ok(PublicVerification::only(v.status)) };
    let revoked_on = v
        .revoked_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&kst()).date_naive());
    Ok(PublicVerification {
        status: v.status,
        serial: v.serial,
        learner: Some(baeum_domain::learner::mask_name(&p.learner_name)),
        course_title: Some(p.course_title),
        institution: Some(p.institution),
        minutes: Some(p.minutes),
        first_date: Some(p.first_date),
        last_date: Some(p.last_date),
        issued_on: Some(p.issued_on),
        provisional: Some(p.provisional),
        superseded_by: v.superseded_by,
        revoked_on,
    })
}

/// `ABCDE-FGHJK`, as [`VerifyInput::read`] normalises the printed code.
fn is_code(key: &str) -> bool {
    key.len() == 11
        && key.char_indices().all(|(i, c)| if i == 5 { c == '-' } else { c.is_ascii_uppercase() || c.is_ascii_digit() })
}

/// What a person may hand the verification page: the printed code (any case, with or without the
/// hyphen or spaces), the serial, or the QR code's link or text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyInput {
    /// `GM-2026-000123` or `ABCDE-FGHJK`.
    SerialOrCode(String),
    /// `BAEUM1.<payload>.<signature>`, found in a link or on its own.
    Signed(String),
}

impl VerifyInput {
    pub fn read(raw: &str) -> Self {
        if let Some(text) = baeum_domain::links::certificate_text_in(raw) {
            return VerifyInput::Signed(text.to_owned());
        }
        let compact: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        // The printed code typed in small letters, with spaces or without its hyphen: abcde fghjk
        // → ABCDE-FGHJK. Serials (which may hold a kiosk's lower-case id) are taken as written.
        if compact.len() == 10 && compact.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let code = compact.to_uppercase();
            return VerifyInput::SerialOrCode(format!("{}-{}", &code[..5], &code[5..]));
        }
        VerifyInput::SerialOrCode(raw.trim().to_owned())
    }
}

pub fn verify(conn: &Connection, input: &str) -> Result<Verification, StoreError> {
    let stored = match VerifyInput::read(input) {
        VerifyInput::SerialOrCode(key) => certificates::find(conn, &key)?,
        // A QR is genuine only if it is exactly what the hub holds under the serial it names:
        // a payload with a real serial and another name is not.
        VerifyInput::Signed(text) => match SignedCertificate::parse_qr(&text) {
            Ok(cert) => certificates::find(conn, &cert.payload.serial)?.filter(|s| s.qr_text == text),
            Err(_) => None,
        },
    };
    let Some(stored) = stored else {
        return Ok(Verification {
            status: "unknown",
            serial: None,
            payload: None,
            superseded_by: None,
            revoked_at: None,
            revoked_by: None,
            revoke_reason: None,
        });
    };
    // A stored QR that no longer reads is a damaged row, said as such (never a blank page).
    let payload = SignedCertificate::parse_qr(&stored.qr_text)
        .map(|c| Some(c.payload))
        .map_err(|e| StoreError::Corrupt { what: "수료증", id: stored.serial.clone(), problem: format!("{e:?}") })?;
    let status = if stored.revoked_at.is_some() {
        "revoked"
    } else if stored.superseded_by.is_some() {
        "superseded"
    } else {
        "valid"
    };
    Ok(Verification {
        status,
        serial: Some(stored.serial),
        payload,
        superseded_by: stored.superseded_by,
        revoked_at: stored.revoked_at,
        revoked_by: stored.revoked_by,
        revoke_reason: stored.revoke_reason,
    })
}

#[cfg(test)]
mod tests {
    use baeum_domain::Selection;
    use baeum_domain::attendance::AttendanceIntent;
    use baeum_domain::attendance::AttendanceOutcome;
    use baeum_domain::certificate::CertificateIntent;
    use baeum_domain::certificate::CertificateOutcome;
    use baeum_domain::intent::{IntentBody, Outcome};
    use ed25519_dalek::SigningKey;

    use super::*;
    use crate::arbitration::fixtures::*;

    fn attend(k: &mut TestKiosk, conn: &mut Connection, course: &baeum_domain::Course, n: usize) {
        attend_as(k, conn, 1, course, n);
    }

    fn attend_as(k: &mut TestKiosk, conn: &mut Connection, who: usize, course: &baeum_domain::Course, n: usize) {
        let bodies = course.sessions[..n]
            .iter()
            .map(|s| {
                IntentBody::Attendance(AttendanceIntent::MarkAttendance {
                    learner_id: lid(who),
                    course_id: course.id.clone(),
                    session: s.date,
                    present: true,
                })
            })
            .collect();
        // Marked after the last class (attendance is never taken for a class to come).
        let after = at(&format!("{}T23:00:00", course.sessions[course.sessions.len() - 1].date));
        let answer = k.send(conn, after, bodies);
        assert!(
            answer
                .results
                .iter()
                .all(|r| matches!(r.outcome, Outcome::Attendance(AttendanceOutcome::AttendanceRecorded { .. }))),
            "{answer:?}"
        );
    }

    #[test]
    fn a_certificate_needs_eighty_percent_attendance_and_is_issued_once() {
        let (mut conn, course) = hub(10, Selection::FirstCome, 0);
        let signer = HubSigner::ephemeral();
        let mut k = TestKiosk::new("k-a");
        k.send(&mut conn, at("2026-11-26T14:00:00"), vec![register(1, "1950-01-01"), apply(1, &course)]);
        let sessions = course.sessions.len();
        let needed = (sessions * 8).div_ceil(10);
        attend(&mut k, &mut conn, &course, needed - 1);
        let now = at("2026-12-31T10:00:00");
        assert!(matches!(issue(&mut conn, &signer, &lid(1), &course.id, now), Err(IssueError::NotCompleted { .. })));
        attend(&mut k, &mut conn, &course, needed);
        let first = issue(&mut conn, &signer, &lid(1), &course.id, now).unwrap();
        assert_eq!(first.serial, "GM-2026-000001");
        assert_eq!(first.payload.learner_name, "김배움");
        assert_eq!(issue(&mut conn, &signer, &lid(1), &course.id, now).unwrap(), first, "the same certificate again");
        assert_eq!(signer.key_set(&conn).unwrap().verify(&first.qr_text).unwrap(), first.payload);
        // A day the course does not meet is refused.
        let odd = k.send(
            &mut conn,
            now,
            vec![IntentBody::Attendance(AttendanceIntent::MarkAttendance {
                learner_id: lid(1),
                course_id: course.id.clone(),
                session: "2027-03-01".parse().unwrap(),
                present: true,
            })],
        );
        assert!(matches!(odd.results[0].outcome, Outcome::Rejected { .. }));
    }

    #[test]
    fn the_verification_accepts_the_code_the_serial_and_the_qr_link_but_not_a_forged_qr() {
        let (mut conn, course) = hub(10, Selection::FirstCome, 0);
        let signer = HubSigner::ephemeral();
        let mut k = TestKiosk::new("k-a");
        k.send(&mut conn, at("2026-11-26T14:00:00"), vec![register(1, "1950-01-01"), apply(1, &course)]);
        attend(&mut k, &mut conn, &course, course.sessions.len());
        let cert = issue(&mut conn, &signer, &lid(1), &course.id, at("2026-12-31T10:00:00")).unwrap();
        let link = format!("https://edu.gm.go.kr/verify/{}", cert.qr_text);
        let typed = cert.verification_code.to_lowercase().replace('-', " ");
        for input in [cert.serial.as_str(), &cert.verification_code, &typed, &cert.qr_text, &link] {
            let v = verify(&conn, input).unwrap();
            assert_eq!((v.status, v.serial.as_deref()), ("valid", Some(cert.serial.as_str())), "{input}");
        }
        // The real serial, another name, signed by a stranger: not what the hub issued.
        let stranger = SigningKey::from_bytes(&[9; 32]);
        let mut forged = cert.payload.clone();
        forged.learner_name = "김철수".into();
        let forged = SignedCertificate::sign(forged, &stranger).qr_text();
        assert_eq!(verify(&conn, &forged).unwrap().status, "unknown");
        assert_eq!(verify(&conn, "AAAAA-BBBBB").unwrap().status, "unknown");
    }

    /// The public check answers the printed code and the QR, never a serial alone, and says
    /// only what a verifier needs: no full name, no birth date, no staff names.
    #[test]
    fn the_public_check_needs_the_code_or_the_qr_and_masks_the_name() {
        let (mut conn, course) = hub(10, Selection::FirstCome, 0);
        let signer = HubSigner::ephemeral();
        let mut k = TestKiosk::new("k-a");
        k.send(&mut conn, at("2026-11-26T14:00:00"), vec![register(1, "1950-01-01"), apply(1, &course)]);
        attend(&mut k, &mut conn, &course, course.sessions.len());
        let cert = issue(&mut conn, &signer, &lid(1), &course.id, at("2026-12-31T10:00:00")).unwrap();
        for input in [cert.verification_code.as_str(), &cert.qr_text] {
            let v = verify_public(&conn, input).unwrap();
            assert_eq!((v.status, v.serial.as_deref()), ("valid", Some(cert.serial.as_str())), "{input}");
            assert_eq!(v.learner, Some(baeum_domain::learner::mask_name(&cert.payload.learner_name)));
            let text = serde_json::to_string(&v).unwrap();
            assert!(!text.contains(&cert.payload.learner_name) && !text.contains("1950-01-01"), "{text}");
        }
        assert_eq!(verify_public(&conn, &cert.serial).unwrap(), PublicVerification::only("needs_code"));
        assert_eq!(verify_public(&conn, "AAAAA-BBBBB").unwrap().status, "unknown");
        assert!(
            crate::store::certificates::revoke(
                &conn,
                &cert.serial,
                "직원 김민지",
                "출석 오기",
                at("2027-01-02T10:00:00")
            )
            .unwrap()
        );
        let revoked = verify_public(&conn, &cert.verification_code).unwrap();
        assert_eq!((revoked.status, revoked.revoked_on.map(|d| d.to_string())), ("revoked", Some("2027-01-02".into())));
        let text = serde_json::to_string(&revoked).unwrap();
        assert!(!text.contains("김민지") && !text.contains("출석 오기"), "{text}");
    }

    #[test]
    fn a_class_batch_and_a_learning_history_issue_each_certificate_once() {
        let (mut conn, course) = hub(10, Selection::FirstCome, 0);
        let signer = HubSigner::ephemeral();
        let mut k = TestKiosk::new("k-a");
        let everyone = (1..=3).flat_map(|i| [register(i, "1950-01-01"), apply(i, &course)]).collect();
        k.send(&mut conn, at("2026-11-26T14:00:00"), everyone);
        let all = course.sessions.len();
        attend_as(&mut k, &mut conn, 1, &course, all);
        attend_as(&mut k, &mut conn, 2, &course, all);
        attend_as(&mut k, &mut conn, 3, &course, 1);
        let now = at("2026-12-31T10:00:00");
        let mine = issue(&mut conn, &signer, &lid(1), &course.id, now).unwrap();

        let class = class_certificates(&mut conn, &signer, &course.id, now).unwrap();
        assert_eq!(class.issued.len(), 2);
        assert_eq!(class.issued[0], mine, "the certificate already issued, not a second one");
        assert_eq!(class.not_completed.len(), 1);
        assert_eq!((class.not_completed[0].attended, class.not_completed[0].sessions), (1, all as u32));
        assert!(class.not_completed[0].learner_masked.contains('*'), "names are masked");
        assert_eq!(
            class_certificates(&mut conn, &signer, &course.id, now).unwrap(),
            class,
            "asking again issues nothing"
        );

        let history = learning_history(&mut conn, &signer, &lid(2), now).unwrap();
        assert_eq!(history.completed, vec![class.issued[1].clone()]);
        assert_eq!(history.total_minutes(), course.total_minutes() as u32);
        assert!(learning_history(&mut conn, &signer, &lid(3), now).unwrap().completed.is_empty());
        assert!(matches!(learning_history(&mut conn, &signer, &lid(99), now), Err(IssueError::NotEnrolled)));
    }

    /// What a kiosk signs offline for learner `who`.
    fn provisional(
        key: &SigningKey,
        serial: &str,
        who: usize,
        course: &baeum_domain::Course,
        conn: &Connection,
    ) -> IntentBody {
        let learner = learners::get(conn, lid(who).as_str()).unwrap().unwrap();
        let signer = SignedBy { key_id: key_id(&key.verifying_key()), provisional: true };
        let payload = CertificatePayload::for_completion(
            serial.into(),
            &learner,
            course,
            "광명시평생학습원".into(),
            course.last_session().date,
            signer,
        );
        IntentBody::Certificate(CertificateIntent::ProvisionalCertificate {
            learner_id: lid(who),
            course_id: course.id.clone(),
            qr_text: SignedCertificate::sign(payload, key).qr_text(),
        })
    }

    #[test]
    fn a_provisional_certificate_counts_only_from_an_endorsed_kiosk_and_a_real_completion() {
        use baeum_domain::rules::RejectReason;
        let (mut conn, course) = hub(10, Selection::FirstCome, 0);
        let signer = HubSigner::ephemeral();
        let mut k = TestKiosk::new("k-desk");
        let everyone = (1..=3).flat_map(|i| [register(i, "1950-01-01"), apply(i, &course)]).collect();
        k.send(&mut conn, at("2026-11-26T14:00:00"), everyone);
        let all = course.sessions.len();
        attend_as(&mut k, &mut conn, 1, &course, all);
        attend_as(&mut k, &mut conn, 2, &course, 1);
        attend_as(&mut k, &mut conn, 3, &course, all);
        let now = at("2026-12-31T10:00:00");
        let device = SigningKey::from_bytes(&[21; 32]);
        let public = baeum_domain::certificate::public_key_b64(&device.verifying_key());
        kiosk_keys::register(&conn, &key_id(&device.verifying_key()), "k-desk", &public, now).unwrap();

        // Registered but not endorsed yet: not trusted.
        let body = provisional(&device, "GM-P2026-k-desk-0001", 1, &course, &conn);
        let early = k.send(&mut conn, now, vec![body]);
        assert_eq!(early.results[0].outcome, Outcome::Rejected { reason: RejectReason::BadCertificate });
        assert!(!signer.key_set(&conn).unwrap().keys.iter().any(|key| key.owner == "kiosk:k-desk"));

        let registered = kiosk_keys::get(&conn, &key_id(&device.verifying_key())).unwrap().unwrap();
        signer.endorse_key(&conn, &registered, "직원 김민지", now).unwrap();
        let keys = signer.key_set(&conn).unwrap();
        let offline = provisional(&device, "GM-P2026-k-desk-0002", 1, &course, &conn);
        let IntentBody::Certificate(CertificateIntent::ProvisionalCertificate { qr_text, .. }) = &offline else {
            unreachable!()
        };
        assert!(keys.verify(qr_text).is_ok_and(|p| p.provisional), "checks offline with the published key set");

        // Learner 1 completed: confirmed under the kiosk's serial, valid online.
        let answer = k.send(&mut conn, now, vec![offline.clone()]);
        assert_eq!(
            answer.results[0].outcome,
            Outcome::Certificate(CertificateOutcome::CertificateConfirmed { serial: "GM-P2026-k-desk-0002".into() })
        );
        assert_eq!(verify(&conn, "GM-P2026-k-desk-0002").unwrap().status, "valid");
        assert_eq!(issue(&mut conn, &signer, &lid(1), &course.id, now).unwrap().serial, "GM-P2026-k-desk-0002");

        // Learner 2 came once: recorded and revoked, so offline checks fail once the key set is fetched.
        let body = provisional(&device, "GM-P2026-k-desk-0003", 2, &course, &conn);
        let short = k.send(&mut conn, now, vec![body]);
        assert_eq!(short.results[0].outcome, Outcome::Rejected { reason: RejectReason::NotCompleted });
        assert_eq!(verify(&conn, "GM-P2026-k-desk-0003").unwrap().status, "revoked");
        assert!(signer.key_set(&conn).unwrap().revoked.contains(&"GM-P2026-k-desk-0003".to_owned()));

        // Learner 3 already had the hub's certificate: the provisional one is superseded by it.
        let hubs = issue(&mut conn, &signer, &lid(3), &course.id, now).unwrap();
        let body = provisional(&device, "GM-P2026-k-desk-0004", 3, &course, &conn);
        let again = k.send(&mut conn, now, vec![body]);
        assert_eq!(
            again.results[0].outcome,
            Outcome::Certificate(CertificateOutcome::CertificateConfirmed { serial: hubs.serial.clone() })
        );
        assert_eq!(verify(&conn, "GM-P2026-k-desk-0004").unwrap().superseded_by, Some(hubs.serial));

        // Another kiosk cannot use this kiosk's key, and a forged name breaks the signature.
        let mut other = TestKiosk::new("k-other");
        let body = provisional(&device, "GM-P2026-k-desk-0005", 1, &course, &conn);
        let stolen = other.send(&mut conn, now, vec![body]);
        assert_eq!(stolen.results[0].outcome, Outcome::Rejected { reason: RejectReason::BadCertificate });
    }

    #[test]
    fn reissue_supersedes_and_revocation_is_recorded_and_published() {
        let (mut conn, course) = hub(10, Selection::FirstCome, 0);
        let signer = HubSigner::ephemeral();
        let mut k = TestKiosk::new("k-a");
        k.send(&mut conn, at("2026-11-26T14:00:00"), vec![register(1, "1950-01-01"), apply(1, &course)]);
        attend(&mut k, &mut conn, &course, course.sessions.len());
        let now = at("2026-12-31T10:00:00");
        let first = issue(&mut conn, &signer, &lid(1), &course.id, now).unwrap();
        let second = reissue(&mut conn, &signer, &first.serial, "직원 김민지", now).unwrap();
        assert_ne!(first.serial, second.serial);
        assert_eq!(verify(&conn, &first.serial).unwrap().status, "superseded");
        assert_eq!(verify(&conn, &second.verification_code).unwrap().status, "valid");
        let keys = signer.key_set(&conn).unwrap();
        assert!(keys.verify(&first.qr_text).is_err(), "a superseded serial fails offline too");
        assert!(certificates::revoke(&conn, &second.serial, "직원 김민지", "부정 출석", now).unwrap());
        let v = verify(&conn, &second.serial).unwrap();
        assert_eq!((v.status, v.revoked_by.as_deref()), ("revoked", Some("직원 김민지")));
        assert!(matches!(reissue(&mut conn, &signer, &second.serial, "x", now), Err(IssueError::NoLongerValid(_))));
        assert_eq!(verify(&conn, "NOPE-NOPE").unwrap().status, "unknown");
    }

    #[test]
    fn the_signing_key_is_made_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.key");
        let a = HubSigner::load_or_create(&path).unwrap();
        let b = HubSigner::load_or_create(&path).unwrap();
        assert_eq!(a.key_id(), b.key_id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, b"short").unwrap();
        assert!(HubSigner::load_or_create(&path).is_err());
    }
}
