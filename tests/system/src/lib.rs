//! Helpers for system tests that run the real `baeum-hub` and `baeum-kiosk` binaries as
//! separate processes on loopback ports and temp folders: the shared ones from
//! `baeum-test-support`, and the fault proxy only these tests need. Build the binaries first
//! (`cargo build --workspace --bins`, which `make test` does).

pub mod fault_proxy;

pub use baeum_test_support::{
    HubProcess, IppPrinter, binary, credential_of, dead_hub, free_port, kiosk, kiosk_with_input, learner_form,
    learner_form_of, seed, specimen, stderr, stdout,
};
