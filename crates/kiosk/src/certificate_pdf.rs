//! The completion certificate (수료증) as an A4 PDF: Korean text in the bundled OFL font (NanumMyeongjo),
//! subset so only the glyphs used are embedded; the institution's seal and the city logo from PNG
//! files; the signed QR code as a crisp one-pixel-per-module image, with the short verification code and the
//! address to check it printed as text.
//!
//! The seal and logo are decoded (with `image`) and Flate-compressed once, when the art is loaded;
//! each certificate then embeds those bytes as they are. Compressing the pixels again for every
//! certificate was two thirds of its time.

use std::sync::Arc;

use baeum_domain::PublicUrl;

use crate::error::Detail;
use baeum_domain::certificate::SignedCertificate;
use chrono::Datelike;
use std::collections::BTreeMap;
use std::io::Write;

use printpdf::{
    Color, DictItem, ExternalStream, ExternalXObject, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Px, RawImage, RawImageData, RawImageFormat, Rgb, TextItem,
    XObjectTransform,
};

const FONT: &[u8] = include_bytes!("../../../assets/fonts/NanumMyeongjo.ttf");
const SEAL: &[u8] = include_bytes!("../../../assets/images/seal.png");
const LOGO: &[u8] = include_bytes!("../../../assets/images/gwangmyeong-logo.png");

#[derive(Debug, Clone, thiserror::Error)]
pub enum CertificateError {
    // The library's words are the source, for the log; the message stays Korean.
    #[error("수료증 글꼴을 읽을 수 없습니다")]
    Font(#[source] Detail),
    #[error("수료증 그림을 읽을 수 없습니다")]
    Image(#[source] Detail),
    #[error("QR 코드를 만들 수 없습니다")]
    Qr(#[source] Detail),
}

/// The font and pictures, parsed once and shared by every certificate.
#[derive(Clone)]
pub struct CertificateArt {
    pub(crate) font: Arc<ParsedFont>,
    pub(crate) seal: Arc<ExternalXObject>,
    logo: Arc<ExternalXObject>,
}

impl std::fmt::Debug for CertificateArt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CertificateArt")
    }
}

impl CertificateArt {
    /// The bundled font, seal and logo (assets/).
    pub fn bundled() -> Result<Self, CertificateError> {
        Self::from_bytes(FONT, SEAL, LOGO)
    }

    pub fn from_bytes(font: &[u8], seal_png: &[u8], logo_png: &[u8]) -> Result<Self, CertificateError> {
        let font = ParsedFont::from_bytes(font, 0, &mut Vec::new())
            .ok_or_else(|| CertificateError::Font("TrueType로 읽히지 않습니다".into()))?;
        Ok(Self {
            font: Arc::new(font),
            seal: Arc::new(image_xobject(seal_png)?),
            logo: Arc::new(image_xobject(logo_png)?),
        })
    }
}

fn zlib(bytes: &[u8]) -> Result<Vec<u8>, CertificateError> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(bytes).and_then(|()| z.finish()).map_err(|e| CertificateError::Image(e.to_string().into()))
}

fn image_dict(width: u32, height: u32, color_space: &str) -> BTreeMap<String, DictItem> {
    let name = |n: &str| DictItem::Name(n.as_bytes().to_vec());
    BTreeMap::from([
        ("Type".to_owned(), name("XObject")),
        ("Subtype".to_owned(), name("Image")),
        ("Width".to_owned(), DictItem::Int(i64::from(width))),
        ("Height".to_owned(), DictItem::Int(i64::from(height))),
        ("BitsPerComponent".to_owned(), DictItem::Int(8)),
        ("ColorSpace".to_owned(), name(color_space)),
        ("Filter".to_owned(), name("FlateDecode")),
    ])
}

/// A PNG as a PDF image: RGB with its alpha as a soft mask (the seal is stamped over the
/// title and lets it show through), both streams compressed now, once.
pub(crate) fn image_xobject(png: &[u8]) -> Result<ExternalXObject, CertificateError> {
    let pixels = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .map_err(|e| CertificateError::Image(e.to_string().into()))?
        .to_rgba8();
    let (width, height) = pixels.dimensions();
    let mut rgb = Vec::with_capacity(pixels.len() / 4 * 3);
    let mut alpha = Vec::with_capacity(pixels.len() / 4);
    for p in pixels.pixels() {
        rgb.extend_from_slice(&p.0[..3]);
        alpha.push(p.0[3]);
    }
    let mut dict = image_dict(width, height, "DeviceRGB");
    if alpha.iter().any(|a| *a != 255) {
        let mask =
            ExternalStream { dict: image_dict(width, height, "DeviceGray"), content: zlib(&alpha)?, compress: false };
        dict.insert("SMask".to_owned(), DictItem::Stream { stream: mask });
    }
    Ok(ExternalXObject {
        stream: ExternalStream { dict, content: zlib(&rgb)?, compress: false },
        width: Some(Px(width as usize)),
        height: Some(Px(height as usize)),
        dpi: None,
    })
}

const NAVY: (f32, f32, f32) = (0.04, 0.19, 0.37);

pub(crate) fn color((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb::new(r, g, b, None))
}

/// Page content in millimetres from the bottom-left corner (A4 is 210 × 297).
pub(crate) struct Page {
    pub(crate) ops: Vec<Op>,
    pub(crate) font: FontId,
    pub(crate) width: f32,
    pub(crate) height: f32,
}

impl Page {
    pub(crate) fn text(&mut self, s: &str, x: f32, y: f32, size: f32) {
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont { font: PdfFontHandle::External(self.font.clone()), size: Pt(size) },
            Op::SetTextCursor { pos: Point::new(Mm(x), Mm(y)) },
            Op::ShowText { items: vec![TextItem::Text(s.to_owned())] },
            Op::EndTextSection,
        ]);
    }

    /// Centred on the page, estimating widths (Hangul ≈ 1 em, Latin and digits ≈ 0.55 em).
    pub(crate) fn centred(&mut self, s: &str, y: f32, size: f32) {
        let em = size * 0.3528; // pt → mm
        let width: f32 = s.chars().map(|c| if c.is_ascii() { 0.55 * em } else { em }).sum();
        self.text(s, (self.width - width) / 2.0, y, size);
    }

    pub(crate) fn frame(&mut self, inset: f32, thickness: f32) {
        let (l, b, r, t) = (inset, inset, self.width - inset, self.height - inset);
        let p = |x: f32, y: f32| LinePoint { p: Point::new(Mm(x), Mm(y)), bezier: false };
        self.ops.extend([
            Op::SetOutlineColor { col: color(NAVY) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine { line: Line { points: vec![p(l, b), p(r, b), p(r, t), p(l, t)], is_closed: true } },
        ]);
    }
}

/// The QR code as a grey image, one pixel per module with the 4-module quiet zone, drawn `size` mm
/// wide at (x, y) without interpolation: crisp at any printer resolution and under 1 KB.
pub(crate) fn qr_image(text: &str) -> Result<RawImage, CertificateError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| CertificateError::Qr(e.to_string().into()))?;
    let n = code.width();
    let quiet = 4;
    let side = n + 2 * quiet;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; side * side];
    for row in 0..n {
        for col in 0..n {
            if colors[row * n + col] == qrcode::Color::Dark {
                pixels[(row + quiet) * side + col + quiet] = 0;
            }
        }
    }
    Ok(RawImage {
        pixels: RawImageData::U8(pixels),
        width: side,
        height: side,
        data_format: RawImageFormat::R8,
        tag: Vec::new(),
    })
}

pub(crate) use baeum_domain::time::date_ko as korean_date;

fn dotted(d: chrono::NaiveDate) -> String {
    format!("{}. {}. {}.", d.year(), d.month(), d.day())
}

/// Breaks Korean prose into lines of at most `max` characters, at spaces where possible.
pub(crate) fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let current = lines.last_mut().map(|l| l.chars().count()).unwrap_or(0);
        if current > 0 && current + 1 + word.chars().count() > max {
            lines.push(String::new());
        }
        if let Some(line) = lines.last_mut() {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// Renders one certificate. `public` is where people reach the hub: the QR links to its
/// verification page for this certificate, and the page's address is printed beside it.
pub fn render(cert: &SignedCertificate, public: &PublicUrl, art: &CertificateArt) -> Result<Vec<u8>, CertificateError> {
    render_checked(cert, public, art, false)
}

/// Like [`render`]; `hub_confirmed` says the hub has confirmed a kiosk's provisional certificate.
pub fn render_checked(
    cert: &SignedCertificate,
    public: &PublicUrl,
    art: &CertificateArt,
    hub_confirmed: bool,
) -> Result<Vec<u8>, CertificateError> {
    let p = &cert.payload;
    let mut doc = PdfDocument::new(&format!("수료증 {}", p.serial));
    let font = doc.add_font(&art.font);
    let seal = doc.add_xobject(&art.seal);
    let logo = doc.add_xobject(&art.logo);
    let mut page = Page { ops: Vec::new(), font, width: 210.0, height: 297.0 };

    page.frame(10.0, 2.4);
    page.frame(13.0, 0.8);
    page.ops.push(Op::SetFillColor { col: color((0.07, 0.07, 0.07)) });
    page.text(&format!("제 {} 호", p.serial), 24.0, 272.0, 12.0);
    page.ops.push(Op::UseXobject {
        id: logo,
        transform: XObjectTransform {
            translate_x: Some(Mm(90.0).into_pt()),
            translate_y: Some(Mm(242.0).into_pt()),
            dpi: Some(400.0),
            ..Default::default()
        },
    });
    page.centred("수  료  증", 212.0, 40.0);
    if p.provisional {
        page.ops.push(Op::SetFillColor { col: color((0.6, 0.1, 0.1)) });
        let note = if hub_confirmed {
            "키오스크 임시 발급 · 중앙 서버 확인 완료"
        } else {
            "임시 발급 (중앙 서버 확인 전)"
        };
        page.centred(note, 200.0, 12.0);
        page.ops.push(Op::SetFillColor { col: color((0.07, 0.07, 0.07)) });
    }
    let fields = [
        ("성       명", p.learner_name.clone()),
        ("생 년 월 일", korean_date(p.birth_date)),
        ("과   정   명", p.course_title.clone()),
        ("교 육 기 관", p.institution.clone()),
        ("교 육 기 간", format!("{} ~ {} (총 {})", dotted(p.first_date), dotted(p.last_date), p.hours_ko())),
    ];
    for (i, (label, value)) in fields.iter().enumerate() {
        let y = 182.0 - i as f32 * 11.0;
        page.text(label, 32.0, y, 14.0);
        page.text(&format!(":  {value}"), 64.0, y, 14.0);
    }
    let statement = format!(
        "위 사람은 {}에서 운영한 「{}」 과정을 성실히 이수하였으므로 이 증서를 수여합니다.",
        p.institution, p.course_title
    );
    for (i, line) in wrap(&statement, 30).iter().enumerate() {
        page.text(line, 32.0, 112.0 - i as f32 * 10.0, 15.0);
    }
    page.centred(&korean_date(p.issued_on), 74.0, 15.0);
    page.centred(&format!("{}장", p.institution), 58.0, 22.0);
    // The seal over the end of the institution head's title, as on a stamped paper (24 mm).
    page.ops.push(Op::UseXobject {
        id: seal,
        transform: XObjectTransform {
            translate_x: Some(Mm(136.0).into_pt()),
            translate_y: Some(Mm(50.0).into_pt()),
            dpi: Some(380.0),
            ..Default::default()
        },
    });

    // Verification: QR bottom right, the code and the address beside it.
    let qr = qr_image(&public.certificate_link(cert))?;
    let qr_side_mm = 36.0;
    let qr_dpi = qr.width as f32 / (qr_side_mm / 25.4);
    let qr_id = doc.add_image(&qr);
    page.ops.push(Op::UseXobject {
        id: qr_id,
        transform: XObjectTransform {
            translate_x: Some(Mm(158.0).into_pt()),
            translate_y: Some(Mm(14.0).into_pt()),
            dpi: Some(qr_dpi),
            ..Default::default()
        },
    });
    page.ops.push(Op::SetFillColor { col: color((0.07, 0.07, 0.07)) });
    page.text(&format!("확인번호 {}", cert.verification_code()), 24.0, 34.0, 11.0);
    page.text("진위 확인: QR 코드를 찍거나 아래 주소에서 확인번호를 입력하세요.", 24.0, 27.0, 9.0);
    page.text(&public.verify_page(), 24.0, 21.0, 9.0);

    let options = PdfSaveOptions { subset_fonts: true, ..Default::default() };
    Ok(doc.with_pages(vec![PdfPage::new(Mm(210.0), Mm(297.0), page.ops)]).save(&options, &mut Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_wraps_at_spaces() {
        let lines = wrap(
            "위 사람은 광명시평생학습원에서 운영한 「어르신 스마트폰 활용 기초」 과정을 성실히 이수하였으므로",
            20,
        );
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= 20 || !l.contains(' ')));
        assert_eq!(
            lines.join(" "),
            "위 사람은 광명시평생학습원에서 운영한 「어르신 스마트폰 활용 기초」 과정을 성실히 이수하였으므로"
        );
    }
}
