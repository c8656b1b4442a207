//! Bounded, trimmed text fields. Korean lengths are counted in characters, not bytes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a piece of text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("비어 있습니다")]
    Empty,
    #[error("{max}자를 넘습니다 ({len}자)")]
    TooLong { max: usize, len: usize },
    #[error("제어 문자가 들어 있습니다")]
    ControlCharacter,
}

/// Trims, refuses control characters (except newlines when `multiline`) and checks length.
pub fn clean(raw: &str, max: usize, required: bool, multiline: bool) -> Result<String, TextError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() && required {
        return Err(TextError::Empty);
    }
    if trimmed.chars().any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t'))) {
        return Err(TextError::ControlCharacter);
    }
    let len = trimmed.chars().count();
    if len > max {
        return Err(TextError::TooLong { max, len });
    }
    Ok(trimmed.to_owned())
}

/// A one-line, non-empty name or title of at most `MAX` characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Label<const MAX: usize>(String);

impl<const MAX: usize> Label<MAX> {
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        clean(raw, MAX, true, false).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> TryFrom<String> for Label<MAX> {
    type Error = TextError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl<const MAX: usize> From<Label<MAX>> for String {
    fn from(value: Label<MAX>) -> Self {
        value.0
    }
}

impl<const MAX: usize> fmt::Display for Label<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_length_is_counted_in_characters() {
        assert!(Label::<3>::parse("광명시").is_ok());
        assert_eq!(Label::<2>::parse("광명시"), Err(TextError::TooLong { max: 2, len: 3 }));
    }

    #[test]
    fn blank_and_control_characters_are_refused() {
        assert_eq!(Label::<10>::parse("   "), Err(TextError::Empty));
        assert_eq!(Label::<10>::parse("요가\u{7}"), Err(TextError::ControlCharacter));
        assert_eq!(clean("첫 줄\n둘째 줄", 20, true, true).as_deref(), Ok("첫 줄\n둘째 줄"));
    }
}
