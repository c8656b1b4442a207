//! `baeum-hub`: serve the hub API, or load catalog data into its database.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use baeum_domain::{Clock, SystemClock};
use baeum_hub::store::catalog::{self, CatalogBatch};
use baeum_hub::{demo, feed, server, store};
use clap::{Args, Parser, Subcommand};
use std::io::Write;

#[derive(Debug, Parser)]
#[command(name = "baeum-hub", version, about = "Baeum hub: the system of record kiosks sync with")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the hub API.
    Serve {
        /// SQLite database file (created and migrated on first run).
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: PathBuf,
        /// Address to listen on; port 0 picks a free port (the bound address is printed).
        #[arg(long, env = "BAEUM_HUB_LISTEN", default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
    },
    /// Load catalog data (all or nothing).
    Seed {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: PathBuf,
        #[command(flatten)]
        source: SeedSource,
    },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
struct SeedSource {
    /// The Gwangmyeong demo catalog, dated around today.
    #[arg(long, conflicts_with_all = ["synthetic", "institutions"])]
    demo: bool,
    /// N generated courses for benchmarks.
    #[arg(long, value_name = "N", conflicts_with = "institutions")]
    synthetic: Option<usize>,
    /// Institutions feed (CSV).
    #[arg(long, value_name = "FILE")]
    institutions: Option<PathBuf>,
    /// Places feed (CSV).
    #[arg(long, value_name = "FILE", requires = "institutions")]
    places: Option<PathBuf>,
    /// Courses feed (CSV).
    #[arg(long, value_name = "FILE", requires = "institutions")]
    courses: Option<PathBuf>,
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("{}을(를) 읽을 수 없습니다", path.display()))
}

fn load_feeds(source: &SeedSource) -> anyhow::Result<CatalogBatch> {
    let today = SystemClock.now_kst().date_naive();
    if source.demo {
        return Ok(demo::demo_catalog(today)?);
    }
    if let Some(n) = source.synthetic {
        return Ok(demo::synthetic_catalog(n, today)?);
    }
    let mut batch = CatalogBatch::default();
    if let Some(path) = &source.institutions {
        batch.institutions = feed::parse_institutions(&path.display().to_string(), &read(path)?)?;
    }
    if let Some(path) = &source.places {
        batch.places = feed::parse_places(&path.display().to_string(), &read(path)?)?;
    }
    if let Some(path) = &source.courses {
        batch.courses = feed::parse_courses(&path.display().to_string(), &read(path)?)?;
    }
    Ok(batch)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { db, listen } => {
            let clock: Arc<dyn Clock> = Arc::new(SystemClock);
            let (addr, server) = server::bind(&db, listen, clock, shutdown_signal()).await?;
            // Tests and `make run` read this line to learn the port.
            println!("listening on http://{addr}");
            std::io::stdout().flush()?;
            tracing::info!(%addr, db = %db.display(), "hub serving");
            server.await?;
        }
        Command::Seed { db, source } => {
            let batch = load_feeds(&source)?;
            let mut conn = store::open(&db)?;
            let summary = catalog::apply(&mut conn, &batch)?;
            println!(
                "기관 {}곳, 장소 {}곳, 강좌 {}개를 읽었습니다 — 새로 추가 {}, 변경 {}, 그대로 {}",
                batch.institutions.len(),
                batch.places.len(),
                batch.courses.len(),
                summary.added,
                summary.updated,
                summary.unchanged
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("BAEUM_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("baeum-hub: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("baeum-hub: {e:#}");
            ExitCode::FAILURE
        }
    }
}
