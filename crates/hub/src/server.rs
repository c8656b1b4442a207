//! Binding and running the HTTP server; the bound address is reported so `--listen 127.0.0.1:0`
//! works for tests and for `make run`.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use baeum_domain::Clock;

use crate::api::{HubState, router};
use crate::store::{self, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{addr}에서 연결을 받을 수 없습니다: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

/// Opens the database, binds `listen` and returns the bound address and the server future.
pub async fn bind<S: Future<Output = ()> + Send + 'static>(
    db: &Path,
    listen: SocketAddr,
    clock: Arc<dyn Clock>,
    shutdown: S,
) -> Result<(SocketAddr, impl Future<Output = std::io::Result<()>> + use<S>), ServeError> {
    let conn = store::open(db)?;
    let listener =
        tokio::net::TcpListener::bind(listen).await.map_err(|source| ServeError::Bind { addr: listen, source })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind { addr: listen, source })?;
    let app = router(HubState::new(conn, clock));
    let server = async move { axum::serve(listener, app).with_graceful_shutdown(shutdown).await };
    Ok((addr, server))
}
