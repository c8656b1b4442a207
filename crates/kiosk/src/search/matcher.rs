//! What a typed query matches. Text is normalised (no spaces or punctuation, Latin lower-cased)
//! so 요가교실 finds "요가 교실"; a query of bare consonants (ㅇㄱ) matches initials; a query mixing
//! syllables and consonants (요ㄱ) matches both ways; and a last syllable with a final consonant
//! (욕, seen mid-typing of 요가) also matches as "요" + a syllable starting with ㄱ.

use super::hangul;

/// Characters that separate searchable fields in the index; never part of a query.
pub const FIELD_SEPARATOR: char = '\u{1f}';

/// Drops whitespace, punctuation and control characters; lower-cases.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        // Latin and Hangul first, without Unicode table look-ups (building the index for a
        // 50,000-course snapshot spent most of its time in them); the same result as below.
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
        } else if hangul::is_syllable(c) || hangul::is_initial_jamo(c) {
            out.push(c);
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The 초성 form of normalised text: same byte length, so offsets line up with it.
pub fn initials(normalized: &str) -> String {
    normalized.chars().map(hangul::initial).collect()
}

/// One way a query can match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// Exact characters: a substring of the normalised text.
    Literal(String),
    /// `initials` must occur in the 초성 text, and at that place every `Some(c)` must equal the
    /// normalised text's character.
    Shaped { initials: String, exact: Vec<Option<char>> },
}

/// A compiled query: matches when any alternative does. Empty means "everything".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub alternatives: Vec<Pattern>,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.alternatives.is_empty()
    }
}

fn shaped(chars: &[char]) -> Pattern {
    let exact: Vec<Option<char>> = chars.iter().map(|c| (!hangul::is_initial_jamo(*c)).then_some(*c)).collect();
    if exact.iter().all(Option::is_some) {
        return Pattern::Literal(chars.iter().collect());
    }
    Pattern::Shaped { initials: chars.iter().map(|c| hangul::initial(*c)).collect(), exact }
}

pub fn compile(raw: &str) -> Query {
    let chars: Vec<char> = normalize(raw).chars().collect();
    let Some(&last) = chars.last() else {
        return Query::default();
    };
    let mut alternatives = vec![shaped(&chars)];
    if let Some((bare, final_jamo)) = hangul::split_final(last)
        && hangul::is_initial_jamo(final_jamo)
    {
        let mut typing = chars[..chars.len() - 1].to_vec();
        typing.push(bare);
        typing.push(final_jamo);
        alternatives.push(shaped(&typing));
    }
    Query { alternatives }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_removes_spaces_and_punctuation_and_lowercases() {
        assert_eq!(normalize(" 요가 교실 (초급)·3D-Printing "), "요가교실초급3dprinting");
        assert_eq!(normalize("ㅇ ㄱ"), "ㅇㄱ");
        assert_eq!(initials("요가교실3d").len(), "요가교실3d".len());
    }

    #[test]
    fn the_fast_paths_keep_and_lower_case_exactly_what_unicode_says() {
        let general = |c: char| -> String {
            if c.is_alphanumeric() || hangul::is_initial_jamo(c) { c.to_lowercase().collect() } else { String::new() }
        };
        let sample = (0u32..0x3400).chain(0xAC00..0xD7B0).chain(0xFF00..0xFFF0).filter_map(char::from_u32);
        for c in sample {
            assert_eq!(normalize(&c.to_string()), general(c), "{c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn queries_compile_to_the_right_shapes() {
        assert_eq!(compile("요가").alternatives, vec![Pattern::Literal("요가".into())]);
        assert_eq!(
            compile("ㅇㄱ").alternatives,
            vec![Pattern::Shaped { initials: "ㅇㄱ".into(), exact: vec![None, None] }]
        );
        let typing = compile("욕").alternatives;
        assert_eq!(typing.len(), 2);
        assert_eq!(typing[1], Pattern::Shaped { initials: "ㅇㄱ".into(), exact: vec![Some('요'), None] });
        assert!(compile("  ").is_empty());
    }
}
