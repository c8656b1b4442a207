//! `enrollment-drill --data-dir DIR --hub URL --course ID --learners N`: registers learners
//! 0..N and applies each to the course with the real kiosk engine, uploading every few
//! applications. Prints `applied <i> <op id>` only after the application's transaction committed,
//! then `drained <applied>` once the hub has answered everything. Run again after a kill, it
//! carries on where the database says it stopped.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use baeum_domain::{CourseId, SystemClock};
use baeum_kiosk::{DataDir, HubClient, HubUrl, Kiosk};
use baeum_system_tests::learner_form;

fn arg(name: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| panic!("missing {name}"))
}

fn main() -> ExitCode {
    let data = DataDir::new(arg("--data-dir"));
    let hub = HubUrl::parse(&arg("--hub")).expect("hub url");
    let course = CourseId::parse(&arg("--course")).expect("course id");
    let n: usize = arg("--learners").parse().expect("number");
    let client = HubClient::with_timeout(hub, Duration::from_secs(5)).expect("client");
    let kiosk = Kiosk::open_with_client(&data, client, Arc::new(SystemClock)).expect("kiosk opens");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let mut out = std::io::stdout().lock();
    let mut since_upload = 0;
    for i in 0..n {
        let form = learner_form(i);
        let existing = kiosk.find_learner_staff_checked(&form.mobile, &form.birth_date).expect("lookup");
        let learner = match existing.first() {
            Some(l) => l.id.clone(),
            None => kiosk.register_learner(&form).expect("register").id,
        };
        if kiosk.enrollments_of(&learner).expect("enrollments").iter().any(|e| e.course_id == course) {
            continue;
        }
        let e = kiosk.apply(&learner, &course, &[]).expect("apply");
        let _ = writeln!(out, "applied {i} {}", e.apply_op);
        let _ = out.flush();
        since_upload += 1;
        if since_upload == 3 {
            since_upload = 0;
            if let Err(e) = runtime.block_on(kiosk.upload_outbox()) {
                eprintln!("upload failed: {e}");
            }
        }
    }
    for _ in 0..20 {
        match runtime.block_on(kiosk.upload_outbox()) {
            Ok(r) if r.pending == 0 => {
                let applied = kiosk.all_enrollments().expect("enrollments").len();
                let _ = writeln!(out, "drained {applied}");
                return ExitCode::SUCCESS;
            }
            Ok(_) => {}
            Err(e) => eprintln!("upload failed: {e}"),
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    ExitCode::FAILURE
}
