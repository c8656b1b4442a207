//! Certificates at the kiosk: one learner's certificate, their learning-history statement
//! (학습이력 확인서) and staff's batch print of a whole class. The hub decides completion and signs;
//! the kiosk renders the PDF and queues it for the front desk's printer.

use baeum_domain::certificate::SignedCertificate;
use baeum_domain::certificate::{IssuedCertificate, LearningHistory, NotCompleted};
use baeum_domain::{CourseId, LearnerId};
use serde::Serialize;

use crate::Kiosk;
use crate::certificate_pdf::{CertificateArt, CertificateError};
use crate::error::KioskError;
use crate::hub_client::HubSession;
use crate::store;
use crate::store::print_jobs::PrintJob;
use baeum_domain::ErrorCode;

/// The certificate font and pictures, parsed on first use and shared.
pub(crate) fn art() -> Result<CertificateArt, KioskError> {
    static ART: std::sync::OnceLock<Result<CertificateArt, CertificateError>> = std::sync::OnceLock::new();
    ART.get_or_init(CertificateArt::bundled).clone().map_err(KioskError::from)
}

/// What a batch print of a class queued, and who has not completed (names masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassPrint {
    pub course_id: String,
    /// Print-job ids, one per certificate, in enrollment order.
    pub jobs: Vec<String>,
    pub not_completed: Vec<NotCompleted>,
}

/// The hub's "not enrolled"/"not completed" answers as the kiosk's own errors.
fn certificate_refusal(e: KioskError) -> KioskError {
    match e {
        KioskError::HubRefused { code, message, .. } if code == ErrorCode::NotCompleted => {
            KioskError::NotCompleted(message)
        }
        KioskError::HubRefused { code, .. } if code == ErrorCode::NotEnrolled => KioskError::NotEnrolled,
        e => e,
    }
}

impl Kiosk {
    /// `from_hub`: the hub gave it, so a kiosk's provisional certificate among them is confirmed.
    fn render_certificate(&self, issued: &IssuedCertificate, from_hub: bool) -> Result<Vec<u8>, KioskError> {
        let signed =
            SignedCertificate::parse_qr(&issued.qr_text).map_err(|e| KioskError::HubBadAnswer(e.to_string()))?;
        crate::certificate_pdf::render_checked(&signed, &self.public_url()?, &art()?, from_hub)
            .map_err(KioskError::from)
    }

    /// The certificate of a completed course as a PDF, signed by the hub inside `session` (the
    /// learner's, or staff's); when the hub cannot be reached — or the learner was found offline,
    /// so the hub opened no session — a provisional one signed by this kiosk's endorsed device key.
    pub async fn certificate_pdf(
        &self,
        session: Option<&HubSession>,
        learner: &LearnerId,
        course: &CourseId,
    ) -> Result<(IssuedCertificate, Vec<u8>), KioskError> {
        let answer = match session {
            Some(session) => self.hub.issue_certificate(session, learner, course).await,
            None => Err(KioskError::HubUnreachable("본인 확인을 키오스크에서 했습니다".into())),
        };
        let (issued, from_hub) = match answer {
            Ok(issued) => (issued, true),
            Err(KioskError::HubUnreachable(_) | KioskError::HubTimeout | KioskError::HubBusy { .. }) => {
                (self.issue_provisional(learner, course)?, false)
            }
            Err(e) => return Err(certificate_refusal(e)),
        };
        let pdf = self.render_certificate(&issued, from_hub)?;
        Ok((issued, pdf))
    }

    /// The learning-history statement: every completed course, as many pages as it takes.
    /// Only the hub knows every course she completed, so it needs her session (or staff's).
    pub async fn learning_history_pdf(
        &self,
        session: Option<&HubSession>,
        learner: &LearnerId,
    ) -> Result<(LearningHistory, Vec<u8>), KioskError> {
        let session = match session {
            Some(s) => s,
            // Registered here and not yet known to the hub: nothing completed, certainly.
            None if store::outbox::registration_pending(&self.conn(), learner.as_str())? => {
                return Err(KioskError::NoCompletedCourses);
            }
            None => return Err(KioskError::SessionRequired),
        };
        let history = self.hub.learning_history(session, learner).await.map_err(certificate_refusal)?;
        let today = self.clock.now().with_timezone(&baeum_domain::kst()).date_naive();
        let pdf = crate::history_pdf::render(&history, &self.public_url()?.verify_page(), today, &art()?)
            .map_err(KioskError::from)?;
        Ok((history, pdf))
    }

    /// Prints one learner's certificate on `printer_uri` (queued; sent now if the printer answers).
    pub async fn print_certificate(
        &self,
        session: Option<&HubSession>,
        learner: &LearnerId,
        course: &CourseId,
        printer_uri: &str,
    ) -> Result<PrintJob, KioskError> {
        crate::printing::printer_uri(printer_uri)?;
        let (issued, pdf) = self.certificate_pdf(session, learner, course).await?;
        let id = self.queue_print(&format!("수료증 {}", issued.serial), printer_uri, &pdf)?;
        self.print_now(&id).await
    }

    /// Prints the learning-history statement on `printer_uri` (refused while nothing is completed:
    /// a sheet saying "nothing" is paper nobody needs).
    pub async fn print_learning_history(
        &self,
        session: Option<&HubSession>,
        learner: &LearnerId,
        printer_uri: &str,
    ) -> Result<PrintJob, KioskError> {
        crate::printing::printer_uri(printer_uri)?;
        let (history, pdf) = self.learning_history_pdf(session, learner).await?;
        if history.completed.is_empty() && history.clubs.is_empty() {
            return Err(KioskError::NoCompletedCourses);
        }
        let id = self.queue_print("학습이력 확인서", printer_uri, &pdf)?;
        self.print_now(&id).await
    }

    /// Staff's batch print: the certificate of every learner of `course` who completed, one job
    /// each (so a jam costs one sheet, not the class), all queued before the first is sent.
    pub async fn print_class(
        &self,
        course: &CourseId,
        printer_uri: &str,
        staff: &crate::on_duty::OnDuty,
    ) -> Result<ClassPrint, KioskError> {
        crate::printing::printer_uri(printer_uri)?;
        let class = match self.hub.class_certificates(staff.session(), course).await {
            // The staff session ended at the hub (an hour at most): staff sign in again.
            Err(KioskError::SessionRequired) => return Err(KioskError::StaffRequired),
            other => other.map_err(certificate_refusal)?,
        };
        let mut jobs = Vec::with_capacity(class.issued.len());
        for issued in &class.issued {
            let pdf = self.render_certificate(issued, true)?;
            jobs.push(self.queue_print(&format!("수료증 {}", issued.serial), printer_uri, &pdf)?);
        }
        if let Err(e) = tokio::time::timeout(std::time::Duration::from_secs(10), self.drive_printer()).await {
            tracing::info!(error = %e, "the printer is slow; the class stays queued");
        }
        Ok(ClassPrint { course_id: course.to_string(), jobs, not_completed: class.not_completed })
    }
}
