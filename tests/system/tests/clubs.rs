//! 학습동아리 through real processes: a kiosk engine with real SQLite files against the real
//! `baeum-hub` process. The city's rules are computed at the kiosk and checked at the hub (member
//! count, resident share); staff approve with the real `baeum-hub club approve`; a join request
//! waits for the leader; an activity record filed while the hub is down is uploaded once when it
//! returns; the year's 동아리 활동 실적서 reads back with `pdftotext`; the grant bundle comes out
//! of `baeum-hub club export`; and a member's 학습이력 확인서 lists the club with her hours.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use baeum_domain::club::ClubRole;
use baeum_domain::{ClubId, Field, SystemClock};
use baeum_kiosk::clubs::{ActivityForm, ClubForm, ClubQuery, MyClubState};
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk, KioskError};
use baeum_system_tests::{HubProcess, binary, dead_hub, learner_form_of, stderr, stdout};
use chrono::Weekday;

fn kiosk(data: &Path, hub: &HubUrl) -> Kiosk {
    let client = HubClient::with_timeout(hub.clone(), Duration::from_secs(5)).unwrap();
    Kiosk::open_with_client(&DataDir::new(data), client, Arc::new(SystemClock)).unwrap()
}

fn club_cli(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(binary("baeum-hub")).arg("club").arg("--db").arg(db).args(args).output().unwrap()
}

fn pdf_text(pdf: &[u8], _dir: &Path, name: &str) -> String {
    // Kept in test-output/ to be looked at (pdftoppm makes a picture of it).
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output/clubs");
    std::fs::create_dir_all(&out_dir).unwrap();
    let path = out_dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let out =
        Command::new("pdftotext").args(["-layout"]).arg(&path).arg("-").output().expect("pdftotext (poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn form(founders: &[&baeum_kiosk::LearnerSummary]) -> ClubForm {
    ClubForm {
        name: "하안 수채화 동아리".into(),
        field: Field::CultureArts,
        institution_id: "gm-llc".into(),
        per_month: 2,
        weekday: Weekday::Mon,
        plan_note: "첫째·셋째 월요일 오후 2시".into(),
        place: "광명시평생학습원 강의실 302".into(),
        summary: "수채화 강좌를 마친 분들이 함께 그립니다.".into(),
        recruiting: true,
        founders: founders.iter().map(|f| f.id.to_string()).collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_club_from_registration_to_its_yearly_report_and_the_members_learning_record() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start_demo(dir.path());
    let url = HubUrl::parse(&hub.url).unwrap();
    let data = dir.path().join("kiosk");
    let k = kiosk(&data, &url);
    k.provision(&hub.invite()).await.unwrap();
    k.sync_now().await.unwrap();

    // The leader and six people: three live in the city, three do not.
    let leader_form = learner_form_of("도대표", "1961-06-06", "010-7070-0606", "6060");
    let leader = k.register_learner(&leader_form).unwrap();
    let mut people = Vec::new();
    for (i, (name, lives_here)) in
        [("김하나", true), ("이두리", true), ("박세나", true), ("최네나", false), ("정다섯", false), ("한여섯", false)]
            .iter()
            .enumerate()
    {
        let mut f = learner_form_of(
            name,
            &format!("196{i}-0{}-1{i}", i + 1),
            &format!("010-7070-110{i}"),
            &format!("{i}{i}{i}7"),
        );
        f.resident = *lives_here;
        people.push((k.register_learner(&f).unwrap(), f));
    }
    k.exchange().await.unwrap();
    let ids: Vec<_> = people.iter().map(|(p, _)| p.id.clone()).collect();

    // Computed and shown before anything is filed: 4 of 7 live in the city (57 %), too few.
    let check = k.founder_check(&leader.id, &ids, 2).unwrap();
    assert_eq!((check.members, check.residents, check.resident_percent), (7, 4, 57));
    assert_eq!(check.problem.as_deref(), Some("광명시민이 60% 이상이어야 합니다 (지금 57%)"));
    let all: Vec<_> = people.iter().map(|(p, _)| p).collect();
    let refused = k.register_club(&leader.id, &form(&all), None).unwrap_err();
    assert!(matches!(&refused, KioskError::ClubNotPossible(m) if m.contains("57%")), "{refused:?}");
    let three = k.register_club(&leader.id, &form(&all[..3]), None).unwrap_err();
    assert!(
        matches!(&three, KioskError::ClubNotPossible(m) if m == "회원이 5명 이상이어야 합니다 (지금 4명)"),
        "{three:?}"
    );
    assert_eq!(k.outbox_counts().unwrap().pending, 0, "nothing refused was filed");

    // Leader + 4 (one not a resident): 80 %. Filed, waiting for staff.
    let founders: Vec<_> = all[..4].to_vec();
    let filed = k.register_club(&leader.id, &form(&founders), None).unwrap();
    assert_eq!(filed.state, MyClubState::Pending, "filed here, the hub not told yet");
    k.exchange().await.unwrap();
    let club = ClubId::parse(&filed.club_id).unwrap();
    assert_eq!(k.my_club(&leader.id, &club).unwrap().state, MyClubState::AwaitingApproval);
    assert!(
        k.clubs(&ClubQuery::default()).unwrap().clubs.iter().all(|c| c.club_id != filed.club_id),
        "not listed before approval"
    );

    let approved = club_cli(&hub.db, &["approve", club.as_str(), "--by", "김담당"]);
    assert!(approved.status.success(), "{}", stderr(&approved));
    k.exchange().await.unwrap();
    let mine = k.my_club(&leader.id, &club).unwrap();
    assert_eq!((mine.state, mine.role, mine.roster.len()), (MyClubState::Active, ClubRole::Leader, 5));
    let page = k.clubs(&ClubQuery { text: "ㅎㅇㅅㅊㅎ".into(), ..Default::default() }).unwrap();
    assert_eq!(page.clubs.len(), 1, "초성 finds it");
    assert_eq!((page.clubs[0].members, page.clubs[0].leader_masked.as_str()), (5, "도*표"));

    // 정다섯 asks to join; the leader sees the request and accepts.
    let joiner = &people[4].0;
    let asked = k.ask_to_join(&joiner.id, &club).unwrap();
    assert_eq!(asked.role, ClubRole::Asked);
    k.exchange().await.unwrap();
    let mine = k.my_club(&leader.id, &club).unwrap();
    assert_eq!(mine.requests.iter().map(|r| r.learner_id.clone()).collect::<Vec<_>>(), vec![joiner.id.clone()]);
    k.accept_member(&leader.id, &club, &joiner.id).unwrap();
    k.exchange().await.unwrap();
    let mine = k.my_club(&leader.id, &club).unwrap();
    assert!(mine.requests.is_empty() && mine.roster.len() == 6, "{mine:?}");
    assert_eq!(k.my_club(&joiner.id, &club).unwrap().role, ClubRole::Member);

    // The hub goes down: the leader records a meeting anyway; it waits in the outbox.
    drop(k);
    let offline = kiosk(&data, &dead_hub());
    let today = chrono::Utc::now().with_timezone(&baeum_domain::kst()).date_naive().to_string();
    let record = ActivityForm {
        date: today,
        place: "강의실 302".into(),
        minutes: 120,
        attendees: vec![leader.id.to_string(), founders[0].id.to_string(), joiner.id.to_string()],
        summary: "가을 풍경 수채화를 그리고 서로 작품을 보았습니다.".into(),
    };
    let waiting = offline.file_activity(&leader.id, &club, &record, None).unwrap();
    assert!(waiting.activities.iter().any(|a| a.waiting), "{:?}", waiting.activities);
    assert!(offline.exchange().await.is_err());
    drop(offline);

    // Back online: uploaded once, whatever the exchanges.
    let k = kiosk(&data, &url);
    k.exchange().await.unwrap();
    k.exchange().await.unwrap();
    let mine = k.my_club(&leader.id, &club).unwrap();
    assert_eq!(mine.activities.len(), 1, "{:?}", mine.activities);
    assert!(!mine.activities[0].waiting);
    assert_eq!((mine.meetings_this_year, mine.hours_this_year), (1, 2.0));
    let year = chrono::Datelike::year(&chrono::Utc::now().with_timezone(&baeum_domain::kst()));

    // The year's report, as the printer would get it.
    let pdf = k.club_report_pdf(&leader.id, &club, year).unwrap();
    let text = pdf_text(&pdf, dir.path(), "club-report");
    let compact = text.replace(char::is_whitespace, "");
    assert!(compact.contains("동아리활동실적서"), "{text}");
    for expected in [
        "하안 수채화 동아리",
        "모임 1회, 총 2시간",
        "가을 풍경 수채화",
        "도*표",
        "1회 / 1회 참석",
        "0회 / 1회 참석",
        "광명시평생학습원장",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(!text.contains("도대표"), "names masked on a kiosk print");

    // The grant bundle (not a year old: not eligible yet).
    let out = dir.path().join("bundle");
    let exported =
        club_cli(&hub.db, &["export", club.as_str(), "--year", &year.to_string(), "--out", out.to_str().unwrap()]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    assert!(stdout(&exported).contains("아직 지원금 신청 불가"), "{}", stdout(&exported));
    let roster = std::fs::read_to_string(out.join("roster.csv")).unwrap();
    assert_eq!(roster.lines().count(), 1 + 6, "{roster}");
    assert!(roster.contains("\"도대표\",대표") && roster.contains("\"정다섯\",회원"), "{roster}");
    let meetings = std::fs::read_to_string(out.join("meetings.csv")).unwrap();
    assert_eq!(meetings.lines().count(), 2, "{meetings}");
    let demo = dir.path().join("demo-bundle");
    let eligible =
        club_cli(&hub.db, &["export", "club-demo-photo", "--year", &year.to_string(), "--out", demo.to_str().unwrap()]);
    assert!(stdout(&eligible).contains("지원금 신청 가능"), "{}", stdout(&eligible));

    // 정다섯's 학습이력 확인서 lists the club and her two hours.
    let session = baeum_test_support::session_of(&k, &people[4].1).await;
    let (history, pdf) = k.learning_history_pdf(Some(&session), &joiner.id).await.unwrap();
    assert_eq!(history.clubs.len(), 1);
    assert_eq!((history.clubs[0].minutes, history.clubs[0].leader), (120, false));
    let text = pdf_text(&pdf, dir.path(), "history");
    assert!(text.contains("하안 수채화 동아리") && text.contains("학습동아리 1곳 2시간"), "{text}");
}
