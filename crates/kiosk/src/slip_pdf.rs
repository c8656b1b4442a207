//! The A6 slips the front desk's printer gives people (수강신청 접수증, 지원금 선정 안내, 대관
//! 확인서): one frame — the subset Korean font, a border, the title on top, the time printed at
//! the foot — around what each slip says.

use chrono::{DateTime, Utc};
use printpdf::{Mm, Op, PdfDocument, PdfPage, PdfSaveOptions};

use crate::certificate_pdf::{CertificateArt, Page, color};

/// An A6 page (105 × 148 mm) being written.
pub(crate) struct Slip {
    pub(crate) doc: PdfDocument,
    pub(crate) page: Page,
}

impl Slip {
    /// A slip titled `title`, its border and heading drawn.
    pub(crate) fn new(title: &str, art: &CertificateArt) -> Slip {
        let mut doc = PdfDocument::new(title);
        let font = doc.add_font(&art.font);
        let mut page = Page { ops: Vec::new(), font, width: 105.0, height: 148.0 };
        page.frame(5.0, 1.2);
        page.ops.push(Op::SetFillColor { col: color((0.07, 0.07, 0.07)) });
        page.centred(title, 132.0, 16.0);
        Slip { doc, page }
    }

    /// Prints when it was printed at the foot and saves it with the font subset to the glyphs used.
    pub(crate) fn finish(mut self, now: DateTime<Utc>) -> Vec<u8> {
        let printed = now.with_timezone(&baeum_domain::kst()).format("%Y-%m-%d %H:%M");
        self.page.text(&format!("출력 {printed}"), 12.0, 9.0, 7.0);
        let options = PdfSaveOptions { subset_fonts: true, ..Default::default() };
        self.doc.with_pages(vec![PdfPage::new(Mm(105.0), Mm(148.0), self.page.ops)]).save(&options, &mut Vec::new())
    }
}
