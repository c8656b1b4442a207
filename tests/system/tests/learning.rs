//! 동영상 강좌 and 실시간 온라인 수업 through real processes: video feeds imported with the real
//! `baeum-hub import` (a bad file refused whole with every problem named, a good one reaching the
//! kiosk with its next catalog sync, a 삭제 row taking one off), and the demo's ZOOM course, where the
//! live sessions' attendance, taken from the class list that marks them, counts towards the same
//! 80 % completion rule — while the passcode is in no catalog, video, room or seat answer and is
//! answered only inside the learner's own session.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use baeum_domain::{CourseId, SystemClock};
use baeum_kiosk::videos::VideoQuery;
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk};
use baeum_system_tests::{HubProcess, binary, learner_form_of, stderr, stdout};

fn kiosk(data: &Path, hub: &HubProcess) -> Kiosk {
    let client = HubClient::with_timeout(HubUrl::parse(&hub.url).unwrap(), Duration::from_secs(10)).unwrap();
    Kiosk::open_with_client(&DataDir::new(data), client, Arc::new(SystemClock)).unwrap()
}

fn import(db: &Path, file: &Path) -> std::process::Output {
    Command::new(binary("baeum-hub")).arg("import").arg("--db").arg(db).arg(file).output().unwrap()
}

fn titles(k: &Kiosk, text: &str) -> Vec<String> {
    let query = VideoQuery { text: text.into(), ..Default::default() };
    k.videos(&query).unwrap().videos.into_iter().map(|v| v.title).collect()
}

const HEADER: &str = "동영상ID,제목,분야,생애주기,재생시간(분),난이도,제공기관,링크,미리보기,상태\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_feed_reaches_the_kiosk_and_a_bad_one_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start_demo(dir.path());
    let k = kiosk(&dir.path().join("kiosk"), &hub);
    k.provision(&hub.invite()).await.unwrap();
    k.sync_now().await.unwrap();
    let demo = k.videos(&VideoQuery::default()).unwrap().total;
    assert_eq!(demo, 17, "the demo's videos came with the catalog");
    assert_eq!(titles(&k, "ㅋㅇㅅㅋ"), vec!["키오스크 주문 따라 하기"], "초성");
    assert_eq!(titles(&k, "광명 동굴"), vec!["광명동굴 이야기: 우리 고장 역사"], "spacing-insensitive");
    assert!(!k.refresh_videos().await.unwrap(), "an unchanged list is not sent again");

    // An office's export with mistakes: refused whole, each problem by line and column.
    let bad = dir.path().join("gseek-bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{HEADER}gseek-20001,파이썬 첫걸음,직업능력향상,청년,240,초급,GSEEK,https://www.gseek.kr/c/20001,,\n\
             gseek-20002,줌으로 배우는 영어,인문교양,중장년,45,초급,GSEEK,zoommtg://zoom.us/join?confno=1,,\n\
             gseek-20003,명상,인문교양,노인,-5,쉬움,GSEEK,https://www.gseek.kr/c/20003,,\n"
        ),
    )
    .unwrap();
    let refused = import(&hub.db, &bad);
    assert!(!refused.status.success());
    let report = stderr(&refused);
    for expected in [
        "gseek-bad.csv:3: url:",
        "gseek-bad.csv:4: life_stages:",
        "gseek-bad.csv:4: minutes:",
        "gseek-bad.csv:4: level:",
    ] {
        assert!(report.contains(expected), "{expected} in {report}");
    }
    assert!(report.contains("https://"), "the url problem says what to write: {report}");
    assert!(!k.refresh_videos().await.unwrap(), "nothing of the bad file was kept");
    assert!(titles(&k, "파이썬").is_empty());

    // The corrected file, CP949 as office software saves it, with one old video taken off.
    let good = format!(
        "{HEADER}gseek-20001,파이썬 첫걸음,직업능력향상,청년,240,초급,GSEEK,https://www.gseek.kr/c/20001,,\n\
         gseek-12240,부모 교육: 사춘기 자녀와 대화하기,인문교양,청년|중장년,90,초급,GSEEK,https://www.gseek.kr/member/rl/course/12240,,삭제\n"
    );
    let (cp949, _, _) = encoding_rs::EUC_KR.encode(&good);
    let file = dir.path().join("gseek.csv");
    std::fs::write(&file, &cp949).unwrap();
    let imported = import(&hub.db, &file);
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(stdout(&imported).contains("동영상 강좌 1개"), "{}", stdout(&imported));
    k.sync_now().await.unwrap();
    assert_eq!(titles(&k, "파이썬"), vec!["파이썬 첫걸음"]);
    assert!(titles(&k, "사춘기").is_empty(), "the 삭제 row took it off every kiosk");
    assert_eq!(k.videos(&VideoQuery::default()).unwrap().total, demo);
    let card = k.video(&baeum_domain::video::VideoId::parse("gseek-20001").unwrap()).unwrap();
    assert!(card.qr_svg.as_deref().is_some_and(|q| q.contains("<svg")), "a QR code to take it home");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_sessions_count_towards_completion_and_their_passcode_stays_in_her_session() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start_demo(dir.path());
    let k = kiosk(&dir.path().join("kiosk"), &hub);
    k.provision(&hub.invite()).await.unwrap();
    k.sync_now().await.unwrap();
    let form = learner_form_of("한말순", "1949-10-02", "010-6666-1002", "1357");
    let learner = k.register_learner(&form).unwrap();
    let other_form = learner_form_of("박옆집", "1951-01-01", "010-6666-2002", "2468");
    let other = k.register_learner(&other_form).unwrap();
    let (course, started) = hub.course_under_way();
    let course = CourseId::parse(&course).unwrap();
    k.apply(&learner.id, &course, &[]).unwrap();
    k.exchange().await.unwrap();

    // The class list marks the ZOOM sessions (from the hub's `live load`), no link or passcode.
    let listed = Command::new(binary("baeum-hub")).args(["live", "--db"]).arg(&hub.db).arg("list").output().unwrap();
    let listed: std::collections::BTreeMap<String, Vec<chrono::NaiveDate>> =
        serde_json::from_slice(&listed.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&listed)));
    let live_dates = listed[course.as_str()].clone();
    assert_eq!(live_dates.len(), 3);
    let staff = baeum_test_support::staff_on_duty(&hub.db, &k).await;
    let roster = k.roster(&course, &staff).await.unwrap();
    assert_eq!(roster.live, live_dates);
    let sessions = roster.sessions.len() as u32;
    let live_started: Vec<_> = started.iter().filter(|d| live_dates.contains(d)).copied().collect();
    let in_person: Vec<_> = started.iter().filter(|d| !live_dates.contains(d)).copied().collect();
    assert_eq!((sessions, live_started.len(), in_person.len()), (10, 2, 7), "the demo's course under way");

    // Every classroom session so far: 7 of 10, short of 80 %.
    let mut last = None;
    for day in &in_person {
        last = Some(k.take_attendance(&learner.id, &course, *day, true, &staff).await.unwrap());
    }
    assert_eq!(
        last,
        Some(baeum_kiosk::attendance::AttendanceMark::Recorded { attended: 7, sessions, completed: false })
    );
    let session = baeum_test_support::session_of(&k, &form).await;
    assert!(k.certificate_pdf(Some(&session), &learner.id, &course).await.is_err(), "not completed yet");
    // One ZOOM session, its roll taken from the same class list: 8 of 10, completed.
    assert_eq!(
        k.take_attendance(&learner.id, &course, live_started[0], true, &staff).await.unwrap(),
        baeum_kiosk::attendance::AttendanceMark::Recorded { attended: 8, sessions, completed: true }
    );
    let (issued, _) = k.certificate_pdf(Some(&session), &learner.id, &course).await.unwrap();
    assert!(issued.payload.course_title.starts_with("한글 기초"), "{:?}", issued.payload.course_title);

    // Her page: tomorrow's session with its link and passcode, read inside her session.
    let live = k.live_classes(&session, &learner.id).await.unwrap();
    assert_eq!(live.len(), 1, "only the session still to come: {live:?}");
    let passcode = live[0].passcode.clone();
    assert!(live[0].join_url.starts_with("https://") && live[0].join_url.contains("zoom.us/j/"), "{live:?}");
    assert_eq!(live[0].date, live_dates[2].to_string());

    // A printer that is off: the slip is not kept for later (whoever stands here then would get
    // her passcode); she is told at once, and no document is left in the kiosk's database.
    let off = format!("ipp://127.0.0.1:{}/ipp/print", baeum_system_tests::free_port());
    let started = std::time::Instant::now();
    let refused = k.print_live_slip(&session, &learner.id, &course, live_dates[2], &off).await.unwrap_err();
    assert!(matches!(refused, baeum_kiosk::KioskError::PrinterNotReady), "{refused:?}");
    assert!(started.elapsed() < Duration::from_secs(40), "told while she waits");
    let conn = DataDir::new(dir.path().join("kiosk")).open_database().unwrap();
    let kept: i64 =
        conn.query_row("SELECT COALESCE(SUM(length(document)), 0) FROM print_jobs", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, 0, "no slip with a passcode is kept");
    drop(conn);

    // Nowhere else: every catalog, video, room and seat answer a kiosk reads without a person.
    let credential = hub.device("k-passers-by");
    let client = reqwest::Client::new();
    let health = hub.get_json("/health");
    let epoch = health["epoch"].as_str().unwrap_or_else(|| panic!("no epoch in {health}")).to_owned();
    for path in [
        "/v1/catalog/snapshot".to_owned(),
        format!("/v1/catalog/changes?epoch={epoch}&after=0"),
        "/v1/catalog/checksum".to_owned(),
        "/v1/videos".to_owned(),
        "/v1/rooms".to_owned(),
        "/v1/seats".to_owned(),
    ] {
        let res = client.get(format!("{}{path}", hub.url)).bearer_auth(&credential).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "{path}");
        let text = res.text().await.unwrap();
        assert!(!text.contains(&passcode) && !text.contains("zoom.us"), "{path} carries no ZOOM detail");
    }
    // The live answer: not without a person's session, not in someone else's, only in hers.
    let ask = |session: Option<String>| {
        let mut request = client
            .post(format!("{}/v1/live/mine", hub.url))
            .bearer_auth(&credential)
            .json(&serde_json::json!({ "learner_id": learner.id }));
        if let Some(s) = session {
            request = request.header("baeum-session", s);
        }
        request.send()
    };
    let nobody = ask(None).await.unwrap();
    assert_eq!(nobody.status().as_u16(), 401);
    assert!(!nobody.text().await.unwrap().contains(&passcode));
    let neighbour = baeum_test_support::session_of(&k, &other_form).await;
    assert_eq!(other.name_masked, "박*집");
    let refused = k.live_classes(&neighbour, &learner.id).await.unwrap_err();
    assert!(matches!(&refused, baeum_kiosk::KioskError::HubRefused { status: 403, .. }), "{refused:?}");
    assert!(!format!("{refused:?}").contains(&passcode));
}
