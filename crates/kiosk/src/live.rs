//! 실시간 온라인 수업 (ZOOM) for the signed-in learner: her upcoming sessions with the QR code of
//! the https invitation and the passcode, and a "how to join" slip in large type. They are read
//! from the hub inside her session each time and never stored, logged or shown on a screen
//! passers-by see; without the hub there is nothing to show (joining needs the network anyway).

use baeum_domain::live::LiveClass;
use baeum_domain::schedule::weekday_ko;
use baeum_domain::{CourseId, LearnerId, kst};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::Kiosk;
use crate::error::KioskError;
use crate::hub_client::HubSession;
use crate::store::print_jobs::PrintJobState;

/// One upcoming ZOOM session on the learner's page (`Debug` without the link and passcode).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LiveCard {
    pub course_id: String,
    pub course_title: String,
    /// `YYYY-MM-DD` (KST), to name the session when printing its slip.
    pub date: String,
    /// "2026년 12월 8일 (화) 10:00~12:00".
    pub when: String,
    /// The session is today (KST).
    pub today: bool,
    pub join_url: String,
    pub passcode: String,
    /// The invitation as a QR code (SVG).
    pub qr_svg: String,
}

impl std::fmt::Debug for LiveCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveCard").field("course_id", &self.course_id).field("date", &self.date).finish_non_exhaustive()
    }
}

/// "2026년 12월 8일 (화) 10:00~12:00".
pub fn when_ko(class: &LiveClass) -> String {
    let start = class.starts_at.with_timezone(&kst());
    let end = class.ends_at.with_timezone(&kst());
    format!(
        "{} ({}) {}~{}",
        baeum_domain::time::date_ko(start.date_naive()),
        weekday_ko(start.weekday()),
        start.format("%H:%M"),
        end.format("%H:%M")
    )
}

impl Kiosk {
    async fn live_from_hub(&self, session: &HubSession, learner: &LearnerId) -> Result<Vec<LiveClass>, KioskError> {
        match self.hub.live_classes(session, learner).await {
            Ok(answer) => Ok(answer.classes),
            Err(
                KioskError::HubUnreachable(_)
                | KioskError::HubTimeout
                | KioskError::HubBusy { .. }
                | KioskError::HubServerError { .. },
            ) => Err(KioskError::LiveClassesOffline),
            Err(e) => Err(e),
        }
    }

    /// The learner's ZOOM sessions that have not ended, soonest first.
    pub async fn live_classes(&self, session: &HubSession, learner: &LearnerId) -> Result<Vec<LiveCard>, KioskError> {
        let today = self.clock.now_kst().date_naive();
        Ok(self
            .live_from_hub(session, learner)
            .await?
            .iter()
            .map(|c| LiveCard {
                course_id: c.course_id.to_string(),
                course_title: c.course_title.clone(),
                date: c.starts_at.with_timezone(&kst()).date_naive().to_string(),
                when: when_ko(c),
                today: c.starts_at.with_timezone(&kst()).date_naive() == today,
                join_url: c.join_url.to_string(),
                passcode: c.passcode.as_str().to_owned(),
                qr_svg: crate::enrollment::qr_svg(c.join_url.as_str()).unwrap_or_default(),
            })
            .collect())
    }

    /// The "how to join" slip of one of the learner's ZOOM sessions.
    pub async fn live_slip_pdf(
        &self,
        session: &HubSession,
        learner: &LearnerId,
        course: &CourseId,
        date: NaiveDate,
    ) -> Result<Vec<u8>, KioskError> {
        let class = self
            .live_from_hub(session, learner)
            .await?
            .into_iter()
            .find(|c| &c.course_id == course && c.starts_at.with_timezone(&kst()).date_naive() == date)
            .ok_or(KioskError::NotEnrolled)?;
        let art = crate::certificates::art()?;
        crate::live_pdf::render(&class, self.clock.now(), &art).map_err(KioskError::from)
    }

    /// Prints the slip on the kiosk's printer, now or not at all: a slip that did not reach the
    /// printer while she waits is withdrawn (its document wiped), so the passcode is never kept
    /// here nor printed later for whoever stands at the kiosk then.
    pub async fn print_live_slip(
        &self,
        session: &HubSession,
        learner: &LearnerId,
        course: &CourseId,
        date: NaiveDate,
        printer_uri: &str,
    ) -> Result<crate::store::print_jobs::PrintJob, KioskError> {
        crate::printing::printer_uri(printer_uri)?;
        let pdf = self.live_slip_pdf(session, learner, course, date).await?;
        let id = self.queue_print("실시간 수업 참여 안내", printer_uri, &pdf)?;
        let job = self.print_now(&id).await;
        if !matches!(&job, Ok(j) if j.state == PrintJobState::Printed || j.state == PrintJobState::Submitted) {
            crate::store::print_jobs::withdraw(
                &self.conn(),
                &id,
                "회의 암호가 든 안내문은 바로 인쇄하지 못하면 지웁니다",
                self.clock.now(),
            )?;
            return Err(KioskError::PrinterNotReady);
        }
        job
    }
}
