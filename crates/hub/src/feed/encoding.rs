//! Feed files arrive as UTF-8 (with or without Excel's byte-order mark) or as CP949/EUC-KR, what
//! Korean office software still exports by default. Anything else is refused with the line of
//! the first byte that is neither.

use super::text::line_breaks;
use super::{FeedError, FeedErrors};

fn line_of(bytes: &[u8], offset: usize) -> u64 {
    1 + line_breaks(&bytes[..offset.min(bytes.len())])
}

/// Decodes a feed file to text.
pub fn decode_text(file: &str, bytes: &[u8]) -> Result<String, FeedErrors> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text.to_owned()),
        Err(e) => e,
    };
    // encoding_rs's EUC-KR is the WHATWG one, i.e. Windows code page 949 (a superset of EUC-KR).
    if let Some(text) = encoding_rs::EUC_KR.decode_without_bom_handling_and_without_replacement(bytes) {
        return Ok(text.into_owned());
    }
    let (decoded, _, _) = encoding_rs::EUC_KR.decode(bytes);
    let bad_line = decoded
        .find('\u{fffd}')
        .map(|at| 1 + line_breaks(&decoded.as_bytes()[..at]))
        .unwrap_or_else(|| line_of(bytes, utf8_error.valid_up_to()));
    Err(FeedErrors(vec![FeedError {
        file: file.to_owned(),
        line: bad_line,
        column: "-".into(),
        problem: "글자를 읽을 수 없습니다. 파일을 UTF-8 또는 CP949(EUC-KR)로 저장해 주세요".into(),
    }]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_or_without_bom_and_cp949_all_decode() {
        assert_eq!(decode_text("f", "광명".as_bytes()).ok().as_deref(), Some("광명"));
        assert_eq!(decode_text("f", b"\xEF\xBB\xBFid").ok().as_deref(), Some("id"));
        // 광명시 in CP949.
        assert_eq!(decode_text("f", b"\xB1\xA4\xB8\xED\xBD\xC3").ok().as_deref(), Some("광명시"));
    }

    #[test]
    fn bytes_that_are_neither_are_refused_with_their_line() {
        let errors = decode_text("f.csv", b"id,name\nok,ok\nbad,\xFF\xFE\n").err().map(|e| e.0).unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3);
        assert!(errors[0].problem.contains("CP949"));
    }

    #[test]
    fn the_line_of_a_bad_byte_is_right_for_crlf_and_cr_only_files() {
        for newline in ["\r\n", "\r"] {
            let bytes = format!("id,name{newline}ok,ok{newline}bad,").into_bytes();
            let bytes = [bytes.as_slice(), b"\xFF\xFE"].concat();
            let errors = decode_text("f.csv", &bytes).err().map(|e| e.0).unwrap_or_default();
            assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![3], "{newline:?}");
        }
    }
}
