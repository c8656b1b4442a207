//! The enrollment service at the kiosk: apply, cancel, pay at the desk, the cards "my page" and
//! the receipt show. Each action writes its local row and its outbox intent in one
//! transaction, so it works offline and is never lost or sent twice; the hub decides the outcome.

use baeum_domain::enrollment::EnrollmentIntent;
use baeum_domain::enrollment::{EnrollmentStatus, PaymentMethod};
use baeum_domain::intent::IntentBody;
use baeum_domain::refund::{Refund, RefundCause};
use baeum_domain::rules::{ReductionKind, RejectReason};
use baeum_domain::{CourseId, LearnerId, Won};
use serde::Serialize;

use crate::Kiosk;
use crate::error::KioskError;
use crate::on_duty::OnDuty;
use crate::store::enrollments::LocalEnrollment;
use crate::store::{self, outbox};

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
pub(crate) fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    Some(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build())
}

impl Kiosk {
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
            None,
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
        staff: &OnDuty,
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
            Some(staff),
        )
    }

    fn enrollment_intent(
        &self,
        learner: &LearnerId,
        course: &CourseId,
        body: IntentBody,
        staff: Option<&OnDuty>,
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
        let intent = outbox::append_by(&tx, body, staff.map(OnDuty::stamp), now)?;
        store::enrollments::set_pending(&tx, learner, course, &intent.op_id)?;
        tx.commit()?;
        store::enrollments::get(&conn, learner, course)?.ok_or(KioskError::NotEnrolled)
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
}
