//! Every QR code a person scans is an https link on the hub's public address (`--public-url`),
//! which differs from the loopback address the kiosk syncs over. The codes are read back from
//! the PDFs as a phone would (rendered with pdftoppm, decoded with rqrr), and each link's path,
//! fetched from the hub process, shows the right page (in the city, a reverse proxy serves the
//! public address; here the test plays that part).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use baeum_domain::{CourseId, SystemClock};
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk};
use baeum_system_tests::{HubProcess, IppPrinter as Printer, free_port, learner_form};

const PUBLIC: &str = "https://edu.gm.go.kr";

fn qr_codes_in(pdf: &[u8], dir: &Path, name: &str) -> Vec<String> {
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let png = dir.join(name);
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-singlefile"])
        .arg(&file)
        .arg(&png)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let image = image::open(png.with_extension("png")).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared.detect_grids().iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect()
}

/// What the page at `link` says, fetched from the hub process in place of the public address.
fn open(hub: &HubProcess, link: &str) -> (u16, String) {
    let path = link.strip_prefix(PUBLIC).unwrap_or_else(|| panic!("{link} is not on {PUBLIC}"));
    let host = hub.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    use std::io::{Read, Write};
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.get(9..12).and_then(|s| s.parse().ok()).unwrap_or_default();
    (status, response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default())
}

fn kiosk(data: &Path, hub: &HubProcess) -> Kiosk {
    let client = HubClient::with_timeout(HubUrl::parse(&hub.url).unwrap(), Duration::from_secs(10)).unwrap();
    Kiosk::open_with_client(&DataDir::new(data), client, Arc::new(SystemClock)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_and_payment_qr_codes_open_pages_on_the_public_address() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    baeum_system_tests::seed(&db, &["--demo"]);
    let hub = HubProcess::start_with(&db, &["--public-url", PUBLIC]);
    assert_eq!(hub.get_json("/health")["public_url"], PUBLIC);

    let k = kiosk(&dir.path().join("kiosk"), &hub);
    k.provision(&hub.invite()).await.unwrap();
    k.sync_now().await.unwrap();
    let learner = k.register_learner(&learner_form(3)).unwrap();
    k.exchange().await.unwrap();
    assert_eq!(k.public_url().unwrap().as_str(), PUBLIC, "the kiosk learned the public address");

    // A paid seat: the receipt's QR opens the payment page on a phone.
    let (paid, _) = hub.open_first_come_course(5, false);
    let paid = CourseId::parse(&paid).unwrap();
    k.apply(&learner.id, &paid, &[]).unwrap();
    k.exchange().await.unwrap();
    let card = k.enrollment_cards(&learner.id).unwrap().into_iter().find(|c| c.course_id == paid.as_str()).unwrap();
    assert_eq!(card.state, baeum_kiosk::enrollment::EnrollmentState::AwaitingPayment);
    let port = free_port();
    let printer = Printer::start(port, &dir.path().join("spool"));
    k.print_receipt(&learner.id, &paid, &Printer::uri(port)).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while printer.received().is_empty() {
        k.drive_printer().await.unwrap();
        assert!(Instant::now() < deadline, "the receipt did not print");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let codes = qr_codes_in(&printer.received()[0], dir.path(), "receipt");
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert_eq!(Some(codes[0].as_str()), card.payment_url.as_deref());
    assert!(codes[0].starts_with(&format!("{PUBLIC}/pay/")), "{codes:?}");
    let (status, page) = open(&hub, &codes[0]);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("결제"), "{page}");

    // A completed free course: the certificate's QR opens its verification page, and the same
    // link still verifies offline against the published key set.
    let (free, started) = hub.course_under_way();
    let free = CourseId::parse(&free).unwrap();
    k.apply(&learner.id, &free, &[]).unwrap();
    k.exchange().await.unwrap();
    let snapshot = hub.get_json("/v1/catalog/snapshot");
    let course = snapshot["courses"].as_array().unwrap().iter().find(|c| c["id"] == free.as_str()).unwrap().clone();
    let course: baeum_domain::Course = serde_json::from_value(course).unwrap();
    let staff = baeum_test_support::staff_on_duty(&hub.db, &k).await;
    for day in &started {
        k.mark_attendance(&learner.id, &free, *day, true, &staff).unwrap();
    }
    k.exchange().await.unwrap();
    let session = baeum_test_support::session_of(&k, &learner_form(3)).await;
    let (issued, pdf) = k.certificate_pdf(Some(&session), &learner.id, &free).await.unwrap();
    let codes = qr_codes_in(&pdf, dir.path(), "certificate");
    assert_eq!(codes, vec![format!("{PUBLIC}/verify/{}", issued.qr_text)]);
    let keys: baeum_domain::certificate::KeySet =
        serde_json::from_value(hub.get_json("/v1/certificates/keys")).unwrap();
    assert_eq!(keys.verify(&codes[0]).unwrap(), issued.payload);
    let (status, page) = open(&hub, &codes[0]);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("정상 발급") && page.contains("김*움") && !page.contains("김배움"), "{page}");
    assert!(page.contains(&course.title.to_string()), "{page}");

    // The same page takes the printed code and the QR text pasted into its form; a serial alone
    // (they follow each other) gets asked for the code and shows nothing of the certificate.
    let query = |input: &str| -> String { input.bytes().map(|b| format!("%{b:02X}")).collect() };
    for input in [issued.verification_code.clone(), codes[0].clone()] {
        let (status, page) = open(&hub, &format!("{PUBLIC}/verify?code={}", query(&input)));
        assert_eq!(status, 200, "{input}: {page}");
        assert!(page.contains("정상 발급"), "{input}: {page}");
    }
    let (status, page) = open(&hub, &format!("{PUBLIC}/verify?code={}", query(&issued.serial)));
    assert_eq!(status, 200);
    assert!(page.contains("확인번호") && !page.contains("정상 발급") && !page.contains("김*움"), "{page}");
}
