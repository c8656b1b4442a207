//! Applying kiosk intents (DESIGN.md §4): each batch in one IMMEDIATE transaction, each intent at
//! most once. `seq ≤ applied` replays the stored outcome (same op id and body) or is refused as an
//! op conflict; a gap is refused; a new intent is decided by its service's module (one per
//! service: `learner`, `enrollment`, `attendance`, `certificate`) by the programme rules against
//! the hub's clock and arrival order — kiosk clocks never order anything. The transaction is
//! committed (fsync'd, `synchronous=FULL`) before any outcome is sent.

mod attendance;
mod certificate;
mod club;
mod enrollment;
mod hello;
mod learner;
pub mod rental;
mod subsidy;

use crate::db::{Connection, Transaction, TransactionBehavior};
use baeum_domain::Course;
use baeum_domain::intent::{IntentBatch, IntentBatchAnswer, IntentBody, IntentRefusal, IntentResult, Outcome};
use baeum_domain::protocol::bytes_checksum;
use baeum_domain::rules::{ProgrammeRules, RejectReason};
use baeum_domain::{CourseId, ErrorCode, KioskId, OpId};
use chrono::{DateTime, Utc};

use crate::pins::PreparedWraps;
use crate::store::{StoreError, counters, courses, enrollments, intents, rules, staff as staff_store};

pub(crate) use enrollment::{promote, record_payment, refund_of, seat};

/// Applies the batch of `kiosk` (the one its credential names) and answers with every outcome,
/// in sequence order. `pins` wraps registrations' PIN verifiers (computed ahead, outside the lock).
pub fn apply_batch(
    conn: &mut Connection,
    kiosk: &KioskId,
    batch: &IntentBatch,
    pins: &PreparedWraps,
    now: DateTime<Utc>,
) -> Result<IntentBatchAnswer, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut applied = intents::applied_through(&tx, kiosk)?;
    let mut results = Vec::with_capacity(batch.intents.len());
    let mut refused = None;
    let mut courses = CourseCache::default();
    for intent in &batch.intents {
        let body_sha256 = bytes_checksum(&intent.body.digest_form());
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
        let arrival = counters::next(&tx, counters::ARRIVAL)?;
        // Staff actions count only inside a staff session the hub opened at this kiosk.
        let staff = match &intent.staff {
            Some(stamp) => crate::staff::verified(&tx, kiosk, stamp)?,
            None => None,
        };
        // A 기관 담당자 acts for their own institution's courses only.
        let staff = match staff {
            Some(s) if !crate::staff::in_scope(&tx, &s, &intent.body)? => None,
            other => other,
        };
        let outcome = if crate::staff::staff_only(&intent.body) && staff.is_none() {
            rejected(RejectReason::StaffRequired)
        } else {
            let mut decision = Decision {
                tx: &tx,
                courses: &mut courses,
                kiosk,
                op: &intent.op_id,
                arrival,
                pins,
                staff: staff.as_ref(),
                now,
            };
            decide(&mut decision, &intent.body)?
        };
        if let Some(who) = &staff
            && let Some((action, subject)) = crate::staff::audit_action(&intent.body)
        {
            staff_store::audit(&tx, now, &who.staff_number, kiosk, action, &subject)?;
        }
        intents::insert(&tx, kiosk, intent.seq, &intent.op_id, &body_sha256, &outcome, arrival, now)?;
        results.push(IntentResult { seq: intent.seq, op_id: intent.op_id.clone(), outcome });
        applied = intent.seq;
    }
    tx.commit()?;
    Ok(IntentBatchAnswer { results, applied_through: applied, refused })
}

fn refusal(seq: u64, code: ErrorCode, message: &str) -> IntentRefusal {
    IntentRefusal { seq, code, message: message.to_owned() }
}

fn rejected(reason: RejectReason) -> Outcome {
    Outcome::Rejected { reason }
}

/// What deciding one intent may use: the batch's transaction and course cache, the kiosk that
/// sent it, the intent's op id, its arrival number, PIN wraps and the hub's clock.
struct Decision<'a, 't> {
    tx: &'a Transaction<'t>,
    courses: &'a mut CourseCache,
    kiosk: &'a KioskId,
    op: &'a OpId,
    arrival: u64,
    pins: &'a PreparedWraps,
    /// The staff member behind the intent, when its stamp checked out.
    staff: Option<&'a baeum_domain::staff::StaffProfile>,
    now: DateTime<Utc>,
}

/// Hands the intent to its service.
fn decide(d: &mut Decision<'_, '_>, body: &IntentBody) -> Result<Outcome, StoreError> {
    match body {
        IntentBody::Learner(b) => learner::decide(d, b),
        IntentBody::Enrollment(b) => enrollment::decide(d, b),
        IntentBody::Attendance(b) => attendance::decide(d, b),
        IntentBody::Certificate(b) => certificate::decide(d, b),
        IntentBody::Subsidy(b) => subsidy::decide(d, b),
        IntentBody::Rental(b) => rental::decide(d, b),
        IntentBody::Club(b) => club::decide(d, b),
        IntentBody::Hello(b) => hello::decide(d, b),
    }
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

#[cfg(test)]
pub(crate) mod fixtures {
    //! A hub with one course whose rules the test chooses, and learners to apply with.
    use crate::db::Connection;
    use baeum_domain::enrollment::EnrollmentIntent;
    use baeum_domain::intent::{Intent, IntentBatch, IntentBatchAnswer, IntentBody};
    use baeum_domain::learner::LearnerIntent;
    use baeum_domain::learner::{Consent, ConsentPurpose, IdentityCheck, Learner, LearnerDraft};
    use baeum_domain::{Course, CourseStatus, KioskId, LearnerId, OpId, Selection, Won, kst};
    use chrono::{DateTime, Duration, TimeZone, Utc};

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
        hub_in(store::open_in_memory().unwrap(), capacity, selection, fee)
    }

    /// [`hub`] in the database `conn`.
    pub fn hub_in(mut conn: Connection, capacity: u32, selection: Selection, fee: u32) -> (Connection, Course) {
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
        /// The stamp every intent carries: a desk clerk signed in at this kiosk (made on the
        /// first send), or none for a kiosk without staff on duty.
        pub staff: Option<baeum_domain::staff::StaffStamp>,
        with_staff: bool,
    }

    impl TestKiosk {
        /// A kiosk with a desk clerk on duty (staff actions are accepted).
        pub fn new(name: &str) -> Self {
            Self { id: KioskId::parse(name).unwrap(), seq: 0, staff: None, with_staff: true }
        }

        /// A kiosk with nobody on duty: its intents carry no staff stamp.
        pub fn unstaffed(name: &str) -> Self {
            Self { with_staff: false, ..Self::new(name) }
        }

        pub fn intent(&mut self, body: IntentBody) -> Intent {
            self.seq += 1;
            Intent {
                seq: self.seq,
                op_id: OpId::parse(&format!("{}-op-{}", self.id, self.seq)).unwrap(),
                body,
                staff: self.staff.clone(),
            }
        }

        pub fn send(
            &mut self,
            conn: &mut Connection,
            now: DateTime<Utc>,
            bodies: Vec<IntentBody>,
        ) -> IntentBatchAnswer {
            if self.with_staff && self.staff.is_none() {
                self.staff = Some(on_duty(conn, &self.id, &format!("{}", 1000 + self.id.as_str().len()), now));
            }
            let intents = bodies.into_iter().map(|b| self.intent(b)).collect();
            super::apply_batch(
                conn,
                &self.id,
                &IntentBatch { intents },
                &crate::pins::PreparedWraps::none(&crate::pins::PinPepper::ephemeral()),
                now,
            )
            .unwrap()
        }
    }

    /// A desk clerk `number` (made if new) signed in at `kiosk`: the stamp their actions carry.
    pub fn on_duty(
        conn: &Connection,
        kiosk: &KioskId,
        number: &str,
        now: DateTime<Utc>,
    ) -> baeum_domain::staff::StaffStamp {
        use baeum_domain::staff::{StaffNumber, StaffProfile, StaffRole};
        let number = StaffNumber::parse(number).unwrap();
        let profile = StaffProfile {
            staff_number: number.clone(),
            name: "김직원".into(),
            role: StaffRole::Desk,
            institution_id: Some(baeum_domain::InstitutionId::parse("gm-llc").unwrap()),
        };
        crate::store::staff::insert(conn, &profile, crate::pins::DUMMY, now).unwrap();
        let mut seed = [0u8; 32];
        for (i, b) in format!("{kiosk}/{number}").bytes().take(32).enumerate() {
            seed[i] = b;
        }
        let digest = baeum_domain::session::SessionToken::from_random(seed).stamp_digest();
        let subject = crate::store::sessions::Subject::Staff(number.to_string());
        crate::store::sessions::open(conn, digest.as_str(), &subject, kiosk, now, now + Duration::minutes(10)).unwrap();
        baeum_domain::staff::StaffStamp { staff_number: number, session: digest }
    }

    pub fn register(i: usize, birth: &str) -> IntentBody {
        IntentBody::Learner(LearnerIntent::RegisterLearner { learner: learner(i, birth).into() })
    }

    pub fn apply(i: usize, course: &Course) -> IntentBody {
        IntentBody::Enrollment(EnrollmentIntent::Apply {
            learner_id: lid(i),
            course_id: course.id.clone(),
            claims: vec![],
        })
    }

    pub fn lid(i: usize) -> LearnerId {
        LearnerId::parse(&format!("l-{i:05}")).unwrap()
    }

    pub fn plus_hours(t: DateTime<Utc>, h: i64) -> DateTime<Utc> {
        t + Duration::hours(h)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod subsidy_tests;

#[cfg(test)]
mod rental_tests;

#[cfg(test)]
mod club_tests;
