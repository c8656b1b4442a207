//! Hangul arithmetic for search: a precomposed syllable (가–힣) is
//! 0xAC00 + (initial × 21 + medial) × 28 + final, so its initial consonant (초성) and final
//! (받침) fall out of two divisions. No tables of syllables needed.

const SYLLABLE_FIRST: u32 = 0xAC00;
const SYLLABLE_LAST: u32 = 0xD7A3;

/// Compatibility jamo of the 19 initial consonants, in Unicode order.
const INITIALS: [char; 19] =
    ['ㄱ', 'ㄲ', 'ㄴ', 'ㄷ', 'ㄸ', 'ㄹ', 'ㅁ', 'ㅂ', 'ㅃ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅉ', 'ㅊ', 'ㅋ', 'ㅌ', 'ㅍ', 'ㅎ'];

/// Compatibility jamo of the 27 finals (index 1..=27; 0 is "no final").
const FINALS: [Option<char>; 28] = [
    None,
    Some('ㄱ'),
    Some('ㄲ'),
    Some('ㄳ'),
    Some('ㄴ'),
    Some('ㄵ'),
    Some('ㄶ'),
    Some('ㄷ'),
    Some('ㄹ'),
    Some('ㄺ'),
    Some('ㄻ'),
    Some('ㄼ'),
    Some('ㄽ'),
    Some('ㄾ'),
    Some('ㄿ'),
    Some('ㅀ'),
    Some('ㅁ'),
    Some('ㅂ'),
    Some('ㅄ'),
    Some('ㅅ'),
    Some('ㅆ'),
    Some('ㅇ'),
    Some('ㅈ'),
    Some('ㅊ'),
    Some('ㅋ'),
    Some('ㅌ'),
    Some('ㅍ'),
    Some('ㅎ'),
];

pub fn is_syllable(c: char) -> bool {
    (SYLLABLE_FIRST..=SYLLABLE_LAST).contains(&(c as u32))
}

/// A compatibility jamo consonant that can start a syllable (what people type for 초성 search).
pub fn is_initial_jamo(c: char) -> bool {
    INITIALS.contains(&c)
}

/// Position of an initial-consonant jamo among the 19 (ㄱ = 0 … ㅎ = 18).
pub fn initial_index(c: char) -> Option<usize> {
    INITIALS.iter().position(|i| *i == c)
}

/// 초성 of a syllable; other characters come back unchanged.
pub fn initial(c: char) -> char {
    if is_syllable(c) {
        let index = (c as u32 - SYLLABLE_FIRST) / 588;
        INITIALS[index as usize]
    } else {
        c
    }
}

/// Splits a syllable with a final consonant into (syllable without it, the final as jamo).
/// While someone types 요가 the keyboard briefly shows 욕; this lets 욕 still find 요가.
pub fn split_final(c: char) -> Option<(char, char)> {
    if !is_syllable(c) {
        return None;
    }
    let offset = c as u32 - SYLLABLE_FIRST;
    let final_index = (offset % 28) as usize;
    let jamo = FINALS[final_index]?;
    let bare = char::from_u32(c as u32 - final_index as u32)?;
    Some((bare, jamo))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_syllables() {
        let cho: String = "요가 교실 3D".chars().map(initial).collect();
        assert_eq!(cho, "ㅇㄱ ㄱㅅ 3D");
        assert_eq!(initial('힣'), 'ㅎ');
        assert_eq!(initial('까'), 'ㄲ');
    }

    #[test]
    fn finals_split_off_for_typing_in_progress() {
        assert_eq!(split_final('욕'), Some(('요', 'ㄱ')));
        assert_eq!(split_final('닭'), Some(('다', 'ㄺ')));
        assert_eq!(split_final('요'), None);
        assert_eq!(split_final('a'), None);
        assert!(is_initial_jamo('ㅇ') && !is_initial_jamo('ㅏ') && !is_initial_jamo('ㄳ'));
    }
}
