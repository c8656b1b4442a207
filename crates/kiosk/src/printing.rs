//! Printing certificates and receipts on the front desk's printer over IPP (a CUPS queue or the
//! printer's own `ipp://` address). Jobs live in the kiosk's database: a printer that is off or
//! out of paper leaves them queued and visible to staff, and they go out when it is back.
//!
//! Exactly once: a job is marked `sending` before Print-Job and carries its own id as the IPP
//! job-name. If the kiosk dies in between, the next run asks the printer (Get-Jobs, all jobs) for
//! that name and adopts the printer's job instead of sending the document again.

use std::time::Duration;

use ipp::prelude::*;
use serde::Serialize;

use crate::Kiosk;
use crate::error::KioskError;
use crate::store::print_jobs::{self, PrintJob};

/// What one pass over the queue did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PrintReport {
    pub sent: usize,
    pub printed: usize,
    pub failed: usize,
    pub waiting: usize,
}

/// A printer problem in words staff understand, with a stable code.
fn printer_error(e: &IppError) -> (&'static str, String) {
    ("printer_unreachable", format!("프린터에 연결할 수 없습니다: {e}"))
}

/// A printer address: `ipp://`/`ipps://` (or the http(s) form of the same). Anything else — a
/// Windows printer name for the spooler, say — is refused with a message saying what to set.
pub fn printer_uri(raw: &str) -> Result<Uri, KioskError> {
    let unsupported = || {
        KioskError::BadPrinter(format!(
            "{raw:?}: 프린터는 IPP 주소(예: ipp://192.168.0.20/ipp/print 또는 CUPS의 ipp://localhost:631/printers/이름)로 \
             설정해 주세요. Windows 스풀러로 직접 인쇄하는 기능은 아직 없습니다."
        ))
    };
    let uri = raw.trim().parse::<Uri>().map_err(|_| unsupported())?;
    match uri.scheme_str() {
        Some("ipp" | "ipps" | "http" | "https") if uri.host().is_some() => Ok(uri),
        _ => Err(unsupported()),
    }
}

fn uri(raw: &str) -> Result<Uri, KioskError> {
    printer_uri(raw)
}

fn client(printer: &Uri) -> AsyncIppClient {
    AsyncIppClient::builder(printer.clone()).request_timeout(Duration::from_secs(20)).build()
}

/// The printer's job with job-name `name`, if it has one (any state).
async fn find_job(printer: &Uri, name: &str) -> Result<Option<i32>, IppError> {
    let mut req = IppRequestResponse::new(IppVersion::v1_1(), Operation::GetJobs, Some(printer.clone()))?;
    let which = IppAttribute::with_name("which-jobs", IppValue::new_keyword("all")?)?;
    let wanted = IppValue::Array(vec![IppValue::new_keyword("job-name")?, IppValue::new_keyword("job-id")?]);
    let requested = IppAttribute::with_name("requested-attributes", wanted)?;
    req.attributes_mut().add(DelimiterTag::OperationAttributes, which);
    req.attributes_mut().add(DelimiterTag::OperationAttributes, requested);
    let resp = client(printer).send(req).await?;
    for group in resp.attributes().groups_of(DelimiterTag::JobAttributes) {
        let named = group.get("job-name").is_some_and(|a| match a.value() {
            IppValue::NameWithoutLanguage(n) => n.as_str() == name,
            IppValue::NameWithLanguage { name: n, .. } => n.as_str() == name,
            _ => false,
        });
        if named && let Some(IppValue::Integer(id)) = group.get("job-id").map(IppAttribute::value) {
            return Ok(Some(*id));
        }
    }
    Ok(None)
}

/// job-state of a printer job (3 pending … 9 completed).
async fn job_state(printer: &Uri, job_id: i32) -> Result<Option<i32>, IppError> {
    let op = IppOperationBuilder::get_job_attributes(printer.clone(), job_id).build()?;
    let resp = client(printer).send(op).await?;
    if !resp.header().status_code().is_success() {
        return Ok(None);
    }
    Ok(resp.attributes().groups_of(DelimiterTag::JobAttributes).find_map(|g| match g.get("job-state")?.value() {
        IppValue::Enum(state) => Some(*state),
        _ => None,
    }))
}

impl Kiosk {
    /// Puts a PDF in the print queue for `printer_uri`; returns the job id. Nothing is sent yet:
    /// [`Kiosk::drive_printer`] does that (and the background loop calls it).
    pub fn queue_print(&self, title: &str, printer_uri: &str, pdf: &[u8]) -> Result<String, KioskError> {
        uri(printer_uri)?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        print_jobs::enqueue(&self.conn(), &id, title, printer_uri, pdf, self.clock.now())?;
        Ok(id)
    }

    /// The queue for staff, newest first.
    pub fn print_jobs(&self) -> Result<Vec<PrintJob>, KioskError> {
        Ok(print_jobs::all(&self.conn(), 200)?)
    }

    /// Sends a failed job again (staff's decision, e.g. after clearing a jam).
    pub fn retry_print(&self, id: &str) -> Result<bool, KioskError> {
        Ok(print_jobs::retry(&self.conn(), id, self.clock.now())?)
    }

    /// Whether any job waits for the printer.
    pub fn has_open_print_jobs(&self) -> Result<bool, KioskError> {
        Ok(!print_jobs::open(&self.conn())?.is_empty())
    }

    /// One pass over the open jobs: send what is queued, follow what the printer has.
    pub async fn drive_printer(&self) -> Result<PrintReport, KioskError> {
        let _one = self.printing.lock().await;
        let mut report = PrintReport::default();
        let jobs = print_jobs::open(&self.conn())?;
        for job in jobs {
            let printer = uri(&job.printer_uri)?;
            match self.advance(&printer, &job).await {
                Ok(state) => match state {
                    "printed" => report.printed += 1,
                    "failed" => report.failed += 1,
                    "submitted" if job.state != "submitted" => {
                        report.sent += 1;
                        report.waiting += 1;
                    }
                    _ => report.waiting += 1,
                },
                Err(e) => {
                    let (code, message) = printer_error(&e);
                    tracing::warn!(job = %job.id, code, "printer not reachable; the job stays queued");
                    let state = if job.state == "sending" { "sending" } else { job.state.as_str() };
                    print_jobs::update(&self.conn(), &job.id, state, None, Some(&message), false, self.clock.now())?;
                    report.waiting += 1;
                }
            }
        }
        Ok(report)
    }

    /// Moves one job as far as the printer allows; returns its new state.
    async fn advance(&self, printer: &Uri, job: &PrintJob) -> Result<&'static str, IppError> {
        let now = || self.clock.now();
        let mut ipp_id = job.ipp_job_id;
        if job.state == "sending" && ipp_id.is_none() {
            // The kiosk stopped between sending and hearing back: does the printer have it?
            ipp_id = find_job(printer, &job.id).await?;
            if let Some(id) = ipp_id {
                print_jobs::update(&self.conn(), &job.id, "submitted", Some(id), None, false, now()).ok();
            }
        }
        if ipp_id.is_none() {
            let Ok(Some(document)) = print_jobs::document(&self.conn(), &job.id) else { return Ok("failed") };
            print_jobs::update(&self.conn(), &job.id, "sending", None, None, true, now()).ok();
            let payload = IppPayload::new(std::io::Cursor::new(document));
            let op = IppOperationBuilder::print_job(printer.clone(), payload)
                .job_title(&job.id)
                .user_name("baeum-kiosk")
                .document_format("application/pdf")
                .build()?;
            let resp = client(printer).send(op).await?;
            if !resp.header().status_code().is_success() {
                let message = format!("프린터가 인쇄를 거절했습니다 ({:?})", resp.header().status_code());
                print_jobs::update(&self.conn(), &job.id, "failed", None, Some(&message), false, now()).ok();
                return Ok("failed");
            }
            let id =
                resp.attributes().groups_of(DelimiterTag::JobAttributes).find_map(|g| match g.get("job-id")?.value() {
                    IppValue::Integer(id) => Some(*id),
                    _ => None,
                });
            print_jobs::update(&self.conn(), &job.id, "submitted", id, None, false, now()).ok();
            ipp_id = id;
        }
        let Some(id) = ipp_id else { return Ok("submitted") };
        let state = match job_state(printer, id).await? {
            Some(9) => "printed",
            Some(7 | 8) => "failed",
            _ => "submitted",
        };
        let error = (state == "failed").then_some("프린터에서 인쇄가 취소되었거나 중단되었습니다");
        print_jobs::update(&self.conn(), &job.id, state, Some(id), error, false, now()).ok();
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_addresses_are_ipp_and_others_get_a_clear_message() {
        assert!(printer_uri("ipp://192.168.0.20/ipp/print").is_ok());
        assert!(printer_uri("ipps://printer.local:631/ipp/print").is_ok());
        let windows = printer_uri("Samsung M2020 (복지센터 1층)").unwrap_err().to_string();
        assert!(windows.contains("Windows") && windows.contains("ipp://"), "{windows}");
        assert!(printer_uri("file:///tmp/x").is_err());
    }
}
