//! Printing certificates and receipts on the front desk's printer over IPP (a CUPS queue or the
//! printer's own `ipp://` address). Jobs live in the kiosk's database: a printer that is off or
//! out of paper leaves them queued and visible to staff, and they go out when it is back.
//!
//! Exactly once: a job is marked `sending` before Print-Job and carries its own id as the IPP
//! job-name. If the kiosk dies in between, the next run asks the printer (Get-Jobs, all jobs) for
//! that name and adopts the printer's job instead of sending the document again. A job's state is
//! written before the printer is asked anything: if that write fails, nothing is sent.
//!
//! While jobs wait, the printer's own state reasons (media-empty, media-jam, cover-open, …) are
//! put on them in Korean so staff see "용지가 없습니다" rather than a job that silently waits.

use std::time::Duration;

use ipp::prelude::*;
use serde::Serialize;

use crate::Kiosk;
use crate::error::KioskError;
use crate::store::StoreError;
use crate::store::print_jobs::{self, PrintJob, PrintJobState};

/// What one pass over the queue did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PrintReport {
    pub sent: usize,
    pub printed: usize,
    pub failed: usize,
    pub waiting: usize,
}

/// A printer problem in words staff understand; the IPP library's own words go to the log.
fn printer_error(e: &IppError) -> String {
    tracing::debug!(event = "printer_unreachable", detail = %e, "printer did not answer");
    "프린터에 연결할 수 없습니다. 프린터가 켜져 있는지, 네트워크에 연결되어 있는지 확인해 주세요".into()
}

/// Why one job could not move on: the printer (the job waits) or the kiosk's own database
/// (stop: sending without a recorded state could print twice).
#[derive(Debug)]
enum Stuck {
    Printer(IppError),
    Store(StoreError),
}

impl From<IppError> for Stuck {
    fn from(e: IppError) -> Self {
        Stuck::Printer(e)
    }
}

impl From<StoreError> for Stuck {
    fn from(e: StoreError) -> Self {
        Stuck::Store(e)
    }
}

/// What a printer says it is doing, or that it does not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    Idle,
    Processing,
    Stopped,
    Unreachable,
}

/// The printer as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PrinterStatus {
    pub printer_uri: String,
    pub state: PrinterState,
    /// IPP printer-state-reasons as the printer sent them (without `none`).
    pub reasons: Vec<String>,
    /// What staff should do, in Korean, when something needs a person.
    pub message: Option<String>,
}

/// The first reason that needs a person, in Korean. Reasons come with a `-report`, `-warning`
/// or `-error` suffix (or none); the keyword before it is what matters.
pub fn reason_ko(reasons: &[String]) -> Option<String> {
    reasons.iter().find_map(|r| {
        let keyword = ["-report", "-warning", "-error"].iter().fold(r.as_str(), |k, s| k.strip_suffix(s).unwrap_or(k));
        let words = match keyword {
            "media-empty" | "media-needed" | "input-tray-missing" => "용지가 없습니다. 용지함에 A4 용지를 넣어 주세요.",
            "media-jam" => "용지가 걸렸습니다. 걸린 용지를 빼 주세요.",
            "toner-empty" | "marker-supply-empty" => "토너(잉크)가 떨어졌습니다. 교체해 주세요.",
            "cover-open" | "door-open" | "interlock-open" => "프린터 덮개가 열려 있습니다. 닫아 주세요.",
            "offline" | "shutdown" | "paused" | "moving-to-paused" => {
                "프린터가 꺼져 있거나 일시 정지 상태입니다. 전원과 상태를 확인해 주세요."
            }
            "output-area-full" => "출력 용지함이 가득 찼습니다. 인쇄된 용지를 꺼내 주세요.",
            _ => return None,
        };
        Some(words.to_owned())
    })
}

async fn printer_attributes(printer: &Uri) -> Result<(i32, Vec<String>), IppError> {
    let op = IppOperationBuilder::get_printer_attributes(printer.clone())
        .attributes(["printer-state", "printer-state-reasons"])
        .build()?;
    let resp = client(printer).send(op).await?;
    let mut state = 3;
    let mut reasons = Vec::new();
    for group in resp.attributes().groups_of(DelimiterTag::PrinterAttributes) {
        if let Some(IppValue::Enum(s)) = group.get("printer-state").map(IppAttribute::value) {
            state = *s;
        }
        if let Some(value) = group.get("printer-state-reasons").map(IppAttribute::value) {
            let keywords: Vec<&IppValue> = match value {
                IppValue::Array(values) => values.iter().collect(),
                one => vec![one],
            };
            reasons.extend(keywords.into_iter().filter_map(|v| match v {
                IppValue::Keyword(k) if k.as_str() != "none" => Some(k.to_string()),
                _ => None,
            }));
        }
    }
    Ok((state, reasons))
}

/// Asks the printer how it is.
pub async fn printer_status(raw_uri: &str) -> Result<PrinterStatus, KioskError> {
    let printer = uri(raw_uri)?;
    Ok(match printer_attributes(&printer).await {
        Ok((state, reasons)) => PrinterStatus {
            printer_uri: raw_uri.to_owned(),
            state: match state {
                3 => PrinterState::Idle,
                4 => PrinterState::Processing,
                _ => PrinterState::Stopped,
            },
            message: reason_ko(&reasons)
                .or_else(|| (state == 5).then(|| "프린터가 멈춰 있습니다. 프린터의 화면을 확인해 주세요.".to_owned())),
            reasons,
        },
        Err(e) => PrinterStatus {
            printer_uri: raw_uri.to_owned(),
            state: PrinterState::Unreachable,
            reasons: Vec::new(),
            message: Some(printer_error(&e)),
        },
    })
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

    /// Sends the queued job `id` now if the printer answers within a few seconds; otherwise it
    /// stays queued for the background loop. Returns the job as it stands.
    /// When the printer is still busy with the previous document (one at a time), it waits up
    /// to half a minute for it, so a person printing two documents in a row gets both now.
    pub async fn print_now(&self, id: &str) -> Result<PrintJob, KioskError> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            match tokio::time::timeout_at(deadline, self.drive_printer()).await {
                Ok(result) => {
                    result?;
                }
                Err(_) => tracing::info!("the printer is slow; the job stays queued"),
            }
            let job = print_jobs::get(&self.conn(), id)?
                .ok_or_else(|| KioskError::Certificate {
                    what: format!("인쇄 작업 {id}이 없습니다"), detail: None
                })?;
            // Queued without a problem noted: it waits behind another document.
            let behind_another = job.state == PrintJobState::Queued && job.last_error.is_none();
            if !behind_another || tokio::time::Instant::now() + Duration::from_millis(500) >= deadline {
                return Ok(job);
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
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

    /// One pass over the open jobs: send what is queued, follow what the printer has. Jobs left
    /// waiting carry the printer's reason (paper out, jam, …) for staff.
    pub async fn drive_printer(&self) -> Result<PrintReport, KioskError> {
        let _one = self.printing.lock().await;
        let mut report = PrintReport::default();
        let jobs = print_jobs::open(&self.conn())?;
        let mut reasons: std::collections::HashMap<String, Option<String>> = Default::default();
        // One document at a time per printer (many accept no second job while printing).
        let mut busy = std::collections::HashSet::new();
        for job in jobs {
            let printer = uri(&job.printer_uri)?;
            if job.state == PrintJobState::Queued && busy.contains(&job.printer_uri) {
                report.waiting += 1;
                continue;
            }
            let outcome = self.advance(&printer, &job).await;
            if matches!(outcome, Ok(PrintJobState::Submitted)) {
                busy.insert(job.printer_uri.clone());
            }
            match outcome {
                Ok(state) => match state {
                    PrintJobState::Printed => report.printed += 1,
                    PrintJobState::Failed => report.failed += 1,
                    _ => {
                        if state == PrintJobState::Submitted && job.state != PrintJobState::Submitted {
                            report.sent += 1;
                        }
                        report.waiting += 1;
                        if !reasons.contains_key(&job.printer_uri) {
                            let why = printer_attributes(&printer).await.ok().and_then(|(_, r)| reason_ko(&r));
                            reasons.insert(job.printer_uri.clone(), why);
                        }
                        let why = reasons.get(&job.printer_uri).cloned().flatten();
                        print_jobs::note(&self.conn(), &job.id, why.as_deref(), self.clock.now())?;
                    }
                },
                Err(Stuck::Printer(e)) => {
                    let message = printer_error(&e);
                    tracing::warn!(job = %job.id, event = "printer_unreachable", "printer not reachable; the job stays queued");
                    print_jobs::note(&self.conn(), &job.id, Some(&message), self.clock.now())?;
                    report.waiting += 1;
                }
                Err(Stuck::Store(e)) => return Err(e.into()),
            }
        }
        Ok(report)
    }

    /// Moves one job as far as the printer allows; returns its new state.
    async fn advance(&self, printer: &Uri, job: &PrintJob) -> Result<PrintJobState, Stuck> {
        let now = || self.clock.now();
        let mut ipp_id = job.ipp_job_id;
        if job.state == PrintJobState::Sending && ipp_id.is_none() {
            // The kiosk stopped between sending and hearing back: does the printer have it?
            ipp_id = find_job(printer, &job.id).await?;
            if let Some(id) = ipp_id {
                print_jobs::update(&self.conn(), &job.id, PrintJobState::Submitted, Some(id), None, false, now())?;
            }
        }
        if ipp_id.is_none() {
            // Is the printer there at all? If not, the job stays `queued`: nothing went out.
            printer_attributes(printer).await?;
            let Some(document) = print_jobs::document(&self.conn(), &job.id)? else {
                print_jobs::update(
                    &self.conn(),
                    &job.id,
                    PrintJobState::Failed,
                    None,
                    Some("인쇄할 문서가 없습니다"),
                    false,
                    now(),
                )?;
                return Ok(PrintJobState::Failed);
            };
            // Recorded before sending: after a crash the printer is asked before any resend.
            print_jobs::update(&self.conn(), &job.id, PrintJobState::Sending, None, None, true, now())?;
            let payload = IppPayload::new(std::io::Cursor::new(document));
            let op = IppOperationBuilder::print_job(printer.clone(), payload)
                .job_title(&job.id)
                .user_name("baeum-kiosk")
                .document_format("application/pdf")
                .build()
                .map_err(IppError::from)?;
            let resp = client(printer).send(op).await?;
            let status = resp.header().status_code();
            if matches!(
                status,
                StatusCode::ServerErrorBusy
                    | StatusCode::ServerErrorServiceUnavailable
                    | StatusCode::ServerErrorNotAcceptingJobs
                    | StatusCode::ServerErrorTemporaryError
            ) {
                // The printer said "not now" and kept nothing: queue it again, try next pass.
                let message = "프린터가 다른 문서를 인쇄하는 중입니다. 끝나면 이어서 인쇄합니다.";
                print_jobs::update(&self.conn(), &job.id, PrintJobState::Queued, None, Some(message), false, now())?;
                return Ok(PrintJobState::Queued);
            }
            if !status.is_success() {
                // The IPP status name (e.g. ClientErrorDocumentFormatNotSupported) goes to the
                // log; staff read its number, which the printer's manual lists.
                tracing::warn!(event = "printer_refused", status = ?status, "printer refused the job");
                let message = format!("프린터가 인쇄를 거절했습니다 (상태 코드 0x{:04X})", status as u16);
                print_jobs::update(&self.conn(), &job.id, PrintJobState::Failed, None, Some(&message), false, now())?;
                return Ok(PrintJobState::Failed);
            }
            let id =
                resp.attributes().groups_of(DelimiterTag::JobAttributes).find_map(|g| match g.get("job-id")?.value() {
                    IppValue::Integer(id) => Some(*id),
                    _ => None,
                });
            print_jobs::update(&self.conn(), &job.id, PrintJobState::Submitted, id, None, false, now())?;
            ipp_id = id;
        }
        let Some(id) = ipp_id else { return Ok(PrintJobState::Submitted) };
        let state = match job_state(printer, id).await? {
            Some(9) => PrintJobState::Printed,
            Some(7 | 8) => PrintJobState::Failed,
            _ => PrintJobState::Submitted,
        };
        if state != PrintJobState::Submitted {
            let error = (state == PrintJobState::Failed).then_some("프린터에서 인쇄가 취소되었거나 중단되었습니다");
            print_jobs::update(&self.conn(), &job.id, state, Some(id), error, false, now())?;
        }
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

    #[test]
    fn printer_reasons_read_as_what_staff_should_do() {
        let said = |r: &[&str]| reason_ko(&r.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert!(said(&["media-empty-warning"]).unwrap().contains("용지가 없습니다"));
        assert!(said(&["media-jam-error"]).unwrap().contains("걸렸습니다"));
        assert!(said(&["toner-low-report", "cover-open"]).unwrap().contains("덮개"));
        assert_eq!(said(&["toner-low-report"]), None, "a report needs nobody yet");
        assert_eq!(said(&[]), None);
    }
}
