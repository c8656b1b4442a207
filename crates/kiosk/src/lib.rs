//! baeum-kiosk: everything a kiosk does, without Tauri — local store, hub sync, catalog
//! browsing, enrollment through an outbox. The app shell and the admin command line are thin
//! layers over [`Kiosk`].

pub mod attendance;
pub mod browse;
pub mod certificate_pdf;
pub mod certificates;
pub mod club_pdf;
pub mod clubs;
pub mod config;
pub mod enrollment;
pub mod error;
pub mod heartbeat;
pub mod hello;
pub mod history_pdf;
pub mod hub_client;
pub mod learners;
pub mod live;
pub mod live_pdf;
pub mod offline_certificates;
pub mod on_duty;
mod outcomes;
pub mod printing;
pub mod provisioning;
pub mod receipt_pdf;
pub mod rental;
pub mod rental_pdf;
pub mod retention;
pub mod schedule;
pub mod search;
pub mod secrets;
mod slip_pdf;
pub mod staff;
pub mod store;
pub mod subsidy;
pub mod subsidy_pdf;
pub mod sync;
pub mod upload;
pub mod video_pdf;
pub mod videos;
pub mod voice;

use std::sync::{Arc, Mutex, RwLock};

use baeum_domain::Clock;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

pub use browse::{CatalogPage, CourseCard};
pub use config::{DataDir, KioskConfig};
pub use enrollment::EnrollmentCard;
pub use error::{ErrorView, KioskError};
pub use hub_client::{HubClient, HubSession, HubUrl};
pub use learners::{LearnerSummary, RegistrationForm, SignedIn};
pub use search::{SearchIndex, SearchQuery};
pub use store::enrollments::LocalEnrollment;
pub use sync::SyncReport;
pub use upload::ExchangeReport;

/// Sync state as the UI and `baeum-kiosk status --json` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    pub hub_url: String,
    /// The last sync attempt reached the hub and succeeded.
    pub online: bool,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    /// When the hub produced the catalog the kiosk holds.
    pub catalog_as_of: Option<DateTime<Utc>>,
    pub last_error: Option<ErrorView>,
    pub courses: u64,
    pub institutions: u64,
    pub cursor: u64,
    /// Changes the hub had that this kiosk has not applied yet, as last heard from the hub.
    pub behind: Option<u64>,
    pub kiosk_id: String,
    /// This kiosk holds a device credential from the hub (`baeum-kiosk provision --code`).
    pub provisioned: bool,
    /// Applications, cancellations and payments recorded here and not yet answered by the hub.
    pub pending_intents: u64,
    /// The device key for offline (provisional) certificates, if this kiosk has one.
    pub device_key: Option<store::offline_certificates::DeviceKey>,
    /// Notices from the console for the welcome screen (e.g. 오늘 오후 3시 정전 예정).
    pub notices: Vec<baeum_domain::fleet::KioskNotice>,
}

/// The local catalog compared with the hub's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub equal: bool,
    pub local_records: u64,
    pub local_sha256: String,
    pub local_cursor: u64,
    pub hub_records: u64,
    pub hub_sha256: String,
    pub hub_cursor: u64,
}

/// One kiosk: its local database, its hub and its clock.
#[derive(Debug)]
pub struct Kiosk {
    db: Mutex<Connection>,
    hub: HubClient,
    clock: Arc<dyn Clock>,
    /// One sync at a time (background timer and the staff's "sync now" may meet).
    syncing: tokio::sync::Mutex<()>,
    /// Rebuilt whenever a sync changes the catalog; searches share the current one.
    index: RwLock<Arc<SearchIndex>>,
    cards: Mutex<browse::CourseCache>,
    /// The video list decoded with its search text, built on first use after each change.
    videos: RwLock<Option<Arc<videos::VideoIndex>>>,
    kiosk_id: baeum_domain::KioskId,
    /// One outbox upload at a time, so answers are recorded in order.
    uploading: tokio::sync::Mutex<()>,
    /// Outcomes stored at the hub have been fetched once since start-up.
    recovered: std::sync::atomic::AtomicBool,
    /// One pass over the print queue at a time.
    printing: tokio::sync::Mutex<()>,
    /// The seat board as last heard from the hub, for the cards (read on every keystroke).
    seats: RwLock<Arc<std::collections::HashMap<String, store::seats::SeatCount>>>,
    /// Where the device key lives (the OS keyring; a memory store in tests).
    secrets: Arc<dyn secrets::SecretStore>,
    /// How long a learner's details stay after they were last needed (see `retention`).
    keep_personal: chrono::Duration,
    /// The notices the hub sent with its last heartbeat answer (see `heartbeat`).
    notices: RwLock<Vec<baeum_domain::fleet::KioskNotice>>,
}

impl Kiosk {
    /// Opens (creating if needed) the kiosk database in `data_dir`.
    pub fn open(data_dir: &DataDir, hub: HubUrl, clock: Arc<dyn Clock>) -> Result<Self, KioskError> {
        Self::open_with_client(data_dir, HubClient::new(hub)?, clock)
    }

    /// Like [`Kiosk::open`] with a prepared hub client (e.g. other timeouts).
    pub fn open_with_client(data_dir: &DataDir, hub: HubClient, clock: Arc<dyn Clock>) -> Result<Self, KioskError> {
        data_dir.ensure()?;
        // The database key is the data folder's own secret, whatever store `with_secrets` puts
        // the other secrets in later: it is needed before anything else can be read.
        let conn = data_dir.open_database()?;
        let secrets = secrets::default_store(data_dir);
        let index = browse::build_index(&conn)?;
        let kiosk_id = store::identity::get_or_create(&conn)?;
        let seats = RwLock::new(Arc::new(store::seats::all(&conn)?));
        let kiosk = Self {
            seats,
            kiosk_id,
            uploading: tokio::sync::Mutex::new(()),
            recovered: std::sync::atomic::AtomicBool::new(false),
            printing: tokio::sync::Mutex::new(()),
            db: Mutex::new(conn),
            hub,
            clock,
            syncing: tokio::sync::Mutex::new(()),
            index: RwLock::new(Arc::new(index)),
            cards: Mutex::new(browse::CourseCache::default()),
            videos: RwLock::new(None),
            secrets,
            keep_personal: chrono::Duration::days(config::DEFAULT_KEEP_PERSONAL_DAYS.into()),
            notices: RwLock::default(),
        };
        kiosk.load_credential();
        Ok(kiosk)
    }

    /// Keeps secrets in `store` instead of the OS keyring (tests, or a kiosk without one).
    pub fn with_secrets(mut self, store: Arc<dyn secrets::SecretStore>) -> Self {
        self.secrets = store;
        self.load_credential();
        self
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Pulls the catalog from the hub. On any failure the local catalog stays as it was.
    pub async fn sync_now(&self) -> Result<SyncReport, KioskError> {
        let _one_at_a_time = self.syncing.lock().await;
        let mut report = sync::sync_once(&self.db, &self.hub, self.clock.as_ref()).await?;
        if report.changes_applied > 0 {
            self.refresh_index(&mut report)?;
        }
        // 동영상 강좌 come with the catalog (one small answer when unchanged), not with every
        // exchange after a person's action. A hub without them (older) or a bad list leaves the
        // kiosk's list as it was, and the catalog sync still counts.
        if let Err(e) = self.refresh_videos().await {
            tracing::info!(code = %e.code(), detail = e.detail().as_deref(), "could not refresh the video list; will try again");
        }
        Ok(report)
    }

    /// Brings the search index up to date after a sync: in place for course changes, rebuilt
    /// after a snapshot or when institution or place names changed.
    fn refresh_index(&self, report: &mut SyncReport) -> Result<(), KioskError> {
        self.cards.lock().unwrap_or_else(|p| p.into_inner()).clear();
        use baeum_domain::protocol::CatalogChange;
        let names_changed = report
            .changes
            .iter()
            .any(|c| matches!(c, CatalogChange::UpsertInstitution { .. } | CatalogChange::UpsertPlace { .. }));
        let mut fresh = match (report.fresh_index.take(), names_changed) {
            (Some(index), false) => Some(*index),
            _ if report.mode == sync::SyncMode::Snapshot || names_changed => {
                let index = Arc::new(browse::build_index(&self.conn())?);
                *self.index.write().unwrap_or_else(|p| p.into_inner()) = index;
                return Ok(());
            }
            _ => None,
        };
        // A course can change twice across pages of one sync; the later change wins.
        let mut last: std::collections::HashMap<&str, Option<&baeum_domain::Course>> = std::collections::HashMap::new();
        for change in &report.changes {
            match change {
                CatalogChange::UpsertCourse { course } => {
                    last.insert(course.id.as_str(), Some(course));
                }
                CatalogChange::DeleteCourse { id } => {
                    last.insert(id.as_str(), None);
                }
                CatalogChange::UpsertInstitution { .. } | CatalogChange::UpsertPlace { .. } => {}
            }
        }
        let upserts: Vec<baeum_domain::Course> = last.values().flatten().map(|c| (*c).clone()).collect();
        let removed: Vec<String> = last.iter().filter(|(_, c)| c.is_none()).map(|(id, _)| (*id).to_owned()).collect();
        let mut guard = self.index.write().unwrap_or_else(|p| p.into_inner());
        match fresh.as_mut() {
            Some(index) => {
                if !report.changes.is_empty() {
                    index.apply(&upserts, &removed);
                }
                *guard = Arc::new(fresh.take().unwrap_or_default());
            }
            None => Arc::make_mut(&mut guard).apply(&upserts, &removed),
        }
        Ok(())
    }

    pub fn status(&self) -> Result<SyncStatus, KioskError> {
        let conn = self.conn();
        let state = store::sync_state::get(&conn)?;
        let last_error = state.last_error_code.map(|code| {
            ErrorView::new(
                // A code this build does not know (written by a newer one) reads as unexpected.
                baeum_domain::ErrorCode::parse(&code).unwrap_or(baeum_domain::ErrorCode::Unexpected),
                state.last_error_detail.unwrap_or_default(),
            )
        });
        Ok(SyncStatus {
            hub_url: self.hub.base().as_str().to_owned(),
            online: last_error.is_none() && state.last_success_at.is_some(),
            last_attempt_at: state.last_attempt_at,
            last_success_at: state.last_success_at,
            catalog_as_of: state.catalog_as_of,
            last_error,
            courses: store::courses::count(&conn)?,
            institutions: store::institutions::count(&conn)?,
            cursor: state.cursor,
            behind: state.hub_head.map(|head| head.saturating_sub(state.cursor)),
            kiosk_id: self.kiosk_id.to_string(),
            provisioned: self.hub.has_credential(),
            pending_intents: store::outbox::counts(&conn)?.pending,
            device_key: store::offline_certificates::device_key(&conn)?,
            notices: self.notices(),
        })
    }

    /// Syncs now and then forever: after `interval` when it worked, sooner (backoff with jitter)
    /// when it did not, and at once when `wake` is notified (network back, staff asked).
    /// `report` hears every attempt.
    pub async fn sync_forever(
        &self,
        interval: std::time::Duration,
        wake: &tokio::sync::Notify,
        mut report: impl FnMut(Result<&SyncReport, &KioskError>),
    ) {
        let mut schedule = schedule::SyncSchedule::new(interval);
        loop {
            let mut outcome = self.sync_now().await;
            // The outbox goes up even when the catalog could not come down (and vice versa the
            // catalog error is what the banner shows, since it says the line is down).
            if let Err(e) = self.exchange().await {
                tracing::warn!(code = %e.code(), detail = e.detail().as_deref(), "exchange with the hub failed");
                if outcome.is_ok() {
                    outcome = Err(e);
                }
            }
            report(outcome.as_ref());
            if let Err(e) = self.purge_personal_data() {
                tracing::warn!(code = %e.code(), detail = e.detail().as_deref(), "purging personal data failed");
            }
            // Jobs for a printer that was off go out once it answers again.
            if self.has_open_print_jobs().unwrap_or(false)
                && let Err(e) = self.drive_printer().await
            {
                tracing::warn!(code = %e.code(), detail = e.detail().as_deref(), "print queue pass failed");
            }
            let delay = match &outcome {
                Ok(_) => schedule.after_success(),
                Err(KioskError::HubBusy { retry_after_secs }) => {
                    schedule.after_busy(std::time::Duration::from_secs(*retry_after_secs))
                }
                Err(_) => schedule.after_failure(),
            };
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = wake.notified() => {}
            }
        }
    }

    /// Where people's phones reach the hub: the address every QR code links to. The hub says it
    /// (`/health`); until it has, the address this kiosk syncs over.
    pub fn public_url(&self) -> Result<baeum_domain::PublicUrl, KioskError> {
        self.public_url_in(&self.conn())
    }

    /// [`Kiosk::public_url`] with the database already locked.
    fn public_url_in(&self, conn: &Connection) -> Result<baeum_domain::PublicUrl, KioskError> {
        Ok(store::sync_state::public_url(conn)?
            .unwrap_or_else(|| baeum_domain::PublicUrl::unconfigured(self.hub.base().as_str())))
    }

    /// Asks the hub for its public address and keeps it for offline use.
    pub async fn refresh_public_url(&self) -> Result<(), KioskError> {
        if let Some(public) = self.hub.health().await?.public_url {
            store::sync_state::set_public_url(&self.conn(), &public)?;
        }
        Ok(())
    }

    /// Number of records and SHA-256 digest of the local catalog, comparable with the hub's.
    pub fn catalog_checksum(&self) -> Result<(u64, String), KioskError> {
        Ok(store::catalog::checksum(&self.conn())?)
    }

    /// Compares the local catalog with the hub's (equal once the kiosk has caught up).
    pub async fn verify(&self) -> Result<Verification, KioskError> {
        let hub = self.hub.checksum().await?;
        let (local_records, local_sha256) = self.catalog_checksum()?;
        let local_cursor = store::sync_state::get(&self.conn())?.cursor;
        Ok(Verification {
            equal: local_sha256 == hub.sha256,
            local_records,
            local_sha256,
            local_cursor,
            hub_records: hub.records,
            hub_sha256: hub.sha256,
            hub_cursor: hub.cursor,
        })
    }

    /// The current search index (shared; rebuilt or updated by syncs).
    pub fn index(&self) -> Arc<SearchIndex> {
        Arc::clone(&self.index.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Searches the local catalog (works offline).
    pub fn search(&self, query: &SearchQuery) -> Result<CatalogPage, KioskError> {
        let index = Arc::clone(&self.index.read().unwrap_or_else(|p| p.into_inner()));
        let mut cards = self.cards.lock().unwrap_or_else(|p| p.into_inner());
        let seats = Arc::clone(&self.seats.read().unwrap_or_else(|p| p.into_inner()));
        Ok(browse::search(&self.conn(), &index, &mut cards, &seats, query, self.clock.now())?)
    }
}
