//! A fault-injecting HTTP proxy on loopback, between kiosks and the hub. Each request (one per
//! connection) is passed, dropped before the hub sees it, dropped after the hub answered, delayed,
//! reset, sent twice, or held back and delivered after the next one — chosen by a seeded RNG until
//! the proxy is healed. It speaks just enough HTTP/1.1 for that: it reads a request's head and
//! `Content-Length` body and asks the hub to close after answering.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    Pass,
    DropRequest,
    DropResponse,
    Delay,
    Reset,
    Duplicate,
    Reorder,
}

#[derive(Debug)]
struct Shared {
    upstream: String,
    healed: AtomicBool,
    rng: Mutex<ChaCha8Rng>,
    injected: Mutex<BTreeMap<Fault, usize>>,
    /// A request held back by `Reorder`, delivered after the next one.
    held: tokio::sync::Mutex<Option<Vec<u8>>>,
}

#[derive(Debug)]
pub struct FaultProxy {
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Proxies to `upstream` (`host:port`) with faults drawn from `seed`.
    pub async fn start(upstream: &str, seed: u64) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
        let url = format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
        let shared = Arc::new(Shared {
            upstream: upstream.trim_start_matches("http://").to_owned(),
            healed: AtomicBool::new(false),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
            injected: Mutex::new(BTreeMap::new()),
            held: tokio::sync::Mutex::new(None),
        });
        let s = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                let s = Arc::clone(&s);
                tokio::spawn(async move {
                    let _ = handle(&s, conn).await;
                });
            }
        });
        FaultProxy { url, shared, task }
    }

    /// From now on every request passes (and a held-back one is delivered).
    pub async fn heal(&self) {
        self.shared.healed.store(true, Ordering::SeqCst);
        if let Some(held) = self.shared.held.lock().await.take() {
            let _ = forward(&self.shared.upstream, &held).await;
        }
    }

    /// How many times each fault was injected.
    pub fn injected(&self) -> BTreeMap<Fault, usize> {
        self.shared.injected.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn choose(s: &Shared) -> Fault {
    if s.healed.load(Ordering::SeqCst) {
        return Fault::Pass;
    }
    let roll = s.rng.lock().unwrap_or_else(|p| p.into_inner()).random_range(0..100);
    let fault = match roll {
        0..40 => Fault::Pass,
        40..50 => Fault::DropRequest,
        50..60 => Fault::DropResponse,
        60..70 => Fault::Delay,
        70..80 => Fault::Reset,
        80..90 => Fault::Duplicate,
        _ => Fault::Reorder,
    };
    *s.injected.lock().unwrap_or_else(|p| p.into_inner()).entry(fault).or_default() += 1;
    fault
}

async fn handle(s: &Shared, mut conn: TcpStream) -> std::io::Result<()> {
    let Some(request) = read_request(&mut conn).await? else { return Ok(()) };
    let fault = choose(s);
    let answer = match fault {
        Fault::Pass => Some(forward_after_held(s, &request).await?),
        Fault::DropRequest => {
            // Lost on the way: the client hears nothing until its own timeout.
            tokio::time::sleep(Duration::from_secs(5)).await;
            None
        }
        Fault::DropResponse => {
            forward_after_held(s, &request).await?;
            None
        }
        Fault::Delay => {
            let ms = s.rng.lock().unwrap_or_else(|p| p.into_inner()).random_range(50..400);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Some(forward_after_held(s, &request).await?)
        }
        Fault::Reset => {
            // Linger 0 makes the close send RST at once (deprecated because a non-zero linger
            // would block the thread on drop; zero never does).
            #[allow(deprecated)]
            conn.set_linger(Some(Duration::ZERO))?;
            None
        }
        Fault::Duplicate => {
            forward_after_held(s, &request).await?;
            Some(forward(&s.upstream, &request).await?)
        }
        Fault::Reorder => {
            let previous = s.held.lock().await.replace(request);
            if let Some(previous) = previous {
                let _ = forward(&s.upstream, &previous).await;
            }
            None
        }
    };
    if let Some(answer) = answer {
        conn.write_all(&answer).await?;
        conn.shutdown().await?;
    }
    Ok(())
}

/// Forwards `request`, then delivers a held-back request (so it arrives after a newer one).
async fn forward_after_held(s: &Shared, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let answer = forward(&s.upstream, request).await?;
    if let Some(held) = s.held.lock().await.take() {
        let _ = forward(&s.upstream, &held).await;
    }
    Ok(answer)
}

async fn forward(upstream: &str, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut hub = TcpStream::connect(upstream).await?;
    hub.write_all(request).await?;
    let mut answer = Vec::new();
    hub.read_to_end(&mut answer).await?;
    Ok(answer)
}

/// Reads one request; rewrites its `Connection` header to `close`. None if the client left.
async fn read_request(conn: &mut TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut out: Vec<u8> = Vec::with_capacity(buf.len() + 20);
    for line in head.trim_end().split("\r\n") {
        if line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out.extend_from_slice(&buf[head_end..head_end + length]);
    Ok(Some(out))
}
