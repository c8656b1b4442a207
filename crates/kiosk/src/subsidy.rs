//! The subsidy service at the kiosk (광명시민 평생학습지원금): the programme explained with a
//! pre-check in plain words (offline too, from what the hub last said), the application filed as
//! an intent with the person's two residence answers, 나의 신청 내역, and the 선정 notice slip.
//! The kiosk never asks for a 주민등록번호 or a 주민등록초본.

use baeum_domain::intent::IntentBody;
use baeum_domain::subsidy::{
    Ineligibility, ResidenceDeclaration, SubsidyIntent, SubsidyProgramme, SubsidyStatus, date_ko, date_range_ko,
};
use baeum_domain::{LearnerId, ProgrammeId, Won};
use chrono::NaiveDate;
use serde::Serialize;

use crate::Kiosk;
use crate::error::KioskError;
use crate::on_duty::OnDuty;
use crate::store::subsidy::LocalApplication;
use crate::store::{self, outbox};

/// Where an application stands, as the screen names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SubsidyState {
    /// 접수 대기: filed here, the hub has not answered yet.
    Pending,
    /// 신청완료
    Applied,
    /// 선정
    Selected,
    /// 미선정
    NotSelected,
    /// 대상 아님
    NotEligible,
    /// 신청 취소
    Withdrawn,
    /// The hub refused the intent (the reason says why).
    Rejected,
}

/// One application as 나의 신청 내역 and the notice show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SubsidyCard {
    pub programme_id: String,
    pub programme_name: String,
    pub state: SubsidyState,
    /// 신청완료 / 선정 / 미선정 / 대상 아님 / 신청 취소 / 접수 대기
    pub label: String,
    /// The reason or what comes next, in words.
    pub reason: String,
    /// 접수번호, once the hub gave one.
    pub receipt: Option<String>,
    /// Points granted (선정), in won.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub amount: Option<Won>,
    /// Use the points by (선정), `2027년 6월 30일`.
    pub expires_on: Option<String>,
    pub can_withdraw: bool,
    pub can_print: bool,
}

/// What the 지원금 신청 screen shows the person at the kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SubsidyOffer {
    pub programme_id: String,
    pub name: String,
    /// `1967~1976년생`
    pub birth_years: String,
    /// `광명시에 1년 이상 계속 거주 또는 통산 5년 이상 거주`
    pub residence: String,
    /// `300,000원`
    pub amount: String,
    pub places: u32,
    /// `3월 3일~13일`
    pub window: String,
    /// `2026년 4월 9일`
    pub results_on: String,
    /// `2026년 10월 31일`
    pub points_expire_on: String,
    /// The two residence questions, with the programme's years in them.
    pub question_continuous: String,
    pub question_in_total: String,
    /// Why she cannot apply (the screen says it in plain words); None when she may answer the
    /// questions and apply.
    pub ineligible: Option<Ineligibility>,
    /// She has applied to this programme already (see `application`).
    pub applied_already: bool,
    /// Her application to this programme, if she has one.
    pub application: Option<SubsidyCard>,
}

fn card(a: &LocalApplication, programme: Option<&SubsidyProgramme>) -> SubsidyCard {
    let name = programme.map_or_else(|| a.programme_id.to_string(), |p| p.name.clone());
    let (state, label, reason) = match (&a.status, a.rejected, a.pending) {
        (_, _, true) => {
            (SubsidyState::Pending, "접수 대기".to_owned(), "중앙 서버와 연결되면 자동으로 접수됩니다".to_owned())
        }
        (_, Some(rejected), false) => {
            (SubsidyState::Rejected, "신청 불가".to_owned(), rejected.message_ko().to_owned())
        }
        (Some(status), None, false) => {
            let state = match status {
                SubsidyStatus::Applied => SubsidyState::Applied,
                SubsidyStatus::Selected { .. } => SubsidyState::Selected,
                SubsidyStatus::NotSelected => SubsidyState::NotSelected,
                SubsidyStatus::NotEligible { .. } => SubsidyState::NotEligible,
                SubsidyStatus::Withdrawn => SubsidyState::Withdrawn,
            };
            (state, status.label_ko().to_owned(), status.reason_ko(programme))
        }
        (None, None, false) => (SubsidyState::Pending, "접수 대기".to_owned(), String::new()),
    };
    let (amount, expires_on) = match &a.status {
        Some(SubsidyStatus::Selected { amount, expires_on }) if !a.pending => {
            (Some(*amount), Some(date_ko(*expires_on)))
        }
        _ => (None, None),
    };
    SubsidyCard {
        programme_id: a.programme_id.to_string(),
        programme_name: name,
        can_withdraw: state == SubsidyState::Applied,
        can_print: state == SubsidyState::Selected,
        state,
        label,
        reason,
        receipt: a.receipt.clone(),
        amount,
        expires_on,
    }
}

/// The programme a person at the kiosk is offered today: the one open now, else the next to
/// open, else the last one (to say its window is over).
fn offered(programmes: &[SubsidyProgramme], today: NaiveDate) -> Option<&SubsidyProgramme> {
    programmes
        .iter()
        .find(|p| p.is_open_on(today))
        .or_else(|| programmes.iter().filter(|p| p.opens_on > today).min_by_key(|p| p.opens_on))
        .or_else(|| programmes.iter().max_by_key(|p| p.closes_on))
}

impl Kiosk {
    /// Asks the hub for its programmes and these learners' applications and grants, and keeps
    /// them for offline use.
    pub async fn refresh_subsidy(&self, learners: &[LearnerId]) -> Result<(), KioskError> {
        let programmes = self.hub.subsidy_programmes().await?;
        {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            store::subsidy::replace_programmes(&tx, &programmes.programmes)?;
            tx.commit()?;
        }
        for chunk in learners.chunks(500) {
            let statuses = self.hub.lookup_subsidy(chunk).await?;
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for a in &statuses.applications {
                store::subsidy::apply_hub_view(&tx, a, statuses.as_of)?;
            }
            store::subsidy::replace_grants(&tx, chunk, &statuses.grants)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The programme on offer and whether `learner` may apply, from what this kiosk knows.
    pub fn subsidy_offer(&self, learner: &LearnerId) -> Result<Option<SubsidyOffer>, KioskError> {
        let conn = self.conn();
        let person = store::learners::get(&conn, learner.as_str())?.ok_or(KioskError::LearnerNotFound)?;
        let programmes = store::subsidy::programmes(&conn)?;
        let today = self.clock.now_kst().date_naive();
        let Some(p) = offered(&programmes, today) else { return Ok(None) };
        let application = store::subsidy::get(&conn, learner, &p.id)?;
        let granted = store::subsidy::granted_years(&conn, learner, &p.id)?;
        let applied_already = application.as_ref().is_some_and(|a| {
            a.pending
                || matches!(
                    a.status,
                    Some(SubsidyStatus::Applied | SubsidyStatus::Selected { .. } | SubsidyStatus::NotSelected)
                )
        });
        let ineligible = p.check(person.birth_date, &granted, None, today).err();
        let r = p.residence;
        Ok(Some(SubsidyOffer {
            programme_id: p.id.to_string(),
            name: p.name.clone(),
            birth_years: format!("{}~{}년생", p.birth_years.from, p.birth_years.to),
            residence: format!(
                "광명시에 {}년 이상 계속 거주 또는 통산 {}년 이상 거주",
                r.continuous_years, r.total_years
            ),
            amount: p.amount.to_string(),
            places: p.places,
            window: date_range_ko(p.opens_on, p.closes_on),
            results_on: date_ko(p.results_on),
            points_expire_on: date_ko(p.points_expire_on),
            question_continuous: format!("지금까지 광명시에 {}년 이상 계속 살고 계십니까?", r.continuous_years),
            question_in_total: format!("광명시에 산 기간을 모두 합하면 {}년 이상입니까?", r.total_years),
            ineligible,
            applied_already,
            application: application.as_ref().map(|a| card(a, Some(p))),
        }))
    }

    /// 지원금 신청: checked here first (the same rules as the hub, on what this kiosk knows),
    /// then filed as an intent with her answers; the hub decides.
    pub fn apply_subsidy(
        &self,
        learner: &LearnerId,
        programme: &ProgrammeId,
        residence: ResidenceDeclaration,
        staff: Option<&OnDuty>,
    ) -> Result<SubsidyCard, KioskError> {
        let now = self.clock.now();
        let mut conn = self.conn();
        let person = store::learners::get(&conn, learner.as_str())?.ok_or(KioskError::LearnerNotFound)?;
        let p = store::subsidy::programmes(&conn)?.into_iter().find(|p| &p.id == programme).ok_or_else(|| {
            KioskError::SubsidyNotEligible("지원금 사업 정보를 찾을 수 없습니다. 직원에게 문의해 주세요".into())
        })?;
        let granted = store::subsidy::granted_years(&conn, learner, programme)?;
        p.check(person.birth_date, &granted, Some(residence), self.clock.now_kst().date_naive())
            .map_err(|r| KioskError::SubsidyNotEligible(r.message_ko()))?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Some(existing) = store::subsidy::get(&tx, learner, programme)?
            && (existing.pending
                || matches!(
                    existing.status,
                    Some(SubsidyStatus::Applied | SubsidyStatus::Selected { .. } | SubsidyStatus::NotSelected)
                ))
        {
            return Err(KioskError::SubsidyNotEligible("이미 신청하셨습니다. 나의 신청 내역에서 확인해 주세요".into()));
        }
        let body = IntentBody::Subsidy(SubsidyIntent::ApplySubsidy {
            learner_id: learner.clone(),
            programme_id: programme.clone(),
            residence,
        });
        let intent = outbox::append_by(&tx, body, staff.map(OnDuty::stamp), now)?;
        store::subsidy::insert_applied(&tx, learner, programme, &intent.op_id, now)?;
        tx.commit()?;
        let row = store::subsidy::get(&conn, learner, programme)?.ok_or(KioskError::NotEnrolled)?;
        Ok(card(&row, Some(&p)))
    }

    /// 신청 취소, before the selection (the hub refuses it after).
    pub fn withdraw_subsidy(&self, learner: &LearnerId, programme: &ProgrammeId) -> Result<SubsidyCard, KioskError> {
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let existing = store::subsidy::get(&tx, learner, programme)?.ok_or(KioskError::NotEnrolled)?;
        if existing.pending || existing.status != Some(SubsidyStatus::Applied) {
            return Err(KioskError::NotEnrolled);
        }
        let body = IntentBody::Subsidy(SubsidyIntent::WithdrawSubsidy {
            learner_id: learner.clone(),
            programme_id: programme.clone(),
        });
        let intent = outbox::append(&tx, body, now)?;
        store::subsidy::set_pending(&tx, learner, programme, &intent.op_id)?;
        tx.commit()?;
        let programmes = store::subsidy::programmes(&conn)?;
        let row = store::subsidy::get(&conn, learner, programme)?.ok_or(KioskError::NotEnrolled)?;
        Ok(card(&row, programmes.iter().find(|p| &p.id == programme)))
    }

    /// 나의 신청 내역 (지원금): her applications as this kiosk knows them, newest first.
    pub fn subsidy_cards(&self, learner: &LearnerId) -> Result<Vec<SubsidyCard>, KioskError> {
        let conn = self.conn();
        let programmes = store::subsidy::programmes(&conn)?;
        Ok(store::subsidy::of_learner(&conn, learner)?
            .iter()
            .map(|a| card(a, programmes.iter().find(|p| p.id == a.programme_id)))
            .collect())
    }

    /// Queues the 선정 notice (an A6 slip) for `printer_uri` and tries the printer once.
    pub async fn print_subsidy_notice(
        &self,
        learner: &LearnerId,
        programme: &ProgrammeId,
        printer_uri: &str,
    ) -> Result<crate::store::print_jobs::PrintJob, KioskError> {
        let card = self
            .subsidy_cards(learner)?
            .into_iter()
            .find(|c| c.programme_id == programme.as_str() && c.can_print)
            .ok_or(KioskError::NotEnrolled)?;
        let person = store::learners::get(&self.conn(), learner.as_str())?.ok_or(KioskError::LearnerNotFound)?;
        let holder = format!("{} ({})", person.name.masked(), person.mobile.masked());
        let art = crate::certificates::art()?;
        let pdf = crate::subsidy_pdf::render(&card, &holder, self.clock.now(), &art).map_err(KioskError::from)?;
        let id = self.queue_print(&format!("지원금 선정 안내 {}", card.programme_name), printer_uri, &pdf)?;
        self.print_now(&id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programme(id: &str, opens: &str, closes: &str) -> SubsidyProgramme {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": id, "birth_years": {"from": 1967, "to": 1976},
            "residence": {"continuous_years": 1, "total_years": 5}, "amount": 300000, "places": 10,
            "opens_on": opens, "closes_on": closes, "results_on": "2027-12-31", "points_expire_on": "2028-01-31",
        }))
        .unwrap()
    }

    #[test]
    fn the_open_programme_is_offered_then_the_next_then_the_last() {
        let all = [
            programme("past", "2026-03-03", "2026-03-13"),
            programme("open", "2026-12-01", "2026-12-10"),
            programme("next", "2027-03-02", "2027-03-12"),
        ];
        let on = |d: &str| offered(&all, d.parse().unwrap()).map(|p| p.id.to_string());
        assert_eq!(on("2026-12-05").as_deref(), Some("open"));
        assert_eq!(on("2026-12-20").as_deref(), Some("next"));
        assert_eq!(offered(&all[..2], "2026-12-20".parse().unwrap()).map(|p| p.id.as_str()), Some("open"));
        assert!(offered(&[], "2026-12-20".parse().unwrap()).is_none());
    }
}
