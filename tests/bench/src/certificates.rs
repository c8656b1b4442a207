//! Certificates: per-certificate time and size of Baeum's printpdf certificate, one and a batch
//! of 500, beside headless Chromium printing an equivalent HTML certificate (same text, same
//! font file, seal, logo and QR code) to PDF — a cold `chromium --headless --print-to-pdf`
//! process per certificate, and a warm browser reusing one page (playwright-core `page.pdf()`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use baeum_domain::certificate::{CertificatePayload, SignedCertificate};
use baeum_kiosk::certificate_pdf::{CertificateArt, render};

use crate::{Error, median, ms};

/// The hub's public address: the QR links to its verification page (the same text in both).
fn public() -> baeum_domain::PublicUrl {
    baeum_domain::PublicUrl::parse("https://hub.gm.go.kr").unwrap_or_else(|e| panic!("{e}"))
}
const NAMES: [&str; 6] = ["박순자", "김영희", "이철수", "최말순", "정복남", "한가람"];
const TITLES: [&str; 5] = [
    "어르신 스마트폰 활용 기초",
    "생활 속 글쓰기 문해교실",
    "우리 동네 역사 이야기",
    "건강한 노후를 위한 요가",
    "디지털 배움터: 키오스크 주문 연습",
];

fn certificates(n: usize) -> Vec<SignedCertificate> {
    let key = ed25519_dalek::SigningKey::from_bytes(&[11; 32]);
    (0..n)
        .map(|i| {
            let payload = CertificatePayload {
                serial: format!("GM-2026-{:06}", i + 1),
                learner_name: NAMES[i % NAMES.len()].into(),
                course_title: TITLES[i % TITLES.len()].into(),
                ..baeum_test_support::specimen(&key)
            };
            SignedCertificate::sign(payload, &key)
        })
        .collect()
}

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets")
}

/// The same certificate as HTML: A4, the same words, font file, pictures and QR code.
fn html(cert: &SignedCertificate) -> Result<String, Error> {
    let p = &cert.payload;
    let qr =
        qrcode::QrCode::with_error_correction_level(public().certificate_link(cert).as_bytes(), qrcode::EcLevel::M)?
            .render::<qrcode::render::svg::Color<'_>>()
            .quiet_zone(true)
            .build();
    let a = assets();
    let dotted = |d: chrono::NaiveDate| d.format("%Y. %-m. %-d.").to_string();
    let korean = |d: chrono::NaiveDate| d.format("%Y년 %-m월 %-d일").to_string();
    Ok(format!(
        r#"<!doctype html><html lang="ko"><head><meta charset="utf-8"><style>
@font-face {{ font-family: "NanumMyeongjo"; src: url("file://{font}"); }}
@page {{ size: A4; margin: 0; }}
html, body {{ margin: 0; font-family: "NanumMyeongjo"; color: #121212; }}
.sheet {{ position: relative; width: 210mm; height: 297mm; box-sizing: border-box; }}
.outer {{ position: absolute; inset: 10mm; border: 0.85mm solid #0a305e; }}
.inner {{ position: absolute; inset: 13mm; border: 0.28mm solid #0a305e; }}
.serial {{ position: absolute; left: 24mm; top: 21mm; font-size: 12pt; }}
.logo {{ position: absolute; left: 90mm; top: 24mm; width: 30mm; }}
h1 {{ position: absolute; top: 68mm; width: 100%; text-align: center; font-size: 40pt; margin: 0; letter-spacing: 0.4em; }}
dl {{ position: absolute; left: 32mm; top: 108mm; font-size: 14pt; line-height: 11mm; margin: 0; }}
dt {{ float: left; width: 32mm; clear: left; }} dd {{ margin-left: 32mm; }}
.statement {{ position: absolute; left: 32mm; right: 32mm; top: 176mm; font-size: 15pt; line-height: 10mm; }}
.date {{ position: absolute; top: 218mm; width: 100%; text-align: center; font-size: 15pt; }}
.head {{ position: absolute; top: 232mm; width: 100%; text-align: center; font-size: 22pt; }}
.seal {{ position: absolute; left: 136mm; top: 223mm; width: 24mm; }}
.qr {{ position: absolute; left: 158mm; top: 247mm; width: 36mm; height: 36mm; }}
.verify {{ position: absolute; left: 24mm; top: 258mm; font-size: 9pt; line-height: 6mm; }}
.verify b {{ font-size: 11pt; font-weight: normal; }}
</style></head><body><div class="sheet">
<div class="outer"></div><div class="inner"></div>
<div class="serial">제 {serial} 호</div>
<img class="logo" src="file://{logo}">
<h1>수료증</h1>
<dl><dt>성 명</dt><dd>:&nbsp; {name}</dd><dt>생년월일</dt><dd>:&nbsp; {birth}</dd>
<dt>과 정 명</dt><dd>:&nbsp; {title}</dd><dt>교육기관</dt><dd>:&nbsp; {institution}</dd>
<dt>교육기간</dt><dd>:&nbsp; {first} ~ {last} (총 {hours})</dd></dl>
<p class="statement">위 사람은 {institution}에서 운영한 「{title}」 과정을 성실히 이수하였으므로 이 증서를 수여합니다.</p>
<div class="date">{issued}</div><div class="head">{institution}장</div>
<img class="seal" src="file://{seal}">
<div class="qr">{qr}</div>
<div class="verify"><b>확인번호 {code}</b><br>진위 확인: QR 코드를 찍거나 아래 주소에서 확인번호를 입력하세요.<br>{url}</div>
</div></body></html>"#,
        font = a.join("fonts/NanumMyeongjo.ttf").display(),
        logo = a.join("images/gwangmyeong-logo.png").display(),
        seal = a.join("images/seal.png").display(),
        serial = p.serial,
        name = p.learner_name,
        birth = korean(p.birth_date),
        title = p.course_title,
        institution = p.institution,
        first = dotted(p.first_date),
        last = dotted(p.last_date),
        hours = p.hours_ko(),
        issued = korean(p.issued_on),
        code = cert.verification_code(),
        url = public().verify_page(),
        qr = qr.replace("<svg ", r#"<svg width="100%" height="100%" "#),
    ))
}

fn chromium() -> Option<PathBuf> {
    let candidates =
        [std::env::var("CHROMIUM").unwrap_or_default(), "/usr/bin/chromium".into(), "/usr/bin/chromium-browser".into()];
    candidates.into_iter().filter(|c| !c.is_empty()).map(PathBuf::from).find(|p| p.exists())
}

pub fn section(dir: &Path) -> Result<(), Error> {
    let batch: usize = std::env::var("BAEUM_BENCH_CERTIFICATES").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    let certs = certificates(batch);

    // Baeum: cold = parsing the font and pictures plus the first certificate; then warm singles
    // and the whole batch on one thread.
    let start = Instant::now();
    let art = CertificateArt::bundled()?;
    let first = render(&certs[0], &public(), &art)?;
    let ours_cold = ms(start.elapsed());
    let mut singles = Vec::new();
    for cert in certs.iter().take(50) {
        let start = Instant::now();
        let pdf = render(cert, &public(), &art)?;
        singles.push(ms(start.elapsed()));
        std::hint::black_box(pdf);
    }
    let start = Instant::now();
    let mut ours_bytes = 0usize;
    for cert in &certs {
        ours_bytes += render(cert, &public(), &art)?.len();
    }
    let ours_batch = ms(start.elapsed());
    let ours_avg = ours_bytes as f64 / certs.len() as f64;
    std::fs::write(dir.join("baeum-certificate.pdf"), &first)?;

    // Chromium, same certificates as HTML.
    let html_dir = dir.join("html-certificates");
    std::fs::create_dir_all(&html_dir)?;
    for cert in &certs {
        std::fs::write(html_dir.join(format!("{}.html", cert.payload.serial)), html(cert)?)?;
    }
    let (mut cold, mut cold_bytes) = (Vec::new(), 0u64);
    let mut chromium_fonts = String::new();
    let mut warm = serde_json::Value::Null;
    if let Some(chromium) = chromium() {
        for (i, cert) in certs.iter().take(5).enumerate() {
            let out = html_dir.join(format!("cold-{i}.pdf"));
            let profile = tempfile::tempdir()?;
            let start = Instant::now();
            let status = Command::new(&chromium)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-pdf-header-footer",
                ])
                .arg(format!("--user-data-dir={}", profile.path().display()))
                .arg(format!("--print-to-pdf={}", out.display()))
                .arg(format!("file://{}", html_dir.join(format!("{}.html", cert.payload.serial)).display()))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()?;
            cold.push(ms(start.elapsed()));
            if status.success() {
                cold_bytes = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            }
        }
        // Same font in both, or the comparison means nothing: say which fonts Chromium embedded.
        if let Ok(fonts) = Command::new("pdffonts").arg(html_dir.join("cold-0.pdf")).output() {
            let names: Vec<String> = String::from_utf8_lossy(&fonts.stdout)
                .lines()
                .skip(2)
                .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
                .collect();
            chromium_fonts = names.join(", ");
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("chromium/pdf.mjs");
        let out = Command::new("node")
            .arg(script)
            .arg(&html_dir)
            .arg(batch.to_string())
            .env("CHROMIUM", &chromium)
            .output()?;
        if out.status.success() {
            warm = serde_json::from_slice(
                out.stdout.split(|b| *b == b'\n').rfind(|l| l.starts_with(b"{")).unwrap_or(b"{}"),
            )
            .unwrap_or_default();
        } else {
            eprintln!("warm Chromium peer failed: {}", String::from_utf8_lossy(&out.stderr));
        }
    } else {
        eprintln!("Chromium is not installed (`make bench` installs Debian's chromium); only Baeum's figures follow.");
    }
    let warm_ms = warm["median_ms"].as_f64().unwrap_or(f64::NAN);
    let warm_batch = warm["batch_ms"].as_f64().unwrap_or(f64::NAN);
    let warm_bytes = warm["avg_bytes"].as_f64().unwrap_or(f64::NAN);
    let cold_ms = if cold.is_empty() { f64::NAN } else { median(cold.clone()) };
    let ours_single = median(singles);

    println!();
    println!(
        "CERTIFICATES (A4, Korean, subset NanumMyeongjo, seal + logo PNG, signed QR; same content in HTML for Chromium)"
    );
    println!("  {:<40} {:>14} {:>16} {:>9}", "", "Baeum", "Chromium", "ratio");
    println!(
        "  {:<40} {:>11.1} ms {:>13.0} ms {:>8.0}×",
        "one certificate, cold (new process / art)",
        ours_cold,
        cold_ms,
        cold_ms / ours_cold
    );
    println!(
        "  {:<40} {:>11.2} ms {:>13.1} ms {:>8.0}×",
        "one certificate, warm (median)",
        ours_single,
        warm_ms,
        warm_ms / ours_single
    );
    println!(
        "  {:<40} {:>12.2} s {:>14.1} s {:>8.0}×",
        format!("batch of {batch}, one thread / one page"),
        ours_batch / 1000.0,
        warm_batch / 1000.0,
        warm_batch / ours_batch
    );
    println!(
        "  {:<40} {:>11.1} KB {:>13.1} KB   (Chromium cold: {:.1} KB)",
        "size per certificate (average)",
        ours_avg / 1024.0,
        warm_bytes / 1024.0,
        cold_bytes as f64 / 1024.0
    );
    println!("  Chromium cold runs (ms): {:?}", cold.iter().map(|v| v.round()).collect::<Vec<_>>());
    println!("  fonts Chromium embedded: {chromium_fonts}");
    Ok(())
}
