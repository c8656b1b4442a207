//! `baeum-kiosk sync` / `status --json` / `provision` against a real hub process.

use baeum_system_tests::{HubProcess, kiosk, stderr, stdout};

fn status(data: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["status", "--json"];
    args.extend_from_slice(extra);
    let out = kiosk(&args, data);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
}

#[test]
fn sync_pulls_the_hub_catalog_and_status_reports_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hub = HubProcess::start_demo(dir.path());
    let data = dir.path().join("kiosk");
    let health = hub.get_json("/health");

    let before = status(&data, &["--hub", &hub.url]);
    assert_eq!(before["courses"], 0);
    assert!(before["last_success_at"].is_null());
    assert_eq!(before["provisioned"], false);

    // Not provisioned yet: the hub refuses it, and staff read what to do in Korean.
    let out = kiosk(&["sync", "--hub", &hub.url], &data);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("[device_unregistered]"), "{}", stderr(&out));
    assert_korean_line(&stderr(&out));

    hub.provision(&data);
    assert_eq!(status(&data, &["--hub", &hub.url])["provisioned"], true);
    let out = kiosk(&["sync", "--hub", &hub.url], &data);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("동기화 완료"), "{}", stdout(&out));

    let after = status(&data, &["--hub", &hub.url]);
    assert_eq!(after["hub_url"], hub.url.as_str());
    assert_eq!(after["courses"], health["courses"]);
    assert_eq!(after["cursor"], health["cursor"]);
    assert!(after["last_success_at"].is_string());
    assert_eq!(after["online"], true);
    assert_eq!(after["behind"], 0);
}

#[test]
fn with_the_hub_down_sync_fails_in_korean_and_the_catalog_stays() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut hub = HubProcess::start_demo(dir.path());
    let data = dir.path().join("kiosk");
    hub.provision(&data);
    let out = kiosk(&["sync", "--hub", &hub.url], &data);
    assert!(out.status.success(), "{}", stderr(&out));
    let courses = status(&data, &["--hub", &hub.url])["courses"].clone();
    hub.kill();

    let out = kiosk(&["sync", "--hub", &hub.url], &data);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("[hub_unreachable]") && message.contains("중앙 서버에 연결할 수 없습니다"), "{message}");
    assert_korean_line(&message);

    let after = status(&data, &["--hub", &hub.url]);
    assert_eq!(after["courses"], courses);
    assert_eq!(after["online"], false);
    assert_eq!(after["last_error"]["code"], "hub_unreachable");
    assert!(after["last_success_at"].is_string(), "the last good sync is still known");
}

/// The line the command prints for staff (`baeum-kiosk: [code] …`) is Korean: a library's English
/// (the JSON parser's, the OS's) may be in the log lines, never in it.
fn assert_korean_line(stderr: &str) {
    let line = stderr.lines().find(|l| l.starts_with("baeum-kiosk: [")).unwrap_or_else(|| panic!("{stderr}"));
    let message = line.split_once("] ").map(|(_, m)| m).unwrap_or_default();
    assert!(message.chars().any(|c| ('가'..='힣').contains(&c)), "{line}");
    assert_eq!(baeum_domain::error_code::foreign_words(message), Vec::<&str>::new(), "{line}");
}

#[test]
fn a_broken_settings_file_is_explained_in_korean_with_its_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("kiosk");
    std::fs::create_dir_all(&data).unwrap_or_else(|e| panic!("{e}"));
    // Saved by hand in a text editor, with Windows line endings and the closing brace missing.
    std::fs::write(
        data.join("kiosk.json"),
        "{\r\n  \"hub_url\": \"http://127.0.0.1:7878\",\r\n  \"fullscreen\": tru\r\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = kiosk(&["status", "--json"], &data);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("[config_invalid]") && message.contains("3번째 줄"), "{message}");
    assert_korean_line(&message);
}

#[test]
fn provision_saves_the_hub_for_later_runs() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hub = HubProcess::start_demo(dir.path());
    let data = dir.path().join("kiosk");
    let code = hub.invite();
    let out = kiosk(&["provision", "--hub", &hub.url, "--kiosk-mode", "true", "--code", &code], &data);
    assert!(out.status.success(), "{}", stderr(&out));
    let saved = std::fs::read_to_string(data.join("kiosk.json")).unwrap_or_default();
    assert!(saved.contains("\"fullscreen\": true"), "{saved}");
    let out = kiosk(&["sync"], &data);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(status(&data, &[])["hub_url"], hub.url.as_str());

    let out = kiosk(&["provision", "--hub", "ftp://nowhere"], &data);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("[hub_url_invalid]"), "{}", stderr(&out));
    assert_korean_line(&stderr(&out));
}

#[test]
fn print_test_and_printer_status_talk_to_a_real_printer_and_a_windows_printer_name_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let port = baeum_system_tests::free_port();
    let printer = baeum_system_tests::IppPrinter::start(port, &dir.path().join("spool"));
    let data = dir.path().join("kiosk");
    let uri = baeum_system_tests::IppPrinter::uri(port);

    let windows = kiosk(&["provision", "--printer", "Samsung M2020 (1층 안내데스크)"], &data);
    assert!(!windows.status.success());
    assert!(stderr(&windows).contains("Windows"), "{}", stderr(&windows));

    let saved = kiosk(&["provision", "--printer", &uri], &data);
    assert!(saved.status.success(), "{}", stderr(&saved));
    let printed = kiosk(&["print-test"], &data);
    assert!(printed.status.success(), "{}", stderr(&printed));
    assert!(stdout(&printed).contains("인쇄를 마쳤습니다"));
    let received = printer.received();
    assert_eq!(received.len(), 1);
    assert!(received[0].starts_with(b"%PDF"));
    let queue: serde_json::Value =
        serde_json::from_str(&stdout(&kiosk(&["print-queue"], &data))).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(queue[0]["state"], "printed");

    let status = kiosk(&["printer-status"], &data);
    assert!(status.status.success(), "{}", stderr(&status));
    let status: serde_json::Value = serde_json::from_str(&stdout(&status)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status["state"], "idle", "{status}");
    drop(printer);
    let gone = kiosk(&["printer-status"], &data);
    assert!(!gone.status.success());
    let gone: serde_json::Value = serde_json::from_str(&stdout(&gone)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(gone["state"], "unreachable");
    assert!(gone["message"].as_str().is_some_and(|m| m.contains("프린터에 연결할 수 없습니다")), "{gone}");
}

/// The device key for offline certificates, end to end with real processes and the real OS
/// keyring: made and registered by `provision --device-key`, endorsed by `baeum-hub kiosk
/// endorse`, and the kiosk learns the endorsement at its next exchange with the hub. (Whether
/// the kernel keyring keeps the key for the *next* process depends on the login session — this
/// sandbox gives each process its own — so that is not asserted here; a lost key is replaced
/// and must be endorsed again, see the README.)
#[test]
fn a_device_key_is_registered_from_the_os_keyring_and_endorsed_at_the_hub() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hub = HubProcess::start_demo(dir.path());
    let db = dir.path().join("hub.db");
    let data = dir.path().join("kiosk");

    let code = hub.invite();
    let first = kiosk(&["provision", "--hub", &hub.url, "--code", &code], &data);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = status(&data, &[]);
    let kiosk_id = before["kiosk_id"].as_str().unwrap_or_default().to_owned();
    let key_id = before["device_key"]["key_id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(before["device_key"]["endorsed"], false);
    // The fingerprint staff compare on site: four groups of the key id.
    let fingerprint = baeum_domain::device::fingerprint_text(&key_id);
    assert!(stdout(&first).contains(&format!("기기 키 지문: {fingerprint}")), "{}", stdout(&first));
    // The code was used once.
    let again = kiosk(&["provision", "--hub", &hub.url, "--code", &code], &dir.path().join("other"));
    assert!(!again.status.success() && stderr(&again).contains("초대 코드"), "{}", stderr(&again));

    let hub_cli = |args: &[&str]| {
        std::process::Command::new(baeum_system_tests::binary("baeum-hub"))
            .arg("kiosk")
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let keys: serde_json::Value = serde_json::from_str(&stdout(&hub_cli(&["keys"]))).unwrap_or_else(|e| panic!("{e}"));
    let registered = keys.as_array().and_then(|k| k.iter().find(|k| k["kiosk_id"] == kiosk_id.as_str())).cloned();
    let registered = registered.unwrap_or_else(|| panic!("the hub lists the kiosk's key: {keys}"));
    assert_eq!(registered["key_id"], key_id.as_str());
    assert!(registered["endorsement"].is_null());
    assert!(
        !hub.get_json("/v1/certificates/keys")["keys"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k["id"] == key_id.as_str()))
    );

    // A fingerprint that is not this kiosk's key endorses nothing, and says which keys it has.
    let wrong = hub_cli(&["endorse", &kiosk_id, "--fingerprint", "0000 1111 2222 3333", "--by", "직원 김민지"]);
    assert!(!wrong.status.success() && stderr(&wrong).contains(&fingerprint), "{}", stderr(&wrong));
    let nobody = hub_cli(&["endorse", "k-nobody", "--fingerprint", &fingerprint, "--by", "직원 김민지"]);
    assert!(!nobody.status.success() && stderr(&nobody).contains("등록된 키오스크가 아닙니다"), "{}", stderr(&nobody));
    let endorsed =
        hub_cli(&["endorse", &kiosk_id, "--fingerprint", &fingerprint.to_uppercase(), "--by", "직원 김민지"]);
    assert!(endorsed.status.success(), "{}", stderr(&endorsed));
    let published = hub.get_json("/v1/certificates/keys");
    assert!(published["keys"].as_array().is_some_and(|k| k.iter().any(|k| k["id"] == key_id.as_str())), "{published}");

    let upload = kiosk(&["upload"], &data);
    assert!(upload.status.success(), "{}", stderr(&upload));
    let after = status(&data, &[]);
    assert_eq!(
        (after["device_key"]["key_id"].as_str(), after["device_key"]["endorsed"].as_bool()),
        (Some(key_id.as_str()), Some(true))
    );
}

/// Attendance from the command line needs a clerk signed in at the hub (number, PIN on standard
/// input), reaches the hub, and the hub's refusal is said in Korean.
#[test]
fn attendance_for_someone_not_enrolled_is_refused_by_the_hub_in_korean() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hub = HubProcess::start_demo(dir.path());
    let data = dir.path().join("kiosk");
    let (course, started) = hub.course_under_way();
    let day = started[0].to_string();
    hub.provision(&data);
    hub.add_staff("1001", "975312");
    let args = ["attendance", &course, "--learner", "l-nobody", "--date", &day, "--staff", "1001", "--hub", &hub.url];
    let wrong = baeum_system_tests::kiosk_with_input(&args, &data, "975313");
    assert!(!wrong.status.success(), "{}", stdout(&wrong));
    assert!(stderr(&wrong).contains("직원 번호나 비밀번호가 맞지 않습니다"), "{}", stderr(&wrong));
    let out = baeum_system_tests::kiosk_with_input(&args, &data, "975312");
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(stderr(&out).contains("신청 내역이 없습니다"), "{}", stderr(&out));
    let bad_date =
        kiosk(&["attendance", &course, "--learner", "l-nobody", "--date", "12/01", "--staff", "1001"], &data);
    assert!(!bad_date.status.success() && stderr(&bad_date).contains("2026-12-01처럼"), "{}", stderr(&bad_date));
}

fn staff_pin(data: &std::path::Path, pin: &str, extra: &[&str]) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(baeum_system_tests::binary("baeum-kiosk"))
        .args(["staff-pin", "--data-dir"])
        .arg(data)
        .args(extra)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{pin}").unwrap_or_else(|e| panic!("{e}"));
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_staff_pin_is_set_from_standard_input_and_a_guessable_one_is_refused_in_korean() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("kiosk");
    let weak = staff_pin(&data, "123456", &[]);
    assert!(!weak.status.success());
    assert!(stderr(&weak).contains("[input_invalid]") && stderr(&weak).contains("연속된 숫자"), "{}", stderr(&weak));

    let set = staff_pin(&data, "482913", &[]);
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(stdout(&set).contains("정했습니다"), "{}", stdout(&set));
    // Set-up scripts leave a PIN staff already chose.
    let again = staff_pin(&data, "552071", &["--if-unset"]);
    assert!(again.status.success() && stdout(&again).contains("이미 정해져"), "{}", stdout(&again));
    let mut db = std::fs::read(data.join("kiosk.db")).unwrap_or_default();
    db.extend(std::fs::read(data.join("kiosk.db-wal")).unwrap_or_default());
    assert!(!db.is_empty());
    for pin in [&b"482913"[..], b"552071"] {
        assert!(!db.windows(pin.len()).any(|w| w == pin), "no PIN in the database file");
    }
}
