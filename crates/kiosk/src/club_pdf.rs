//! 동아리 활동 실적서: a club's year on A4 like the certificates (the subset Korean font, the
//! seal): the club, each meeting with its place, hours and how many came, each member's
//! attendance and hours, and the totals, confirmed by the institution it registered with.

use baeum_domain::club::{ClubRole, Membership};
use chrono::{Datelike, NaiveDate};
use printpdf::{Mm, Op, PdfDocument, PdfPage, PdfSaveOptions, XObjectTransform};

use crate::certificate_pdf::{CertificateArt, CertificateError, Page, color, korean_date, wrap};

const INK: (f32, f32, f32) = (0.07, 0.07, 0.07);
const BOTTOM: f32 = 40.0;

fn hours(minutes: u32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    if m == 0 { format!("{h}시간") } else { format!("{h}시간 {m}분") }
}

pub fn render(
    club: &Membership,
    institution: &str,
    year: i32,
    today: NaiveDate,
    art: &CertificateArt,
) -> Result<Vec<u8>, CertificateError> {
    let mut doc = PdfDocument::new(&format!("동아리 활동 실적서 {}", club.name));
    let font = doc.add_font(&art.font);
    let seal = doc.add_xobject(&art.seal);
    let new_page = |first: bool| {
        let mut page = Page { ops: Vec::new(), font: font.clone(), width: 210.0, height: 297.0 };
        page.frame(10.0, 1.2);
        page.ops.push(Op::SetFillColor { col: color(INK) });
        if first {
            page.centred("동 아 리  활 동  실 적 서", 262.0, 24.0);
        } else {
            page.text(&format!("동아리 활동 실적서 ({}) — 계속", club.name), 22.0, 262.0, 11.0);
        }
        (page, if first { 246.0 } else { 250.0 })
    };
    let meetings: Vec<_> = club.activities.iter().filter(|a| a.record.date.year() == year).collect();
    let total: u32 = meetings.iter().map(|a| a.record.minutes).sum();
    let mut pages = Vec::new();
    let (mut page, mut y) = new_page(true);
    for line in [
        format!("동아리명 :  {}", club.name),
        format!("분      야 :  {}  (평생학습계좌제 영역)", club.field.label_ko()),
        format!(
            "등록 기관 :  {institution}{}",
            club.registered_on.map(|d| format!("  ·  등록일 {}", korean_date(d))).unwrap_or_default()
        ),
        format!("모임 계획 :  월 {}회, {}  ·  {}", club.plan.per_month, club.plan.note, club.place),
        format!("실적 기간 :  {year}년 1월 1일 ~ 12월 31일  ·  모임 {}회, 총 {}", meetings.len(), hours(total)),
    ] {
        page.text(&line, 22.0, y, 11.0);
        y -= 7.5;
    }
    y -= 3.0;
    page.text("모임 기록", 22.0, y, 12.0);
    y -= 7.0;
    for (i, a) in meetings.iter().enumerate() {
        let summary = wrap(&a.record.summary, 44);
        let height = 5.0 * summary.len() as f32 + 7.0;
        if y - height < BOTTOM {
            pages.push(page);
            (page, y) = new_page(false);
        }
        page.text(
            &format!(
                "{}. {}  ·  {}  ·  {}  ·  {}명 참석",
                i + 1,
                korean_date(a.record.date),
                a.record.place,
                hours(a.record.minutes),
                a.record.attendees.len()
            ),
            24.0,
            y,
            10.0,
        );
        for (n, line) in summary.iter().enumerate() {
            page.text(line, 30.0, y - 5.0 * (n + 1) as f32, 9.0);
        }
        y -= height;
    }
    if meetings.is_empty() {
        page.text("이 해에 기록한 모임이 없습니다.", 24.0, y, 10.0);
        y -= 7.0;
    }
    y -= 4.0;
    if y - (12.0 + 6.0 * club.roster.len() as f32) < BOTTOM {
        pages.push(page);
        (page, y) = new_page(false);
    }
    page.text("회원별 참석", 22.0, y, 12.0);
    y -= 7.0;
    for m in club.roster.iter().filter(|m| m.role != ClubRole::Asked) {
        let came: Vec<_> = meetings.iter().filter(|a| a.record.attendees.contains(&m.learner_id)).collect();
        let minutes: u32 = came.iter().map(|a| a.record.minutes).sum();
        let role = if m.role == ClubRole::Leader { "대표" } else { "회원" };
        page.text(&format!("{}  ({role})", m.name_masked), 24.0, y, 10.0);
        page.text(&format!("{}회 / {}회 참석  ·  {}", came.len(), meetings.len(), hours(minutes)), 90.0, y, 10.0);
        y -= 6.0;
        if y < BOTTOM {
            pages.push(page);
            (page, y) = new_page(false);
        }
    }
    if y - 60.0 < BOTTOM {
        pages.push(page);
        (page, y) = new_page(false);
    }
    page.text("위와 같이 학습동아리 활동 실적을 확인합니다.", 22.0, y - 10.0, 12.0);
    page.centred(&korean_date(today), y - 26.0, 12.0);
    page.centred(&format!("{institution}장"), y - 42.0, 16.0);
    page.ops.push(Op::UseXobject {
        id: seal,
        transform: XObjectTransform {
            translate_x: Some(Mm(138.0).into_pt()),
            translate_y: Some(Mm(y - 52.0).into_pt()),
            dpi: Some(420.0),
            ..Default::default()
        },
    });
    pages.push(page);
    let count = pages.len();
    let pdf_pages = pages
        .into_iter()
        .enumerate()
        .map(|(n, mut page)| {
            page.ops.push(Op::SetFillColor { col: color(INK) });
            page.centred(&format!("{} / {} 쪽", n + 1, count), 15.0, 9.0);
            PdfPage::new(Mm(210.0), Mm(297.0), page.ops)
        })
        .collect();
    let options = PdfSaveOptions { subset_fonts: true, ..Default::default() };
    Ok(doc.with_pages(pdf_pages).save(&options, &mut Vec::new()))
}
