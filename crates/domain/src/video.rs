//! 동영상 강좌: the city's own videos (광명시평생학습원) and other institutions' (GSEEK, 경기도
//! 지식), imported through feeds like courses and kept on every kiosk. A kiosk in a hallway is no
//! place to sit through a lecture, so a video is something a person finds there and takes home on
//! her phone (a QR code of its https link).

use serde::{Deserialize, Serialize};

use crate::ids::IdError;
use crate::links::WebLink;
use crate::text::{Label, clean};
use crate::validation::{Checker, ValidationErrors};
use crate::vocabulary::{Field, LifeStage, VideoLevel};

/// A video course's id as the feed names it (`gseek-1234`, `gm-video-07`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, pattern = r"^[a-z0-9._-]{1,64}$"))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[serde(try_from = "String", into = "String")]
pub struct VideoId(String);

impl VideoId {
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        crate::ids::CourseId::parse(raw).map(|id| Self(id.as_str().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for VideoId {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value.trim() != value {
            return Err(IdError::BadCharacter(value));
        }
        Self::parse(&value)
    }
}

impl From<VideoId> for String {
    fn from(value: VideoId) -> Self {
        value.0
    }
}

impl std::fmt::Display for VideoId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The longest video a feed may list, in minutes (a whole-day recorded lecture).
pub const MAX_MINUTES: u32 = 24 * 60;

/// One video course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Video {
    pub id: VideoId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub title: Label<200>,
    #[serde(default)]
    pub summary: String,
    pub field: Field,
    pub life_stages: Vec<LifeStage>,
    /// Running time in minutes (all parts together).
    pub minutes: u32,
    pub level: VideoLevel,
    /// Who made it and hosts it: 광명시평생학습원, GSEEK, 경기도 지식, ….
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub provider: Label<60>,
    /// Where a phone watches it.
    pub url: WebLink,
    /// A still from the video on the provider's site (the kiosk shows its own picture for the
    /// field instead: it loads nothing from other sites).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<WebLink>,
}

/// A video row as a feed writes it, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct VideoDraft {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub field: String,
    pub life_stages: String,
    pub minutes: String,
    pub level: String,
    pub provider: String,
    pub url: String,
    pub preview: String,
}

impl TryFrom<VideoDraft> for Video {
    type Error = ValidationErrors;

    fn try_from(d: VideoDraft) -> Result<Self, Self::Error> {
        let mut c = Checker::default();
        let id = c.check("id", VideoId::parse(&d.id));
        let title = c.check("title", Label::parse(&d.title));
        let summary = c.check("summary", clean(&d.summary, 2000, false, true));
        let field = c.check("field", Field::parse(&d.field));
        let life_stages = c.check("life_stages", LifeStage::parse_list(&d.life_stages));
        if life_stages.as_ref().is_some_and(Vec::is_empty) {
            c.fail("life_stages", "생애주기를 하나 이상 적어야 합니다");
        }
        let minutes = c.check(
            "minutes",
            d.minutes
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|m| (1..=MAX_MINUTES).contains(m))
                .ok_or_else(|| format!("재생 시간은 1~{MAX_MINUTES}분이어야 합니다 (값: {})", d.minutes.trim())),
        );
        let level = c.check("level", VideoLevel::parse(&d.level));
        let provider = c.check("provider", Label::parse(&d.provider));
        let url = c.check("url", WebLink::parse(&d.url));
        let preview = match d.preview.trim() {
            "" => Some(None),
            raw => c.check("preview", WebLink::parse(raw)).map(Some),
        };
        c.finish(|| {
            Some(Video {
                id: id?,
                title: title?,
                summary: summary?,
                field: field?,
                life_stages: life_stages?,
                minutes: minutes?,
                level: level?,
                provider: provider?,
                url: url?,
                preview: preview?,
            })
        })
    }
}

/// `GET /v1/videos?have=…`: every video course, unless the kiosk already has this list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
pub struct VideoListQuery {
    /// The digest of the list the kiosk holds.
    #[serde(default)]
    pub have: Option<String>,
}

/// The video list and its digest; `videos` is left out when the kiosk's `have` is current, so a
/// fleet polling every few minutes moves a few bytes, not the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VideoList {
    /// SHA-256 (hex) of the stored list; empty when there are no videos.
    pub digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub videos: Option<Vec<Video>>,
}

/// The digest of a video list as hub and kiosk both compute it: each video's JSON and a newline,
/// by id. Empty for no videos.
pub fn list_digest(videos: &[Video]) -> String {
    use sha2::Digest;
    if videos.is_empty() {
        return String::new();
    }
    let mut sorted: Vec<&Video> = videos.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut hasher = sha2::Sha256::new();
    for v in sorted {
        hasher.update(serde_json::to_vec(v).unwrap_or_default());
        hasher.update(b"\n");
    }
    crate::protocol::hex(&hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> VideoDraft {
        VideoDraft {
            id: "gseek-1204".into(),
            title: "스마트폰 사진 잘 찍는 법".into(),
            summary: "".into(),
            field: "문화예술".into(),
            life_stages: "노년|중장년".into(),
            minutes: "45".into(),
            level: "초급".into(),
            provider: "GSEEK".into(),
            url: "https://www.gseek.kr/course/1204".into(),
            preview: "".into(),
        }
    }

    #[test]
    fn a_feed_row_becomes_a_video() {
        let v = Video::try_from(draft()).unwrap();
        assert_eq!(v.id.as_str(), "gseek-1204");
        assert_eq!(v.level, VideoLevel::Beginner);
        assert_eq!(v.life_stages, vec![LifeStage::MiddleAged, LifeStage::Senior]);
        assert_eq!(v.minutes, 45);
        assert_eq!(v.preview, None);
    }

    #[test]
    fn every_problem_of_a_row_is_named_by_its_column() {
        let bad = VideoDraft {
            id: "GSEEK 1".into(),
            minutes: "0".into(),
            level: "아주 쉬움".into(),
            url: "http://www.gseek.kr/course/1".into(),
            ..draft()
        };
        let fields: Vec<&str> = Video::try_from(bad).unwrap_err().0.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["id", "minutes", "level", "url"]);
    }
}
