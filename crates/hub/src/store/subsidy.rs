//! `subsidy_*` tables: programmes, applications (one per person per programme), grants (once in a
//! lifetime) and each programme's recorded selection.

use crate::db::{Connection, OptionalExtension, params};
use baeum_domain::subsidy::{
    DrawRecord, Entrant, ResidenceDeclaration, SubsidyApplication, SubsidyGrant, SubsidyProgramme, SubsidyStatus,
};
use baeum_domain::{LearnerId, OpId, ProgrammeId};
use chrono::{DateTime, Utc};

use super::{StoreError, decode, decode_rows, encode, read_time};

/// Loads (or replaces, before its selection) a programme.
pub fn put_programme(conn: &Connection, programme: &SubsidyProgramme, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO subsidy_programmes (id, body, loaded_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, loaded_at = excluded.loaded_at",
        params![programme.id.as_str(), encode(programme), now.to_rfc3339()],
    )?;
    Ok(())
}

pub fn programme(conn: &Connection, id: &ProgrammeId) -> Result<Option<SubsidyProgramme>, StoreError> {
    let body: Option<String> = conn
        .prepare_cached("SELECT body FROM subsidy_programmes WHERE id = ?1")?
        .query_row([id.as_str()], |r| r.get(0))
        .optional()?;
    body.map(|b| decode("지원금 사업", id.as_str(), &b)).transpose()
}

/// Every programme, newest application window first.
pub fn programmes(conn: &Connection) -> Result<Vec<SubsidyProgramme>, StoreError> {
    let mut all: Vec<SubsidyProgramme> =
        decode_rows(conn, "지원금 사업", "SELECT id, body FROM subsidy_programmes", [])?;
    all.sort_by(|a, b| b.opens_on.cmp(&a.opens_on).then_with(|| a.id.cmp(&b.id)));
    Ok(all)
}

/// A new application (the caller checked there is none).
#[derive(Debug)]
pub struct NewApplication<'a> {
    pub programme: &'a ProgrammeId,
    pub learner: &'a LearnerId,
    pub receipt: &'a str,
    pub first_taken: bool,
    pub residence: ResidenceDeclaration,
    pub op: &'a OpId,
    pub arrival: u64,
    pub at: DateTime<Utc>,
}

pub fn insert_application(conn: &Connection, a: &NewApplication<'_>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO subsidy_applications (programme_id, learner_id, receipt, first_taken, residence, status, op_id,
             arrival, applied_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![
        a.programme.as_str(),
        a.learner.as_str(),
        a.receipt,
        a.first_taken,
        encode(&a.residence),
        encode(&SubsidyStatus::Applied),
        a.op.as_str(),
        a.arrival as i64,
        a.at.to_rfc3339()
    ])?;
    Ok(())
}

pub fn application(
    conn: &Connection,
    programme: &ProgrammeId,
    learner: &LearnerId,
) -> Result<Option<SubsidyApplication>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT receipt, status, applied_at FROM subsidy_applications WHERE programme_id = ?1 AND learner_id = ?2",
        )?
        .query_row([programme.as_str(), learner.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })
        .optional()?;
    row.map(|(receipt, status, at)| read_application(programme.clone(), learner.clone(), receipt, &status, &at))
        .transpose()
}

fn read_application(
    programme_id: ProgrammeId,
    learner_id: LearnerId,
    receipt: String,
    status: &str,
    applied_at: &str,
) -> Result<SubsidyApplication, StoreError> {
    Ok(SubsidyApplication {
        status: decode("지원금 신청", &receipt, status)?,
        applied_at: read_time("지원금 신청 시각", &receipt, applied_at)?,
        programme_id,
        learner_id,
        receipt,
    })
}

/// Every application of these learners, oldest programme first.
pub fn applications_of(conn: &Connection, learners: &[LearnerId]) -> Result<Vec<SubsidyApplication>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT programme_id, receipt, status, applied_at FROM subsidy_applications WHERE learner_id = ?1
         ORDER BY applied_at",
    )?;
    let mut out = Vec::new();
    for learner in learners {
        let rows = stmt.query_map([learner.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        for row in rows {
            let (programme, receipt, status, at) = row?;
            let programme = ProgrammeId::parse(&programme).map_err(|e| StoreError::Corrupt {
                what: "지원금 신청",
                id: receipt.clone(),
                problem: e.to_string(),
            })?;
            out.push(read_application(programme, learner.clone(), receipt, &status, &at)?);
        }
    }
    Ok(out)
}

/// A withdrawn application filed again: in the running once more, with her new answers.
pub fn reapply(
    conn: &Connection,
    programme: &ProgrammeId,
    learner: &LearnerId,
    residence: ResidenceDeclaration,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE subsidy_applications SET status = ?3, residence = ?4, residence_confirmed = NULL, updated_at = ?5
         WHERE programme_id = ?1 AND learner_id = ?2",
    )?
    .execute(params![
        programme.as_str(),
        learner.as_str(),
        encode(&SubsidyStatus::Applied),
        encode(&residence),
        now.to_rfc3339()
    ])?;
    Ok(())
}

/// Records what staff (or the platform) found when they checked the declared residence: `met`
/// is written as `confirmed <time> by <name>` or `not met <time> by <name>`.
pub fn record_residence_check(
    conn: &Connection,
    programme: &ProgrammeId,
    learner: &LearnerId,
    note: &str,
) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE subsidy_applications SET residence_confirmed = ?3 WHERE programme_id = ?1 AND learner_id = ?2",
        )?
        .execute(params![programme.as_str(), learner.as_str(), note])?;
    Ok(changed > 0)
}

pub fn set_status(
    conn: &Connection,
    programme: &ProgrammeId,
    learner: &LearnerId,
    status: &SubsidyStatus,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE subsidy_applications SET status = ?3, updated_at = ?4 WHERE programme_id = ?1 AND learner_id = ?2",
    )?
    .execute(params![programme.as_str(), learner.as_str(), encode(status), now.to_rfc3339()])?;
    Ok(())
}

/// Applications still in the running (신청완료), with whose they are.
pub fn entrants(conn: &Connection, programme: &ProgrammeId) -> Result<Vec<(Entrant, LearnerId)>, StoreError> {
    let applied = encode(&SubsidyStatus::Applied);
    let mut stmt = conn.prepare_cached(
        "SELECT receipt, first_taken, learner_id FROM subsidy_applications WHERE programme_id = ?1 AND status = ?2
         ORDER BY receipt",
    )?;
    let rows = stmt.query_map([programme.as_str(), applied.as_str()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, String>(2)?))
    })?;
    rows.map(|row| {
        let (receipt, first_taken, learner) = row?;
        let learner = LearnerId::parse(&learner).map_err(|e| StoreError::Corrupt {
            what: "지원금 신청",
            id: receipt.clone(),
            problem: e.to_string(),
        })?;
        Ok((Entrant { receipt, first_taken }, learner))
    })
    .collect()
}

/// Records that `learner` was selected in `programme` (of `year`).
pub fn grant(conn: &Connection, learner: &LearnerId, programme: &ProgrammeId, year: i32) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO subsidy_grants (learner_id, programme_id, year) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    )?
    .execute(params![learner.as_str(), programme.as_str(), year])?;
    Ok(())
}

/// Takes back a grant (a 선정 whose declared residence did not hold).
pub fn revoke_grant(conn: &Connection, learner: &LearnerId, programme: &ProgrammeId) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM subsidy_grants WHERE learner_id = ?1 AND programme_id = ?2")?
        .execute(params![learner.as_str(), programme.as_str()])?;
    Ok(())
}

/// Programmes `learner` was selected in, other than `except`.
pub fn grants_of(
    conn: &Connection,
    learners: &[LearnerId],
    except: Option<&ProgrammeId>,
) -> Result<Vec<SubsidyGrant>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT programme_id, year FROM subsidy_grants WHERE learner_id = ?1 AND programme_id IS DISTINCT FROM ?2 ORDER BY year",
    )?;
    let mut out = Vec::new();
    for learner in learners {
        let rows = stmt.query_map(params![learner.as_str(), except.map(ProgrammeId::as_str)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i32>(1)?))
        })?;
        for row in rows {
            let (programme, year) = row?;
            let programme_id = ProgrammeId::parse(&programme).map_err(|e| StoreError::Corrupt {
                what: "지원금 수혜 기록",
                id: learner.to_string(),
                problem: e.to_string(),
            })?;
            out.push(SubsidyGrant { learner_id: learner.clone(), programme_id, year });
        }
    }
    Ok(out)
}

pub fn record_draw(conn: &Connection, record: &DrawRecord) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO subsidy_draws (programme_id, record, drawn_at) VALUES (?1, ?2, ?3)",
        params![record.programme_id.as_str(), encode(record), record.drawn_at.to_rfc3339()],
    )?;
    Ok(())
}

pub fn draw(conn: &Connection, programme: &ProgrammeId) -> Result<Option<DrawRecord>, StoreError> {
    let body: Option<String> = conn
        .prepare_cached("SELECT record FROM subsidy_draws WHERE programme_id = ?1")?
        .query_row([programme.as_str()], |r| r.get(0))
        .optional()?;
    body.map(|b| decode("지원금 추첨 기록", programme.as_str(), &b)).transpose()
}

/// Every application's receipt and status in a programme: what `verify` compares with the record.
pub fn statuses(conn: &Connection, programme: &ProgrammeId) -> Result<Vec<(String, SubsidyStatus)>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT receipt, status FROM subsidy_applications WHERE programme_id = ?1 ORDER BY receipt")?;
    let rows = stmt.query_map([programme.as_str()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    rows.map(|row| {
        let (receipt, status) = row?;
        let status = decode("지원금 신청", &receipt, &status)?;
        Ok((receipt, status))
    })
    .collect()
}

/// One application as the console lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub receipt: String,
    pub learner_id: String,
    pub first_taken: bool,
    pub status: SubsidyStatus,
    /// The residence check staff recorded (`confirmed …` or `not met …`), if any.
    pub residence_checked: Option<String>,
    pub applied_at: String,
}

/// Every application of a programme in 접수번호 order.
pub fn listed(conn: &Connection, programme: &ProgrammeId) -> Result<Vec<Listed>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT receipt, learner_id, first_taken, status, residence_confirmed, applied_at FROM subsidy_applications
         WHERE programme_id = ?1 ORDER BY receipt",
    )?;
    let rows = stmt.query_map([programme.as_str()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, bool>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    rows.map(|row| {
        let (receipt, learner_id, first_taken, status, residence_checked, applied_at) = row?;
        let status = decode("지원금 신청", &receipt, &status)?;
        Ok(Listed { receipt, learner_id, first_taken, status, residence_checked, applied_at })
    })
    .collect()
}
