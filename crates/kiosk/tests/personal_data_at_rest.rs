//! After a whole flow — provisioning, a learner registering with her PIN, applying, the upload,
//! a returning visit at a second kiosk, a receipt — nothing a person gave the kiosk is readable
//! in its database file, its WAL, its settings or the log (the kiosk's and the hub's, at debug
//! level): not her name, mobile number, birth date or PIN, and not the device credential.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baeum_domain::Clock;
use baeum_kiosk::{DataDir, HubClient, Kiosk};
use baeum_test_support::demo_day;
use baeum_test_support::in_process::{Hub, seed_demo};

/// Everything logged in this test process.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn files_of(data: &Path) -> Vec<(String, Vec<u8>)> {
    ["kiosk.db", "kiosk.db-wal", "kiosk.json"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(data.join(f)).unwrap_or_default()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_a_learner_gave_is_readable_in_the_kiosks_files_or_the_log() {
    let log = Captured::default();
    let writer = log.clone();
    let _ = tracing_subscriber::fmt()
        .with_env_filter("debug")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init();

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    let batch = seed_demo(&db);
    let clock = demo_day();
    let hub = Hub::start_on_loopback(&db, clock.clone()).await;
    let course = baeum_test_support::open_first_come_course(&batch.courses, clock.now(), Some(true));
    let open = |name: &str| {
        let client = HubClient::with_timeout(hub.url(), Duration::from_secs(5)).unwrap_or_else(|e| panic!("{e}"));
        Kiosk::open_with_client(&DataDir::new(dir.path().join(name)), client, clock.clone())
            .unwrap_or_else(|e| panic!("{e}"))
    };

    let (name, birth, mobile, pin) = ("박순자", "1951-04-02", "010-2345-6789", "482913");
    let first = open("lobby");
    hub.provision(&first).await;
    first.sync_now().await.unwrap_or_else(|e| panic!("{e}"));
    let learner = first
        .register_learner(&baeum_test_support::learner_form_of(name, birth, mobile, pin))
        .unwrap_or_else(|e| panic!("{e}"));
    first.apply(&learner.id, &course, &[]).unwrap_or_else(|e| panic!("{e}"));
    first.exchange().await.unwrap_or_else(|e| panic!("{e}"));
    // The receipt is queued for a printer that is off: its PDF waits in the database.
    let printer = baeum_test_support::IppPrinter::uri(baeum_test_support::free_port());
    let _ = first.print_receipt(&learner.id, &course, &printer).await;
    assert_eq!(first.print_jobs().unwrap_or_default().len(), 1);

    // She comes back at the library's kiosk.
    let second = open("library");
    hub.provision(&second).await;
    second.sync_now().await.unwrap_or_else(|e| panic!("{e}"));
    let found = second.find_learner(mobile, birth, pin).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.learner.id, learner.id);
    drop((first, second));
    hub.stop().await;

    let logged = log.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert!(contains(&logged, "listening") || logged.len() > 1_000, "the log was captured ({} bytes)", logged.len());
    for kiosk in ["lobby", "library"] {
        let data = dir.path().join(kiosk);
        let status_id = std::fs::read_dir(data.join("secrets"))
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .find_map(|e| e.file_name().to_str()?.strip_prefix("device-credential__").map(str::to_owned))
            .unwrap_or_else(|| panic!("{kiosk} keeps a credential"));
        let credential = baeum_test_support::credential_of(&data, &status_id);
        let mut places = files_of(&data);
        places.push(("log".into(), logged.clone()));
        for (place, bytes) in &places {
            for (what, secret) in [
                ("name", name),
                ("mobile", mobile),
                ("mobile digits", "01023456789"),
                ("birth date", birth),
                ("PIN", pin),
                ("credential", credential.as_str()),
            ] {
                assert!(!contains(bytes, secret), "{kiosk}: the {what} is readable in {place}");
            }
        }
    }
}
