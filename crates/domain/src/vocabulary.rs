//! The controlled vocabularies of Korean lifelong education: life stages (생애주기), the six
//! national fields (평생교육 6대 영역) and selection methods. Each has a stable wire code and the
//! Korean label real portals print; feeds may use either.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident = $code:literal / $label:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $code)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// Stable wire code, e.g. for URLs and the UI.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The Korean term shown to people.
            pub fn label_ko(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// Accepts the wire code or the Korean label (feeds use both).
            pub fn parse(raw: &str) -> Result<Self, crate::ValueError> {
                let t = raw.trim();
                $(if t == $code || t == $label { return Ok($name::$variant); })+
                let known: Vec<&str> = vec![$($label,)+];
                Err(crate::ValueError::Unknown { what: $what, value: t.to_owned(), known: known.join(", ") })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label_ko())
            }
        }
    };
}

vocabulary!(
    /// 생애주기: who a course is for, by stage of life.
    LifeStage, "생애주기" {
        /// 영유아 (0–5)
        Infant = "infant" / "영유아",
        /// 아동 (6–12)
        Child = "child" / "아동",
        /// 청소년 (13–18)
        Youth = "youth" / "청소년",
        /// 청년 (19–39)
        YoungAdult = "young_adult" / "청년",
        /// 중장년 (40–64)
        MiddleAged = "middle_aged" / "중장년",
        /// 노년 (65+)
        Senior = "senior" / "노년",
    }
);

vocabulary!(
    /// 평생교육 6대 영역 (평생교육법 시행령 and the national programme classification).
    Field, "평생교육 영역" {
        Academic = "academic" / "학력보완",
        Literacy = "literacy" / "성인문해",
        Vocational = "vocational" / "직업능력향상",
        CultureArts = "culture_arts" / "문화예술",
        Humanities = "humanities" / "인문교양",
        Civic = "civic" / "시민참여",
    }
);

vocabulary!(
    /// How applicants get a seat.
    Selection, "선발 방식" {
        /// 선착순: in the order the hub receives applications.
        FirstCome = "first_come" / "선착순",
        /// 추첨: drawn by lot after the application window closes.
        Lottery = "lottery" / "추첨",
    }
);

vocabulary!(
    /// How much a video course assumes (GSEEK and the city's own catalog use these three).
    VideoLevel, "난이도" {
        Beginner = "beginner" / "초급",
        Intermediate = "intermediate" / "중급",
        Advanced = "advanced" / "고급",
    }
);

impl LifeStage {
    /// Parses a list such as `노년|중장년` or `senior, middle_aged`; sorted, without repeats.
    pub fn parse_list(raw: &str) -> Result<Vec<LifeStage>, crate::ValueError> {
        let mut stages = raw
            .split(['|', ',', '/', '·'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(LifeStage::parse)
            .collect::<Result<Vec<_>, _>>()?;
        stages.sort();
        stages.dedup();
        if stages.is_empty() {
            return Err(crate::ValueError::NoLifeStage);
        }
        Ok(stages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_korean_labels_both_parse() {
        assert_eq!(LifeStage::parse("노년"), Ok(LifeStage::Senior));
        assert_eq!(LifeStage::parse("young_adult"), Ok(LifeStage::YoungAdult));
        assert_eq!(Field::parse("문화예술"), Ok(Field::CultureArts));
        assert_eq!(Selection::parse("추첨"), Ok(Selection::Lottery));
        let err = LifeStage::parse("어르신").unwrap_err().to_string();
        assert!(err.contains("생애주기") && err.contains("노년"), "{err}");
    }

    #[test]
    fn life_stage_lists_are_sorted_and_deduplicated() {
        assert_eq!(LifeStage::parse_list("노년 | 중장년|노년"), Ok(vec![LifeStage::MiddleAged, LifeStage::Senior]));
        assert!(LifeStage::parse_list(" | ").is_err());
    }

    #[test]
    fn six_life_stages_and_six_fields_exist() {
        assert_eq!(LifeStage::ALL.len(), 6);
        assert_eq!(Field::ALL.len(), 6);
        let json = serde_json::to_string(&LifeStage::MiddleAged).unwrap_or_default();
        assert_eq!(json, "\"middle_aged\"");
    }
}
