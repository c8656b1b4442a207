//! The hub's decisions for enrollment intents, end to end through `apply_batch`.

use baeum_domain::enrollment::EnrollmentIntent;
use baeum_domain::enrollment::EnrollmentOutcome;
use baeum_domain::enrollment::{EnrollmentStatus, PaymentMethod};
use baeum_domain::intent::{Intent, IntentBatch, IntentBody, Outcome};
use baeum_domain::refund::RefundRule;
use baeum_domain::rules::{Price, ProgrammeRules, ReductionKind, RejectReason};
use baeum_domain::{OpId, Selection, Won};

use super::fixtures::*;
use crate::store::{enrollments, rules};

fn status(conn: &crate::db::Connection, i: usize, course: &baeum_domain::Course) -> EnrollmentStatus {
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
    assert_eq!(
        outcomes[..3],
        [&Outcome::Enrollment(EnrollmentOutcome::Confirmed { price: free, payment_due: None }); 3]
    );
    assert_eq!(
        outcomes[3..],
        [
            &Outcome::Enrollment(EnrollmentOutcome::Waitlisted { position: 1 }),
            &Outcome::Enrollment(EnrollmentOutcome::Waitlisted { position: 2 }),
            &Outcome::Enrollment(EnrollmentOutcome::Waitlisted { position: 3 })
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
        intents: first
            .results
            .iter()
            .zip([register(1, "1960-01-01"), apply(1, &course)])
            .map(|(r, body)| Intent { seq: r.seq, op_id: r.op_id.clone(), body, staff: k.staff.clone() })
            .collect(),
    };
    let again = super::apply_batch(&mut conn, &k.id, &replay, &no_wraps(), plus_hours(now, 1)).unwrap();
    assert_eq!(again.results, first.results);
    assert_eq!(again.refused, None);
    assert_eq!(enrollments::seats_taken(&conn, &course.id).unwrap(), 1);

    // Same sequence number, different body: refused, nothing applied.
    let mut conflicting = replay.clone();
    conflicting.intents.truncate(1);
    conflicting.intents[0].body = register(2, "1970-01-01");
    let refused = super::apply_batch(&mut conn, &k.id, &conflicting, &no_wraps(), now).unwrap();
    assert_eq!(refused.refused.map(|r| r.code), Some(baeum_domain::ErrorCode::OpConflict));

    // A gap: seq 4 when 2 is the last applied.
    let gap = IntentBatch {
        intents: vec![Intent {
            seq: 4,
            op_id: OpId::parse("k-a-op-x").unwrap(),
            body: register(3, "1970-01-01"),
            staff: None,
        }],
    };
    let refused = super::apply_batch(&mut conn, &k.id, &gap, &no_wraps(), now).unwrap();
    assert_eq!(refused.refused.map(|r| r.code), Some(baeum_domain::ErrorCode::SequenceGap));
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
    assert!(matches!(
        a.results[2].outcome,
        Outcome::Enrollment(EnrollmentOutcome::Confirmed { payment_due: Some(_), .. })
    ));
    assert_eq!(a.results[3].outcome, Outcome::Enrollment(EnrollmentOutcome::Waitlisted { position: 1 }));
    let pay = IntentBody::Enrollment(EnrollmentIntent::RecordPayment {
        learner_id: lid(1),
        course_id: course.id.clone(),
        method: PaymentMethod::Card,
        receipt: "A-1".into(),
        amount: Won(39_000),
    });
    let b = k.send(&mut conn, now, vec![pay.clone()]);
    assert_eq!(b.results[0].outcome, Outcome::Rejected { reason: RejectReason::WrongAmount });
    let IntentBody::Enrollment(EnrollmentIntent::RecordPayment { learner_id, course_id, method, receipt, .. }) = pay
    else {
        unreachable!()
    };
    let b = k.send(
        &mut conn,
        now,
        vec![IntentBody::Enrollment(EnrollmentIntent::RecordPayment {
            learner_id,
            course_id,
            method,
            receipt,
            amount: Won(40_000),
        })],
    );
    assert_eq!(b.results[0].outcome, Outcome::Enrollment(EnrollmentOutcome::Paid { amount: Won(40_000) }));
    assert_eq!(status(&conn, 1, &course), EnrollmentStatus::Confirmed);

    // Cancelled in the evening before the course starts: full refund, learner 2 promoted with
    // until 23:59 the next day to pay.
    let evening = at("2026-11-30T21:00:00");
    let c = k.send(
        &mut conn,
        evening,
        vec![IntentBody::Enrollment(EnrollmentIntent::Cancel { learner_id: lid(1), course_id: course.id.clone() })],
    );
    let Outcome::Enrollment(EnrollmentOutcome::Cancelled { refund }) = c.results[0].outcome else {
        panic!("{:?}", c.results[0])
    };
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

/// A seat awaiting a ₩20,000 payment, and its learner tapping 결제하기 on the phone a minute
/// before the deadline (the claim made).
struct Tapped {
    conn: crate::db::Connection,
    course: baeum_domain::Course,
    kiosk: TestKiosk,
    op: OpId,
    applied: chrono::DateTime<chrono::Utc>,
    tapped: chrono::DateTime<chrono::Utc>,
}

fn tapped_before_the_deadline() -> Tapped {
    let (mut conn, course) = hub(1, Selection::FirstCome, 20_000);
    let mut kiosk = TestKiosk::new("k-a");
    let applied = at("2026-11-26T14:00:00");
    let answer = kiosk.send(&mut conn, applied, vec![register(1, "1980-01-01"), apply(1, &course)]);
    let op = answer.results[1].op_id.clone();
    let tapped = plus_hours(applied, 48) - chrono::Duration::minutes(1);
    assert_eq!(
        crate::payment::claim(&mut conn, op.as_str(), tapped).unwrap(),
        crate::payment::Claim::Claimed { owed: Won(20_000) }
    );
    Tapped { conn, course, kiosk, op, applied, tapped }
}

#[test]
fn a_seat_whose_phone_payment_is_under_way_is_not_released_until_the_attempt_ends() {
    let Tapped { mut conn, course, kiosk: mut k, op, applied: now, tapped } = tapped_before_the_deadline();
    let mut seed = || "unused".to_string();
    let past_deadline = plus_hours(now, 48) + chrono::Duration::seconds(30);
    let during = crate::housekeeping::run(&mut conn, past_deadline, &mut seed).unwrap();
    assert_eq!(during.released, 0, "past the deadline, but the charge under way decides");
    // No answer ever came (the hub crashed mid-charge): the money may have been taken, so the
    // seat stays until the attempt has an answer.
    let later = tapped + chrono::Duration::hours(6);
    assert_eq!(crate::housekeeping::run(&mut conn, later, &mut seed).unwrap().released, 0);
    // Meanwhile the seat can be neither cancelled nor paid at the desk.
    let refused = k.send(
        &mut conn,
        later,
        vec![
            IntentBody::Enrollment(EnrollmentIntent::Cancel { learner_id: lid(1), course_id: course.id.clone() }),
            IntentBody::Enrollment(EnrollmentIntent::RecordPayment {
                learner_id: lid(1),
                course_id: course.id.clone(),
                method: PaymentMethod::Cash,
                receipt: "R-desk".into(),
                amount: Won(20_000),
            }),
        ],
    );
    for r in &refused.results {
        assert_eq!(r.outcome.rejection(), Some(RejectReason::PaymentInProgress), "{:?}", r.outcome);
    }
    // The person taps again and the provider declines: the attempt ends, and the seat goes.
    assert!(matches!(
        crate::payment::claim(&mut conn, op.as_str(), later).unwrap(),
        crate::payment::Claim::Claimed { .. }
    ));
    crate::payment::abandon(&mut conn, op.as_str()).unwrap();
    let after = crate::housekeeping::run(&mut conn, later, &mut seed).unwrap();
    assert_eq!(after.released, 1);
    assert_eq!(status(&conn, 1, &course), EnrollmentStatus::Released);
}

/// The provider took the money but recording it failed: the held receipt keeps the seat however
/// late it gets, and the next tap records the payment without a second charge.
#[test]
fn a_seat_with_a_charge_not_yet_recorded_is_never_released_and_the_next_tap_records_it() {
    let Tapped { mut conn, course, op, applied: now, .. } = tapped_before_the_deadline();
    let owed = Won(20_000);
    crate::payment::hold_receipt(&mut conn, op.as_str(), "R-77").unwrap();
    let mut seed = || "unused".to_string();
    let much_later = plus_hours(now, 72);
    assert_eq!(crate::housekeeping::run(&mut conn, much_later, &mut seed).unwrap().released, 0);
    let retry = crate::payment::claim(&mut conn, op.as_str(), much_later).unwrap();
    assert_eq!(retry, crate::payment::Claim::Charged { owed, receipt: "R-77".into() });
    let outcome = crate::payment::record(&mut conn, op.as_str(), owed, "R-77", much_later).unwrap();
    // A second tap that found the same held receipt before the first recorded it.
    let again = crate::payment::record(&mut conn, op.as_str(), owed, "R-77", much_later).unwrap();
    assert_eq!(again, Some(EnrollmentOutcome::Paid { amount: owed }.into()), "recorded once, said twice");
    assert!(matches!(outcome, Some(Outcome::Enrollment(EnrollmentOutcome::Paid { .. }))), "{outcome:?}");
    assert_eq!(status(&conn, 1, &course), EnrollmentStatus::Confirmed);
}

#[test]
fn the_lottery_is_drawn_after_the_window_and_can_be_re_run_from_its_record() {
    let (mut conn, course) = hub(5, Selection::Lottery, 0);
    let mut k = TestKiosk::new("k-a");
    let now = at("2026-11-26T14:00:00");
    let mut bodies: Vec<IntentBody> = (0..12).map(|i| register(i, "1970-01-01")).collect();
    bodies.extend((0..12).map(|i| apply(i, &course)));
    let answer = k.send(&mut conn, now, bodies);
    assert!(
        answer.results[12..]
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Enrollment(EnrollmentOutcome::Entered { .. })))
    );
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
            IntentBody::Enrollment(EnrollmentIntent::Apply {
                learner_id: lid(1),
                course_id: course.id.clone(),
                claims: vec![ReductionKind::BasicLivelihood],
            }),
        ],
    );
    assert_eq!(a.results[1].outcome, Outcome::Rejected { reason: RejectReason::NotOpenYet });
    let free = Price { tuition: Won(0), materials: Won(0) };
    assert_eq!(
        a.results[2].outcome,
        Outcome::Enrollment(EnrollmentOutcome::Confirmed { price: free, payment_due: None })
    );

    // A 76-year-old gets half price; a 40-year-old claiming the senior rate is refused.
    let now = at("2026-11-26T14:00:00");
    let b = k.send(
        &mut conn,
        now,
        vec![
            register(2, "1950-03-03"),
            register(3, "1986-03-03"),
            IntentBody::Enrollment(EnrollmentIntent::Apply {
                learner_id: lid(2),
                course_id: course.id.clone(),
                claims: vec![ReductionKind::Senior],
            }),
            IntentBody::Enrollment(EnrollmentIntent::Apply {
                learner_id: lid(3),
                course_id: course.id.clone(),
                claims: vec![ReductionKind::Senior],
            }),
        ],
    );
    assert!(matches!(
        b.results[2].outcome,
        Outcome::Enrollment(EnrollmentOutcome::Confirmed { price: Price { tuition: Won(15_000), .. }, .. })
    ));
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
        vec![IntentBody::Enrollment(EnrollmentIntent::RecordPayment {
            learner_id: lid(1),
            course_id: course.id.clone(),
            method: PaymentMethod::Cash,
            receipt: "C-7".into(),
            amount: Won(50_000),
        })],
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

fn no_wraps() -> crate::pins::PreparedWraps {
    crate::pins::PreparedWraps::none(&crate::pins::PinPepper::ephemeral())
}

/// What only staff may do is accepted only under a stamp naming a staff session the hub opened at
/// the same kiosk, for an active account; each accepted one goes into the access log. A kiosk
/// with nobody on duty acts only for learners it knows.
#[test]
fn staff_actions_need_a_staff_session_of_this_kiosk_and_are_logged() {
    let (mut conn, course) = hub(10, Selection::FirstCome, 30_000);
    let now = at("2026-11-26T14:00:00");
    let mut lobby = TestKiosk::unstaffed("k-lobby");
    lobby.send(&mut conn, now, vec![register(1, "1950-01-01"), apply(1, &course)]);
    let pay = |amount| {
        IntentBody::Enrollment(EnrollmentIntent::RecordPayment {
            learner_id: lid(1),
            course_id: course.id.clone(),
            method: PaymentMethod::Cash,
            receipt: "현금-1".into(),
            amount: Won(amount),
        })
    };
    let refused = lobby.send(&mut conn, now, vec![pay(30_000)]);
    assert_eq!(refused.results[0].outcome, Outcome::Rejected { reason: RejectReason::StaffRequired });

    // Another kiosk's staff session, named by a kiosk that never opened it: refused.
    let desk_stamp = on_duty(&conn, &baeum_domain::KioskId::parse("k-desk").unwrap(), "2001", now);
    lobby.staff = Some(desk_stamp.clone());
    let borrowed = lobby.send(&mut conn, now, vec![pay(30_000)]);
    assert_eq!(borrowed.results[0].outcome, Outcome::Rejected { reason: RejectReason::StaffRequired });

    // The desk kiosk's own stamp: accepted (for a learner the desk kiosk never saw), and logged.
    let mut desk = TestKiosk::unstaffed("k-desk");
    desk.staff = Some(desk_stamp.clone());
    let paid = desk.send(&mut conn, now, vec![pay(30_000)]);
    assert_eq!(paid.results[0].outcome, Outcome::Enrollment(EnrollmentOutcome::Paid { amount: Won(30_000) }));
    let log = crate::store::staff::audit_log(&conn, &Default::default()).unwrap();
    assert_eq!(
        (log.len(), log[0].staff_number.as_str(), log[0].kiosk_id.as_str(), log[0].action.as_str()),
        (1, "2001", "k-desk", "desk_payment")
    );
    assert!(log[0].subject.contains(lid(1).as_str()));

    // Disabled: the same stamp no longer counts, even for a session opened before.
    crate::store::staff::disable(&conn, &desk_stamp.staff_number, now).unwrap();
    let cancel_then_pay = desk.send(&mut conn, now, vec![pay(30_000)]);
    assert_eq!(cancel_then_pay.results[0].outcome, Outcome::Rejected { reason: RejectReason::StaffRequired });

    // Nobody on duty and a learner this kiosk never registered or saw sign in: unknown to it.
    let mut other = TestKiosk::unstaffed("k-other");
    let stranger = other.send(
        &mut conn,
        now,
        vec![IntentBody::Enrollment(EnrollmentIntent::Cancel { learner_id: lid(1), course_id: course.id.clone() })],
    );
    assert_eq!(stranger.results[0].outcome, Outcome::Rejected { reason: RejectReason::UnknownLearner });
    assert_eq!(status(&conn, 1, &course), EnrollmentStatus::Confirmed, "the stranger's cancel changed nothing");
}

#[test]
fn attendance_is_taken_only_for_classes_that_have_started() {
    let (mut conn, course) = hub(10, Selection::FirstCome, 0);
    let mut k = TestKiosk::new("k-a");
    k.send(&mut conn, at("2026-11-26T14:00:00"), vec![register(1, "1950-01-01"), apply(1, &course)]);
    let first = &course.sessions[0];
    let mark = || {
        IntentBody::Attendance(baeum_domain::attendance::AttendanceIntent::MarkAttendance {
            learner_id: lid(1),
            course_id: course.id.clone(),
            session: first.date,
            present: true,
        })
    };
    let starts = first.date.and_time(first.starts_at).and_local_timezone(baeum_domain::kst()).unwrap().to_utc();
    let early = k.send(&mut conn, starts - chrono::Duration::minutes(31), vec![mark()]);
    assert_eq!(early.results[0].outcome, Outcome::Rejected { reason: RejectReason::SessionNotStarted });
    let in_class = k.send(&mut conn, starts - chrono::Duration::minutes(25), vec![mark()]);
    assert!(matches!(in_class.results[0].outcome, Outcome::Attendance(_)), "{in_class:?}");
}

/// A registration the hub's rules refuse is that one intent's rejection: the batch is read, the
/// intents after it are applied, and the same upload again replays the same answers.
#[test]
fn a_registration_the_rules_refuse_is_rejected_alone_and_replays_the_same() {
    let (mut conn, course) = hub(10, Selection::FirstCome, 0);
    let now = at("2026-11-26T14:00:00");
    let mut bad = serde_json::to_value(learner(1, "1950-01-01")).unwrap();
    bad["consents"] = serde_json::json!([]);
    let batch: IntentBatch = serde_json::from_value(serde_json::json!({ "intents": [
        { "seq": 1, "op_id": "op-bad", "body": { "service": "learner", "type": "register_learner", "learner": bad } },
        { "seq": 2, "op_id": "op-good", "body": serde_json::to_value(register(2, "1960-01-01")).unwrap() },
    ]}))
    .unwrap();
    let k = baeum_domain::KioskId::parse("k-a").unwrap();
    let answer = super::apply_batch(&mut conn, &k, &batch, &no_wraps(), now).unwrap();
    assert_eq!(answer.results[0].outcome, Outcome::Rejected { reason: RejectReason::InvalidLearner });
    assert!(matches!(answer.results[1].outcome, Outcome::Learner(_)), "{answer:?}");
    assert_eq!(answer.refused, None);
    assert!(crate::store::learners::get(&conn, lid(1).as_str()).unwrap().is_none());
    let again = super::apply_batch(&mut conn, &k, &batch, &no_wraps(), now).unwrap();
    assert_eq!(again.results, answer.results, "replayed, not refused as a conflict");
    let _ = course;
}

/// A staff session that ends (signed out, the screen wiped) still stands behind what was done in
/// it and reaches the hub later; a learner's is forgotten at once. Registering an id the hub
/// already has does not make a kiosk know her.
#[test]
fn an_ended_staff_session_still_vouches_and_a_known_id_cannot_be_claimed() {
    let (mut conn, course) = hub(10, Selection::FirstCome, 30_000);
    let now = at("2026-11-26T14:00:00");
    let mut desk = TestKiosk::new("k-desk");
    desk.send(&mut conn, now, vec![register(1, "1950-01-01"), apply(1, &course)]);
    let stamp = desk.staff.clone().unwrap();
    let kiosk = baeum_domain::KioskId::parse("k-desk").unwrap();
    assert!(crate::store::sessions::close(&conn, stamp.session.as_str(), &kiosk, now).unwrap());
    let pay = IntentBody::Enrollment(EnrollmentIntent::RecordPayment {
        learner_id: lid(1),
        course_id: course.id.clone(),
        method: PaymentMethod::Cash,
        receipt: "현금-2".into(),
        amount: Won(30_000),
    });
    let later = desk.send(&mut conn, plus_hours(now, 3), vec![pay]);
    assert_eq!(later.results[0].outcome, Outcome::Enrollment(EnrollmentOutcome::Paid { amount: Won(30_000) }));

    let mut other = TestKiosk::unstaffed("k-other");
    let claim = other.send(&mut conn, now, vec![register(1, "1950-01-01")]);
    assert_eq!(claim.results[0].outcome, Outcome::Rejected { reason: RejectReason::InvalidLearner });
    let other_id = baeum_domain::KioskId::parse("k-other").unwrap();
    assert!(!crate::store::sessions::knows(&conn, &other_id, &lid(1)).unwrap());
}

/// A 기관 담당자's stamp counts for their own institution's courses only.
#[test]
fn an_institution_officer_acts_for_their_own_institutions_courses_only() {
    use baeum_domain::staff::{StaffNumber, StaffProfile, StaffRole, StaffStamp};
    let (mut conn, course) = hub(10, Selection::FirstCome, 30_000);
    let now = at("2026-11-26T14:00:00");
    let mut desk = TestKiosk::new("k-desk");
    desk.send(&mut conn, now, vec![register(1, "1950-01-01"), apply(1, &course)]);
    let kiosk = baeum_domain::KioskId::parse("k-desk").unwrap();
    let officer = |number: &str, institution: &baeum_domain::InstitutionId| {
        let profile = StaffProfile {
            staff_number: StaffNumber::parse(number).unwrap(),
            name: "박담당".into(),
            role: StaffRole::InstitutionOfficer,
            institution_id: Some(institution.clone()),
        };
        crate::store::staff::insert(&conn, &profile, crate::pins::DUMMY, now).unwrap();
        let digest = baeum_domain::session::SessionToken::from_random([number.len() as u8 + 40; 32]).stamp_digest();
        let subject = crate::store::sessions::Subject::Staff(number.to_owned());
        crate::store::sessions::open(&conn, digest.as_str(), &subject, &kiosk, now, plus_hours(now, 1)).unwrap();
        StaffStamp { staff_number: profile.staff_number, session: digest }
    };
    let elsewhere = officer("30001", &baeum_domain::InstitutionId::parse("somewhere-else").unwrap());
    let own = officer("300002", &course.institution_id);
    let pay = || {
        IntentBody::Enrollment(EnrollmentIntent::RecordPayment {
            learner_id: lid(1),
            course_id: course.id.clone(),
            method: PaymentMethod::Card,
            receipt: "C-1".into(),
            amount: Won(30_000),
        })
    };
    desk.staff = Some(elsewhere);
    let refused = desk.send(&mut conn, now, vec![pay()]);
    assert_eq!(refused.results[0].outcome, Outcome::Rejected { reason: RejectReason::StaffRequired });
    desk.staff = Some(own);
    let paid = desk.send(&mut conn, now, vec![pay()]);
    assert_eq!(paid.results[0].outcome, Outcome::Enrollment(EnrollmentOutcome::Paid { amount: Won(30_000) }));
}
