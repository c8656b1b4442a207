//! Printing to a real IPP printer: `ippeveprinter` (Debian cups-ipp-utils) on a free port keeps
//! every job it receives as a file. The received file is the PDF sent; a printer that is off
//! leaves the job queued and it prints once when the printer is back, also across a kiosk restart
//! and a crash between sending and recording.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use baeum_domain::SystemClock;
use baeum_kiosk::store::print_jobs::PrintJobState;
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk};
use baeum_system_tests::{IppPrinter as Printer, free_port};

fn kiosk(dir: &Path) -> Kiosk {
    // No hub is needed to print; the address is never called.
    let client = HubClient::with_timeout(HubUrl::parse("http://127.0.0.1:9").unwrap(), Duration::from_secs(1)).unwrap();
    Kiosk::open_with_client(&DataDir::new(dir), client, Arc::new(SystemClock)).unwrap()
}

fn certificate_pdf() -> Vec<u8> {
    use baeum_domain::certificate::{CertificatePayload, SignedCertificate};
    let key = ed25519_dalek::SigningKey::from_bytes(&[4; 32]);
    let payload = CertificatePayload { serial: "GM-2026-000777".into(), ..baeum_system_tests::specimen(&key) };
    let art = baeum_kiosk::certificate_pdf::CertificateArt::bundled().unwrap();
    baeum_kiosk::certificate_pdf::render(
        &SignedCertificate::sign(payload, &key),
        &baeum_domain::PublicUrl::parse("https://hub.gm.go.kr").unwrap(),
        &art,
    )
    .unwrap()
}

async fn until_printed(k: &Kiosk) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let report = k.drive_printer().await.unwrap();
        if report.waiting == 0 {
            assert_eq!(report.failed, 0);
            return;
        }
        assert!(Instant::now() < deadline, "the job did not finish: {:?}", k.print_jobs().unwrap());
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_reaches_the_printer_exactly_as_sent() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let printer = Printer::start(port, &dir.path().join("spool"));
    let k = kiosk(&dir.path().join("kiosk"));
    let pdf = certificate_pdf();
    k.queue_print("수료증 GM-2026-000777", &format!("ipp://localhost:{port}/ipp/print"), &pdf).unwrap();
    until_printed(&k).await;
    assert_eq!(printer.received(), vec![pdf]);
    assert_eq!(k.print_jobs().unwrap()[0].state, PrintJobState::Printed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_waits_for_an_offline_printer_and_prints_once_across_restarts_and_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let uri = format!("ipp://localhost:{port}/ipp/print");
    let data = dir.path().join("kiosk");
    let pdf = certificate_pdf();

    // The printer is off: the job stays queued, with a reason staff can read.
    let k = kiosk(&data);
    k.queue_print("수료증", &uri, &pdf).unwrap();
    let report = k.drive_printer().await.unwrap();
    assert_eq!((report.printed, report.waiting), (0, 1));
    let job = &k.print_jobs().unwrap()[0];
    assert_eq!(job.state, PrintJobState::Queued);
    assert!(job.last_error.as_deref().is_some_and(|e| e.contains("프린터에 연결할 수 없습니다")), "{job:?}");
    drop(k);

    // The printer is back; the kiosk restarted meanwhile.
    let printer = Printer::start(port, &dir.path().join("spool"));
    let k = kiosk(&data);
    until_printed(&k).await;
    assert_eq!(printer.received().len(), 1);
    drop(k);

    // A crash between sending and recording: the kiosk only knows it was sending.
    let conn = DataDir::new(&data).open_database().unwrap();
    conn.execute("UPDATE print_jobs SET state = 'sending', ipp_job_id = NULL", []).unwrap();
    drop(conn);
    let k = kiosk(&data);
    until_printed(&k).await;
    assert_eq!(printer.received(), vec![pdf], "found on the printer, not sent again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_application_prints_a_receipt_that_says_it_is_not_confirmed_yet() {
    let dir = tempfile::tempdir().unwrap();
    let hub = baeum_system_tests::HubProcess::start_demo(dir.path());
    let (course, _) = hub.open_first_come_course(5, true);
    let course = baeum_domain::CourseId::parse(&course).unwrap();
    let data = dir.path().join("kiosk");
    {
        let client = HubClient::with_timeout(HubUrl::parse(&hub.url).unwrap(), Duration::from_secs(5)).unwrap();
        let online = Kiosk::open_with_client(&DataDir::new(&data), client, Arc::new(SystemClock)).unwrap();
        online.provision(&hub.invite()).await.unwrap();
        online.sync_now().await.unwrap();
    }
    let k = kiosk(&data); // the hub address answers nothing now
    let learner = k.register_learner(&baeum_system_tests::learner_form(7)).unwrap();
    k.apply(&learner.id, &course, &[]).unwrap();

    let port = free_port();
    let printer = Printer::start(port, &dir.path().join("spool"));
    let job = k.print_receipt(&learner.id, &course, &Printer::uri(port)).await.unwrap();
    assert_ne!(job.state, PrintJobState::Failed);
    until_printed(&k).await;
    let received = printer.received();
    assert_eq!(received.len(), 1);
    let file = dir.path().join("receipt.pdf");
    std::fs::write(&file, &received[0]).unwrap();
    let text = std::process::Command::new("pdftotext").arg(&file).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("수강신청 접수증") && text.contains("접수 대기 (확정 전)"), "{text}");
    assert!(text.contains("김*움") && text.contains("010-****-"), "masked applicant: {text}");
}

/// A printer driver that holds each job while `paper-out` exists beside it, telling the printer
/// it has no paper, as a real one does until someone fills the tray.
fn paper_tray_driver(dir: &Path) -> std::path::PathBuf {
    let script = dir.join("driver.sh");
    let flag = dir.join("paper-out");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nif [ -f '{flag}' ]; then\n  echo 'STATE: +media-empty' >&2\n  \
             while [ -f '{flag}' ]; do sleep 0.1; done\n  echo 'STATE: -media-empty' >&2\nfi\nexit 0\n",
            flag = flag.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_print_a_whole_class_and_a_printer_out_of_paper_says_so_then_prints_each_once() {
    let dir = tempfile::tempdir().unwrap();
    let hub = baeum_system_tests::HubProcess::start_demo(dir.path());
    // A course under way (수시 접수): its classes so far can be marked.
    let (course_id, sessions) = hub.course_under_way();
    let course = baeum_domain::CourseId::parse(&course_id).unwrap();

    let client = HubClient::with_timeout(HubUrl::parse(&hub.url).unwrap(), Duration::from_secs(10)).unwrap();
    let k = Kiosk::open_with_client(&DataDir::new(dir.path().join("kiosk")), client, Arc::new(SystemClock)).unwrap();
    k.provision(&hub.invite()).await.unwrap();
    k.sync_now().await.unwrap();
    let staff = baeum_test_support::staff_on_duty(&hub.db, &k).await;
    let mut learners = Vec::new();
    for i in 0..4 {
        let learner = k.register_learner(&baeum_system_tests::learner_form(40 + i)).unwrap();
        k.apply(&learner.id, &course, &[]).unwrap();
        // Three attend every class so far; the fourth came once.
        let attended = if i < 3 { sessions.len() } else { 1 };
        for day in &sessions[..attended] {
            k.mark_attendance(&learner.id, &course, *day, true, &staff).unwrap();
        }
        learners.push(learner);
    }
    k.exchange().await.unwrap();

    // The tray is empty when staff press "반 전체 수료증 출력".
    let port = free_port();
    std::fs::write(dir.path().join("paper-out"), b"").unwrap();
    let printer = Printer::start_with_command(port, &dir.path().join("spool"), &paper_tray_driver(dir.path()));
    let uri = Printer::uri(port);
    let class = k.print_class(&course, &uri, &staff).await.unwrap();
    assert_eq!(class.jobs.len(), 3, "one certificate per learner who completed");
    assert_eq!(class.not_completed.len(), 1);
    assert_eq!(class.not_completed[0].attended, 1);

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        k.drive_printer().await.unwrap();
        let status = baeum_kiosk::printing::printer_status(&uri).await.unwrap();
        let jobs = k.print_jobs().unwrap();
        let told = jobs.iter().any(|j| j.last_error.as_deref().is_some_and(|e| e.contains("용지가 없습니다")));
        if told && status.message.as_deref().is_some_and(|m| m.contains("용지가 없습니다")) {
            assert!(
                jobs.iter().all(|j| j.state != PrintJobState::Printed && j.state != PrintJobState::Failed),
                "{jobs:?}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "staff were never told about the paper: {status:?} {jobs:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Paper in: every job goes out once, in order, and the notes clear.
    std::fs::remove_file(dir.path().join("paper-out")).unwrap();
    until_printed(&k).await;
    let received = printer.received();
    assert_eq!(received.len(), 3, "each certificate printed exactly once");
    let mut serials = Vec::new();
    for (n, pdf) in received.iter().enumerate() {
        let file = dir.path().join(format!("received-{n}.pdf"));
        std::fs::write(&file, pdf).unwrap();
        let text = std::process::Command::new("pdftotext").arg(&file).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&text.stdout).into_owned();
        assert!(text.contains("김배움") && text.contains("이수하였으므로"), "{text}");
        let serial = text.split_whitespace().find(|w| w.starts_with("GM-")).unwrap().to_owned();
        serials.push(serial);
    }
    serials.dedup();
    assert_eq!(serials.len(), 3, "three different certificates");
    assert!(k.print_jobs().unwrap().iter().all(|j| j.state == PrintJobState::Printed && j.last_error.is_none()));

    // The same class again issues no new certificates: the same serials come back.
    let answer = hub.post_json_as_staff("/v1/certificates/class", &serde_json::json!({ "course_id": course_id }));
    let mut again: Vec<String> =
        answer["issued"].as_array().unwrap().iter().map(|c| c["serial"].as_str().unwrap().to_owned()).collect();
    again.sort();
    let mut expected = serials.clone();
    expected.sort();
    assert_eq!(again, expected);

    // The learning history of one who completed lists the course; the one who did not, nothing.
    // Her own history needs her session (her PIN at this kiosk); another's is refused inside it.
    let first = baeum_test_support::session_of(&k, &baeum_system_tests::learner_form(40)).await;
    let other = k.learning_history_pdf(Some(&first), &learners[3].id).await.unwrap_err();
    assert!(matches!(other, baeum_kiosk::KioskError::HubRefused { status: 403, .. }), "{other:?}");
    let (history, pdf) = k.learning_history_pdf(Some(&first), &learners[0].id).await.unwrap();
    assert_eq!(history.completed.len(), 1);
    assert!(serials.contains(&history.completed[0].serial));
    assert!(pdf.starts_with(b"%PDF"));
    let fourth = baeum_test_support::session_of(&k, &baeum_system_tests::learner_form(43)).await;
    let (none, _) = k.learning_history_pdf(Some(&fourth), &learners[3].id).await.unwrap();
    assert!(none.completed.is_empty());
}
