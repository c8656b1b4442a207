//! What a person (or staff on their behalf) does at the kiosk: register, apply, cancel, pay at the
//! desk, find themselves again. Each action writes its local row and its outbox intent in one
//! transaction, so it works offline and is never lost or sent twice; the hub decides the outcome.

use baeum_domain::attendance::AttendanceIntent;
use baeum_domain::enrollment::EnrollmentIntent;
use baeum_domain::enrollment::{EnrollmentStatus, PaymentMethod};
use baeum_domain::intent::IntentBody;
use baeum_domain::learner::LearnerIntent;
use baeum_domain::learner::{
    CONSENT_NOTICE_VERSION, Consent, ConsentPurpose, GuardianDraft, IdentityCheck, Learner, LearnerDraft, MobileNumber,
    Pin, pin_hash, pin_matches,
};
use baeum_domain::refund::{Refund, RefundCause};
use baeum_domain::rules::{ReductionKind, RejectReason};
use baeum_domain::{CourseId, LearnerId, Won};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Kiosk;
use crate::error::KioskError;
use crate::store::enrollments::LocalEnrollment;
use crate::store::{self, outbox};

/// The registration form as typed (parsed here, at the edge).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegistrationForm {
    pub name: String,
    /// YYYY-MM-DD
    pub birth_date: String,
    pub mobile: String,
    pub pin: String,
    #[serde(default)]
    pub resident: bool,
    #[serde(default)]
    pub guardian: Option<GuardianDraft>,
    /// One yes/no answer per [`ConsentPurpose`].
    pub consents: Vec<(ConsentPurpose, bool)>,
    pub identity: IdentityCheck,
}

/// A learner as a screen may show them (masked, PIPA).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LearnerSummary {
    pub id: LearnerId,
    pub name_masked: String,
    pub mobile_masked: String,
    pub age: u32,
    pub resident: bool,
}

impl LearnerSummary {
    fn of(learner: &Learner, today: NaiveDate) -> Self {
        Self {
            id: learner.id.clone(),
            name_masked: learner.name.masked(),
            mobile_masked: learner.mobile.masked(),
            age: learner.age_on(today),
            resident: learner.resident,
        }
    }
}

/// Where an application stands as a screen or receipt shows it: `Pending` until the hub answers
/// (접수 대기, 확정 전), then the hub's status, or `Rejected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentState {
    Pending,
    AwaitingPayment,
    Confirmed,
    Waitlisted,
    Entered,
    Cancelled,
    Released,
    CourseCancelled,
    Rejected,
}

/// One application as a screen or receipt shows it. `state` is `pending` until the hub answers
/// (접수 대기, 확정 전), then the hub's status, or `rejected` with `reason`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnrollmentCard {
    pub course_id: String,
    pub title: String,
    pub institution: String,
    pub first_date: Option<String>,
    pub state: EnrollmentState,
    pub position: Option<u32>,
    /// RFC 3339 (UTC).
    pub payment_due: Option<String>,
    /// A cancellation or payment recorded here waits for the hub.
    pub change_pending: bool,
    pub total: u32,
    pub paid: u32,
    pub refunded: u32,
    pub reason: Option<RejectReason>,
    /// The hub's page for paying on a phone, while a seat waits for payment…
    pub payment_url: Option<String>,
    /// …and the same as a QR code (SVG) to scan from the screen or the receipt.
    pub payment_qr_svg: Option<String>,
    pub applied_at: String,
    pub hub_as_of: Option<String>,
}

impl EnrollmentCard {
    fn of(
        e: LocalEnrollment,
        course: Option<&baeum_domain::Course>,
        institution: Option<String>,
        public: &baeum_domain::PublicUrl,
    ) -> Self {
        let (state, position, due) = match (e.rejected, e.status) {
            (Some(_), _) => (EnrollmentState::Rejected, None, None),
            (None, None) => (EnrollmentState::Pending, None, None),
            (None, Some(status)) => match status {
                EnrollmentStatus::AwaitingPayment { due } => {
                    (EnrollmentState::AwaitingPayment, None, Some(due.to_rfc3339()))
                }
                EnrollmentStatus::Confirmed => (EnrollmentState::Confirmed, None, None),
                EnrollmentStatus::Waitlisted { position } => (EnrollmentState::Waitlisted, Some(position), None),
                EnrollmentStatus::Entered => (EnrollmentState::Entered, None, None),
                EnrollmentStatus::Cancelled => (EnrollmentState::Cancelled, None, None),
                EnrollmentStatus::Released => (EnrollmentState::Released, None, None),
                EnrollmentStatus::CourseCancelled => (EnrollmentState::CourseCancelled, None, None),
            },
        };
        let reason = e.rejected;
        let total = e.price.map_or_else(|| course.map_or(0, |c| c.fee.0 + c.materials_fee.0), |p| p.total().0);
        let payment_url = (state == EnrollmentState::AwaitingPayment).then(|| public.payment_link(&e.apply_op));
        Self {
            payment_qr_svg: payment_url.as_deref().and_then(qr_svg),
            payment_url,
            course_id: e.course_id.to_string(),
            title: course.map_or_else(|| e.course_id.to_string(), |c| c.title.to_string()),
            institution: institution.unwrap_or_default(),
            first_date: course.map(|c| c.first_session().date.to_string()),
            state,
            position,
            payment_due: due,
            change_pending: e.pending && e.status.is_some(),
            total,
            paid: e.paid.0,
            refunded: e.refunded.0,
            reason,
            applied_at: e.applied_at.to_rfc3339(),
            hub_as_of: e.hub_as_of.map(|t| t.to_rfc3339()),
        }
    }
}

/// A QR code of `text` as an SVG with a quiet zone, black on white, sized by the screen.
fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    Some(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build())
}

fn parse_birth(raw: &str) -> Result<NaiveDate, KioskError> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    NaiveDate::parse_from_str(&digits, "%Y%m%d")
        .map_err(|_| KioskError::invalid("birth_date", "생년월일은 1950-03-07처럼 적어 주세요"))
}

impl Kiosk {
    /// Registers a learner here (offline too). The PIN leaves this function only as a salted hash.
    pub fn register_learner(&self, form: &RegistrationForm) -> Result<LearnerSummary, KioskError> {
        let pin = Pin::parse(&form.pin).map_err(|e| KioskError::invalid("pin", e))?;
        let today = self.clock.now_kst().date_naive();
        let salt = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
        let learner = Learner::try_from(LearnerDraft {
            id: format!("l-{}", uuid::Uuid::new_v4().simple()),
            name: form.name.clone(),
            birth_date: parse_birth(&form.birth_date)?,
            mobile: form.mobile.clone(),
            resident: form.resident,
            guardian: form.guardian.clone(),
            consents: form
                .consents
                .iter()
                .map(|(purpose, agreed)| Consent {
                    purpose: *purpose,
                    agreed: *agreed,
                    notice_version: CONSENT_NOTICE_VERSION,
                })
                .collect(),
            identity: form.identity,
            pin_hash: pin_hash(&pin, &salt),
            registered_on: today,
        })
        .map_err(KioskError::InvalidInput)?;
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        store::learners::put(&tx, &learner)?;
        outbox::append(&tx, IntentBody::Learner(LearnerIntent::RegisterLearner { learner: learner.clone() }), now)?;
        tx.commit()?;
        Ok(LearnerSummary::of(&learner, today))
    }

    /// 수강신청. Recorded locally as "접수 대기 (확정 전)" with its intent; the hub decides.
    pub fn apply(
        &self,
        learner: &LearnerId,
        course: &CourseId,
        claims: &[ReductionKind],
    ) -> Result<LocalEnrollment, KioskError> {
        let now = self.clock.now();
        let mut conn = self.conn();
        if store::learners::get(&conn, learner.as_str())?.is_none() {
            return Err(KioskError::LearnerNotFound);
        }
        if store::courses::get_many(&conn, &[course.to_string()])?.is_empty() {
            return Err(KioskError::CourseNotFound(course.to_string()));
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Some(existing) = store::enrollments::get(&tx, learner, course)?
            && (existing.pending || existing.status.is_some_and(EnrollmentStatus::is_live))
            && existing.rejected.is_none()
        {
            return Err(KioskError::AlreadyApplied);
        }
        let intent = outbox::append(
            &tx,
            IntentBody::Enrollment(EnrollmentIntent::Apply {
                learner_id: learner.clone(),
                course_id: course.clone(),
                claims: claims.to_vec(),
            }),
            now,
        )?;
        store::enrollments::insert_applied(&tx, learner, course, &intent.op_id, now)?;
        tx.commit()?;
        store::enrollments::get(&conn, learner, course)?.ok_or(KioskError::NotEnrolled)
    }

    /// What cancelling now would refund, by this kiosk's clock — shown before the person confirms.
    /// The hub computes the amount actually refunded when the cancellation reaches it.
    pub fn cancellation_quote(&self, learner: &LearnerId, course: &CourseId) -> Result<Refund, KioskError> {
        let conn = self.conn();
        let e = store::enrollments::get(&conn, learner, course)?.ok_or(KioskError::NotEnrolled)?;
        let c = store::courses::get_many(&conn, &[course.to_string()])?
            .pop()
            .ok_or_else(|| KioskError::CourseNotFound(course.to_string()))?;
        let price = e.price.unwrap_or(baeum_domain::rules::Price { tuition: Won::ZERO, materials: Won::ZERO });
        let tuition = Won(e.paid.0.min(price.tuition.0));
        let materials = Won(e.paid.0 - tuition.0);
        Ok(baeum_domain::refund::refund(tuition, materials, &c.sessions, self.clock.now_kst(), RefundCause::Learner))
    }

    /// 수강취소 (offline too; the refund is decided when the hub receives it).
    pub fn cancel(&self, learner: &LearnerId, course: &CourseId) -> Result<LocalEnrollment, KioskError> {
        self.enrollment_intent(
            learner,
            course,
            IntentBody::Enrollment(EnrollmentIntent::Cancel { learner_id: learner.clone(), course_id: course.clone() }),
        )
    }

    /// Staff recorded a payment at the desk (cash or card, with the receipt number).
    pub fn record_desk_payment(
        &self,
        learner: &LearnerId,
        course: &CourseId,
        method: PaymentMethod,
        receipt: &str,
        amount: Won,
    ) -> Result<LocalEnrollment, KioskError> {
        let receipt = baeum_domain::text::clean(receipt, 40, true, false)
            .map_err(|e| KioskError::invalid("receipt", e.to_string()))?;
        if method == PaymentMethod::Online {
            return Err(KioskError::invalid("method", "창구에서는 현금이나 카드만 기록할 수 있습니다"));
        }
        self.enrollment_intent(
            learner,
            course,
            IntentBody::Enrollment(EnrollmentIntent::RecordPayment {
                learner_id: learner.clone(),
                course_id: course.clone(),
                method,
                receipt,
                amount,
            }),
        )
    }

    fn enrollment_intent(
        &self,
        learner: &LearnerId,
        course: &CourseId,
        body: IntentBody,
    ) -> Result<LocalEnrollment, KioskError> {
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let Some(existing) = store::enrollments::get(&tx, learner, course)? else {
            return Err(KioskError::NotEnrolled);
        };
        let finished = existing.rejected.is_some() || existing.status.is_some_and(|s| !s.is_live());
        if finished {
            return Err(KioskError::NotEnrolled);
        }
        let intent = outbox::append(&tx, body, now)?;
        store::enrollments::set_pending(&tx, learner, course, &intent.op_id)?;
        tx.commit()?;
        store::enrollments::get(&conn, learner, course)?.ok_or(KioskError::NotEnrolled)
    }

    /// A returning learner: mobile number, birth date and PIN. Asks the hub (which locks after
    /// repeated wrong PINs) and keeps a local copy; offline, only learners known here are found.
    pub async fn find_learner(&self, mobile: &str, birth_date: &str, pin: &str) -> Result<LearnerSummary, KioskError> {
        let mobile = MobileNumber::parse(mobile).map_err(|e| KioskError::invalid("mobile", e))?;
        let birth = parse_birth(birth_date)?;
        let pin = Pin::parse(pin).map_err(|e| KioskError::invalid("pin", e))?;
        let today = self.clock.now_kst().date_naive();
        let query = baeum_domain::learner::LearnerFind {
            mobile: mobile.as_str().to_owned(),
            birth_date: birth,
            pin: pin.digits().to_owned(),
        };
        match self.hub.find_learner(&query).await {
            Ok(found) => {
                let mut conn = self.conn();
                let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                store::learners::put(&tx, &found.learner)?;
                for e in &found.enrollments.enrollments {
                    store::enrollments::apply_hub_view(&tx, e, found.enrollments.as_of)?;
                }
                tx.commit()?;
                Ok(LearnerSummary::of(&found.learner, today))
            }
            Err(KioskError::HubRefused { code, .. }) if code == baeum_domain::ErrorCode::LearnerNotFound => {
                // Registered here moments ago and not uploaded yet: the local copy knows them.
                self.find_local(&mobile, birth, Some(&pin), today)?.ok_or(KioskError::LearnerNotFound)
            }
            Err(KioskError::HubRefused { code, message, .. }) if code == baeum_domain::ErrorCode::PinLocked => {
                Err(KioskError::PinLocked(message))
            }
            Err(
                e @ (KioskError::HubUnreachable(_)
                | KioskError::HubTimeout
                | KioskError::HubServerError { .. }
                | KioskError::HubBadAnswer(_)),
            ) => match self.find_local(&mobile, birth, Some(&pin), today)? {
                Some(found) => Ok(found),
                None => {
                    tracing::info!(code = %e.code(), "learner lookup offline and not known here");
                    Err(KioskError::NeedsStaff)
                }
            },
            Err(e) => Err(e),
        }
    }

    /// Staff looked at the person's ID card: find them by number and birth date without a PIN
    /// (works offline for learners this kiosk knows).
    pub fn find_learner_staff_checked(
        &self,
        mobile: &str,
        birth_date: &str,
    ) -> Result<Vec<LearnerSummary>, KioskError> {
        let mobile = MobileNumber::parse(mobile).map_err(|e| KioskError::invalid("mobile", e))?;
        let birth = parse_birth(birth_date)?;
        let today = self.clock.now_kst().date_naive();
        let conn = self.conn();
        Ok(store::learners::find(&conn, &mobile, birth)?.iter().map(|l| LearnerSummary::of(l, today)).collect())
    }

    fn find_local(
        &self,
        mobile: &MobileNumber,
        birth: NaiveDate,
        pin: Option<&Pin>,
        today: NaiveDate,
    ) -> Result<Option<LearnerSummary>, KioskError> {
        let conn = self.conn();
        Ok(store::learners::find(&conn, mobile, birth)?
            .iter()
            .find(|l| pin.is_none_or(|p| pin_matches(&l.pin_hash, p)))
            .map(|l| LearnerSummary::of(l, today)))
    }

    /// A learner's applications as this kiosk knows them, newest first.
    pub fn enrollments_of(&self, learner: &LearnerId) -> Result<Vec<LocalEnrollment>, KioskError> {
        Ok(store::enrollments::of_learner(&self.conn(), learner)?)
    }

    /// A learner's applications as cards for "my page" and the receipt, newest first.
    pub fn enrollment_cards(&self, learner: &LearnerId) -> Result<Vec<EnrollmentCard>, KioskError> {
        let conn = self.conn();
        let rows = store::enrollments::of_learner(&conn, learner)?;
        let ids: Vec<String> = rows.iter().map(|e| e.course_id.to_string()).collect();
        let courses = store::courses::get_many(&conn, &ids)?;
        let public = self.public_url_in(&conn)?;
        let index = self.index();
        Ok(rows
            .into_iter()
            .map(|e| {
                let course = courses.iter().find(|c| c.id == e.course_id);
                let institution = course.and_then(|c| index.names.institutions.get(c.institution_id.as_str()));
                EnrollmentCard::of(e, course, institution.map(|i| i.name.to_string()), &public)
            })
            .collect())
    }

    /// Uploads and refreshes for at most `limit`, so a screen can show the hub's answer when the
    /// line is up without making anyone wait long when it is not (the background loop retries).
    pub async fn exchange_briefly(&self, limit: std::time::Duration) {
        match tokio::time::timeout(limit, self.exchange()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::info!(code = %e.code(), "exchange after an action failed; will retry"),
            Err(_) => tracing::info!("exchange after an action took too long; will retry"),
        }
    }

    /// Staff marked attendance for one session (works offline; the hub records it on arrival).
    pub fn mark_attendance(
        &self,
        learner: &LearnerId,
        course: &CourseId,
        session: NaiveDate,
        present: bool,
    ) -> Result<baeum_domain::OpId, KioskError> {
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let body = IntentBody::Attendance(AttendanceIntent::MarkAttendance {
            learner_id: learner.clone(),
            course_id: course.clone(),
            session,
            present,
        });
        let intent = outbox::append(&tx, body, now)?;
        tx.commit()?;
        Ok(intent.op_id)
    }

    /// The hub's answer to one of this kiosk's intents, once it came.
    pub fn outcome_of(&self, op: &baeum_domain::OpId) -> Result<Option<baeum_domain::intent::Outcome>, KioskError> {
        Ok(outbox::outcome(&self.conn(), op)?)
    }

    /// Queues the receipt of an application for `printer_uri`, then tries the printer once (a
    /// printer that is off keeps the job queued; the background loop sends it later).
    pub async fn print_receipt(
        &self,
        learner: &LearnerId,
        course: &CourseId,
        printer_uri: &str,
    ) -> Result<crate::store::print_jobs::PrintJob, KioskError> {
        let card = self.enrollment_cards(learner)?.into_iter().find(|c| c.course_id == course.as_str());
        let card = card.ok_or(KioskError::NotEnrolled)?;
        let person = store::learners::get(&self.conn(), learner.as_str())?.ok_or(KioskError::LearnerNotFound)?;
        let applicant = format!("{} ({})", person.name.masked(), person.mobile.masked());
        let art = crate::certificates::art()?;
        let pdf = crate::receipt_pdf::render(&card, &applicant, self.clock.now(), &art).map_err(KioskError::from)?;
        let id = self.queue_print(&format!("접수증 {}", card.title), printer_uri, &pdf)?;
        self.print_now(&id).await
    }

    /// Every enrollment this kiosk holds.
    pub fn all_enrollments(&self) -> Result<Vec<LocalEnrollment>, KioskError> {
        Ok(store::enrollments::all(&self.conn())?)
    }

    /// Intents waiting for the hub, for staff and `status --json`.
    pub fn outbox_counts(&self) -> Result<outbox::OutboxCounts, KioskError> {
        Ok(outbox::counts(&self.conn())?)
    }
}
