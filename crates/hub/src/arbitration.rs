//! Applying kiosk intents (DESIGN.md §4): each batch in one IMMEDIATE transaction, each intent at
//! most once. `seq ≤ applied` replays the stored outcome (same op id and body) or is refused as an
//! op conflict; a gap is refused; a new intent is decided by the programme rules against the hub's
//! clock and arrival order — kiosk clocks never order anything. The transaction is committed
//! (fsync'd, `synchronous=FULL`) before any outcome is sent.

use baeum_domain::Course;
use baeum_domain::enrollment::{IntentBatch, IntentBatchAnswer, IntentBody, IntentRefusal, IntentResult, Outcome};
use baeum_domain::learner::Learner;
use baeum_domain::protocol::bytes_checksum;
use baeum_domain::refund::{self, Refund, RefundCause, RefundRule};
use baeum_domain::rules::{ProgrammeRules, ReductionKind, RejectReason, promotion_payment_due};
use baeum_domain::{CourseId, ErrorCode, LearnerId, OpId, Won, kst};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::store::enrollments::{self, EnrollmentRow, state};
use crate::store::ledger::Payment;
use crate::store::{
    StoreError, attendance, certificates, courses, encode, intents, kiosk_keys, learners, ledger, rules,
};

/// Applies a kiosk's batch and answers with every outcome, in sequence order.
pub fn apply_batch(
    conn: &mut Connection,
    batch: &IntentBatch,
    now: DateTime<Utc>,
) -> Result<IntentBatchAnswer, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let kiosk = &batch.kiosk_id;
    let mut applied = intents::applied_through(&tx, kiosk)?;
    let mut arrival = intents::next_arrival(&tx)?;
    let mut results = Vec::with_capacity(batch.intents.len());
    let mut refused = None;
    let mut courses = CourseCache::default();
    for intent in &batch.intents {
        let body_sha256 = bytes_checksum(&encode(&intent.body));
        if intent.seq <= applied {
            match intents::get(&tx, kiosk, intent.seq)? {
                Some(stored) if stored.op_id == intent.op_id.as_str() && stored.body_sha256 == body_sha256 => {
                    results.push(IntentResult {
                        seq: intent.seq,
                        op_id: intent.op_id.clone(),
                        outcome: stored.outcome,
                    });
                    continue;
                }
                _ => {
                    refused = Some(refusal(
                        intent.seq,
                        ErrorCode::OpConflict,
                        "이미 처리한 순번에 다른 요청이 왔습니다 (키오스크 데이터가 바뀌었을 수 있습니다)",
                    ));
                    break;
                }
            }
        }
        if intent.seq != applied + 1 {
            refused = Some(refusal(
                intent.seq,
                ErrorCode::SequenceGap,
                &format!("{}번 다음에 {}번이 왔습니다. 빠진 요청부터 보내 주세요", applied, intent.seq),
            ));
            break;
        }
        if intents::op_used(&tx, &intent.op_id)? {
            refused = Some(refusal(intent.seq, ErrorCode::OpConflict, "이미 다른 순번으로 처리한 요청 번호입니다"));
            break;
        }
        let outcome = decide(&tx, &mut courses, kiosk, &intent.body, &intent.op_id, arrival, now)?;
        intents::insert(&tx, kiosk, intent.seq, &intent.op_id, &body_sha256, &outcome, arrival, now)?;
        results.push(IntentResult { seq: intent.seq, op_id: intent.op_id.clone(), outcome });
        applied = intent.seq;
        arrival += 1;
    }
    tx.commit()?;
    Ok(IntentBatchAnswer { results, applied_through: applied, refused })
}

fn refusal(seq: u64, code: ErrorCode, message: &str) -> IntentRefusal {
    IntentRefusal { seq, code: code.as_str().to_owned(), message: message.to_owned() }
}

fn rejected(reason: RejectReason) -> Outcome {
    Outcome::Rejected { reason }
}

/// What one batch keeps about each course it touches: the decoded course, its rules and its seat
/// counts. A batch of applications touches few courses, and decoding a course is most of the
/// cost of deciding an application; counts are kept up to date as the batch seats people.
#[derive(Debug, Default)]
struct CourseCache(std::collections::HashMap<CourseId, Option<CourseState>>);

#[derive(Debug)]
struct CourseState {
    course: Course,
    rules: ProgrammeRules,
    /// (seats taken, waiting); None after a change the batch did not count (cancellations).
    seats: Option<(u32, u32)>,
}

impl CourseCache {
    fn get(&mut self, tx: &Transaction<'_>, id: &CourseId) -> Result<Option<&mut CourseState>, StoreError> {
        if !self.0.contains_key(id) {
            let entry = match courses::get(tx, id.as_str())? {
                Some(course) => {
                    let rules = rules::for_course(tx, &course)?;
                    Some(CourseState { course, rules, seats: None })
                }
                None => None,
            };
            self.0.insert(id.clone(), entry);
        }
        Ok(self.0.get_mut(id).and_then(Option::as_mut))
    }

    /// Forgets the seat counts of a course (after a cancellation freed and refilled seats).
    fn recount(&mut self, id: &CourseId) {
        if let Some(Some(state)) = self.0.get_mut(id) {
            state.seats = None;
        }
    }
}

impl CourseState {
    fn seats(&mut self, tx: &Transaction<'_>) -> Result<(u32, u32), StoreError> {
        if self.seats.is_none() {
            self.seats =
                Some((enrollments::seats_taken(tx, &self.course.id)?, enrollments::waiting(tx, &self.course.id)?));
        }
        Ok(self.seats.unwrap_or_default())
    }
}

fn decide(
    tx: &Transaction<'_>,
    courses: &mut CourseCache,
    kiosk: &baeum_domain::KioskId,
    body: &IntentBody,
    op: &OpId,
    arrival: u64,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    match body {
        IntentBody::RegisterLearner { learner } => {
            learners::insert(tx, learner)?;
            Ok(Outcome::Registered)
        }
        IntentBody::Apply { learner_id, course_id, claims } => {
            apply(tx, courses, learner_id, course_id, claims, op, arrival, now)
        }
        IntentBody::Cancel { learner_id, course_id } => {
            courses.recount(course_id);
            cancel(tx, learner_id, course_id, now)
        }
        IntentBody::MarkAttendance { learner_id, course_id, session, present } => {
            mark_attendance(tx, courses, learner_id, course_id, *session, *present, now)
        }
        IntentBody::ProvisionalCertificate { learner_id, course_id, qr_text } => {
            provisional_certificate(tx, courses, kiosk, learner_id, course_id, qr_text, now)
        }
        IntentBody::RecordPayment { learner_id, course_id, method, receipt, amount } => record_payment(
            tx,
            &Payment {
                learner: learner_id,
                course: course_id,
                method: *method,
                receipt,
                amount: *amount,
                op: Some(op),
                at: now,
            },
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn apply(
    tx: &Transaction<'_>,
    courses: &mut CourseCache,
    learner_id: &LearnerId,
    course_id: &CourseId,
    claims: &[ReductionKind],
    op: &OpId,
    arrival: u64,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let Some(learner) = learners::get(tx, learner_id.as_str())? else {
        return Ok(rejected(RejectReason::UnknownLearner));
    };
    let Some(state) = courses.get(tx, course_id)? else {
        return Ok(rejected(RejectReason::UnknownCourse));
    };
    let (taken, waiting) = state.seats(tx)?;
    let (course, rules) = (&state.course, &state.rules);
    if course.status == baeum_domain::CourseStatus::Cancelled {
        return Ok(rejected(RejectReason::CourseCancelled));
    }
    if now < rules.opens_for(course, &learner, claims) {
        return Ok(rejected(RejectReason::NotOpenYet));
    }
    if now >= course.application.closes_at {
        return Ok(rejected(RejectReason::ApplicationClosed));
    }
    let mine = enrollments::of_learner(tx, learner_id)?;
    if mine.iter().any(|e| e.course_id == *course_id && e.is_live()) {
        return Ok(rejected(RejectReason::AlreadyApplied));
    }
    let term = rules.term_of(course);
    if let Some(limit) = rules.per_person_limit {
        let live = mine.iter().filter(|e| e.institution_id == course.institution_id && e.term == term && e.is_live());
        if live.count() >= limit as usize {
            return Ok(rejected(RejectReason::TermLimitReached));
        }
    }
    let reduction = match rules.reduction_for(course, &learner, claims) {
        Ok(r) => r,
        Err(reason) => return Ok(rejected(reason)),
    };
    let price = ProgrammeRules::price(course, reduction);
    let mut row = EnrollmentRow {
        learner_id: learner_id.clone(),
        course_id: course_id.clone(),
        institution_id: course.institution_id.clone(),
        term,
        state: state::ENTERED,
        due_at: None,
        queue: arrival,
        arrival,
        op_id: op.clone(),
        price,
        paid: Won::ZERO,
        refunded: Won::ZERO,
        updated_at: now,
    };
    let outcome = if course.selection == baeum_domain::Selection::Lottery {
        Outcome::Entered { draw_at: course.application.closes_at.with_timezone(&Utc) }
    } else if taken < course.capacity {
        seat(&mut row, rules, now, false);
        state.seats = Some((taken + 1, waiting));
        Outcome::Confirmed { price, payment_due: row.due_at }
    } else {
        row.state = state::WAITLISTED;
        state.seats = Some((taken, waiting + 1));
        Outcome::Waitlisted { position: waiting + 1 }
    };
    enrollments::put(tx, &row)?;
    Ok(outcome)
}

/// Gives `row` a seat: confirmed outright when nothing is owed, else held until the deadline.
pub(crate) fn seat(row: &mut EnrollmentRow, rules: &ProgrammeRules, now: DateTime<Utc>, promoted: bool) {
    row.updated_at = now;
    if row.price.total().0 <= row.paid.0 {
        row.state = state::CONFIRMED;
        row.due_at = None;
    } else {
        row.state = state::AWAITING_PAYMENT;
        row.due_at = Some(if promoted { promotion_payment_due(now) } else { rules.payment_due(now) });
    }
}

/// Fills free seats of `course` from the head of its waitlist.
pub(crate) fn promote(tx: &Transaction<'_>, course: &Course, now: DateTime<Utc>) -> Result<u32, StoreError> {
    if course.status == baeum_domain::CourseStatus::Cancelled {
        return Ok(0);
    }
    let rules = rules::for_course(tx, course)?;
    let free = course.capacity.saturating_sub(enrollments::seats_taken(tx, &course.id)?);
    let mut promoted = 0;
    for mut row in enrollments::in_state(tx, &course.id, state::WAITLISTED)?.into_iter().take(free as usize) {
        seat(&mut row, &rules, now, true);
        enrollments::put(tx, &row)?;
        promoted += 1;
    }
    Ok(promoted)
}

fn cancel(
    tx: &Transaction<'_>,
    learner_id: &LearnerId,
    course_id: &CourseId,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let Some(mut row) = enrollments::get(tx, learner_id, course_id)?.filter(EnrollmentRow::is_live) else {
        return Ok(rejected(RejectReason::NotEnrolled));
    };
    let Some(course) = courses::get(tx, course_id.as_str())? else {
        return Ok(rejected(RejectReason::UnknownCourse));
    };
    let held_seat = row.holds_seat();
    let refund = refund_of(&row, &course, now, RefundCause::Learner);
    if refund.amount.0 > 0 {
        ledger::record_refund(tx, learner_id, course_id, &refund, RefundCause::Learner, now)?;
    }
    row.state = state::CANCELLED;
    row.due_at = None;
    row.refunded = refund.amount;
    row.updated_at = now;
    enrollments::put(tx, &row)?;
    if held_seat {
        promote(tx, &course, now)?;
    }
    Ok(Outcome::Cancelled { refund })
}

/// What goes back to the learner of `row` if the enrollment ends at `now`.
pub(crate) fn refund_of(row: &EnrollmentRow, course: &Course, now: DateTime<Utc>, cause: RefundCause) -> Refund {
    if row.paid.0 == 0 {
        return Refund { amount: Won::ZERO, rule: RefundRule::BeforeStart };
    }
    // What was paid covers tuition first, then materials.
    let tuition = Won(row.paid.0.min(row.price.tuition.0));
    let materials = Won(row.paid.0 - tuition.0);
    refund::refund(tuition, materials, &course.sessions, now.with_timezone(&kst()), cause)
}

/// Records a payment for a seat awaiting it (exactly the amount owed).
pub(crate) fn record_payment(tx: &Transaction<'_>, payment: &Payment<'_>) -> Result<Outcome, StoreError> {
    let (learner_id, course_id, amount, now) = (payment.learner, payment.course, payment.amount, payment.at);
    let Some(mut row) = enrollments::get(tx, learner_id, course_id)? else {
        return Ok(rejected(RejectReason::NotEnrolled));
    };
    if row.state != state::AWAITING_PAYMENT {
        return Ok(rejected(if row.state == state::CONFIRMED {
            RejectReason::NothingToPay
        } else {
            RejectReason::NotEnrolled
        }));
    }
    let owed = row.price.total().0.saturating_sub(row.paid.0);
    if amount.0 != owed {
        return Ok(rejected(RejectReason::WrongAmount));
    }
    ledger::record_payment(tx, payment)?;
    row.paid = Won(row.paid.0 + amount.0);
    row.state = state::CONFIRMED;
    row.due_at = None;
    row.updated_at = now;
    enrollments::put(tx, &row)?;
    Ok(Outcome::Paid { amount })
}

fn mark_attendance(
    tx: &Transaction<'_>,
    courses: &mut CourseCache,
    learner_id: &LearnerId,
    course_id: &CourseId,
    session: chrono::NaiveDate,
    present: bool,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let Some(state) = courses.get(tx, course_id)? else {
        return Ok(rejected(RejectReason::UnknownCourse));
    };
    if !enrollments::is_confirmed(tx, learner_id, course_id)? {
        return Ok(rejected(RejectReason::NotEnrolled));
    }
    if !state.course.sessions.iter().any(|s| s.date == session) {
        return Ok(rejected(RejectReason::UnknownSession));
    }
    attendance::mark(tx, learner_id, course_id, session, present, now)?;
    let attended = attendance::attended(tx, learner_id, course_id)?;
    let sessions = state.course.sessions.len() as u32;
    Ok(Outcome::AttendanceRecorded { attended, sessions, completed: state.rules.completed(attended, sessions) })
}

/// A certificate a kiosk issued offline: signed by that kiosk's endorsed key, about this learner
/// and course, and complete by the hub's own attendance. Then it is recorded under its own serial
/// (or superseded by the one the hub had already issued); otherwise it is recorded and revoked,
/// so the key set tells offline checkers too.
fn provisional_certificate(
    tx: &Transaction<'_>,
    courses: &mut CourseCache,
    kiosk: &baeum_domain::KioskId,
    learner_id: &LearnerId,
    course_id: &CourseId,
    qr_text: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    use baeum_domain::certificate::{SignedCertificate, public_key};
    let Ok(cert) = SignedCertificate::parse_qr(qr_text) else {
        return Ok(rejected(RejectReason::BadCertificate));
    };
    let key = kiosk_keys::get(tx, &cert.payload.key_id)?
        .filter(|k| k.kiosk_id == kiosk.as_str() && k.endorsement.is_some())
        .and_then(|k| public_key(&k.public_key));
    if !key.is_some_and(|k| cert.signed_by(&k)) || !cert.payload.provisional {
        return Ok(rejected(RejectReason::BadCertificate));
    }
    let serial = cert.payload.serial.clone();
    if let Some(known) = certificates::find(tx, &serial)? {
        // The same upload again after an answer was lost: the answer it had.
        return Ok(match known.superseded_by {
            Some(by) => Outcome::CertificateConfirmed { serial: by },
            None if known.revoked_at.is_some() => rejected(RejectReason::NotCompleted),
            None => Outcome::CertificateConfirmed { serial },
        });
    }
    let Some(state) = courses.get(tx, course_id)? else {
        return Ok(rejected(RejectReason::UnknownCourse));
    };
    let learner = learners::get(tx, learner_id.as_str())?;
    if learner.is_none_or(|l| l.name.as_str() != cert.payload.learner_name)
        || state.course.title.as_str() != cert.payload.course_title
    {
        return Ok(rejected(RejectReason::BadCertificate));
    }
    let completed = enrollments::is_confirmed(tx, learner_id, course_id)?
        && state.rules.completed(attendance::attended(tx, learner_id, course_id)?, state.course.sessions.len() as u32);
    let existing = certificates::current(tx, learner_id, course_id)?;
    certificates::insert(
        tx,
        &certificates::NewCertificate {
            serial: &serial,
            learner: learner_id,
            course: course_id,
            qr_text,
            verification_code: &cert.verification_code(),
            issued_at: now,
            reissued_by: None,
        },
    )?;
    if !completed {
        certificates::revoke(tx, &serial, "중앙 서버", "수료 기준 미달 (임시 발급 확인 결과)", now)?;
        return Ok(rejected(RejectReason::NotCompleted));
    }
    match existing {
        Some(hubs) => {
            certificates::supersede(tx, &serial, &hubs.serial)?;
            Ok(Outcome::CertificateConfirmed { serial: hubs.serial })
        }
        None => Ok(Outcome::CertificateConfirmed { serial }),
    }
}

/// Registers a learner directly (demo data, staff tools); kiosks go through intents.
pub fn register(conn: &mut Connection, learner: &Learner) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    learners::insert(&tx, learner)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! A hub with one course whose rules the test chooses, and learners to apply with.
    use baeum_domain::enrollment::{Intent, IntentBatch, IntentBatchAnswer, IntentBody};
    use baeum_domain::learner::{Consent, ConsentPurpose, IdentityCheck, Learner, LearnerDraft};
    use baeum_domain::{Course, CourseStatus, KioskId, LearnerId, OpId, Selection, Won, kst};
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use rusqlite::Connection;

    use crate::store::{self, catalog};

    pub fn at(s: &str) -> DateTime<Utc> {
        kst().from_local_datetime(&s.parse().unwrap()).unwrap().with_timezone(&Utc)
    }

    /// The twin of the fixture course (same institution, term and rules).
    pub fn twin(course: &Course) -> Course {
        let mut twin = course.clone();
        twin.id = baeum_domain::CourseId::parse(&format!("{}-twin", course.id)).unwrap();
        twin
    }

    /// A hub holding one scheduled course (and its twin): applications 2026-11-20 10:00 – 12-04 18:00 KST,
    /// sessions from 2026-12-08.
    pub fn hub(capacity: u32, selection: Selection, fee: u32) -> (Connection, Course) {
        let mut conn = store::open_in_memory().unwrap();
        let mut batch = crate::demo::demo_catalog("2026-11-26".parse().unwrap()).unwrap();
        let mut course = batch.courses.iter().find(|c| c.sessions.len() >= 8).unwrap().clone();
        course.capacity = capacity;
        course.selection = selection;
        course.fee = Won(fee);
        course.materials_fee = Won(0);
        course.status = CourseStatus::Scheduled;
        course.application.opens_at = kst().with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
        course.application.closes_at = kst().with_ymd_and_hms(2026, 12, 4, 18, 0, 0).unwrap();
        let first = course.sessions[0].date;
        let shift = "2026-12-08".parse::<chrono::NaiveDate>().unwrap() - first;
        for s in &mut course.sessions {
            s.date += shift;
        }
        // A twin in the same institution and term, for per-term limits.
        let mut twin = course.clone();
        twin.id = baeum_domain::CourseId::parse(&format!("{}-twin", course.id)).unwrap();
        let other_courses = batch.courses.iter().filter(|c| c.id != course.id).cloned();
        batch.courses = other_courses.chain([course.clone(), twin]).collect();
        catalog::apply(&mut conn, &batch).unwrap();
        (conn, course)
    }

    pub fn learner(i: usize, birth: &str) -> Learner {
        Learner::try_from(LearnerDraft {
            id: format!("l-{i:05}"),
            name: "김배움".into(),
            birth_date: birth.parse().unwrap(),
            mobile: format!("010{:08}", 10_000_000 + i),
            resident: true,
            guardian: None,
            consents: vec![
                Consent { purpose: ConsentPurpose::CourseAdministration, agreed: true, notice_version: 1 },
                Consent { purpose: ConsentPurpose::CourseNews, agreed: false, notice_version: 1 },
            ],
            identity: IdentityCheck::SelfDeclared,
            pin_hash: "salt$hash".into(),
            registered_on: "2026-11-26".parse().unwrap(),
        })
        .unwrap()
    }

    /// A kiosk that numbers its intents.
    pub struct TestKiosk {
        pub id: KioskId,
        pub seq: u64,
    }

    impl TestKiosk {
        pub fn new(name: &str) -> Self {
            Self { id: KioskId::parse(name).unwrap(), seq: 0 }
        }

        pub fn intent(&mut self, body: IntentBody) -> Intent {
            self.seq += 1;
            Intent { seq: self.seq, op_id: OpId::parse(&format!("{}-op-{}", self.id, self.seq)).unwrap(), body }
        }

        pub fn send(
            &mut self,
            conn: &mut Connection,
            now: DateTime<Utc>,
            bodies: Vec<IntentBody>,
        ) -> IntentBatchAnswer {
            let intents = bodies.into_iter().map(|b| self.intent(b)).collect();
            super::apply_batch(conn, &IntentBatch { kiosk_id: self.id.clone(), intents }, now).unwrap()
        }
    }

    pub fn register(i: usize, birth: &str) -> IntentBody {
        IntentBody::RegisterLearner { learner: learner(i, birth) }
    }

    pub fn apply(i: usize, course: &Course) -> IntentBody {
        IntentBody::Apply { learner_id: lid(i), course_id: course.id.clone(), claims: vec![] }
    }

    pub fn lid(i: usize) -> LearnerId {
        LearnerId::parse(&format!("l-{i:05}")).unwrap()
    }

    pub fn plus_hours(t: DateTime<Utc>, h: i64) -> DateTime<Utc> {
        t + Duration::hours(h)
    }
}

#[cfg(test)]
mod tests {
    use baeum_domain::enrollment::{EnrollmentStatus, Intent, IntentBatch, IntentBody, Outcome, PaymentMethod};
    use baeum_domain::refund::RefundRule;
    use baeum_domain::rules::{Price, ProgrammeRules, ReductionKind, RejectReason};
    use baeum_domain::{OpId, Selection, Won};

    use super::fixtures::*;
    use crate::store::{enrollments, rules};

    fn status(conn: &rusqlite::Connection, i: usize, course: &baeum_domain::Course) -> EnrollmentStatus {
        let row = enrollments::get(conn, &lid(i), &course.id).unwrap().unwrap();
        enrollments::view(conn, &row).unwrap().status
    }

    #[test]
    fn enrollment_past_capacity_is_waitlisted_in_arrival_order() {
        let (mut conn, course) = hub(3, Selection::FirstCome, 0);
        let mut k = TestKiosk::new("k-a");
        let now = at("2026-11-26T14:00:00");
        let mut bodies: Vec<IntentBody> = (0..6).map(|i| register(i, "1960-05-05")).collect();
        bodies.extend((0..6).map(|i| apply(i, &course)));
        let answer = k.send(&mut conn, now, bodies);
        let outcomes: Vec<&Outcome> = answer.results[6..].iter().map(|r| &r.outcome).collect();
        let free = Price { tuition: Won(0), materials: Won(0) };
        assert_eq!(outcomes[..3], [&Outcome::Confirmed { price: free, payment_due: None }; 3]);
        assert_eq!(
            outcomes[3..],
            [
                &Outcome::Waitlisted { position: 1 },
                &Outcome::Waitlisted { position: 2 },
                &Outcome::Waitlisted { position: 3 }
            ]
        );
        assert_eq!(enrollments::seats_taken(&conn, &course.id).unwrap(), 3);
    }

    #[test]
    fn a_replayed_intent_gets_the_stored_outcome_and_changes_nothing() {
        let (mut conn, course) = hub(1, Selection::FirstCome, 0);
        let mut k = TestKiosk::new("k-a");
        let now = at("2026-11-26T14:00:00");
        let first = k.send(&mut conn, now, vec![register(1, "1960-01-01"), apply(1, &course)]);
        // The same two intents again (the answer was lost on the way back).
        let replay = IntentBatch {
            kiosk_id: k.id.clone(),
            intents: first
                .results
                .iter()
                .zip([register(1, "1960-01-01"), apply(1, &course)])
                .map(|(r, body)| Intent { seq: r.seq, op_id: r.op_id.clone(), body })
                .collect(),
        };
        let again = super::apply_batch(&mut conn, &replay, plus_hours(now, 1)).unwrap();
        assert_eq!(again.results, first.results);
        assert_eq!(again.refused, None);
        assert_eq!(enrollments::seats_taken(&conn, &course.id).unwrap(), 1);

        // Same sequence number, different body: refused, nothing applied.
        let mut conflicting = replay.clone();
        conflicting.intents.truncate(1);
        conflicting.intents[0].body = register(2, "1970-01-01");
        let refused = super::apply_batch(&mut conn, &conflicting, now).unwrap();
        assert_eq!(refused.refused.map(|r| r.code), Some("op_conflict".into()));

        // A gap: seq 4 when 2 is the last applied.
        let gap = IntentBatch {
            kiosk_id: k.id.clone(),
            intents: vec![Intent { seq: 4, op_id: OpId::parse("k-a-op-x").unwrap(), body: register(3, "1970-01-01") }],
        };
        let refused = super::apply_batch(&mut conn, &gap, now).unwrap();
        assert_eq!(refused.refused.map(|r| r.code), Some("sequence_gap".into()));
        assert_eq!(refused.applied_through, 2);
    }

    #[test]
    fn cancelling_a_paid_seat_refunds_by_the_table_and_promotes_the_waitlist_head() {
        let (mut conn, course) = hub(1, Selection::FirstCome, 40_000);
        let mut k = TestKiosk::new("k-a");
        let now = at("2026-11-26T14:00:00");
        let a = k.send(
            &mut conn,
            now,
            vec![register(1, "1980-01-01"), register(2, "1980-01-01"), apply(1, &course), apply(2, &course)],
        );
        assert!(matches!(a.results[2].outcome, Outcome::Confirmed { payment_due: Some(_), .. }));
        assert_eq!(a.results[3].outcome, Outcome::Waitlisted { position: 1 });
        let pay = IntentBody::RecordPayment {
            learner_id: lid(1),
            course_id: course.id.clone(),
            method: PaymentMethod::Card,
            receipt: "A-1".into(),
            amount: Won(39_000),
        };
        let b = k.send(&mut conn, now, vec![pay.clone()]);
        assert_eq!(b.results[0].outcome, Outcome::Rejected { reason: RejectReason::WrongAmount });
        let IntentBody::RecordPayment { learner_id, course_id, method, receipt, .. } = pay else { unreachable!() };
        let b = k.send(
            &mut conn,
            now,
            vec![IntentBody::RecordPayment { learner_id, course_id, method, receipt, amount: Won(40_000) }],
        );
        assert_eq!(b.results[0].outcome, Outcome::Paid { amount: Won(40_000) });
        assert_eq!(status(&conn, 1, &course), EnrollmentStatus::Confirmed);

        // Cancelled in the evening before the course starts: full refund, learner 2 promoted with
        // until 23:59 the next day to pay.
        let evening = at("2026-11-30T21:00:00");
        let c =
            k.send(&mut conn, evening, vec![IntentBody::Cancel { learner_id: lid(1), course_id: course.id.clone() }]);
        let Outcome::Cancelled { refund } = c.results[0].outcome else { panic!("{:?}", c.results[0]) };
        assert_eq!((refund.amount, refund.rule), (Won(40_000), RefundRule::BeforeStart));
        assert_eq!(status(&conn, 2, &course), EnrollmentStatus::AwaitingPayment { due: at("2026-12-01T23:59:59") });
    }

    #[test]
    fn an_unpaid_seat_is_released_at_the_deadline_and_offered_to_the_waitlist() {
        let (mut conn, course) = hub(1, Selection::FirstCome, 20_000);
        let mut k = TestKiosk::new("k-a");
        let now = at("2026-11-26T14:00:00");
        k.send(
            &mut conn,
            now,
            vec![register(1, "1980-01-01"), register(2, "1980-01-01"), apply(1, &course), apply(2, &course)],
        );
        let mut seed = || "unused".to_string();
        let early = crate::housekeeping::run(&mut conn, plus_hours(now, 47), &mut seed).unwrap();
        assert_eq!(early.released, 0);
        let late = crate::housekeeping::run(&mut conn, plus_hours(now, 49), &mut seed).unwrap();
        assert_eq!((late.released, late.promoted), (1, 1));
        assert_eq!(status(&conn, 1, &course), EnrollmentStatus::Released);
        assert!(matches!(status(&conn, 2, &course), EnrollmentStatus::AwaitingPayment { .. }));
    }

    #[test]
    fn the_lottery_is_drawn_after_the_window_and_can_be_re_run_from_its_record() {
        let (mut conn, course) = hub(5, Selection::Lottery, 0);
        let mut k = TestKiosk::new("k-a");
        let now = at("2026-11-26T14:00:00");
        let mut bodies: Vec<IntentBody> = (0..12).map(|i| register(i, "1970-01-01")).collect();
        bodies.extend((0..12).map(|i| apply(i, &course)));
        let answer = k.send(&mut conn, now, bodies);
        assert!(answer.results[12..].iter().all(|r| matches!(r.outcome, Outcome::Entered { .. })));
        let mut seed = || "seed-1234".to_string();
        let before = crate::housekeeping::run(&mut conn, at("2026-12-04T17:59:00"), &mut seed).unwrap();
        assert_eq!(before.draws, 0, "no draw while the window is open");
        let round = crate::housekeeping::run(&mut conn, at("2026-12-04T18:00:00"), &mut seed).unwrap();
        assert_eq!(round.draws, 1);
        assert_eq!(enrollments::seats_taken(&conn, &course.id).unwrap(), 5);
        let recorded = crate::store::lottery::get(&conn, &course.id).unwrap().unwrap();
        assert_eq!(baeum_domain::rules::draw(&recorded.seed, &recorded.entrants, recorded.capacity), recorded.result);
        let positions: Vec<u32> = recorded
            .result
            .waitlist
            .iter()
            .map(|id| match status(&conn, id.as_str()[2..].parse().unwrap(), &course) {
                EnrollmentStatus::Waitlisted { position } => position,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(positions, (1..=7).collect::<Vec<u32>>(), "the waitlist is contiguous, in ticket order");
    }

    #[test]
    fn windows_limits_and_reductions_follow_the_programme_rules() {
        let (mut conn, course) = hub(30, Selection::FirstCome, 30_000);
        let mut k = TestKiosk::new("k-a");
        // Before the general opening (2026-11-20 10:00): residents 24 h early, priority 48 h early.
        let early = at("2026-11-18T12:00:00");
        let a = k.send(
            &mut conn,
            early,
            vec![
                register(1, "1950-01-01"),
                apply(1, &course),
                IntentBody::Apply {
                    learner_id: lid(1),
                    course_id: course.id.clone(),
                    claims: vec![ReductionKind::BasicLivelihood],
                },
            ],
        );
        assert_eq!(a.results[1].outcome, Outcome::Rejected { reason: RejectReason::NotOpenYet });
        let free = Price { tuition: Won(0), materials: Won(0) };
        assert_eq!(a.results[2].outcome, Outcome::Confirmed { price: free, payment_due: None });

        // A 76-year-old gets half price; a 40-year-old claiming the senior rate is refused.
        let now = at("2026-11-26T14:00:00");
        let b = k.send(
            &mut conn,
            now,
            vec![
                register(2, "1950-03-03"),
                register(3, "1986-03-03"),
                IntentBody::Apply {
                    learner_id: lid(2),
                    course_id: course.id.clone(),
                    claims: vec![ReductionKind::Senior],
                },
                IntentBody::Apply {
                    learner_id: lid(3),
                    course_id: course.id.clone(),
                    claims: vec![ReductionKind::Senior],
                },
            ],
        );
        assert!(matches!(b.results[2].outcome, Outcome::Confirmed { price: Price { tuition: Won(15_000), .. }, .. }));
        assert_eq!(b.results[3].outcome, Outcome::Rejected { reason: RejectReason::ReductionNotAllowed });

        // At most one course per term at this institution.
        let rules_one = ProgrammeRules { per_person_limit: Some(1), ..ProgrammeRules::default() };
        rules::set(&conn, &rules::Scope::Institution(course.institution_id.to_string()), &rules_one).unwrap();
        let c = k.send(&mut conn, now, vec![apply(2, &course), apply(2, &twin(&course))]);
        assert_eq!(c.results[0].outcome, Outcome::Rejected { reason: RejectReason::AlreadyApplied });
        assert_eq!(c.results[1].outcome, Outcome::Rejected { reason: RejectReason::TermLimitReached });
        let after = at("2026-12-05T09:00:00");
        let d = k.send(&mut conn, after, vec![apply(3, &course)]);
        assert_eq!(d.results[0].outcome, Outcome::Rejected { reason: RejectReason::ApplicationClosed });
    }

    #[test]
    fn below_minimum_enrolment_the_course_is_cancelled_and_everyone_refunded() {
        let (mut conn, course) = hub(10, Selection::FirstCome, 50_000);
        let mut k = TestKiosk::new("k-a");
        let now = at("2026-11-26T14:00:00");
        let mut seed = || "s".to_string();
        crate::housekeeping::run(&mut conn, now, &mut seed).unwrap();
        k.send(
            &mut conn,
            now,
            vec![register(1, "1980-01-01"), register(2, "1980-01-01"), apply(1, &course), apply(2, &course)],
        );
        k.send(
            &mut conn,
            now,
            vec![IntentBody::RecordPayment {
                learner_id: lid(1),
                course_id: course.id.clone(),
                method: PaymentMethod::Cash,
                receipt: "C-7".into(),
                amount: Won(50_000),
            }],
        );
        let round = crate::housekeeping::run(&mut conn, at("2026-12-04T18:30:00"), &mut seed).unwrap();
        assert_eq!(round.cancelled_courses, 1, "2 of 10 is below 50 %");
        assert_eq!(status(&conn, 1, &course), EnrollmentStatus::CourseCancelled);
        let row = enrollments::get(&conn, &lid(1), &course.id).unwrap().unwrap();
        assert_eq!(row.refunded, Won(50_000));
        let stored = crate::store::courses::get(&conn, course.id.as_str()).unwrap().unwrap();
        assert_eq!(stored.status, baeum_domain::CourseStatus::Cancelled);
        // Decided once: a later round changes nothing.
        let again = crate::housekeeping::run(&mut conn, at("2026-12-05T18:30:00"), &mut seed).unwrap();
        assert_eq!(again.cancelled_courses, 0);
    }
}
