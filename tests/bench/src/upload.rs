//! Upload of 10,000 queued enrollment intents (kiosk outbox → real hub process on loopback),
//! durable on both sides: the hub commits each batch with `synchronous=FULL` before answering and
//! the kiosk records the answers the same way. Learners are registered and uploaded first
//! (untimed); then 10,000 applications are queued offline and the timed upload drains them.

use baeum_domain::enrollment::EnrollmentIntent;
use std::path::Path;
use std::time::Instant;

use baeum_domain::CourseId;
use baeum_domain::learner::IdentityCheck;
use baeum_kiosk::RegistrationForm;

use baeum_test_support::learner_form_of;

use crate::{Error, Hub, kiosk, ms};

pub struct UploadFigures {
    pub intents: usize,
    pub upload_ms: f64,
    pub avg_intent_bytes: usize,
    pub courses: usize,
    pub seated: u64,
    pub waiting: u64,
}

/// First-come courses open for application now, from the hub's snapshot.
fn open_courses(hub: &Hub) -> Result<Vec<CourseId>, Error> {
    let snapshot: serde_json::Value = serde_json::from_str(&crate::http_get(hub, "/v1/catalog/snapshot")?)?;
    let now = chrono::Utc::now();
    let at = |v: &serde_json::Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap_or_default()).ok();
    Ok(snapshot["courses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            c["selection"] == "first_come"
                && c["status"] == "scheduled"
                && at(&c["application"]["opens_at"]).is_some_and(|t| t < now)
                && at(&c["application"]["closes_at"]).is_some_and(|t| t > now)
        })
        .filter_map(|c| CourseId::parse(c["id"].as_str()?).ok())
        .collect())
}

pub fn run(dir: &Path, hub: &Hub, runtime: &tokio::runtime::Runtime, n: usize) -> Result<UploadFigures, Error> {
    let courses = open_courses(hub)?;
    if courses.is_empty() {
        return Err("no course is open for application on the hub".into());
    }
    let k = kiosk(&dir.join("upload-kiosk"), hub, runtime)?;
    runtime.block_on(k.sync_now())?;
    let mut learners = Vec::with_capacity(n);
    for i in 0..n {
        let form = RegistrationForm {
            identity: IdentityCheck::SelfDeclared,
            ..learner_form_of(
                "한배움",
                &format!("19{:02}-0{}-1{}", 40 + i % 50, 1 + i % 9, i % 10),
                &format!("010{:08}", 60_000_000 + i),
                "1357",
            )
        };
        learners.push(k.register_learner(&form)?.id);
    }
    runtime.block_on(k.upload_outbox())?;
    for (i, learner) in learners.iter().enumerate() {
        k.apply(learner, &courses[i % courses.len()], &[])?;
    }
    let avg_intent_bytes = serde_json::to_string(&baeum_domain::intent::Intent {
        seq: n as u64 * 2,
        op_id: baeum_domain::OpId::parse("0123456789abcdef0123456789abcdef")?,
        body: baeum_domain::intent::IntentBody::Enrollment(EnrollmentIntent::Apply {
            learner_id: learners[0].clone(),
            course_id: courses[0].clone(),
            claims: vec![],
        }),
        staff: None,
    })?
    .len();
    let start = Instant::now();
    let report = runtime.block_on(k.upload_outbox())?;
    let upload_ms = ms(start.elapsed());
    if report.pending != 0 || report.answered != n {
        return Err(format!("upload left {} pending, answered {}", report.pending, report.answered).into());
    }
    let seats: serde_json::Value = serde_json::from_str(&crate::http_get(hub, "/v1/seats")?)?;
    let (mut seated, mut waiting) = (0, 0);
    for s in seats["seats"].as_array().into_iter().flatten() {
        seated += s["taken"].as_u64().unwrap_or(0);
        waiting += s["waiting"].as_u64().unwrap_or(0);
    }
    if seated + waiting != n as u64 {
        return Err(format!("the hub holds {} applications, expected {n}", seated + waiting).into());
    }
    Ok(UploadFigures { intents: n, upload_ms, avg_intent_bytes, courses: courses.len(), seated, waiting })
}
