//! The hub against its own OpenAPI document, property by property: schemathesis (from PyPI,
//! pinned in tests/api/requirements.txt; `make deps` puts it in a venv) generates requests from
//! `/openapi.json` for every operation — valid ones, invalid ones, missing headers, sequences
//! following the document's links — and sends them to a real hub process on loopback, as a
//! provisioned device inside a staff session. It fails on any 5xx, any answer the document does
//! not describe, any schema-valid request refused and any schema-violating one accepted. What
//! the document cannot say is configured, with its reason, in tests/api/schemathesis.toml.

use std::path::PathBuf;
use std::process::Command;

use baeum_system_tests::HubProcess;

fn schemathesis() -> PathBuf {
    let path = std::env::var_os("BAEUM_SCHEMATHESIS").map(PathBuf::from).unwrap_or_else(|| {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        home.join(".cache/baeum/schemathesis-4.32.5/bin/schemathesis")
    });
    assert!(
        path.exists(),
        "{} is missing: `make deps` (scripts/install-deps.sh) installs schemathesis",
        path.display()
    );
    path
}

#[test]
fn the_hub_answers_as_its_openapi_document_says() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start_demo(dir.path());
    let credential = hub.device("k-schemathesis");
    hub.add_staff("7001", "975312");
    let (status, signed_in) = hub.call(
        "POST",
        "/v1/staff/sessions",
        Some(&serde_json::json!({ "staff_number": "7001", "pin": "975312" })),
        Some(&credential),
    );
    assert_eq!(status, 200, "{signed_in}");
    let session = signed_in["session"]["token"].as_str().unwrap().to_owned();
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api/schemathesis.toml");
    let mut st = Command::new(schemathesis());
    st.arg("--no-color").arg("--config-file").arg(&config).args([
        "run",
        &format!("{}/openapi.json", hub.url),
        "--url",
        &hub.url,
    ]);
    // `make test` runs a fixed seed with the examples the config sets (the same cases every
    // time); `make fuzz` sets BAEUM_SCHEMATHESIS_SEED=random and more examples.
    match std::env::var("BAEUM_SCHEMATHESIS_SEED").as_deref() {
        Ok("random") => {}
        Ok(seed) => {
            st.arg("--seed").arg(seed);
        }
        Err(_) => {
            st.arg("--seed").arg("20261207");
        }
    }
    if let Ok(n) = std::env::var("BAEUM_SCHEMATHESIS_EXAMPLES") {
        st.arg("--max-examples").arg(n);
    }
    let out = st
        // Under the hub's limit of 10 requests a second per device, so every request is answered
        // on its merits rather than with 429.
        .arg("--rate-limit=9/s")
        .env("BAEUM_TEST_CREDENTIAL", &credential)
        .env("BAEUM_TEST_SESSION", &session)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "schemathesis found failures:\n{report}\n{}", String::from_utf8_lossy(&out.stderr));
    // It ran every operation, not none.
    assert!(report.contains("Selected: 30/30") && report.contains("Tested: 30"), "{report}");
}
