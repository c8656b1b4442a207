//! HTTPS between kiosk and hub, with the real processes: the hub serves a self-signed pair
//! (`serve --tls-self-signed`), a kiosk pinned to it registers and syncs, a kiosk that does not
//! trust it (the system's authorities, or another pinned certificate) is refused, HTTP/2 is
//! agreed by ALPN, and a connection that stalls before its TLS handshake is closed.

use std::io::Read;
use std::time::{Duration, Instant};

use baeum_system_tests::{HubProcess, kiosk, seed, stderr, stdout};

#[test]
fn a_kiosk_pinned_to_the_hubs_certificate_syncs_over_https_and_one_that_does_not_trust_it_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("hub.db");
    seed(&db, &["--demo"]);
    let tls = dir.path().join("tls");
    let hub = HubProcess::start_with(&db, &["--tls-self-signed", tls.to_str().unwrap_or_default()]);
    assert!(hub.url.starts_with("https://127.0.0.1:"), "{}", hub.url);
    let cert = tls.join("hub.crt");
    let cert = cert.to_str().unwrap_or_default();

    // Pinned: provisioned and synced over HTTPS; the pin is saved with the hub address.
    let data = dir.path().join("kiosk");
    let code = hub.invite();
    let provisioned = kiosk(&["provision", "--hub", &hub.url, "--hub-ca", cert, "--code", &code], &data);
    assert!(provisioned.status.success(), "{}{}", stdout(&provisioned), stderr(&provisioned));
    let synced = kiosk(&["sync"], &data);
    assert!(synced.status.success(), "{}", stderr(&synced));
    assert!(stdout(&synced).contains("동기화 완료"), "{}", stdout(&synced));

    // The system's authorities do not vouch for a self-signed hub: refused before anything is sent.
    let untrusting = dir.path().join("untrusting");
    let refused = kiosk(&["provision", "--hub", &hub.url, "--code", &hub.invite()], &untrusting);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("[hub_unreachable]"), "{}", stderr(&refused));
    // Pinned to another hub's certificate: refused too.
    let other = dir.path().join("other-tls");
    baeum_hub::tls::ensure_self_signed(&other, &["127.0.0.1".to_owned()]).unwrap_or_else(|e| panic!("{e}"));
    let wrong_pin = other.join("hub.crt");
    let refused = kiosk(&["sync", "--hub", &hub.url, "--hub-ca", wrong_pin.to_str().unwrap_or_default()], &data);
    assert!(!refused.status.success() && stderr(&refused).contains("[hub_unreachable]"), "{}", stderr(&refused));

    // HTTP/2 where the client offers it (curl, as a browser or a kiosk would).
    let version = std::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_version}", "--http2", "--cacert", cert])
        .arg(format!("{}/health", hub.url))
        .output()
        .unwrap_or_else(|e| panic!("curl: {e}"));
    assert_eq!(String::from_utf8_lossy(&version.stdout), "2");
    let version = std::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_version}", "--http1.1", "--cacert", cert])
        .arg(format!("{}/health", hub.url))
        .output()
        .unwrap_or_else(|e| panic!("curl: {e}"));
    assert_eq!(String::from_utf8_lossy(&version.stdout), "1.1");

    // A connection that never starts its handshake is closed by the hub, like a silent one.
    let addr = hub.url.trim_start_matches("https://");
    let mut silent = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("{e}"));
    silent.set_read_timeout(Some(Duration::from_secs(30))).unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let mut buf = [0u8; 16];
    let read = silent.read(&mut buf);
    assert!(matches!(read, Ok(0) | Err(_)), "closed: {read:?}");
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(25), "closed after the header timeout, not the client's ({waited:?})");

    // One that agrees HTTP/2 and then says nothing is closed too (Python's TLS client, ALPN h2).
    let script = r#"
import socket, ssl, sys, time
host, port, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
context = ssl.create_default_context(cafile=ca)
context.set_alpn_protocols(["h2"])
with socket.create_connection((host, port)) as raw:
    with context.wrap_socket(raw, server_hostname=host) as tls:
        assert tls.selected_alpn_protocol() == "h2", tls.selected_alpn_protocol()
        tls.settimeout(40)
        started = time.monotonic()
        try:
            while tls.recv(4096):
                pass
        except (ConnectionResetError, ssl.SSLError):
            pass
        print(round(time.monotonic() - started))
"#;
    let (host, port) = addr.split_once(':').unwrap_or_default();
    let out = std::process::Command::new("python3")
        .args(["-c", script, host, port, cert])
        .output()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    assert!(out.status.success(), "{}", stderr(&out));
    let closed_after: u64 = stdout(&out).trim().parse().unwrap_or(u64::MAX);
    assert!(closed_after <= 15, "a silent HTTP/2 connection is closed in about 10 s, not {closed_after} s");
}

/// The kiosk refuses to send anything over plain HTTP beyond this machine.
#[test]
fn a_plain_http_hub_address_off_this_machine_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = kiosk(&["provision", "--hub", "http://hub.gm.go.kr"], &dir.path().join("kiosk"));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("[hub_url_invalid]") && stderr(&out).contains("https://"), "{}", stderr(&out));
}
