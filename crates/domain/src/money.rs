//! Amounts of money, always whole Korean won (KRW has no minor unit in practice).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A non-negative amount in won.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = u32))]
#[serde(transparent)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "number"))]
pub struct Won(pub u32);

impl Won {
    pub const ZERO: Won = Won(0);

    /// Parses feed text such as `30000`, `30,000`, `30,000원` or `무료`.
    pub fn parse(raw: &str) -> Result<Self, crate::ValueError> {
        let t = raw.trim();
        if t.is_empty() || t == "무료" || t == "0" {
            return Ok(Won::ZERO);
        }
        let digits: String = t.trim_end_matches('원').chars().filter(|c| *c != ',').collect();
        if digits.starts_with('-') {
            return Err(crate::ValueError::NegativeAmount(t.to_owned()));
        }
        digits.trim().parse::<u32>().map(Won).map_err(|_| crate::ValueError::Amount(t.to_owned()))
    }

    pub fn is_free(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Won {
    /// `30,000원`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        write!(f, "{out}원")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_amounts_parse_the_way_offices_write_them() {
        assert_eq!(Won::parse("30,000원"), Ok(Won(30_000)));
        assert_eq!(Won::parse("무료"), Ok(Won::ZERO));
        assert_eq!(Won::parse(" 1200 "), Ok(Won(1_200)));
        assert!(Won::parse("-5000").is_err());
        assert!(Won::parse("삼만원").is_err());
    }

    #[test]
    fn amounts_display_with_thousands_separators() {
        assert_eq!(Won(1_234_567).to_string(), "1,234,567원");
        assert_eq!(Won(500).to_string(), "500원");
        assert_eq!(Won(0).to_string(), "0원");
    }
}
