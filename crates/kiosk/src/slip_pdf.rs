//! The A6 slips the front desk's printer gives people (수강신청 접수증, 지원금 선정 안내, 대관
//! 확인서): one frame — the subset Korean font, a border, the title on top, the time printed at
//! the foot — around what each slip says.

use chrono::{DateTime, Utc};
use printpdf::{Mm, Op, PdfDocument, PdfPage, PdfSaveOptions, XObjectTransform};

use crate::certificate_pdf::{CertificateArt, CertificateError, Page, color, qr_image};

/// An A6 page (105 × 148 mm) being written.
pub(crate) struct Slip {
    pub(crate) doc: PdfDocument,
    pub(crate) page: Page,
    /// Pages already filled, for a slip that runs on (a list of QR codes).
    done: Vec<PdfPage>,
}

impl Slip {
    /// A slip titled `title`, its border and heading drawn.
    pub(crate) fn new(title: &str, art: &CertificateArt) -> Slip {
        let mut doc = PdfDocument::new(title);
        let font = doc.add_font(&art.font);
        let page = Self::blank(font, title);
        Slip { doc, page, done: Vec::new() }
    }

    fn blank(font: printpdf::FontId, title: &str) -> Page {
        let mut page = Page { ops: Vec::new(), font, width: 105.0, height: 148.0 };
        page.frame(5.0, 1.2);
        page.ops.push(Op::SetFillColor { col: color((0.07, 0.07, 0.07)) });
        page.centred(title, 132.0, 16.0);
        page
    }

    /// Ends this page ("다음 장에 계속") and starts another with the same frame and `title`.
    pub(crate) fn next_page(&mut self, title: &str) {
        self.page.text("다음 장에 계속", 72.0, 9.0, 7.0);
        let next = Self::blank(self.page.font.clone(), title);
        let full = std::mem::replace(&mut self.page, next);
        self.done.push(PdfPage::new(Mm(105.0), Mm(148.0), full.ops));
    }

    /// A QR code of `text`, `side` mm wide, its lower left corner at (`x`, `y`) mm.
    pub(crate) fn qr(&mut self, text: &str, x: f32, y: f32, side: f32) -> Result<(), CertificateError> {
        let qr = qr_image(text)?;
        let id = self.doc.add_image(&qr);
        self.page.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Mm(x).into_pt()),
                translate_y: Some(Mm(y).into_pt()),
                dpi: Some(qr.width as f32 / (side / 25.4)),
                ..Default::default()
            },
        });
        Ok(())
    }

    /// Prints when it was printed at the foot and saves it with the font subset to the glyphs used.
    pub(crate) fn finish(mut self, now: DateTime<Utc>) -> Vec<u8> {
        let printed = now.with_timezone(&baeum_domain::kst()).format("%Y-%m-%d %H:%M");
        self.page.text(&format!("출력 {printed}"), 12.0, 9.0, 7.0);
        let options = PdfSaveOptions { subset_fonts: true, ..Default::default() };
        let mut pages = self.done;
        pages.push(PdfPage::new(Mm(105.0), Mm(148.0), self.page.ops));
        self.doc.with_pages(pages).save(&options, &mut Vec::new())
    }
}
