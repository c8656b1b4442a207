//! One catalog sync: a snapshot (in resumable chunks, swapped in when complete) when the kiosk
//! has nothing, follows another hub, or the hub says its cursor is not from its history; then
//! changes after the cursor, page by page. Each page lands in its own transaction with the
//! cursor, so an interrupted sync resumes where it stopped.

use std::sync::Mutex;

use baeum_domain::Clock;
use baeum_domain::protocol::CatalogChange;
use rusqlite::Connection;
use serde::Serialize;

use crate::error::KioskError;
use crate::hub_client::{ChangesAnswer, HubClient, VerifiedChunk};
use crate::search::SearchIndex;
use crate::store::{self, snapshot_staging, sync_state};

/// Page size asked of the hub.
pub const CHANGES_PAGE: usize = 1_000;
/// Records per snapshot chunk: an interrupted download loses at most this many.
pub const SNAPSHOT_CHUNK: usize = 2_000;
/// A hub that keeps saying "more" forever is broken; stop after this many pages per sync.
const MAX_PAGES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    Snapshot,
    Changes,
}

/// What one sync did.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub mode: SyncMode,
    pub changes_applied: usize,
    pub cursor: u64,
    pub courses: u64,
    /// The changes applied after the last snapshot (if any), so the search index can be updated
    /// in place instead of rebuilt.
    #[serde(skip)]
    pub changes: Vec<CatalogChange>,
    /// After a snapshot downloaded in one go: its search index, ready (the changes above still
    /// need applying to it).
    #[serde(skip)]
    pub fresh_index: Option<Box<SearchIndex>>,
}

fn lock(db: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    db.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs one sync and records its outcome in `sync_state` (success, or the error code and detail).
pub async fn sync_once(db: &Mutex<Connection>, hub: &HubClient, clock: &dyn Clock) -> Result<SyncReport, KioskError> {
    let attempt_at = clock.now();
    let outcome = run(db, hub, clock).await;
    let conn = lock(db);
    match &outcome {
        Ok(_) => sync_state::record_outcome(&conn, attempt_at, Ok(clock.now()))?,
        Err(e) => {
            tracing::warn!(code = %e.code(), detail = e.detail().as_deref(), "catalog sync failed; keeping the local catalog");
            sync_state::record_outcome(&conn, attempt_at, Err((e.code().as_str(), &e.to_string())))?;
        }
    }
    outcome
}

async fn run(db: &Mutex<Connection>, hub: &HubClient, clock: &dyn Clock) -> Result<SyncReport, KioskError> {
    let hub_url = hub.base().as_str().to_owned();
    let state = sync_state::get(&lock(db))?;
    let downloading = snapshot_staging::progress(&lock(db))?.is_some();
    // Data from another hub, none yet, or a snapshot half-way in: (continue to) take a snapshot.
    let current = state.hub_url.as_deref() == Some(hub_url.as_str()) && state.epoch.is_some() && !downloading;
    let (mut mode, mut applied) = (SyncMode::Changes, 0);
    let mut changes = Vec::new();
    let mut fresh_index = None;
    if !current {
        let taken = snapshot(db, hub).await?;
        applied += taken.received;
        fresh_index = taken.index;
        mode = SyncMode::Snapshot;
    }
    for _ in 0..MAX_PAGES {
        let state = sync_state::get(&lock(db))?;
        let epoch = state.epoch.clone().unwrap_or_default();
        let page = match hub.changes(&epoch, state.cursor, CHANGES_PAGE).await? {
            ChangesAnswer::Page(page) if page.epoch == epoch => page,
            // The hub's history is not ours (rebuilt hub, cursor ahead): start over, once.
            _ if mode == SyncMode::Snapshot => {
                return Err(KioskError::HubBadAnswer("새 목록을 받은 직후에도 변경분을 줄 수 없다고 합니다".into()));
            }
            _ => {
                let taken = snapshot(db, hub).await?;
                applied += taken.received;
                fresh_index = taken.index;
                mode = SyncMode::Snapshot;
                changes.clear();
                continue;
            }
        };
        store::catalog::apply_changes(&mut lock(db), &hub_url, &page, clock.now())?;
        applied += page.changes.len();
        changes.extend(page.changes);
        if !page.has_more {
            let courses = store::courses::count(&lock(db))?;
            return Ok(SyncReport {
                mode,
                changes_applied: applied,
                cursor: page.cursor,
                courses,
                changes,
                fresh_index: fresh_index.map(Box::new),
            });
        }
    }
    Err(KioskError::HubBadAnswer(format!("변경 목록이 {MAX_PAGES}쪽을 넘어 멈췄습니다")))
}

/// What a snapshot download produced.
struct Snapshot {
    received: usize,
    /// The search index, built while the chunks arrived — only when this run downloaded every
    /// chunk (after a resume the caller rebuilds it from the store).
    index: Option<SearchIndex>,
}

/// Chunks asked for ahead of the one being stored. The hub prepares one while the kiosk checks
/// another and writes a third; about this many (+3) chunks (2.4 MB of text each, more once
/// parsed) are in memory at a time.
const PREFETCH: usize = 2;

/// A running snapshot download: a task asks the hub for chunk after chunk (the key of the next
/// is in each header) and hands each to a blocking thread to check, in order.
struct Download {
    chunks: tokio::sync::mpsc::Receiver<tokio::task::JoinHandle<Result<VerifiedChunk, KioskError>>>,
    producer: tokio::task::JoinHandle<()>,
}

impl Download {
    fn start(hub: &HubClient, after: Option<String>) -> Self {
        let (tx, chunks) = tokio::sync::mpsc::channel(PREFETCH);
        let hub = hub.clone();
        let producer = tokio::spawn(async move {
            let mut after = after;
            loop {
                let fetched = hub.fetch_snapshot_chunk(after.as_deref(), SNAPSHOT_CHUNK).await;
                let next = fetched.as_ref().ok().and_then(|c| c.next.clone());
                let checked = tokio::task::spawn_blocking(move || fetched?.verify());
                if tx.send(checked).await.is_err() {
                    return; // the sync stopped listening
                }
                match next {
                    Some(key) => after = Some(key),
                    None => return, // the last chunk, or an error the sync will report
                }
            }
        });
        Self { chunks, producer }
    }

    /// The next chunk, checked. The download ends with a chunk whose `next` is None.
    async fn next(&mut self) -> Result<VerifiedChunk, KioskError> {
        let checked =
            self.chunks.recv().await.ok_or_else(|| KioskError::HubUnreachable("목록 받기가 끊겼습니다".into()))?;
        checked.await.map_err(|e| {
            tracing::error!(code = %baeum_domain::ErrorCode::HubBadAnswer, detail = %e, "chunk check task failed");
            KioskError::HubBadAnswer("받은 목록을 검사하지 못했습니다".into())
        })?
    }
}

impl Drop for Download {
    fn drop(&mut self) {
        self.producer.abort();
    }
}

/// Builds the search index on its own thread from the chunks as they are stored, so indexing
/// and writing overlap; the index is ready when the snapshot is swapped in, without reading
/// the catalog back.
struct IndexThread {
    chunks: Option<std::sync::mpsc::Sender<VerifiedChunk>>,
    thread: std::thread::JoinHandle<SearchIndex>,
}

impl IndexThread {
    fn start() -> Self {
        let (tx, rx) = std::sync::mpsc::channel::<VerifiedChunk>();
        let thread = std::thread::spawn(move || {
            let mut builder = SearchIndex::builder();
            for chunk in rx {
                for record in &chunk.records {
                    match &record.change {
                        CatalogChange::UpsertInstitution { institution } => builder.institution(institution),
                        CatalogChange::UpsertPlace { place } => builder.place(place),
                        CatalogChange::UpsertCourse { course } => builder.course(course),
                        CatalogChange::DeleteCourse { .. } => {}
                    }
                }
            }
            builder.finish()
        });
        Self { chunks: Some(tx), thread }
    }

    fn add(&self, chunk: VerifiedChunk) {
        if let Some(tx) = &self.chunks {
            let _ = tx.send(chunk);
        }
    }

    /// No more chunks: the thread finishes the index.
    fn close(&mut self) {
        self.chunks = None;
    }

    /// The index of every chunk added (None if the thread died, and the caller rebuilds it).
    fn finish(mut self) -> Option<SearchIndex> {
        self.close();
        self.thread.join().ok()
    }
}

/// Copies the WAL into the database file on its own thread and connection while chunks are
/// written (SQLite lets a checkpoint run beside a writer), instead of the writing thread
/// stopping for it every 1,000 pages — that was a third of its time. Only for a database file;
/// when dropped, the writing connection checkpoints by itself again.
struct Checkpointer<'a> {
    db: &'a Mutex<Connection>,
    tick: Option<std::sync::mpsc::Sender<()>>,
}

/// SQLite's default: checkpoint when the WAL reaches this many pages.
const WAL_AUTOCHECKPOINT: u32 = 1_000;

impl<'a> Checkpointer<'a> {
    fn start(db: &'a Mutex<Connection>) -> Option<Self> {
        let conn = lock(db);
        let path = conn.path().filter(|p| !p.is_empty())?.to_owned();
        conn.pragma_update(None, "wal_autocheckpoint", 0).ok()?;
        let (tick, ticks) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            let Ok(own) = crate::store::encryption::reopen(std::path::Path::new(&path)) else { return };
            // As the chunks themselves: atomic, not waiting for the disk (see store_chunk).
            let _ = own.pragma_update(None, "synchronous", "NORMAL");
            while ticks.recv().is_ok() {
                while ticks.try_recv().is_ok() {}
                if let Err(e) = own.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "checkpoint beside the snapshot failed");
                }
            }
        });
        Some(Self { db, tick: Some(tick) })
    }

    /// A chunk was committed.
    fn committed(&self) {
        if let Some(tick) = &self.tick {
            let _ = tick.send(());
        }
    }
}

impl Drop for Checkpointer<'_> {
    fn drop(&mut self) {
        self.tick = None;
        if let Err(e) = lock(self.db).pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT) {
            tracing::warn!(error = %e, "automatic checkpoints not restored");
        }
    }
}

/// Downloads the snapshot chunk by chunk into the staging area — resuming an earlier download
/// of the same hub history — and swaps it in when complete. Asking the hub, checking chunks,
/// writing them, checkpointing them and indexing them all overlap.
async fn snapshot(db: &Mutex<Connection>, hub: &HubClient) -> Result<Snapshot, KioskError> {
    let hub_url = hub.base().as_str().to_owned();
    // A half-done download is resumed if the hub still has the same history (epoch), whatever
    // address it is reached at now; otherwise it is discarded below.
    let mut progress = snapshot_staging::progress(&lock(db))?;
    // After a resume the caller rebuilds the index from the store.
    let mut index = progress.is_none().then(IndexThread::start);
    let mut received = 0;
    let mut head = progress.as_ref().map_or(0, |p| p.base_cursor);
    let start_after = match &progress {
        Some(p) if p.next_key.is_none() => None, // every chunk is in; only the swap is left
        Some(p) => Some(p.next_key.clone()),
        None => Some(None),
    };
    let mut download = start_after.map(|after| Download::start(hub, after));
    let checkpointer = Checkpointer::start(db);
    while let Some(d) = download.as_mut() {
        let chunk = d.next().await?;
        let first_of = match &progress {
            Some(p) if p.epoch == chunk.epoch => None,
            Some(_) => {
                // The hub's history changed under a half-done download: start again from the top.
                snapshot_staging::discard(&mut lock(db))?;
                progress = None;
                index = Some(IndexThread::start());
                download = Some(Download::start(hub, None));
                continue;
            }
            None => Some(hub_url.as_str()),
        };
        snapshot_staging::store_chunk(&mut lock(db), first_of, &chunk)?;
        if let Some(c) = &checkpointer {
            c.committed();
        }
        received += chunk.records.len();
        head = head.max(chunk.head);
        progress = snapshot_staging::progress(&lock(db))?;
        if chunk.next.is_none() {
            download = None;
        }
        // Handed over, not shared: the index thread also frees the chunk's 2,000 records, off
        // the writing thread. (It keeps up with the writer, so its queue stays short.)
        if let Some(index) = &index {
            index.add(chunk);
        }
    }
    // The index thread sorts and joins its entries while the snapshot is swapped in.
    if let Some(index) = index.as_mut() {
        index.close();
    }
    snapshot_staging::swap_in(&mut lock(db), head)?;
    drop(checkpointer);
    Ok(Snapshot { received, index: index.and_then(IndexThread::finish) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn autocheckpoint(db: &Mutex<Connection>) -> i64 {
        lock(db).query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0)).unwrap_or(-1)
    }

    #[test]
    fn the_checkpointer_copies_the_wal_beside_the_writer_and_hands_checkpoints_back() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("kiosk.db");
        let db = Mutex::new(store::open(&path).unwrap_or_else(|e| panic!("{e}")));
        let before = std::fs::metadata(&path).map(|m| m.len()).unwrap_or_default();
        {
            let checkpointer = Checkpointer::start(&db).unwrap_or_else(|| panic!("a database file"));
            assert_eq!(autocheckpoint(&db), 0, "the writer no longer stops to checkpoint");
            lock(&db)
                .execute_batch(
                    "CREATE TABLE filler (x TEXT);
                     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000)
                     INSERT INTO filler SELECT printf('%.1000c', 'x') FROM n;",
                )
                .unwrap_or_else(|e| panic!("{e}"));
            checkpointer.committed();
            // Pages reach the database file only through a checkpoint.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while std::fs::metadata(&path).map(|m| m.len()).unwrap_or_default() < before + 4_000_000 {
                assert!(std::time::Instant::now() < deadline, "the checkpoint thread copied the WAL");
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
        assert_eq!(autocheckpoint(&db), i64::from(WAL_AUTOCHECKPOINT), "handed back when dropped");
        let memory = Mutex::new(store::open_in_memory().unwrap_or_else(|e| panic!("{e}")));
        assert!(Checkpointer::start(&memory).is_none(), "nothing to copy into for a database in memory");
        assert_eq!(autocheckpoint(&memory), i64::from(WAL_AUTOCHECKPOINT));
    }
}
