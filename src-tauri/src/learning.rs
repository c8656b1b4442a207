//! 동영상 강좌 and 실시간 온라인 수업 commands. Videos are public (anyone at the kiosk searches
//! them and sees a video's QR code); a 나중에 볼 강좌 list and ZOOM sessions belong to the person at
//! the kiosk (`Visit::require`), and the ZOOM link and passcode come from the hub inside her
//! session only.

use baeum_domain::video::VideoId;
use baeum_domain::{ErrorCode, LearnerId};
use baeum_kiosk::ErrorView;
use baeum_kiosk::live::LiveCard;
use baeum_kiosk::videos::{VideoCard, VideoPage, VideoQuery};
use tauri::State;

use crate::commands::{Shell, bad_request, course_id, learner_id, parse, printer};

fn video_id(raw: &str) -> Result<VideoId, ErrorView> {
    VideoId::parse(raw).map_err(|e| bad_request("video_id", e))
}

#[tauri::command]
pub async fn videos_page(shell: State<'_, Shell>, query: serde_json::Value) -> Result<VideoPage, ErrorView> {
    let query: VideoQuery = parse("query", query)?;
    shell.kiosk.videos(&query).map_err(|e| e.view())
}

#[tauri::command]
pub async fn video_detail(shell: State<'_, Shell>, video_id: String) -> Result<VideoCard, ErrorView> {
    shell.kiosk.video(&self::video_id(&video_id)?).map_err(|e| e.view())
}

/// "이 강좌와 비슷한 동영상 강좌" for a course page.
#[tauri::command]
pub async fn similar_videos(shell: State<'_, Shell>, course_id: String) -> Result<Vec<VideoCard>, ErrorView> {
    shell.kiosk.similar_videos(&self::course_id(&course_id)?).map_err(|e| e.view())
}

#[tauri::command]
pub async fn saved_videos(shell: State<'_, Shell>, learner_id: String) -> Result<Vec<VideoCard>, ErrorView> {
    let learner = self::learner_id(&learner_id)?;
    shell.visit.require(&learner)?;
    shell.kiosk.saved_videos(&learner).map_err(|e| e.view())
}

/// Keeps (`keep`) or drops a video on the person's 나중에 볼 강좌; the list as it now stands.
#[tauri::command]
pub async fn keep_video(
    shell: State<'_, Shell>,
    learner_id: String,
    video_id: String,
    keep: bool,
) -> Result<Vec<VideoCard>, ErrorView> {
    let (learner, video) = (self::learner_id(&learner_id)?, self::video_id(&video_id)?);
    shell.visit.require(&learner)?;
    let kept = if keep { shell.kiosk.save_video(&learner, &video) } else { shell.kiosk.unsave_video(&learner, &video) };
    kept.map_err(|e| e.view())
}

#[tauri::command]
pub async fn print_saved_videos(
    shell: State<'_, Shell>,
    learner_id: String,
) -> Result<baeum_kiosk::store::print_jobs::PrintJob, ErrorView> {
    let learner = self::learner_id(&learner_id)?;
    shell.visit.require(&learner)?;
    let printer = printer(&shell)?;
    shell.kiosk.print_saved_videos(&learner, &printer).await.map_err(|e| e.view())
}

/// Her hub session: ZOOM details are never read without one (she confirmed her PIN offline).
fn hub_session(shell: &Shell, learner: &LearnerId) -> Result<baeum_kiosk::HubSession, ErrorView> {
    shell.visit.require(learner)?.ok_or_else(|| {
        ErrorView::new(
            ErrorCode::LiveClassesOffline,
            "실시간 수업 안내는 중앙 서버와 연결되어 있을 때만 볼 수 있습니다",
        )
    })
}

#[tauri::command]
pub async fn my_live_classes(shell: State<'_, Shell>, learner_id: String) -> Result<Vec<LiveCard>, ErrorView> {
    let learner = self::learner_id(&learner_id)?;
    let session = hub_session(&shell, &learner)?;
    shell.kiosk.live_classes(&session, &learner).await.map_err(|e| e.view())
}

#[tauri::command]
pub async fn print_live_slip(
    shell: State<'_, Shell>,
    learner_id: String,
    course_id: String,
    date: String,
) -> Result<baeum_kiosk::store::print_jobs::PrintJob, ErrorView> {
    let (learner, course) = (self::learner_id(&learner_id)?, self::course_id(&course_id)?);
    let date = date.parse().map_err(|e| bad_request("date", e))?;
    let session = hub_session(&shell, &learner)?;
    let printer = printer(&shell)?;
    shell.kiosk.print_live_slip(&session, &learner, &course, date, &printer).await.map_err(|e| e.view())
}
