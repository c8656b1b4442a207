//! 광명시민 평생학습지원금 end to end: the real 2026 programme file loaded with the real
//! `baeum-hub subsidy programme`, a hub on loopback at a day inside its window (an injected
//! clock, so March 2026 can be today), kiosks that explain a "no" in plain words, file
//! applications (one offline at another kiosk, answered "already applied", never a second entry),
//! a withdrawal, then the real `baeum-hub subsidy select` after the window and `verify` from the
//! database and from the published JSON — which anyone can check, and a changed one fails.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use baeum_domain::subsidy::{DrawRecord, ResidenceDeclaration};
use baeum_domain::{FixedClock, ProgrammeId, kst};
use baeum_kiosk::subsidy::SubsidyState;
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk, KioskError};
use baeum_system_tests::{binary, dead_hub, learner_form_of, stderr, stdout};
use baeum_test_support::in_process::Hub;
use chrono::TimeZone;

const YES: ResidenceDeclaration = ResidenceDeclaration { continuous: true, in_total: false };

fn hub_cli(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(binary("baeum-hub")).arg("subsidy").arg("--db").arg(db).args(args).output().unwrap()
}

fn programme_file() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo/subsidy-2026.json")
}

fn open(dir: &Path, hub: &HubUrl, clock: Arc<FixedClock>) -> Kiosk {
    let client = HubClient::with_timeout(hub.clone(), Duration::from_secs(5)).unwrap();
    Kiosk::open_with_client(&DataDir::new(dir), client, clock).unwrap()
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    kst().from_local_datetime(&s.parse().unwrap()).unwrap().to_utc()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_explain_withdraw_select_and_verify_the_2026_subsidy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    baeum_test_support::in_process::seed_demo(&db);
    let loaded = hub_cli(&db, &["programme", programme_file().to_str().unwrap()]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    assert!(stdout(&loaded).contains("2026년 광명시민 평생학습지원금"), "{}", stdout(&loaded));

    let clock = Arc::new(FixedClock::new(at("2026-03-05T10:00:00")));
    let hub = Hub::start_on_loopback(&db, clock.clone()).await;
    let here = open(&dir.path().join("here"), &hub.url(), clock.clone());
    hub.provision(&here).await;
    let there_dir = dir.path().join("there");
    let there = open(&there_dir, &hub.url(), clock.clone());
    hub.provision(&there).await;
    here.exchange().await.unwrap();
    there.exchange().await.unwrap();

    // 1966년생: told "no" in plain words before anything is asked, and nothing is filed.
    let born_1966 = here.register_learner(&learner_form_of("박순자", "1966-05-01", "010-1111-2222", "4821")).unwrap();
    here.exchange().await.unwrap();
    let offer = here.subsidy_offer(&born_1966.id).unwrap().unwrap();
    assert_eq!(
        offer.ineligible.as_ref().map(baeum_domain::subsidy::Ineligibility::message_ko).as_deref(),
        Some("1966년생은 올해 대상이 아닙니다 (대상: 1967~1976년생)")
    );
    let refused = here.apply_subsidy(&born_1966.id, &ProgrammeId::parse("gm-2026").unwrap(), YES, None);
    assert!(matches!(&refused, Err(KioskError::SubsidyNotEligible(m)) if m.starts_with("1966년생")), "{refused:?}");
    assert_eq!(here.outbox_counts().unwrap().pending, 0, "a no files nothing");

    // 1970년생 applies; the hub gives her a 접수번호.
    let gm2026 = ProgrammeId::parse("gm-2026").unwrap();
    let form_1970 = learner_form_of("김배움", "1970-08-15", "010-3333-4444", "5930");
    let born_1970 = here.register_learner(&form_1970).unwrap();
    here.exchange().await.unwrap();
    let offer = here.subsidy_offer(&born_1970.id).unwrap().unwrap();
    assert!(offer.ineligible.is_none() && !offer.applied_already, "{offer:?}");
    assert_eq!(offer.window, "3월 3일~13일");
    let filed = here.apply_subsidy(&born_1970.id, &gm2026, YES, None).unwrap();
    assert_eq!(filed.state, SubsidyState::Pending, "filed, waiting for the hub");
    here.exchange().await.unwrap();
    let mine = here.subsidy_cards(&born_1970.id).unwrap();
    assert_eq!((mine[0].state, mine[0].label.as_str()), (SubsidyState::Applied, "신청완료"));
    let receipt = mine[0].receipt.clone().unwrap();

    // A kiosk that never met her asks about her: it hears of no application and no grant, and
    // one without a credential is refused.
    let stranger = hub.kiosk_client("k-stranger").await;
    let lookup = serde_json::json!({ "learner_ids": [born_1970.id.as_str()] });
    let url = format!("http://{}/v1/subsidy/lookup", hub.addr);
    let seen: serde_json::Value = stranger.post(&url).json(&lookup).send().await.unwrap().json().await.unwrap();
    assert_eq!((&seen["applications"], &seen["grants"]), (&serde_json::json!([]), &serde_json::json!([])), "{seen}");
    assert_eq!(reqwest::Client::new().post(&url).json(&lookup).send().await.unwrap().status().as_u16(), 401);

    // She goes to the other kiosk, which is offline, and applies again there.
    there.find_learner(&form_1970.mobile, &form_1970.birth_date, &form_1970.pin).await.unwrap();
    let offline = open(&there_dir, &dead_hub(), clock.clone());
    offline.apply_subsidy(&born_1970.id, &gm2026, YES, None).unwrap();
    drop(offline);
    let there = open(&there_dir, &hub.url(), clock.clone());
    there.exchange().await.unwrap();
    let second = there.subsidy_cards(&born_1970.id).unwrap();
    assert_eq!(second[0].state, SubsidyState::Applied);
    assert_eq!(second[0].receipt.as_deref(), Some(receipt.as_str()), "the first application stands");

    // A 1967년생 (taken first) and two more; one of them withdraws before the draw.
    let mut others = Vec::new();
    for (i, birth) in ["1967-02-02", "1975-03-03", "1972-04-04"].iter().enumerate() {
        let l = here.register_learner(&learner_form_of("이학습", birth, &format!("010-5555-000{i}"), "7314")).unwrap();
        here.exchange().await.unwrap();
        here.apply_subsidy(&l.id, &gm2026, ResidenceDeclaration { continuous: false, in_total: true }, None).unwrap();
        others.push(l);
    }
    here.exchange().await.unwrap();
    let withdrawn = here.withdraw_subsidy(&others[2].id, &gm2026).unwrap();
    assert_eq!(withdrawn.state, SubsidyState::Pending);
    here.exchange().await.unwrap();
    assert_eq!(here.subsidy_cards(&others[2].id).unwrap()[0].state, SubsidyState::Withdrawn);

    // The selection can wait for the window to close; the real command runs it (today is long
    // after 3월 13일) and publishes the record.
    clock.set(at("2026-03-16T10:00:00"));
    let published = dir.path().join("gm-2026-selection.json");
    let selected = hub_cli(&db, &["select", "gm-2026", "--publish", published.to_str().unwrap()]);
    assert!(selected.status.success(), "{}", stderr(&selected));
    let record: DrawRecord = serde_json::from_str(&stdout(&selected)).unwrap();
    assert_eq!(record.entrants.len(), 3, "the withdrawn one is not drawn, the double one counted once");
    assert_eq!(record.selected.len(), 3, "fewer applicants than places: everyone is selected");
    assert_eq!(record.entrants.iter().filter(|e| e.first_taken).count(), 1, "1967년생");
    assert_eq!(hub_cli(&db, &["select", "gm-2026"]).status.code(), Some(1), "a selection is run once");

    // Re-run from the database and from the published file alone.
    let verified = hub_cli(&db, &["verify", "gm-2026"]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert!(stdout(&verified).contains(&record.entrants_sha256));
    let anyone = Command::new(binary("baeum-hub"))
        .args(["subsidy", "verify", "--published", published.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(anyone.status.success(), "{}", stderr(&anyone));
    // And by an independent re-implementation with only Python's standard library.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/verify-subsidy-draw.py");
    let python = Command::new("python3").arg(&script).arg(&published).output().unwrap();
    assert!(python.status.success(), "{}", stderr(&python));
    assert!(stdout(&python).starts_with("같습니다: 신청 3명, 선정 3명"), "{}", stdout(&python));
    let mut tampered: serde_json::Value = serde_json::from_slice(&std::fs::read(&published).unwrap()).unwrap();
    // Three applicants for 2,500 places are all selected whatever the seed: a changed result
    // is what shows (here the 1967년생 no longer first).
    tampered["selected"].as_array_mut().unwrap().reverse();
    std::fs::write(&published, tampered.to_string()).unwrap();
    let caught = Command::new(binary("baeum-hub"))
        .args(["subsidy", "verify", "--published", published.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!caught.status.success());
    assert!(stderr(&caught).contains("다시 추첨한 선정자가 기록과 다릅니다"), "{}", stderr(&caught));
    let python = Command::new("python3").arg(&script).arg(&published).output().unwrap();
    assert!(!python.status.success() && stderr(&python).contains("다시 추첨한 선정자가 기록과 다릅니다"));

    // The hub publishes the same record to anyone, without a credential.
    let url = format!("http://{}/v1/subsidy/selections/gm-2026", hub.addr);
    let public: DrawRecord = reqwest::get(&url).await.unwrap().error_for_status().unwrap().json().await.unwrap();
    assert_eq!(public, record);

    // Results reach every kiosk: here and there both show 선정 with the amount and the date.
    for k in [&here, &there] {
        k.exchange().await.unwrap();
        let card = &k.subsidy_cards(&born_1970.id).unwrap()[0];
        assert_eq!((card.state, card.label.as_str()), (SubsidyState::Selected, "선정"));
        assert_eq!(card.amount, Some(baeum_domain::Won(300_000)));
        assert_eq!(card.expires_on.as_deref(), Some("2026년 10월 31일"));
        assert!(card.can_print && !card.can_withdraw);
    }
    // Withdrawing after the selection is refused by the hub, and the result stays.
    let late = here.withdraw_subsidy(&born_1970.id, &gm2026);
    assert!(late.is_err(), "only an application still waiting can be withdrawn: {late:?}");
    hub.stop().await;
}

/// The first-taken birth year alone is larger than the places: the draw is held within it, and
/// the others are not selected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_taken_year_over_quota_is_drawn_within_itself() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    baeum_test_support::in_process::seed_demo(&db);
    let file = dir.path().join("small.json");
    let mut programme: serde_json::Value = serde_json::from_slice(&std::fs::read(programme_file()).unwrap()).unwrap();
    programme["id"] = serde_json::json!("gm-2026-small");
    programme["places"] = serde_json::json!(2);
    std::fs::write(&file, programme.to_string()).unwrap();
    assert!(hub_cli(&db, &["programme", file.to_str().unwrap()]).status.success());
    let clock = Arc::new(FixedClock::new(at("2026-03-05T10:00:00")));
    let hub = Hub::start_on_loopback(&db, clock.clone()).await;
    let k = open(&dir.path().join("k"), &hub.url(), clock.clone());
    hub.provision(&k).await;
    k.exchange().await.unwrap();
    let id = ProgrammeId::parse("gm-2026-small").unwrap();
    let mut first_year = Vec::new();
    for (i, birth) in ["1967-01-01", "1967-06-06", "1967-12-12", "1970-01-01", "1971-01-01"].iter().enumerate() {
        let l = k.register_learner(&learner_form_of("최학습", birth, &format!("010-7777-000{i}"), "2468")).unwrap();
        k.exchange().await.unwrap();
        k.apply_subsidy(&l.id, &id, YES, None).unwrap();
        if birth.starts_with("1967") {
            first_year.push(l.id.clone());
        }
    }
    k.exchange().await.unwrap();
    let out = hub_cli(&db, &["select", "gm-2026-small"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let record: DrawRecord = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(record.selected.len(), 2);
    k.exchange().await.unwrap();
    let mut selected = 0;
    for l in &first_year {
        selected += usize::from(k.subsidy_cards(l).unwrap()[0].state == SubsidyState::Selected);
    }
    assert_eq!(selected, 2, "both places go to the 1967 group");
    assert!(hub_cli(&db, &["verify", "gm-2026-small"]).status.success());
    hub.stop().await;
}
