//! 동영상 강좌 at the kiosk: the hub's list kept locally (fetched by digest in each exchange),
//! searched with the same Korean search as courses, shown beside courses they fit, and taken home
//! as a QR code of the video's https link or a printed list of the learner's 나중에 볼 강좌.

use baeum_domain::video::{Video, VideoId};
use baeum_domain::{Course, CourseId, Field, LearnerId, LifeStage, VideoLevel};
use serde::{Deserialize, Serialize};

use std::sync::Arc;

use crate::Kiosk;
use crate::error::KioskError;
use crate::search::matcher::{self, Pattern};
use crate::store;

/// One video as a card on the screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VideoCard {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub field: Field,
    pub life_stages: Vec<LifeStage>,
    pub minutes: u32,
    pub level: VideoLevel,
    pub provider: String,
    /// The https link a phone opens (also in `qr_svg`).
    pub url: String,
    /// The link as a QR code (SVG), on the video's own page (lists leave it out).
    pub qr_svg: Option<String>,
}

impl VideoCard {
    fn of(v: &Video) -> Self {
        VideoCard {
            id: v.id.to_string(),
            title: v.title.to_string(),
            summary: v.summary.clone(),
            field: v.field,
            life_stages: v.life_stages.clone(),
            minutes: v.minutes,
            level: v.level,
            provider: v.provider.to_string(),
            url: v.url.to_string(),
            qr_svg: None,
        }
    }

    fn with_qr(v: &Video) -> Self {
        VideoCard { qr_svg: crate::enrollment::qr_svg(v.url.as_str()), ..VideoCard::of(v) }
    }
}

/// The video list decoded once, each video with its normalised search text (and 초성 twin), by
/// title: a keystroke scans memory instead of decoding every row again.
#[derive(Debug, Default)]
pub struct VideoIndex {
    entries: Vec<(Video, String, String)>,
}

impl VideoIndex {
    fn build(mut videos: Vec<Video>) -> Self {
        videos.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.id.cmp(&b.id)));
        let entries = videos
            .into_iter()
            .map(|v| {
                let text = searchable(&v);
                let initials = matcher::initials(&text);
                (v, text, initials)
            })
            .collect();
        VideoIndex { entries }
    }
}

/// What the person asked for on the video screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct VideoQuery {
    pub text: String,
    pub life_stage: Option<LifeStage>,
    pub field: Option<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VideoPage {
    /// The matching videos, by title (at most 60).
    pub videos: Vec<VideoCard>,
    pub matches: usize,
    /// Every video this kiosk holds.
    pub total: usize,
}

/// Most videos a page shows (the list is short; a person narrows it by typing).
const PAGE: usize = 60;

/// Whether a compiled query matches `text` (normalised) — the same rules as the course index:
/// partial, spacing-insensitive, 초성 and mixed.
pub(crate) fn text_matches(query: &matcher::Query, text: &str) -> bool {
    query.is_empty() || matches_with(query, text, &matcher::initials(text))
}

/// [`text_matches`] with the text's 초성 twin already made.
fn matches_with(query: &matcher::Query, text: &str, initials: &str) -> bool {
    query.is_empty()
        || query.alternatives.iter().any(|pattern| match pattern {
            Pattern::Literal(needle) => text.contains(needle.as_str()),
            Pattern::Shaped { initials: wanted, exact } => initials.match_indices(wanted.as_str()).any(|(at, _)| {
                text.get(at..).is_some_and(|here| here.chars().zip(exact).all(|(c, want)| want.is_none_or(|w| w == c)))
            }),
        })
}

fn searchable(v: &Video) -> String {
    let sep = matcher::FIELD_SEPARATOR;
    format!(
        "{}{sep}{}{sep}{}",
        matcher::normalize(v.title.as_str()),
        matcher::normalize(v.provider.as_str()),
        matcher::normalize(&v.summary)
    )
}

/// Words of a course title worth looking for in a video's (two characters or more, normalised).
fn title_words(title: &str) -> Vec<String> {
    title
        .split(|c: char| c.is_whitespace() || "()[]·:,-/".contains(c))
        .map(matcher::normalize)
        .filter(|w| w.chars().count() >= 2)
        .collect()
}

/// How well `video` fits `course`: a shared title word counts most, then the field, then a
/// shared life stage. 0 when nothing is shared.
pub fn similarity(course: &Course, video: &Video) -> u32 {
    let title = matcher::normalize(video.title.as_str());
    let words = title_words(course.title.as_str()).iter().filter(|w| title.contains(w.as_str())).count() as u32;
    let field = u32::from(video.field == course.field) * 2;
    let stage = u32::from(video.life_stages.iter().any(|s| course.life_stages.contains(s)));
    words * 3 + field + stage
}

impl Kiosk {
    /// Takes the hub's video list when it changed (one small answer when it did not). A list
    /// whose digest does not match what came is refused and the old one kept.
    pub async fn refresh_videos(&self) -> Result<bool, KioskError> {
        let have = store::videos::digest(&self.conn())?;
        let answer = self.hub.videos(&have).await?;
        let Some(videos) = answer.videos else { return Ok(false) };
        if answer.digest == have {
            return Ok(false);
        }
        // The digest is the hub's change marker, kept as sent: recomputing it here would refuse
        // every list from a newer hub whose videos carry a field this kiosk does not know.
        if !answer.digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(KioskError::HubBadAnswer("동영상 강좌 목록의 요약값이 올바르지 않습니다".into()));
        }
        {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            store::videos::replace_all(&tx, &answer.digest, &videos)?;
            tx.commit()?;
        }
        *self.videos.write().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(true)
    }

    /// The decoded list, built from the store on first use after a change.
    fn video_index(&self) -> Result<Arc<VideoIndex>, KioskError> {
        if let Some(index) = self.videos.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            return Ok(Arc::clone(index));
        }
        let index = Arc::new(VideoIndex::build(store::videos::all(&self.conn())?));
        *self.videos.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&index));
        Ok(index)
    }

    /// Videos matching `query`, by title.
    pub fn videos(&self, query: &VideoQuery) -> Result<VideoPage, KioskError> {
        let index = self.video_index()?;
        let compiled = matcher::compile(&query.text);
        let found: Vec<&Video> = index
            .entries
            .iter()
            .filter(|(v, _, _)| query.field.is_none_or(|f| v.field == f))
            .filter(|(v, _, _)| query.life_stage.is_none_or(|s| v.life_stages.contains(&s)))
            .filter(|(_, text, initials)| matches_with(&compiled, text, initials))
            .map(|(v, _, _)| v)
            .collect();
        Ok(VideoPage {
            matches: found.len(),
            videos: found.iter().take(PAGE).map(|v| VideoCard::of(v)).collect(),
            total: index.entries.len(),
        })
    }

    /// One video with the QR code of its link.
    pub fn video(&self, id: &VideoId) -> Result<VideoCard, KioskError> {
        store::videos::get(&self.conn(), id)?.map(|v| VideoCard::with_qr(&v)).ok_or(KioskError::VideoNotFound)
    }

    /// "이 강좌와 비슷한 동영상 강좌": up to three videos that share a title word with the course,
    /// or its field and a life stage; best first.
    pub fn similar_videos(&self, course: &CourseId) -> Result<Vec<VideoCard>, KioskError> {
        let conn = self.conn();
        let Some(course) = store::courses::get_many(&conn, &[course.to_string()])?.into_iter().next() else {
            return Err(KioskError::CourseNotFound(course.to_string()));
        };
        drop(conn);
        let index = self.video_index()?;
        let mut scored: Vec<(u32, &Video)> = index
            .entries
            .iter()
            .map(|(v, _, _)| (similarity(&course, v), v))
            .filter(|(score, _)| *score >= 3)
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.title.cmp(&b.1.title)));
        Ok(scored.iter().take(3).map(|(_, v)| VideoCard::of(v)).collect())
    }

    /// Keeps a video on the learner's 나중에 볼 강좌 (at this kiosk).
    pub fn save_video(&self, learner: &LearnerId, video: &VideoId) -> Result<Vec<VideoCard>, KioskError> {
        {
            let conn = self.conn();
            if store::learners::get(&conn, learner.as_str())?.is_none() {
                return Err(KioskError::LearnerNotFound);
            }
            if store::videos::get(&conn, video)?.is_none() {
                return Err(KioskError::VideoNotFound);
            }
            store::videos::save(&conn, learner, video, self.clock.now())?;
        }
        self.saved_videos(learner)
    }

    pub fn unsave_video(&self, learner: &LearnerId, video: &VideoId) -> Result<Vec<VideoCard>, KioskError> {
        store::videos::unsave(&self.conn(), learner, video)?;
        self.saved_videos(learner)
    }

    pub fn saved_videos(&self, learner: &LearnerId) -> Result<Vec<VideoCard>, KioskError> {
        Ok(store::videos::saved(&self.conn(), learner)?.iter().map(VideoCard::of).collect())
    }

    /// Prints the learner's 나중에 볼 강좌 as a slip of QR codes.
    pub async fn print_saved_videos(
        &self,
        learner: &LearnerId,
        printer_uri: &str,
    ) -> Result<crate::store::print_jobs::PrintJob, KioskError> {
        let videos = store::videos::saved(&self.conn(), learner)?;
        if videos.is_empty() {
            return Err(KioskError::VideoNotFound);
        }
        let art = crate::certificates::art()?;
        let pdf = crate::video_pdf::render(&videos, self.clock.now(), &art).map_err(KioskError::from)?;
        let id = self.queue_print("나중에 볼 강좌", printer_uri, &pdf)?;
        self.print_now(&id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn video(title: &str, field: &str, stages: &str) -> Video {
        baeum_domain::video::VideoDraft {
            id: "v-1".into(),
            title: title.into(),
            field: field.into(),
            life_stages: stages.into(),
            minutes: "30".into(),
            level: "초급".into(),
            provider: "GSEEK".into(),
            url: "https://www.gseek.kr/c/1".into(),
            ..Default::default()
        }
        .try_into()
        .unwrap()
    }

    #[test]
    fn the_same_search_rules_as_courses_find_a_video() {
        let v = video("스마트폰 사진 잘 찍는 법", "문화예술", "노년");
        let text = searchable(&v);
        for typed in ["스마트폰", "스마트 폰", "ㅅㅁㅌㅍ", "사진ㅈ", "gseek", "찍"] {
            assert!(text_matches(&matcher::compile(typed), &text), "{typed}");
        }
        for typed in ["요가", "ㅇㄱ", "사진교"] {
            assert!(!text_matches(&matcher::compile(typed), &text), "{typed}");
        }
    }

    #[test]
    fn a_shared_title_word_outweighs_the_field() {
        let course: Course = serde_json::from_value(serde_json::json!({
            "id": "c-1", "institution_id": "gm-llc", "title": "스마트폰 활용 기초", "summary": "",
            "field": "humanities", "life_stages": ["senior"], "target": "", "fee": 0, "materials_fee": 0,
            "capacity": 20, "selection": "first_come", "status": "scheduled",
            "application": {"opens_at": "2026-11-01T10:00:00+09:00", "closes_at": "2026-11-20T18:00:00+09:00"},
            "sessions": [{"date": "2026-12-01", "starts_at": "10:00:00", "ends_at": "12:00:00"}]
        }))
        .unwrap();
        let phone = video("스마트폰 기초 1", "인문교양", "노년");
        let history = video("광명 역사 이야기", "인문교양", "노년");
        let baking = video("제과제빵 입문", "직업능력향상", "청년");
        assert_eq!(similarity(&course, &phone), 3 * 2 + 2 + 1, "스마트폰 and 기초");
        assert_eq!(similarity(&course, &history), 3, "field and stage only");
        assert_eq!(similarity(&course, &baking), 0);
    }
}
