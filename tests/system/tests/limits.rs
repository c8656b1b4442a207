//! The limits of the real hub process (issue: a hub that trusts no one): slow and idle
//! connections are closed and never keep `/health` from answering, and a caller over its
//! address's rate limit gets `429` with `Retry-After` in the hub's Korean `{code, message}`.
//! Loopback only and bounded: a few hundred sockets, each case under half a minute.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use baeum_system_tests::HubProcess;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

fn addr(hub: &HubProcess) -> SocketAddr {
    hub.url.trim_start_matches("http://").parse().unwrap_or_else(|e| panic!("{e}"))
}

/// One `GET path` on a new connection from `from`; the status and the whole answer.
async fn get_from(from: std::net::IpAddr, to: SocketAddr, path: &str) -> (u16, String) {
    let socket = TcpSocket::new_v4().unwrap_or_else(|e| panic!("{e}"));
    socket.bind(SocketAddr::new(from, 0)).unwrap_or_else(|e| panic!("{e}"));
    let mut stream = socket.connect(to).await.unwrap_or_else(|e| panic!("{e}"));
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap_or_else(|e| panic!("{e}"));
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, answer)
}

/// `/health` from 127.0.0.1, within `limit`.
async fn health_within(to: SocketAddr, limit: Duration) -> bool {
    matches!(tokio::time::timeout(limit, get_from([127, 0, 0, 1].into(), to, "/health")).await, Ok((200, _)))
}

/// Whether the hub closed `stream` (end of file, or reset) within `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 512];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_are_cut_off_and_health_answers_meanwhile() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hub = HubProcess::start_demo(dir.path());
    let to = addr(&hub);
    let started = Instant::now();
    let mut slow = Vec::new();
    for _ in 0..300 {
        let mut s = TcpStream::connect(to).await.unwrap_or_else(|e| panic!("{e}"));
        // A request head that never ends.
        s.write_all(b"GET /health HTTP/1.1\r\nHost: hub\r\nX-Slow: ").await.unwrap_or_else(|e| panic!("{e}"));
        slow.push(s);
    }
    assert!(health_within(to, Duration::from_secs(3)).await, "/health answers beside 300 slow connections");
    for s in &mut slow {
        let _ = s.write_all(b"a").await;
    }
    let limit = baeum_hub::limits::HEADER_TIMEOUT + Duration::from_secs(5);
    for (i, s) in slow.iter_mut().enumerate() {
        let left = limit.saturating_sub(started.elapsed());
        assert!(closed_within(s, left).await, "slow connection {i} still open after {:?}", started.elapsed());
    }
    assert!(health_within(to, Duration::from_secs(3)).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_idle_connections_than_the_cap_do_not_silence_health() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hub = HubProcess::start_demo(dir.path());
    let to = addr(&hub);
    let mut idle = Vec::new();
    for _ in 0..baeum_hub::limits::MAX_CONNECTIONS + 100 {
        idle.push(TcpStream::connect(to).await.unwrap_or_else(|e| panic!("{e}")));
    }
    // The cap is full of sockets that say nothing: they are closed at the header timeout, and
    // /health is served as soon as a place is free.
    let limit = baeum_hub::limits::HEADER_TIMEOUT + Duration::from_secs(8);
    assert!(health_within(to, limit).await, "/health answered within {limit:?}");
    let mut closed = 0;
    for s in idle.iter_mut().take(50) {
        closed += usize::from(closed_within(s, Duration::from_secs(5)).await);
    }
    assert_eq!(closed, 50, "idle connections are closed by the hub");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_from_one_address_gets_429_with_retry_after_and_others_are_served() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hub = HubProcess::start_demo(dir.path());
    let to = addr(&hub);
    let stranger: std::net::IpAddr = [127, 0, 0, 2].into();
    let mut limited = None;
    for _ in 0..baeum_hub::limits::BURST * 2 {
        let (status, answer) = get_from(stranger, to, "/health").await;
        if status == 429 {
            limited = Some(answer);
            break;
        }
        assert_eq!(status, 200, "{answer}");
    }
    let answer = limited.unwrap_or_else(|| panic!("no 429 within twice the burst"));
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_default();
    let retry_after = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("retry-after:").map(|v| v.trim().to_owned()))
        .unwrap_or_else(|| panic!("no Retry-After: {head}"));
    assert!(retry_after.parse::<u64>().is_ok_and(|s| (1..=60).contains(&s)), "{retry_after}");
    let error: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(error["code"], "rate_limited");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("다시 시도해 주세요")), "{error}");
    // Another address is not held up by the first one's burst.
    assert_eq!(get_from([127, 0, 0, 3].into(), to, "/health").await.0, 200);
    assert!(health_within(to, Duration::from_secs(3)).await);
}
