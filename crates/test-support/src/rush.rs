//! The 09:00 rush over the wire: many kiosks, each provisioned as a real device, register their
//! walk-in learners (untimed), then all tap 수강신청 for one 선착순 course at once, one request per
//! tap, spread over one or more hub processes. Used by the two-hub system test and by
//! `make loadtest`.
//!
//! A kiosk whose request "times out" sends the same intents again (same sequence number, same op
//! id), as the real outbox does; the hub must answer with the outcome it stored.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

/// One simulated kiosk: its hub, its device credential and the learners it registered.
#[derive(Debug, Clone)]
pub struct RushKiosk {
    pub hub: String,
    pub credential: String,
    pub learners: Vec<String>,
    next_seq: u64,
}

/// What the rush measured and what the hubs answered.
#[derive(Debug, Default)]
pub struct RushReport {
    /// Each tap's time from sending to the hub's answer (a retried tap counts from its retry).
    pub latencies: Vec<Duration>,
    pub wall: Duration,
    /// Each applicant's answered outcome (`{"outcome":"confirmed"…}` or `waitlisted`).
    pub answers: HashMap<String, serde_json::Value>,
    /// Taps sent twice (the first abandoned as timed out), and how many of those the hub
    /// answered the second time with the outcome it already stored rather than a new one.
    pub retried: usize,
    pub errors: Vec<String>,
}

impl RushReport {
    pub fn confirmed(&self) -> usize {
        self.answers.values().filter(|o| o["outcome"] == "confirmed").count()
    }

    /// The waitlist positions answered, sorted.
    pub fn positions(&self) -> Vec<u64> {
        let mut p: Vec<u64> = self
            .answers
            .values()
            .filter(|o| o["outcome"] == "waitlisted")
            .filter_map(|o| o["position"].as_u64())
            .collect();
        p.sort_unstable();
        p
    }

    /// p50, p99 and max latency in milliseconds.
    pub fn percentiles(&self) -> (f64, f64, f64) {
        let mut ms: Vec<f64> = self.latencies.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| ms.get(((ms.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or_default();
        (at(0.50), at(0.99), ms.last().copied().unwrap_or_default())
    }

    /// Applications answered per second over the whole rush.
    pub fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64().max(1e-9)
    }
}

fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder().timeout(timeout).pool_max_idle_per_host(4).build().unwrap_or_else(|e| panic!("{e}"))
}

/// Provisions `kiosks` devices, kiosk `k` at `hubs[k % hubs.len()]`, each with an invite from
/// `invite`, and registers `per_kiosk` learners at each (one batch per kiosk; the same PIN for
/// all, so the hub's Argon2id runs once per batch).
pub async fn prepare(
    hubs: &[String],
    invite: &(dyn Fn() -> String + Sync),
    kiosks: usize,
    per_kiosk: usize,
    tag: &str,
) -> Vec<RushKiosk> {
    let http = client(Duration::from_secs(120));
    let pin = baeum_domain::learner::Pin::parse("4821").unwrap_or_else(|e| panic!("{e}"));
    let pin_hash = baeum_domain::learner::pin_hash(&pin, "0a1b2c3d");
    let fleet: Vec<RushKiosk> = devices(hubs, invite, kiosks, tag)
        .await
        .into_iter()
        .map(|(hub, credential)| RushKiosk { hub, credential, learners: Vec::new(), next_seq: 1 })
        .collect();
    // Registrations are not what is measured: a few dozen at a time, as walk-ins arrive.
    let gate = Arc::new(tokio::sync::Semaphore::new(32));
    let mut tasks = tokio::task::JoinSet::new();
    for (k, mut kiosk) in fleet.into_iter().enumerate() {
        let (http, pin_hash, tag, gate) = (http.clone(), pin_hash.clone(), tag.to_owned(), Arc::clone(&gate));
        tasks.spawn(async move {
            let _turn = gate.acquire().await;
            let mut intents = Vec::new();
            for i in 0..per_kiosk {
                let id = format!("l-{tag}-{k}-{i}");
                let n = k * per_kiosk + i;
                intents.push(json!({"seq": kiosk.next_seq, "op_id": format!("op-{tag}-reg-{k}-{i}"), "body": {
                "service": "learner", "type": "register_learner", "learner": {
                    "id": id, "name": "김배움", "birth_date": "1955-03-01",
                    "mobile": format!("010{:08}", 10_000_000 + n), "resident": true,
                    "consents": [{"purpose": "course_administration", "agreed": true, "notice_version": 1},
                                 {"purpose": "course_news", "agreed": false, "notice_version": 1}],
                    "identity": "self_declared", "pin_hash": pin_hash, "registered_on": "2026-12-01"
                }}}));
                kiosk.next_seq += 1;
                kiosk.learners.push(id);
            }
            let res = http
                .post(format!("{}/v1/intents", kiosk.hub))
                .bearer_auth(&kiosk.credential)
                .json(&json!({ "intents": intents }))
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .unwrap_or_else(|e| panic!("register at kiosk {k}: {e:?}"));
            let answer: serde_json::Value = res.json().await.unwrap_or_else(|e| panic!("{e}"));
            assert!(answer["refused"].is_null(), "kiosk {k}: {answer}");
            for r in answer["results"].as_array().into_iter().flatten() {
                assert_eq!(r["outcome"]["outcome"], "registered", "kiosk {k}: {r}");
            }
            (k, kiosk)
        });
    }
    let mut out: Vec<(usize, RushKiosk)> = tasks.join_all().await;
    out.sort_by_key(|(k, _)| *k);
    out.into_iter().map(|(_, kiosk)| kiosk).collect()
}

/// Every kiosk applies for `course` for each of its learners at once, one request per tap;
/// every `retry_every`-th tap of a kiosk is first sent with a timeout too short for any answer
/// and then sent again as it was.
pub async fn rush(fleet: &mut [RushKiosk], course: &str, retry_every: Option<usize>) -> RushReport {
    let http = client(Duration::from_secs(60));
    let impatient = client(Duration::from_millis(1));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    let course = Arc::new(course.to_owned());
    for (k, kiosk) in fleet.iter().enumerate() {
        let (http, impatient, course, mut kiosk) =
            (http.clone(), impatient.clone(), Arc::clone(&course), kiosk.clone());
        tasks.spawn(async move {
            let mut part = RushReport::default();
            for (i, learner) in kiosk.learners.clone().iter().enumerate() {
                let batch = json!({"intents": [{"seq": kiosk.next_seq, "op_id": format!("op-apply-{k}-{i}-{learner}"),
                    "body": {"service": "enrollment", "type": "apply", "learner_id": learner, "course_id": *course}}]});
                kiosk.next_seq += 1;
                let url = format!("{}/v1/intents", kiosk.hub);
                if retry_every.is_some_and(|n| i % n == n - 1) {
                    // Sent and abandoned: the hub may or may not have applied it.
                    let _ = impatient.post(&url).bearer_auth(&kiosk.credential).json(&batch).send().await;
                    part.retried += 1;
                }
                let sent = Instant::now();
                let answer = match http.post(&url).bearer_auth(&kiosk.credential).json(&batch).send().await {
                    Ok(res) => match res.json::<serde_json::Value>().await {
                        Ok(v) => v,
                        Err(e) => {
                            part.errors.push(format!("kiosk {k}: {e}"));
                            continue;
                        }
                    },
                    Err(e) => {
                        part.errors.push(format!("kiosk {k}: {e}"));
                        continue;
                    }
                };
                part.latencies.push(sent.elapsed());
                match answer["results"].as_array().and_then(|r| r.first()) {
                    Some(result) => {
                        part.answers.insert(learner.clone(), result["outcome"].clone());
                    }
                    None => part.errors.push(format!("kiosk {k}: {answer}")),
                }
            }
            (k, kiosk.next_seq, part)
        });
    }
    let mut report = RushReport::default();
    for (k, next_seq, part) in tasks.join_all().await {
        fleet[k].next_seq = next_seq;
        report.latencies.extend(part.latencies);
        report.answers.extend(part.answers);
        report.retried += part.retried;
        report.errors.extend(part.errors);
    }
    report.wall = started.elapsed();
    report
}

/// The hub's final status of every applicant, asked by each kiosk about its own learners.
pub async fn statuses(fleet: &[RushKiosk], course: &str) -> HashMap<String, serde_json::Value> {
    let http = client(Duration::from_secs(60));
    let mut out = HashMap::new();
    for kiosk in fleet {
        for chunk in kiosk.learners.chunks(100) {
            let answer: serde_json::Value = http
                .post(format!("{}/v1/enrollments/lookup", kiosk.hub))
                .bearer_auth(&kiosk.credential)
                .json(&json!({ "learner_ids": chunk }))
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .unwrap_or_else(|e| panic!("lookup: {e}"))
                .json()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            for e in answer["enrollments"].as_array().into_iter().flatten() {
                if e["course_id"] == course {
                    let learner = e["learner_id"].as_str().unwrap_or_default().to_owned();
                    assert!(out.insert(learner.clone(), e["status"].clone()).is_none(), "{learner} twice");
                }
            }
        }
    }
    out
}

/// A kiosk following the catalog over the wire, as the engine does: the snapshot once, then
/// `changes?after=cursor` pages, and the catalog digest the hub also computes.
#[derive(Debug, Clone)]
pub struct Follower {
    pub hub: String,
    pub credential: String,
    epoch: String,
    pub cursor: u64,
    records: std::collections::BTreeMap<(u8, String), baeum_domain::protocol::CatalogChange>,
}

impl Follower {
    /// Followers that start from `snapshot` (as if each had just synced), one per credential.
    pub fn from_snapshot(
        snapshot: &baeum_domain::protocol::CatalogSnapshot,
        devices: &[(String, String)],
    ) -> Vec<Self> {
        use baeum_domain::protocol::CatalogChange;
        let mut records = std::collections::BTreeMap::new();
        for i in &snapshot.institutions {
            records.insert((1, i.id.to_string()), CatalogChange::UpsertInstitution { institution: i.clone() });
        }
        for p in &snapshot.places {
            records.insert((2, p.id.to_string()), CatalogChange::UpsertPlace { place: p.clone() });
        }
        for c in &snapshot.courses {
            records.insert((3, c.id.to_string()), CatalogChange::UpsertCourse { course: c.clone() });
        }
        devices
            .iter()
            .map(|(hub, credential)| Follower {
                hub: hub.clone(),
                credential: credential.clone(),
                epoch: snapshot.epoch.clone(),
                cursor: snapshot.cursor,
                records: records.clone(),
            })
            .collect()
    }

    /// Pages changes until none wait; answers each request's latency.
    pub async fn poll(&mut self, http: &reqwest::Client) -> Result<Vec<Duration>, String> {
        use baeum_domain::protocol::{CatalogChange, CatalogChanges};
        let mut latencies = Vec::new();
        loop {
            let sent = Instant::now();
            let res = http
                .get(format!("{}/v1/catalog/changes?epoch={}&after={}", self.hub, self.epoch, self.cursor))
                .bearer_auth(&self.credential)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = res.status();
            let body = res.bytes().await.map_err(|e| e.to_string())?;
            latencies.push(sent.elapsed());
            if !status.is_success() {
                return Err(format!("{status}: {}", String::from_utf8_lossy(&body)));
            }
            let page: CatalogChanges = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            for change in page.changes {
                let key = match &change {
                    CatalogChange::UpsertInstitution { institution } => (1, institution.id.to_string()),
                    CatalogChange::UpsertPlace { place } => (2, place.id.to_string()),
                    CatalogChange::UpsertCourse { course } => (3, course.id.to_string()),
                    CatalogChange::DeleteCourse { id } => {
                        self.records.remove(&(3, id.to_string()));
                        continue;
                    }
                };
                self.records.insert(key, change);
            }
            self.cursor = page.cursor;
            if !page.has_more {
                return Ok(latencies);
            }
        }
    }

    /// The digest of this follower's catalog, comparable with `/v1/catalog/checksum`.
    pub fn checksum(&self) -> String {
        let mut digest = baeum_domain::protocol::CatalogDigest::default();
        for change in self.records.values() {
            digest.add(change);
        }
        digest.finish()
    }
}

/// Provisions `n` devices, device `k` at `hubs[k % hubs.len()]`: (hub, credential).
pub async fn devices(
    hubs: &[String],
    invite: &(dyn Fn() -> String + Sync),
    n: usize,
    tag: &str,
) -> Vec<(String, String)> {
    let http = client(Duration::from_secs(60));
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let hub = hubs[k % hubs.len()].clone();
        let body = crate::provision_body(&invite(), &format!("k-{tag}-{k}"));
        let answer: serde_json::Value = http
            .post(format!("{hub}/v1/kiosks/provision"))
            .json(&body)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .unwrap_or_else(|e| panic!("provision: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        out.push((hub, answer["credential"].as_str().unwrap_or_else(|| panic!("{answer}")).to_owned()));
    }
    out
}
