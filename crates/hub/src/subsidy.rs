//! Operating the subsidy (광명시민 평생학습지원금): loading a year's programme, running the
//! selection after the application window, and re-running it from its record. The decisions on
//! single applications are in `arbitration::subsidy`.

use crate::db::{Connection, TransactionBehavior};
use baeum_domain::subsidy::{DrawMismatch, DrawRecord, SubsidyProgramme, SubsidyStatus};
use baeum_domain::{ProgrammeId, kst};
use chrono::{DateTime, Utc};

use crate::store::StoreError;
use crate::store::subsidy as store;

#[derive(Debug, thiserror::Error)]
pub enum SubsidyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("지원금 사업 파일을 읽을 수 없습니다: {0}")]
    Programme(String),
    #[error("없는 지원금 사업입니다: {0}")]
    UnknownProgramme(ProgrammeId),
    #[error("{0}: 선정을 이미 했습니다 ({1}); 다시 하지 않습니다")]
    AlreadySelected(ProgrammeId, DateTime<Utc>),
    #[error("{0}: 신청 기간({1}까지)이 끝난 뒤에 선정할 수 있습니다")]
    WindowOpen(ProgrammeId, chrono::NaiveDate),
    #[error("{0}: 기록된 선정이 없습니다")]
    NotSelected(ProgrammeId),
    #[error("{0}: 선정을 한 뒤에는 사업 내용을 바꿀 수 없습니다")]
    Frozen(ProgrammeId),
    #[error("추첨 기록을 다시 계산한 결과가 다릅니다: {0}")]
    Mismatch(#[from] DrawMismatch),
    #[error("저장된 신청 결과가 추첨 기록과 다릅니다: {0}")]
    StatusesDiffer(String),
    #[error("난수를 만들 수 없습니다: {0}")]
    Random(String),
    #[error("{0}: 이 사업에 신청한 기록이 없습니다 ({1})")]
    NoApplication(ProgrammeId, baeum_domain::LearnerId),
    #[error("처리한 사람의 이름을 적어 주세요")]
    NameNeeded,
}

/// Reads a programme file (JSON) and loads it. A programme whose selection was run stays as it
/// was: its rules are what the selection was made under.
pub fn load_programme(conn: &Connection, json: &str, now: DateTime<Utc>) -> Result<SubsidyProgramme, SubsidyError> {
    let programme: SubsidyProgramme = serde_json::from_str(json).map_err(|e| SubsidyError::Programme(e.to_string()))?;
    if store::draw(conn, &programme.id)?.is_some() {
        return Err(SubsidyError::Frozen(programme.id));
    }
    store::put_programme(conn, &programme, now)?;
    Ok(programme)
}

/// The entrants as they stand (who would be drawn now), and their digest: published before the
/// selection (`baeum-hub subsidy entrants`), so the list cannot change afterwards unseen.
pub fn entrants(conn: &Connection, id: &ProgrammeId) -> Result<(usize, String), SubsidyError> {
    let entrants: Vec<_> = store::entrants(conn, id)?.into_iter().map(|(e, _)| e).collect();
    Ok((entrants.len(), baeum_domain::subsidy::entrants_sha256(&entrants)))
}

/// A fresh seed: 32 bytes from the operating system, in hex, published with the record. An
/// operator who wants nobody (themselves included) to be able to choose it announces a public
/// source in advance and passes its value to `select --seed` instead.
pub fn fresh_seed() -> Result<String, SubsidyError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| SubsidyError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Runs the selection of `programme` after its window: records the seed, algorithm, entrant
/// digest and result, and gives each application its result (선정 or 미선정) and each person
/// selected their grant, all in one transaction.
pub fn select(
    conn: &mut Connection,
    id: &ProgrammeId,
    seed: String,
    now: DateTime<Utc>,
) -> Result<DrawRecord, SubsidyError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
    let programme = store::programme(&tx, id)?.ok_or_else(|| SubsidyError::UnknownProgramme(id.clone()))?;
    if let Some(done) = store::draw(&tx, id)? {
        return Err(SubsidyError::AlreadySelected(id.clone(), done.drawn_at));
    }
    if now.with_timezone(&kst()).date_naive() <= programme.closes_on {
        return Err(SubsidyError::WindowOpen(id.clone(), programme.closes_on));
    }
    // Once in a lifetime: someone selected in another programme since applying here (two
    // programmes open at once, or a grant recorded from the city's records) is not drawn.
    let mut entrants = Vec::new();
    for (entrant, learner) in store::entrants(&tx, id)? {
        let earlier = store::grants_of(&tx, std::slice::from_ref(&learner), Some(id))?;
        match earlier.iter().map(|g| g.year).min() {
            Some(year) => {
                let reason = baeum_domain::subsidy::Ineligibility::AlreadyGranted { year };
                store::set_status(&tx, id, &learner, &SubsidyStatus::NotEligible { reason }, now)?;
            }
            None => entrants.push((entrant, learner)),
        }
    }
    let record = DrawRecord::run(&programme, seed, entrants.iter().map(|(e, _)| e.clone()).collect(), now);
    let selected: std::collections::HashSet<&str> = record.selected.iter().map(String::as_str).collect();
    let won = SubsidyStatus::Selected { amount: programme.amount, expires_on: programme.points_expire_on };
    for (entrant, learner) in &entrants {
        if selected.contains(entrant.receipt.as_str()) {
            store::set_status(&tx, id, learner, &won, now)?;
            store::grant(&tx, learner, id, programme.year())?;
        } else {
            store::set_status(&tx, id, learner, &SubsidyStatus::NotSelected, now)?;
        }
    }
    store::record_draw(&tx, &record)?;
    tx.commit().map_err(StoreError::from)?;
    Ok(record)
}

/// Staff (or the platform) checked the residence a person declared. Met: the check is noted.
/// Not met: before the selection the application becomes 대상 아님 with the rule as its reason;
/// after it, a 선정 is taken back the same way (and its grant), since the points were given on
/// a declaration that did not hold.
pub fn check_residence(
    conn: &mut Connection,
    id: &ProgrammeId,
    learner: &baeum_domain::LearnerId,
    met: bool,
    by: &str,
    now: DateTime<Utc>,
) -> Result<SubsidyStatus, SubsidyError> {
    let by = by.trim();
    if by.is_empty() {
        return Err(SubsidyError::NameNeeded);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
    let programme = store::programme(&tx, id)?.ok_or_else(|| SubsidyError::UnknownProgramme(id.clone()))?;
    let application = store::application(&tx, id, learner)?
        .ok_or_else(|| SubsidyError::NoApplication(id.clone(), learner.clone()))?;
    let note = format!("{} {} by {by}", if met { "confirmed" } else { "not met" }, now.to_rfc3339());
    store::record_residence_check(&tx, id, learner, &note)?;
    let status = if met || matches!(application.status, SubsidyStatus::Withdrawn | SubsidyStatus::NotSelected) {
        application.status
    } else {
        let reason = baeum_domain::subsidy::Ineligibility::Residence {
            continuous_years: programme.residence.continuous_years,
            total_years: programme.residence.total_years,
        };
        let status = SubsidyStatus::NotEligible { reason };
        store::set_status(&tx, id, learner, &status, now)?;
        store::revoke_grant(&tx, learner, id)?;
        status
    };
    tx.commit().map_err(StoreError::from)?;
    Ok(status)
}

/// Re-runs the recorded selection of `programme` and checks the applications' results against
/// it: the same entrants (by digest), the same people selected, everyone else not.
pub fn verify(conn: &Connection, id: &ProgrammeId) -> Result<DrawRecord, SubsidyError> {
    let record = store::draw(conn, id)?.ok_or_else(|| SubsidyError::NotSelected(id.clone()))?;
    record.verify()?;
    let selected: std::collections::HashSet<&str> = record.selected.iter().map(String::as_str).collect();
    let entrants: std::collections::HashSet<&str> = record.entrants.iter().map(|e| e.receipt.as_str()).collect();
    for (receipt, status) in store::statuses(conn, id)? {
        let drawn = entrants.contains(receipt.as_str());
        let fits = match status {
            SubsidyStatus::Selected { .. } => drawn && selected.contains(receipt.as_str()),
            SubsidyStatus::NotSelected => drawn && !selected.contains(receipt.as_str()),
            // Withdrawn (or never in the running) before the draw: not an entrant.
            SubsidyStatus::Withdrawn => !drawn,
            // Not eligible: out before the draw, or a 선정 taken back when the residence
            // declared did not hold.
            SubsidyStatus::NotEligible { .. } => !drawn || selected.contains(receipt.as_str()),
            SubsidyStatus::Applied => false,
        };
        if !fits {
            return Err(SubsidyError::StatusesDiffer(format!("{receipt}: {}", status.label_ko())));
        }
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use baeum_domain::subsidy::{Entrant, ResidenceDeclaration};
    use baeum_domain::{LearnerId, OpId, ProgrammeId};

    use super::*;
    use crate::arbitration::fixtures::at;
    use crate::store::subsidy::NewApplication;

    const PROGRAMME: &str = r#"{"id":"gm-2026","name":"2026년 광명시민 평생학습지원금",
        "birth_years":{"from":1967,"to":1976},"residence":{"continuous_years":1,"total_years":5},
        "amount":300000,"places":3,"opens_on":"2026-03-03","closes_on":"2026-03-13",
        "results_on":"2026-04-09","points_expire_on":"2026-10-31","first_taken_birth_year":1967}"#;

    fn hub_with(entrants: &[(usize, bool)]) -> (Connection, ProgrammeId) {
        let conn = crate::store::open_in_memory().unwrap();
        let p = load_programme(&conn, PROGRAMME, at("2026-02-01T09:00:00")).unwrap();
        for (i, first) in entrants {
            let learner = LearnerId::parse(&format!("l-{i}")).unwrap();
            store::insert_application(
                &conn,
                &NewApplication {
                    programme: &p.id,
                    learner: &learner,
                    receipt: &baeum_domain::subsidy::receipt_number(2026, *i as u64),
                    first_taken: *first,
                    residence: ResidenceDeclaration { continuous: true, in_total: true },
                    op: &OpId::parse(&format!("op-{i}")).unwrap(),
                    arrival: *i as u64,
                    at: at("2026-03-05T10:00:00"),
                },
            )
            .unwrap();
        }
        (conn, p.id)
    }

    #[test]
    fn the_selection_waits_for_the_window_to_close_and_runs_once() {
        let (mut conn, id) = hub_with(&[(1, false), (2, true), (3, false), (4, false), (5, false)]);
        let early = select(&mut conn, &id, "s".into(), at("2026-03-13T23:00:00"));
        assert!(matches!(early, Err(SubsidyError::WindowOpen(..))), "{early:?}");
        let record = select(&mut conn, &id, "s".into(), at("2026-03-16T10:00:00")).unwrap();
        assert_eq!(record.selected.len(), 3);
        assert_eq!(record.selected[0], "S2026-000002", "the first-taken year goes first");
        assert!(matches!(
            select(&mut conn, &id, "t".into(), at("2026-03-17T10:00:00")),
            Err(SubsidyError::AlreadySelected(..))
        ));
        assert_eq!(verify(&conn, &id).unwrap(), record);
        let grants = store::grants_of(&conn, &[LearnerId::parse("l-2").unwrap()], None).unwrap();
        assert_eq!(grants.len(), 1, "a person selected has her once-in-a-lifetime grant");
        assert!(matches!(load_programme(&conn, PROGRAMME, at("2026-03-18T00:00:00")), Err(SubsidyError::Frozen(_))));
    }

    #[test]
    fn someone_selected_in_another_programme_is_not_drawn_again() {
        let (mut conn, id) = hub_with(&[(1, false), (2, false)]);
        let extra =
            load_programme(&conn, &PROGRAMME.replace("gm-2026", "gm-2026-extra"), at("2026-02-01T09:00:00")).unwrap();
        let learner = LearnerId::parse("l-1").unwrap();
        store::insert_application(
            &conn,
            &NewApplication {
                programme: &extra.id,
                learner: &learner,
                receipt: "S2026-000100",
                first_taken: false,
                residence: ResidenceDeclaration { continuous: true, in_total: false },
                op: &OpId::parse("op-extra").unwrap(),
                arrival: 100,
                at: at("2026-03-05T10:00:00"),
            },
        )
        .unwrap();
        select(&mut conn, &id, "s".into(), at("2026-03-16T10:00:00")).unwrap();
        let second = select(&mut conn, &extra.id, "s".into(), at("2026-03-16T11:00:00")).unwrap();
        assert!(second.entrants.is_empty(), "once in a lifetime: {second:?}");
        let mine = store::application(&conn, &extra.id, &learner).unwrap().unwrap();
        assert_eq!(
            mine.status,
            SubsidyStatus::NotEligible { reason: baeum_domain::subsidy::Ineligibility::AlreadyGranted { year: 2026 } }
        );
        assert!(verify(&conn, &extra.id).is_ok());
    }

    #[test]
    fn a_residence_that_did_not_hold_takes_the_selection_back() {
        let (mut conn, id) = hub_with(&[(1, false), (2, false)]);
        let one = LearnerId::parse("l-1").unwrap();
        let two = LearnerId::parse("l-2").unwrap();
        let now = at("2026-03-20T10:00:00");
        assert!(matches!(check_residence(&mut conn, &id, &one, true, " ", now), Err(SubsidyError::NameNeeded)));
        select(&mut conn, &id, "s".into(), at("2026-03-16T10:00:00")).unwrap();
        assert!(matches!(
            check_residence(&mut conn, &id, &one, true, "김담당", now).unwrap(),
            SubsidyStatus::Selected { .. }
        ));
        let taken_back = check_residence(&mut conn, &id, &two, false, "김담당", now).unwrap();
        assert!(matches!(taken_back, SubsidyStatus::NotEligible { .. }), "{taken_back:?}");
        assert!(
            store::grants_of(&conn, &[two], None).unwrap().is_empty(),
            "no grant on a declaration that did not hold"
        );
        assert_eq!(store::grants_of(&conn, &[one], None).unwrap().len(), 1);
        assert!(verify(&conn, &id).is_ok(), "the record still re-runs; the result taken back is explained");
        let nobody = LearnerId::parse("l-9").unwrap();
        assert!(matches!(
            check_residence(&mut conn, &id, &nobody, true, "김담당", now),
            Err(SubsidyError::NoApplication(..))
        ));
    }

    #[test]
    fn verify_catches_a_result_changed_after_the_draw() {
        let (mut conn, id) = hub_with(&[(1, false), (2, false), (3, false), (4, false), (5, false)]);
        let record = select(&mut conn, &id, "s".into(), at("2026-03-16T10:00:00")).unwrap();
        let loser = record.entrants.iter().find(|e| !record.selected.contains(&e.receipt)).unwrap();
        conn.execute(
            "UPDATE subsidy_applications SET status = '{\"status\":\"selected\",\"amount\":300000,\"expires_on\":\"2026-10-31\"}' WHERE receipt = ?1",
            [&loser.receipt],
        )
        .unwrap();
        assert!(matches!(verify(&conn, &id), Err(SubsidyError::StatusesDiffer(_))));
        // And a record whose entrants were edited no longer matches its own digest.
        let mut tampered = record;
        tampered.entrants.push(Entrant { receipt: "S2026-000099".into(), first_taken: true });
        assert!(tampered.verify().is_err());
    }
}
