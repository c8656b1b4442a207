//! Binding and running the HTTP server; the bound address is reported so `--listen 127.0.0.1:0`
//! works for tests and for `make run`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use baeum_domain::{Clock, PublicUrl};

use crate::api::{HubState, router};
use crate::store::{self, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{addr}에서 연결을 받을 수 없습니다: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("비밀 키 파일 {path}를 쓸 수 없습니다: {source}")]
    Key { path: String, source: std::io::Error },
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
}

/// How the hub serves: plain HTTP (tests, a hub behind a TLS-terminating proxy) or HTTPS with
/// these PEM files.
#[derive(Debug, Clone, Default)]
pub enum Transport {
    #[default]
    Plain,
    Tls {
        cert: std::path::PathBuf,
        key: std::path::PathBuf,
    },
}

/// How often the hub releases overdue seats, holds draws and checks minimum enrolment.
pub const HOUSEKEEPING_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

async fn housekeeping_loop(state: HubState) {
    let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        tick.tick().await;
        match state.housekeeping().await {
            Ok(round) if round != crate::housekeeping::Round::default() => tracing::info!(?round, "housekeeping"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "housekeeping failed"),
        }
    }
}

/// Opens the database, binds `listen` and returns the bound address and the server future.
/// People's QR codes link to the listening address itself (see [`bind_public`]).
pub async fn bind<S: Future<Output = ()> + Send + 'static>(
    db: &store::Location,
    listen: SocketAddr,
    clock: Arc<dyn Clock>,
    shutdown: S,
) -> Result<(SocketAddr, impl Future<Output = std::io::Result<()>> + use<S>), ServeError> {
    bind_public(db, listen, None, Transport::Plain, clock, shutdown).await
}

/// Like [`bind`], with the public address people's phones reach the hub at (`None`: the
/// listening address, which only this machine or its network can open).
pub async fn bind_public<S: Future<Output = ()> + Send + 'static>(
    db: &store::Location,
    listen: SocketAddr,
    public: Option<PublicUrl>,
    transport: Transport,
    clock: Arc<dyn Clock>,
    shutdown: S,
) -> Result<(SocketAddr, impl Future<Output = std::io::Result<()>> + use<S>), ServeError> {
    let tls = match &transport {
        Transport::Plain => None,
        Transport::Tls { cert, key } => Some(tokio_rustls::TlsAcceptor::from(crate::tls::server_config(cert, key)?)),
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let conn = db.open()?;
    let listener =
        tokio::net::TcpListener::bind(listen).await.map_err(|source| ServeError::Bind { addr: listen, source })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind { addr: listen, source })?;
    // The certificate signing key lives beside the database, readable by the hub's user only.
    let key_path = db.secret_path("certificate-key")?;
    let signer = crate::certificates::HubSigner::load_or_create(&key_path)
        .map_err(|source| ServeError::Key { path: key_path.display().to_string(), source })?;
    // So is the PIN pepper: a copied database gives no PIN away without it.
    let pepper_path = db.secret_path("pin-pepper")?;
    let pepper = crate::pins::PinPepper::load_or_create(&pepper_path)
        .map_err(|source| ServeError::Key { path: pepper_path.display().to_string(), source })?;
    // Every hub process on one database signs with one key and checks PINs with one pepper.
    store::meta::check_secrets(&conn, &signer.key_id(), &pepper.fingerprint())?;
    let public = public.unwrap_or_else(|| {
        tracing::warn!(%addr, "no --public-url: QR codes link to the listening address, which phones cannot open");
        PublicUrl::unconfigured(&format!("{scheme}://{addr}"))
    });
    // Console cookies are Secure when the hub itself speaks TLS or sits behind an HTTPS address.
    let secure = scheme == "https" || public.as_str().starts_with("https://");
    let state = HubState::new(conn, clock)
        .with_signer(signer)
        .with_pepper(pepper)
        .with_public_url(public)
        .with_secure_cookies(secure);
    let app = router(state.clone());
    let rewrap = state.clone();
    let server = async move {
        // Verifiers an older hub stored bare are wrapped in the background; both forms check
        // meanwhile.
        tokio::spawn(async move {
            match rewrap.rewrap_stored_pins().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(learners = n, "stored PIN verifiers wrapped in Argon2id"),
                Err(e) => {
                    tracing::warn!(error = %e, "stored PIN verifiers could not all be wrapped; will try at the next start")
                }
            }
        });
        let housekeeping = tokio::spawn(housekeeping_loop(state));
        let served = crate::limits::serve(listener, app, tls, shutdown).await;
        housekeeping.abort();
        served
    };
    Ok((addr, server))
}
