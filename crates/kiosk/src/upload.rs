//! Sending the outbox to the hub and taking its answers. Intents go in sequence order, in
//! batches; each answered batch is recorded in one transaction with the local rows it changes.
//! A lost answer is harmless: the next upload resends and the hub replays the stored outcome.
//! After uploading, the kiosk asks for the current status of its learners' enrollments and the
//! seat board, so promotions, draws and 폐강 decided later show up here too.

use std::collections::HashMap;

use baeum_domain::intent::{Intent, IntentBatch, IntentBatchAnswer, IntentBody, IntentResult};
use serde::Serialize;

use crate::Kiosk;
use crate::error::KioskError;
use crate::store::{self, outbox};

/// A batch on its way: the bodies sent (by sequence number) and the hub's answer.
type Sent = (HashMap<u64, IntentBody>, IntentBatchAnswer);

/// Intents per request (the hub accepts up to 1,000).
pub const UPLOAD_BATCH: usize = 1_000;

/// What one exchange with the hub did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExchangeReport {
    pub uploaded: usize,
    pub answered: usize,
    pub recovered: usize,
    pub pending: u64,
    pub enrollments_refreshed: usize,
    pub seats: usize,
}

impl Kiosk {
    /// Uploads and refreshes for at most `limit`, so a screen can show the hub's answer when the
    /// line is up without making anyone wait long when it is not (the background loop retries).
    pub async fn exchange_briefly(&self, limit: std::time::Duration) {
        match tokio::time::timeout(limit, self.exchange()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::info!(code = %e.code(), "exchange after an action failed; will retry"),
            Err(_) => tracing::info!("exchange after an action took too long; will retry"),
        }
    }

    /// Like [`Kiosk::exchange_briefly`], but only the outbox: for an action whose answer is its
    /// intent's outcome (an attendance mark), so staff taking the roll quickly send one request
    /// per mark, not a whole exchange's worth (which runs into the hub's per-kiosk rate limit).
    pub async fn upload_briefly(&self, limit: std::time::Duration) {
        match tokio::time::timeout(limit, self.upload_outbox()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::info!(code = %e.code(), "upload after an action failed; will retry"),
            Err(_) => tracing::info!("upload after an action took too long; will retry"),
        }
    }

    /// The hub's answer to one of this kiosk's intents, once it came.
    pub fn outcome_of(&self, op: &baeum_domain::OpId) -> Result<Option<baeum_domain::intent::Outcome>, KioskError> {
        Ok(outbox::outcome(&self.conn(), op)?)
    }

    /// Intents waiting for the hub, for staff and `status --json`.
    pub fn outbox_counts(&self) -> Result<outbox::OutboxCounts, KioskError> {
        Ok(outbox::counts(&self.conn())?)
    }

    /// Uploads every unanswered intent, batch after batch, until none is left. The next batch is
    /// on its way while the answers to the previous one are recorded (the hub has applied those
    /// already, so the order it sees stays the sequence order).
    pub async fn upload_outbox(&self) -> Result<ExchangeReport, KioskError> {
        let _one = self.uploading.lock().await;
        let mut report = ExchangeReport::default();
        let first = outbox::unanswered(&self.conn(), 0, UPLOAD_BATCH)?;
        let mut inflight = (!first.is_empty()).then(|| self.send(first));
        while let Some(sending) = inflight.take() {
            let (bodies, answer) = sending.await.map_err(|e| {
                tracing::error!(code = %baeum_domain::ErrorCode::HubUnreachable, detail = %e, "upload task failed");
                KioskError::HubUnreachable("전송 작업이 중단됨".into())
            })??;
            report.uploaded += bodies.len();
            // Continue after the last intent the hub answered (normally the last one sent).
            let last_answered = answer.results.iter().map(|r| r.seq).max().unwrap_or(0);
            if answer.refused.is_none() && !answer.results.is_empty() {
                let next = outbox::unanswered(&self.conn(), last_answered, UPLOAD_BATCH)?;
                inflight = (!next.is_empty()).then(|| self.send(next));
            }
            report.answered += self.record_answers(&answer.results, &bodies)?;
            if let Some(refused) = answer.refused {
                tracing::error!(code = %refused.code, seq = refused.seq, "hub refused the outbox");
                return Err(KioskError::OutboxRefused { code: refused.code, message: refused.message });
            }
            if answer.results.is_empty() {
                return Err(KioskError::HubBadAnswer("요청을 보냈지만 결과가 하나도 오지 않았습니다".into()));
            }
        }
        report.pending = outbox::counts(&self.conn())?.pending;
        Ok(report)
    }

    /// Sends one batch on its own task.
    fn send(&self, intents: Vec<Intent>) -> tokio::task::JoinHandle<Result<Sent, KioskError>> {
        let hub = self.hub.clone();
        tokio::spawn(async move {
            let bodies: HashMap<u64, IntentBody> = intents.iter().map(|i| (i.seq, i.body.clone())).collect();
            // Which kiosk sent it is the hub's to know from the credential.
            let answer = hub.upload_intents(&IntentBatch { intents }).await?;
            Ok((bodies, answer))
        })
    }

    /// Records answers in one transaction; returns how many were new.
    fn record_answers(&self, results: &[IntentResult], bodies: &HashMap<u64, IntentBody>) -> Result<usize, KioskError> {
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut recorded = 0;
        for r in results {
            let body = match bodies.get(&r.seq) {
                Some(b) => b.clone(),
                None => match outbox::body(&tx, r.seq)? {
                    Some((op, body)) if op == r.op_id => body,
                    _ => continue,
                },
            };
            if outbox::answer(&tx, r.seq, &r.op_id, &r.outcome, now)? {
                crate::outcomes::apply(&tx, &r.op_id, &body, &r.outcome, now)?;
                recorded += 1;
            }
        }
        tx.commit()?;
        Ok(recorded)
    }

    /// Takes outcomes the hub stored for intents this kiosk never heard back about (the kiosk
    /// crashed or lost the answer), without sending anything.
    pub async fn recover_outcomes(&self) -> Result<usize, KioskError> {
        let after = outbox::counts(&self.conn())?.answered_through;
        let stored = self.hub.intent_outcomes(after).await?;
        self.record_answers(&stored.results, &HashMap::new())
    }

    /// Current hub status of every enrollment this kiosk knows, and the seat board.
    pub async fn refresh_enrollments(&self) -> Result<(usize, usize), KioskError> {
        let learners = store::enrollments::learners_to_refresh(&self.conn())?;
        let mut refreshed = 0;
        for chunk in learners.chunks(500) {
            let list = self.hub.lookup_enrollments(chunk).await?;
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for e in &list.enrollments {
                store::enrollments::apply_hub_view(&tx, e, list.as_of)?;
            }
            tx.commit()?;
            refreshed += list.enrollments.len();
        }
        let board = self.hub.seats().await?;
        let fresh = {
            let mut conn = self.conn();
            store::seats::replace(&mut conn, &board.seats, board.as_of)?;
            store::seats::all(&conn)?
        };
        *self.seats.write().unwrap_or_else(|p| p.into_inner()) = std::sync::Arc::new(fresh);
        Ok((refreshed, board.seats.len()))
    }

    /// Recover, upload, refresh: what the background loop does after each catalog sync.
    pub async fn exchange(&self) -> Result<ExchangeReport, KioskError> {
        let recovered = if self.recovered.swap(true, std::sync::atomic::Ordering::SeqCst) {
            0
        } else {
            self.recover_outcomes()
                .await
                .inspect_err(|_| self.recovered.store(false, std::sync::atomic::Ordering::SeqCst))?
        };
        let mut report = self.upload_outbox().await?;
        report.recovered = recovered;
        let (refreshed, seats) = self.refresh_enrollments().await?;
        report.enrollments_refreshed = refreshed;
        report.seats = seats;
        let learners = store::subsidy::learners_to_refresh(&self.conn())?;
        self.refresh_subsidy(&learners).await?;
        let learners = store::rentals::learners_to_refresh(&self.conn())?;
        self.refresh_rooms(&learners).await?;
        let learners = store::clubs::learners_to_refresh(&self.conn())?;
        self.refresh_clubs(&learners).await?;
        if let Err(e) = self.refresh_public_url().await {
            tracing::info!(code = %e.code(), detail = e.detail().as_deref(), "could not ask the hub for its public address; will ask again");
        }
        if let Err(e) = self.check_device_key().await {
            tracing::info!(code = %e.code(), detail = e.detail().as_deref(), "could not ask the hub about the device key; will ask again");
        }
        Ok(report)
    }
}
