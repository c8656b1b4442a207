//! Who is at the kiosk right now: the learner who confirmed who she is (her PIN, or staff with
//! her ID card), and the session the hub opened for her. The shell keeps it, not the window: every
//! learner command names the learner, and the shell refuses any other than this one, so a script
//! in the page cannot ask for someone else's records. The window never sees the hub's token.

use std::sync::Mutex;

use baeum_domain::{ErrorCode, LearnerId};
use baeum_kiosk::{ErrorView, HubSession, LearnerSummary, SignedIn};
use tauri::State;

use crate::commands::Shell;

#[derive(Debug, Default)]
pub struct Visit {
    person: Mutex<Option<SignedIn>>,
    /// Founding members of a club she is registering, each of whom confirmed their own PIN here
    /// during this visit: the only learners her application may name besides herself.
    founders: Mutex<Vec<LearnerId>>,
}

impl Visit {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<SignedIn>> {
        self.person.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn founders(&self) -> std::sync::MutexGuard<'_, Vec<LearnerId>> {
        self.founders.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// She confirmed who she is; whoever was here before is gone. Returns the previous person's
    /// hub session, to end it.
    pub fn begin(&self, signed_in: SignedIn) -> Option<HubSession> {
        self.founders().clear();
        self.slot().replace(signed_in).and_then(|s| s.session)
    }

    /// The person finished (or the screen was wiped): her hub session, to end it.
    pub fn end(&self) -> Option<HubSession> {
        self.founders().clear();
        self.slot().take().and_then(|s| s.session)
    }

    /// A founding member confirmed their PIN for the club she is registering.
    pub fn add_founder(&self, founder: LearnerId) {
        let mut founders = self.founders();
        if !founders.contains(&founder) {
            founders.push(founder);
        }
    }

    /// Refuses a founder who did not confirm their PIN here during this visit.
    pub fn require_founders(&self, founders: &[LearnerId]) -> Result<(), ErrorView> {
        let confirmed = self.founders();
        match founders.iter().find(|f| !confirmed.contains(f)) {
            None => Ok(()),
            Some(_) => Err(ErrorView::new(
                ErrorCode::SessionForbidden,
                "함께하는 회원은 이 키오스크에서 본인 확인을 해야 합니다",
            )),
        }
    }

    /// Refuses unless `learner` is the person at the kiosk; her hub session, if the hub opened one.
    pub fn require(&self, learner: &LearnerId) -> Result<Option<HubSession>, ErrorView> {
        match self.slot().as_ref() {
            Some(s) if &s.learner.id == learner => Ok(s.session.clone()),
            Some(_) => Err(ErrorView::new(ErrorCode::SessionForbidden, "다른 분의 기록은 볼 수 없습니다")),
            None => Err(ErrorView::new(
                ErrorCode::SessionRequired,
                "본인 확인이 필요합니다. 휴대전화 번호와 비밀번호로 다시 확인해 주세요",
            )),
        }
    }
}

/// Ends the person's visit here and at the hub: 마치기, or the idle wipe.
#[tauri::command]
pub async fn end_visit(shell: State<'_, Shell>) -> Result<(), ErrorView> {
    if let Some(session) = shell.visit.end() {
        shell.kiosk.end_session(&session).await;
    }
    Ok(())
}

/// Staff checked the ID card of one of the learners `staff_find_learner` listed and act for her.
#[tauri::command]
pub async fn staff_choose_learner(
    shell: State<'_, Shell>,
    mobile: String,
    birth_date: String,
    learner_id: String,
) -> Result<LearnerSummary, ErrorView> {
    shell.staff.require()?;
    let learner = crate::commands::learner_id(&learner_id)?;
    let chosen = shell
        .kiosk
        .find_learner_staff_checked(&mobile, &birth_date)
        .map_err(|e| e.view())?
        .into_iter()
        .find(|l| l.id == learner)
        .ok_or_else(|| baeum_kiosk::KioskError::LearnerNotFound.view())?;
    if let Some(previous) = shell.visit.begin(SignedIn { learner: chosen.clone(), session: None }) {
        shell.kiosk.end_session(&previous).await;
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str) -> LearnerSummary {
        LearnerSummary {
            id: LearnerId::parse(id).unwrap(),
            name_masked: "김*움".into(),
            mobile_masked: "010-****-0001".into(),
            age: 80,
            resident: true,
        }
    }

    #[test]
    fn only_the_person_at_the_kiosk_is_answered_for() {
        let visit = Visit::default();
        let (her, other) = (LearnerId::parse("l-her").unwrap(), LearnerId::parse("l-other").unwrap());
        assert_eq!(visit.require(&her).unwrap_err().code, ErrorCode::SessionRequired);
        visit.begin(SignedIn { learner: summary("l-her"), session: None });
        assert!(visit.require(&her).is_ok());
        assert_eq!(visit.require(&other).unwrap_err().code, ErrorCode::SessionForbidden);
        visit.end();
        assert_eq!(visit.require(&her).unwrap_err().code, ErrorCode::SessionRequired, "gone with the visit");
    }
}
