//! The learning-history statement (학습이력 확인서) as an A4 PDF of as many pages as it needs: every
//! completed course with its institution, period, hours and certificate serial (each checkable on
//! the hub's verification page), the total, and the city's confirmation with its seal on the last
//! page. Same font (subset) and seal as the certificate.

use baeum_domain::certificate::LearningHistory;
use chrono::NaiveDate;
use printpdf::{Mm, Op, PdfDocument, PdfPage, PdfSaveOptions, XObjectTransform};

use crate::certificate_pdf::{CertificateArt, CertificateError, Page, color, korean_date, wrap};

/// Who confirms the statement: the city's lifelong-learning centre runs the platform.
const ISSUER: &str = "광명시평생학습원장";
const INK: (f32, f32, f32) = (0.07, 0.07, 0.07);
const TOP: f32 = 236.0;
/// Lowest a row may reach; below it the next page starts (room for the footer).
const BOTTOM: f32 = 34.0;
/// The closing block (total, confirmation, date, issuer and seal) needs this much above BOTTOM.
const CLOSING: f32 = 92.0;
const TITLE_CHARS: usize = 30;

fn dotted(d: NaiveDate) -> String {
    d.format("%Y.%m.%d").to_string()
}

fn hours(minutes: u32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    if m == 0 { format!("{h}시간") } else { format!("{h}시간 {m}분") }
}

/// Renders `history`; `verify_url` is the hub's verification page, `today` the issue date (Asia/Seoul).
pub fn render(
    history: &LearningHistory,
    verify_url: &str,
    today: NaiveDate,
    art: &CertificateArt,
) -> Result<Vec<u8>, CertificateError> {
    let mut doc = PdfDocument::new(&format!("학습이력 확인서 {}", history.learner_name));
    let font = doc.add_font(&art.font);
    let seal = doc.add_xobject(&art.seal);
    let new_page = |first: bool| {
        let mut page = Page { ops: Vec::new(), font: font.clone(), width: 210.0, height: 297.0 };
        page.frame(10.0, 1.2);
        page.ops.push(Op::SetFillColor { col: color(INK) });
        if first {
            page.centred("학 습 이 력 확 인 서", 262.0, 26.0);
            page.text(&format!("성      명 :  {}", history.learner_name), 22.0, 248.0, 12.0);
            page.text(&format!("생년월일 :  {}", korean_date(history.birth_date)), 110.0, 248.0, 12.0);
        } else {
            page.text(&format!("학습이력 확인서 ({}) — 계속", history.learner_name), 22.0, 262.0, 11.0);
        }
        let header_y = if first { TOP } else { 250.0 };
        page.text("번호", 20.0, header_y, 10.0);
        page.text("과정명 / 교육기관 · 교육기간 · 시간", 32.0, header_y, 10.0);
        page.text("수료증 번호", 152.0, header_y, 10.0);
        rule(&mut page, header_y - 2.5);
        (page, header_y - 9.0)
    };

    let mut pages = Vec::new();
    let (mut page, mut y) = new_page(true);
    if history.completed.is_empty() {
        page.text("수료한 과정이 아직 없습니다.", 32.0, y, 12.0);
        y -= 12.0;
    }
    for (i, cert) in history.completed.iter().enumerate() {
        let p = &cert.payload;
        let title = wrap(&p.course_title, TITLE_CHARS);
        let height = 5.5 * title.len() as f32 + 8.0;
        if y - height < BOTTOM {
            pages.push(page);
            (page, y) = new_page(false);
        }
        page.text(&(i + 1).to_string(), 21.0, y, 10.0);
        for (n, line) in title.iter().enumerate() {
            page.text(line, 32.0, y - 5.5 * n as f32, 10.5);
        }
        let detail =
            format!("{} · {} ~ {} · {}", p.institution, dotted(p.first_date), dotted(p.last_date), hours(p.minutes));
        page.text(&detail, 32.0, y - 5.5 * title.len() as f32, 8.5);
        page.text(&cert.serial, 152.0, y, 9.5);
        page.text(&cert.verification_code, 152.0, y - 5.0, 8.0);
        y -= height + 2.0;
    }
    // 학습동아리 activity, in the 평생학습계좌제 manner: the activity under its field, the hours.
    if !history.clubs.is_empty() {
        if y - 20.0 < BOTTOM {
            pages.push(page);
            (page, y) = new_page(false);
        }
        y -= 2.0;
        page.text("학습동아리 활동 (평생학습계좌제 영역 · 구분 · 활동 시작 · 참여 시간)", 22.0, y, 10.0);
        rule(&mut page, y - 2.5);
        y -= 9.0;
        for club in &history.clubs {
            if y - 12.0 < BOTTOM {
                pages.push(page);
                (page, y) = new_page(false);
            }
            page.text(&club.club_name, 32.0, y, 10.5);
            let role = if club.leader { "대표" } else { "회원" };
            let detail =
                format!("{} · {role} · {}부터 · {}", club.field.label_ko(), dotted(club.since), hours(club.minutes));
            page.text(&detail, 32.0, y - 5.5, 8.5);
            y -= 13.0;
        }
    }
    if y - CLOSING < BOTTOM {
        pages.push(page);
        (page, y) = new_page(false);
    }
    rule(&mut page, y + 4.0);
    let club_minutes: u32 = history.clubs.iter().map(|c| c.minutes).sum();
    let clubs = if history.clubs.is_empty() {
        String::new()
    } else {
        format!(" · 학습동아리 {}곳 {}", history.clubs.len(), hours(club_minutes))
    };
    page.text(
        &format!("총 {}과정 · {} 이수{clubs}", history.completed.len(), hours(history.total_minutes())),
        22.0,
        y - 4.0,
        12.0,
    );
    page.text("위 사람의 광명시 평생학습 이수 내역이 위와 같음을 확인합니다.", 22.0, y - 20.0, 12.0);
    page.centred(&korean_date(today), y - 38.0, 13.0);
    page.centred(ISSUER, y - 56.0, 18.0);
    page.ops.push(Op::UseXobject {
        id: seal,
        transform: XObjectTransform {
            translate_x: Some(Mm(134.0).into_pt()),
            translate_y: Some(Mm(y - 64.0).into_pt()),
            dpi: Some(420.0),
            ..Default::default()
        },
    });
    pages.push(page);

    let total = pages.len();
    let pdf_pages = pages
        .into_iter()
        .enumerate()
        .map(|(n, mut page)| {
            page.ops.push(Op::SetFillColor { col: color(INK) });
            page.text(
                &format!("각 수료증은 {verify_url} 에서 수료증 번호나 확인번호로 진위를 확인할 수 있습니다."),
                20.0,
                22.0,
                8.0,
            );
            page.centred(&format!("{} / {} 쪽", n + 1, total), 15.0, 9.0);
            PdfPage::new(Mm(210.0), Mm(297.0), page.ops)
        })
        .collect();
    let options = PdfSaveOptions { subset_fonts: true, ..Default::default() };
    Ok(doc.with_pages(pdf_pages).save(&options, &mut Vec::new()))
}

fn rule(page: &mut Page, y: f32) {
    let p = |x: f32| printpdf::LinePoint { p: printpdf::Point::new(Mm(x), Mm(y)), bezier: false };
    page.ops.extend([
        Op::SetOutlineColor { col: color((0.3, 0.3, 0.3)) },
        Op::SetOutlineThickness { pt: printpdf::Pt(0.6) },
        Op::DrawLine { line: printpdf::Line { points: vec![p(18.0), p(192.0)], is_closed: false } },
    ]);
}
