//! What keeps one caller from taking the hub away from everyone else: its own accept loop with a
//! header read timeout (slowloris) and a cap on open connections (idle sockets), a timeout on
//! reading a request body, and a rate limit per client address answered with `429` and
//! `Retry-After`, which kiosks honour.
//!
//! `axum::serve` installs no timer, so hyper's header timeout never fires under it; hence the
//! loop here, on hyper's HTTP/1.1 server with hyper-util's graceful shutdown. (Not hyper-util's
//! auto builder: while it waits to tell HTTP/1.1 from HTTP/2 no timeout applies, so a socket
//! that sends nothing stays open for good. HTTP/2 comes with TLS, where ALPN says which, after a
//! handshake held to the same deadline.)

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use baeum_domain::ErrorCode;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;

/// A client must send a whole request head within this, from the moment it connects: a
/// connection that sends nothing, or a header a byte at a time, is closed.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Open connections at most. Below the usual limit of 1,024 open files, with room for the
/// database, its WAL and the log; further callers wait in the kernel's queue until one closes.
pub const MAX_CONNECTIONS: usize = 768;
/// The longest an HTTP/2 connection stays open (hyper's HTTP/2 server has no idle timeout; its
/// pings only find peers that are gone, not ones that stay and say nothing). A kiosk simply opens
/// a new one; what was under way when the time is up is cut, and kiosks retry.
pub const H2_MAX_AGE: Duration = Duration::from_secs(600);

/// Requests handled at once; more wait their turn (bounded by [`MAX_CONNECTIONS`] and the
/// timeouts). HTTP/2 carries several per connection, so connections alone do not bound them.
pub const MAX_REQUESTS: usize = 256;
/// A request body must arrive within this (the largest, an outbox batch, is far smaller).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// Requests per second per client address, sustained, and the burst allowed above it. A
/// community centre's kiosks behind one address sync every few minutes and upload in batches;
/// phones open one page at a time.
pub const PER_SECOND: u32 = 20;
pub const BURST: u32 = 100;

/// Accepts connections on `listener` until `shutdown`, serving `app` on each — over TLS when
/// `tls` is given (HTTP/2 or HTTP/1.1 as ALPN agreed), else plain HTTP/1.1 — then lets the
/// requests under way finish (for at most 10 s).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin;
                    // the connections already open carry on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Without TCP_NODELAY the last segment of a multi-megabyte answer can sit out the
        // client's delayed ACK (≈ 40 ms on Linux): it was a third of a cold sync on loopback.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::warn!(error = %e, "TCP_NODELAY not set");
        }
        let service =
            tower::ServiceExt::map_request(app.clone(), move |mut request: Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        // Told when the connection's first request arrives: an HTTP/2 client must send one within
        // the header timeout, as an HTTP/1.1 client must send its head.
        let (first_request, mut first) = tokio::sync::watch::channel(false);
        let service = tower::ServiceExt::map_request(service, move |request: Request<hyper::body::Incoming>| {
            first_request.send_replace(true);
            request
        });
        let service = TowerToHyperService::new(service);
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            let served = match tls {
                None => watcher.watch(http1().serve_connection(TokioIo::new(stream), service)).await,
                Some(acceptor) => {
                    // The handshake has the same deadline as a request head: a client that
                    // opens a connection and stalls in TLS is closed like one that sends nothing.
                    let stream = match tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(stream)) => stream,
                        Ok(Err(e)) => {
                            tracing::debug!(error = %e, "TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!("TLS handshake timed out");
                            return;
                        }
                    };
                    let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
                    if h2 {
                        let mut builder = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
                        // Streams per connection: a kiosk needs a few, not hyper's 200. Pings find
                        // a peer that vanished.
                        builder
                            .timer(TokioTimer::new())
                            .max_concurrent_streams(32)
                            .keep_alive_interval(Some(Duration::from_secs(30)))
                            .keep_alive_timeout(Duration::from_secs(10));
                        let connection = watcher.watch(builder.serve_connection(TokioIo::new(stream), service));
                        let silent = async move {
                            let spoke = tokio::time::timeout(HEADER_TIMEOUT, async move {
                                first.wait_for(|seen| *seen).await.map(|_| ())
                            })
                            .await;
                            if spoke.is_ok() {
                                tokio::time::sleep(H2_MAX_AGE.saturating_sub(HEADER_TIMEOUT)).await;
                            }
                        };
                        tokio::select! {
                            served = connection => served,
                            () = silent => {
                                tracing::debug!("HTTP/2 connection closed: silent or too old");
                                Ok(())
                            }
                        }
                    } else {
                        watcher.watch(http1().serve_connection(TokioIo::new(stream), service)).await
                    }
                }
            };
            if let Err(e) = served {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still under way at shutdown were cut off");
    }
    Ok(())
}

/// HTTP/1.1 whose request heads must arrive within [`HEADER_TIMEOUT`].
fn http1() -> hyper::server::conn::http1::Builder {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
    builder
}

/// A rate limit per key (GCRA): `per_second` sustained, `burst` above it.
#[derive(Debug)]
struct Keyed<K: std::hash::Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
}

impl<K: std::hash::Hash + Eq + Clone> Keyed<K> {
    fn new(per_second: u32, burst: u32) -> Self {
        let quota = Quota::per_second(NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
        Self { limiter: DefaultKeyedRateLimiter::keyed(quota) }
    }

    /// Whether `key` may make a request now, or how many seconds it should wait.
    fn check(&self, key: &K) -> Result<(), u64> {
        self.limiter.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// One rate limit per client address.
#[derive(Debug)]
pub struct AddressLimit(Keyed<IpAddr>);

impl Default for AddressLimit {
    fn default() -> Self {
        Self(Keyed::new(PER_SECOND, BURST))
    }
}

impl AddressLimit {
    /// Whether `ip` may make a request now, or how many seconds it should wait.
    fn check(&self, ip: IpAddr) -> Result<(), u64> {
        if ip == IpAddr::from([127, 0, 0, 1]) || ip == IpAddr::from(std::net::Ipv6Addr::LOCALHOST) {
            // The hub's own machine talking to itself: the operator's tools and local load
            // tests. (Only these two addresses: the rest of 127/8 is limited like anyone.)
            return Ok(());
        }
        self.0.check(&ip)
    }
}

/// Requests per second per kiosk, sustained, and the burst above it: a kiosk behind a shared
/// address is held to its own share, and a stolen credential cannot use a whole address's.
pub const DEVICE_PER_SECOND: u32 = 10;
pub const DEVICE_BURST: u32 = 60;

/// One rate limit per kiosk (by the id its credential names), wherever it calls from.
#[derive(Debug)]
pub struct DeviceLimit(Keyed<String>);

impl Default for DeviceLimit {
    fn default() -> Self {
        Self(Keyed::new(DEVICE_PER_SECOND, DEVICE_BURST))
    }
}

impl DeviceLimit {
    /// Whether `kiosk` may make a request now, or how many seconds it should wait.
    pub fn check(&self, kiosk: &str) -> Result<(), u64> {
        self.0.check(&kiosk.to_owned())
    }
}

/// `429 rate_limited` with `Retry-After`, in the hub's `{code, message}` form.
pub fn too_many(wait: u64) -> Response {
    let wait = wait.max(1);
    tracing::info!(code = ErrorCode::RateLimited.as_str(), wait, "rate limited");
    let mut response = crate::api::rate_limited(wait).into_response();
    if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The middleware: a caller over its address's limit gets `429 rate_limited` with
/// `Retry-After`, in the hub's `{code, message}` form.
pub async fn by_address(State(limit): State<Arc<AddressLimit>>, request: Request, next: Next) -> Response {
    // Requests come through `serve`, which always says who is calling; a router driven some
    // other way (a test's own server) has no address to limit.
    let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() else {
        return next.run(request).await;
    };
    match limit.check(peer.ip()) {
        Ok(()) => next.run(request).await,
        Err(wait) => too_many(wait),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kiosk_over_its_burst_waits_and_other_kiosks_do_not() {
        let limit = DeviceLimit::default();
        for i in 0..DEVICE_BURST {
            assert_eq!(limit.check("k-hall"), Ok(()), "request {i} is within the burst");
        }
        assert!(limit.check("k-hall").is_err());
        assert_eq!(limit.check("k-desk"), Ok(()));
    }

    #[test]
    fn an_address_over_its_burst_is_told_how_long_to_wait_and_loopback_is_not_limited() {
        let limit = AddressLimit::default();
        let stranger: IpAddr = "192.0.2.7".parse().unwrap_or_else(|e| panic!("{e}"));
        let neighbour: IpAddr = "192.0.2.8".parse().unwrap_or_else(|e| panic!("{e}"));
        for i in 0..BURST {
            assert_eq!(limit.check(stranger), Ok(()), "request {i} is within the burst");
        }
        let wait = limit.check(stranger).err().unwrap_or_else(|| panic!("over the burst"));
        assert!((0..=1).contains(&wait), "{wait}");
        assert_eq!(limit.check(neighbour), Ok(()), "another address has its own limit");
        let local: IpAddr = "127.0.0.1".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!((0..BURST * 2).all(|_| limit.check(local).is_ok()));
        let other_loopback: IpAddr = "127.0.0.2".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!((0..BURST * 2).any(|_| limit.check(other_loopback).is_err()));
    }
}
