//! 학습동아리 at the kiosk: the hub's board of active clubs searched with the same Korean search
//! as courses (partial, spacing-insensitive, 초성) and filtered by field, institution, meeting day
//! and recruiting; registering a club with its founders (the rules computed and shown first);
//! asking to join; and, for a leader, accepting members and filing activity records — all as
//! outbox intents, so they work offline — and printing the year's 동아리 활동 실적서.

use baeum_domain::club::{
    ActivityRecord, ClubApplication, ClubBoard, ClubIntent, ClubListing, ClubMember, ClubRole, ClubRules, ClubState,
    Headcount, MeetingPlan, Membership,
};
use baeum_domain::intent::IntentBody;
use baeum_domain::{ActivityId, ClubId, Field, InstitutionId, LearnerId};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::Kiosk;
use crate::error::KioskError;
use crate::on_duty::OnDuty;
use crate::search::matcher;
use crate::store::{self, clubs::LocalClub, outbox};

/// A club as a card on the screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClubCard {
    pub club_id: String,
    pub name: String,
    pub field: Field,
    pub institution: String,
    /// The usual meeting day as a code (`tue`), which the screen names in its language.
    #[cfg_attr(feature = "ts", ts(type = "'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'"))]
    pub weekday: String,
    pub per_month: u32,
    pub plan_note: String,
    pub place: String,
    pub summary: String,
    pub members: u32,
    pub leader_masked: String,
    pub recruiting: bool,
    /// YYYY-MM-DD.
    pub registered_on: String,
}

/// What the person asked for on the club screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct ClubQuery {
    pub text: String,
    pub field: Option<Field>,
    pub institution: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun' | null"))]
    pub weekday: Option<Weekday>,
    pub recruiting_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClubPage {
    pub clubs: Vec<ClubCard>,
    pub matches: usize,
    pub total: usize,
    pub rules: ClubRules,
}

/// The registration form as the screen sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ClubForm {
    pub name: String,
    pub field: Field,
    pub institution_id: String,
    pub per_month: u32,
    #[cfg_attr(feature = "ts", ts(type = "'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'"))]
    pub weekday: Weekday,
    pub plan_note: String,
    pub place: String,
    pub summary: String,
    pub recruiting: bool,
    /// The other founding members (each found here with their own PIN).
    pub founders: Vec<String>,
}

/// The rules against the founders so far, shown while the form is filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FounderCheck {
    pub members: u32,
    pub residents: u32,
    pub resident_percent: u32,
    pub rules: ClubRules,
    /// The first rule not met yet, in words.
    pub problem: Option<String>,
}

/// A learner's club on her page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MyClubState {
    /// Filed here, not answered yet (접수 대기).
    Pending,
    AwaitingApproval,
    Active,
    Rejected,
    /// The hub refused what was filed (the reason says why).
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActivityView {
    pub activity_id: String,
    pub date: String,
    pub place: String,
    pub minutes: u32,
    pub attendees: usize,
    pub summary: String,
    /// Filed here, not yet answered by the hub.
    pub waiting: bool,
    pub refusal: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MyClub {
    pub club_id: String,
    pub name: String,
    pub role: ClubRole,
    pub state: MyClubState,
    pub reason: String,
    pub grant_eligible: bool,
    /// Hours of meetings she attended this year.
    pub my_hours_this_year: f64,
    /// Something she filed is on its way.
    pub change_pending: bool,
    /// For the leader: members, people asking to join and this and last year's meetings.
    pub roster: Vec<ClubMember>,
    pub requests: Vec<ClubMember>,
    pub activities: Vec<ActivityView>,
    pub meetings_this_year: u32,
    pub hours_this_year: f64,
}

/// An activity record as the screen sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ActivityForm {
    /// YYYY-MM-DD.
    pub date: String,
    pub place: String,
    pub minutes: u32,
    pub attendees: Vec<String>,
    pub summary: String,
}

fn invalid(e: impl std::fmt::Display) -> KioskError {
    KioskError::ClubNotPossible(e.to_string())
}

fn hours(minutes: u32) -> f64 {
    (f64::from(minutes) / 60.0 * 10.0).round() / 10.0
}

fn searchable(c: &ClubListing, institution: &str) -> String {
    let sep = matcher::FIELD_SEPARATOR;
    format!(
        "{}{sep}{}{sep}{}{sep}{}{sep}{}",
        matcher::normalize(&c.name),
        matcher::normalize(c.field.label_ko()),
        matcher::normalize(institution),
        matcher::normalize(&c.place),
        matcher::normalize(&c.summary)
    )
}

impl Kiosk {
    fn club_board(&self) -> Result<ClubBoard, KioskError> {
        Ok(store::clubs::board(&self.conn())?.unwrap_or_else(|| ClubBoard {
            as_of: self.clock.now(),
            rules: ClubRules::default(),
            clubs: Vec::new(),
        }))
    }

    fn club_card(&self, c: &ClubListing) -> ClubCard {
        let institution = self.institution_name(c.institution_id.as_str());
        ClubCard {
            club_id: c.club_id.to_string(),
            name: c.name.clone(),
            field: c.field,
            institution,
            weekday: c.plan.weekday.to_string().to_lowercase(),
            per_month: c.plan.per_month,
            plan_note: c.plan.note.clone(),
            place: c.place.clone(),
            summary: c.summary.clone(),
            members: c.members,
            leader_masked: c.leader_masked.clone(),
            recruiting: c.recruiting,
            registered_on: c.registered_on.to_string(),
        }
    }

    /// Clubs matching `query`, recruiting ones first, then by name.
    pub fn clubs(&self, query: &ClubQuery) -> Result<ClubPage, KioskError> {
        let board = self.club_board()?;
        let compiled = matcher::compile(&query.text);
        let mut found: Vec<&ClubListing> = board
            .clubs
            .iter()
            .filter(|c| query.field.is_none_or(|f| c.field == f))
            .filter(|c| query.institution.as_deref().is_none_or(|i| c.institution_id.as_str() == i))
            .filter(|c| query.weekday.is_none_or(|d| c.plan.weekday == d))
            .filter(|c| !query.recruiting_only || c.recruiting)
            .filter(|c| {
                crate::videos::text_matches(
                    &compiled,
                    &searchable(c, &self.institution_name(c.institution_id.as_str())),
                )
            })
            .collect();
        found.sort_by(|a, b| b.recruiting.cmp(&a.recruiting).then_with(|| a.name.cmp(&b.name)));
        Ok(ClubPage {
            matches: found.len(),
            clubs: found.iter().map(|c| self.club_card(c)).collect(),
            total: board.clubs.len(),
            rules: board.rules,
        })
    }

    /// The rules against the leader and founders so far (all learners known here).
    pub fn founder_check(
        &self,
        leader: &LearnerId,
        founders: &[LearnerId],
        per_month: u32,
    ) -> Result<FounderCheck, KioskError> {
        let rules = self.club_board()?.rules;
        let conn = self.conn();
        let mut everyone: Vec<&LearnerId> = std::iter::once(leader).chain(founders).collect();
        everyone.sort();
        everyone.dedup();
        let mut count = Headcount { members: 0, residents: 0 };
        for who in everyone {
            let person = store::learners::get(&conn, who.as_str())?.ok_or(KioskError::LearnerNotFound)?;
            count.members += 1;
            count.residents += u32::from(person.resident);
        }
        let problem = rules.check(count, per_month).err().map(|r| r.message_ko());
        Ok(FounderCheck {
            members: count.members,
            residents: count.residents,
            resident_percent: count.resident_percent(),
            rules,
            problem,
        })
    }

    /// 동아리 등록 신청: the rules are checked here first and the application goes into the outbox.
    pub fn register_club(
        &self,
        leader: &LearnerId,
        form: &ClubForm,
        staff: Option<&OnDuty>,
    ) -> Result<MyClub, KioskError> {
        let founders: Vec<LearnerId> =
            form.founders.iter().map(|f| LearnerId::parse(f).map_err(invalid)).collect::<Result<_, _>>()?;
        if founders.contains(leader) || (1..founders.len()).any(|i| founders[..i].contains(&founders[i])) {
            return Err(invalid(baeum_domain::club::ClubFormError::DuplicateMember));
        }
        let check = self.founder_check(leader, &founders, form.per_month)?;
        if let Some(problem) = check.problem {
            return Err(KioskError::ClubNotPossible(problem));
        }
        let club_id = ClubId::parse(&format!("club-{}", uuid::Uuid::new_v4().simple())).map_err(invalid)?;
        let plan = MeetingPlan::checked(form.per_month, form.weekday, &form.plan_note).map_err(invalid)?;
        let application = ClubApplication {
            club_id: club_id.clone(),
            name: form.name.trim().to_owned(),
            field: form.field,
            institution_id: InstitutionId::parse(&form.institution_id).map_err(invalid)?,
            plan,
            place: form.place.trim().to_owned(),
            summary: form.summary.trim().to_owned(),
            leader: leader.clone(),
            founders,
            recruiting: form.recruiting,
        };
        if let Some(problem) = application.form_problem() {
            return Err(invalid(problem));
        }
        let local = LocalClub { name: application.name.to_string(), role: ClubRole::Leader };
        self.file_club(leader, &club_id, Some(&local), ClubIntent::RegisterClub { application }, staff)?;
        self.my_club(leader, &club_id)
    }

    fn file_club(
        &self,
        learner: &LearnerId,
        club: &ClubId,
        local: Option<&LocalClub>,
        intent: ClubIntent,
        staff: Option<&OnDuty>,
    ) -> Result<(), KioskError> {
        let now = self.clock.now();
        let mut conn = self.conn();
        if store::learners::get(&conn, learner.as_str())?.is_none() {
            return Err(KioskError::LearnerNotFound);
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let filed = outbox::append_by(&tx, IntentBody::Club(intent.clone()), staff.map(OnDuty::stamp), now)?;
        match &intent {
            ClubIntent::FileActivity { activity_id, leader_id, record, .. } => {
                store::clubs::add_pending_activity(&tx, activity_id, club, leader_id, record, &filed.op_id)?;
            }
            _ => store::clubs::file(&tx, learner, club, local, &filed.op_id)?,
        }
        tx.commit()?;
        Ok(())
    }

    /// 가입 신청.
    pub fn ask_to_join(&self, learner: &LearnerId, club: &ClubId) -> Result<MyClub, KioskError> {
        let board = self.club_board()?;
        let listing = board.clubs.iter().find(|c| &c.club_id == club).ok_or(KioskError::ClubNotFound)?;
        if !listing.recruiting {
            return Err(KioskError::ClubNotPossible(baeum_domain::club::ClubRefusal::NotRecruiting.message_ko()));
        }
        if self.my_clubs(learner)?.iter().any(|c| c.club_id == club.as_str() && c.state != MyClubState::Refused) {
            return Err(KioskError::ClubNotPossible(baeum_domain::club::ClubRefusal::AlreadyMember.message_ko()));
        }
        let local = LocalClub { name: listing.name.clone(), role: ClubRole::Asked };
        let intent = ClubIntent::AskToJoin { club_id: club.clone(), learner_id: learner.clone() };
        self.file_club(learner, club, Some(&local), intent, None)?;
        self.my_club(learner, club)
    }

    /// The leader accepts someone who asked to join.
    pub fn accept_member(&self, leader: &LearnerId, club: &ClubId, learner: &LearnerId) -> Result<MyClub, KioskError> {
        let mine = self.my_club(leader, club)?;
        if mine.role != ClubRole::Leader {
            return Err(KioskError::ClubNotPossible(baeum_domain::club::ClubRefusal::NotLeader.message_ko()));
        }
        let intent =
            ClubIntent::AcceptMember { club_id: club.clone(), learner_id: learner.clone(), leader_id: leader.clone() };
        self.file_club(leader, club, None, intent, None)?;
        self.my_club(leader, club)
    }

    /// 활동 실적: the leader records a meeting (offline too); attendees come from the roster.
    pub fn file_activity(
        &self,
        leader: &LearnerId,
        club: &ClubId,
        form: &ActivityForm,
        staff: Option<&OnDuty>,
    ) -> Result<MyClub, KioskError> {
        let mine = self.my_club(leader, club)?;
        if mine.role != ClubRole::Leader {
            return Err(KioskError::ClubNotPossible(baeum_domain::club::ClubRefusal::NotLeader.message_ko()));
        }
        if mine.state != MyClubState::Active {
            return Err(KioskError::ClubNotPossible(baeum_domain::club::ClubRefusal::NotActive.message_ko()));
        }
        let date: NaiveDate = form.date.parse().map_err(|_| invalid("날짜를 YYYY-MM-DD로 적어 주세요"))?;
        let attendees: Vec<LearnerId> =
            form.attendees.iter().map(|a| LearnerId::parse(a).map_err(invalid)).collect::<Result<_, _>>()?;
        if attendees.iter().any(|a| !mine.roster.iter().any(|m| &m.learner_id == a && m.role != ClubRole::Asked)) {
            return Err(KioskError::ClubNotPossible(baeum_domain::club::ClubRefusal::NotAMember.message_ko()));
        }
        let today = self.clock.now_kst().date_naive();
        let approved = store::clubs::views_of(&self.conn(), leader)?
            .into_iter()
            .find(|v| &v.club_id == club)
            .and_then(|v| v.hub.and_then(|m| m.registered_on));
        let earliest = baeum_domain::club::earliest_record(approved, today);
        let record =
            ActivityRecord::checked(date, &form.place, form.minutes, attendees, &form.summary, today, earliest)
                .map_err(invalid)?;
        let activity_id = ActivityId::parse(&format!("act-{}", uuid::Uuid::new_v4().simple())).map_err(invalid)?;
        let intent = ClubIntent::FileActivity { club_id: club.clone(), activity_id, leader_id: leader.clone(), record };
        self.file_club(leader, club, None, intent, staff)?;
        self.my_club(leader, club)
    }

    /// The learner's clubs, as the hub last said with what this kiosk filed since.
    pub fn my_clubs(&self, learner: &LearnerId) -> Result<Vec<MyClub>, KioskError> {
        let views = store::clubs::views_of(&self.conn(), learner)?;
        let year = self.clock.now_kst().year();
        let mut out = Vec::new();
        for v in views {
            let pending = store::clubs::pending_activities(&self.conn(), &v.club_id)?;
            out.push(my_club_of(&v, &pending, year));
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    pub fn my_club(&self, learner: &LearnerId, club: &ClubId) -> Result<MyClub, KioskError> {
        self.my_clubs(learner)?.into_iter().find(|c| c.club_id == club.as_str()).ok_or(KioskError::ClubNotFound)
    }

    /// Takes the hub's board and the clubs of these learners (after every upload).
    pub async fn refresh_clubs(&self, learners: &[LearnerId]) -> Result<(), KioskError> {
        let board = self.hub.club_board().await?;
        {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            store::clubs::replace_board(&tx, &board)?;
            tx.commit()?;
        }
        for chunk in learners.chunks(500) {
            let answer = self.hub.lookup_clubs(chunk).await?;
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for m in &answer.memberships {
                store::clubs::apply_hub_view(&tx, m)?;
            }
            tx.commit()?;
        }
        Ok(())
    }

    /// The 동아리 활동 실적서 of `year` for the club's leader, printed.
    pub async fn print_club_report(
        &self,
        leader: &LearnerId,
        club: &ClubId,
        year: i32,
        printer_uri: &str,
    ) -> Result<crate::store::print_jobs::PrintJob, KioskError> {
        crate::printing::printer_uri(printer_uri)?;
        let pdf = self.club_report_pdf(leader, club, year)?;
        let id = self.queue_print("동아리 활동 실적서", printer_uri, &pdf)?;
        self.print_now(&id).await
    }

    pub fn club_report_pdf(&self, leader: &LearnerId, club: &ClubId, year: i32) -> Result<Vec<u8>, KioskError> {
        let views = store::clubs::views_of(&self.conn(), leader)?;
        let m = views
            .iter()
            .find(|v| &v.club_id == club)
            .and_then(|v| v.hub.clone())
            .filter(|m| m.role == ClubRole::Leader)
            .ok_or(KioskError::ClubNotFound)?;
        let art = crate::certificates::art()?;
        let institution = self.institution_name(m.institution_id.as_str());
        crate::club_pdf::render(&m, &institution, year, self.clock.now_kst().date_naive(), &art)
            .map_err(KioskError::from)
    }
}

fn my_club_of(
    v: &store::clubs::ClubView,
    pending: &[(ActivityId, ActivityRecord, Option<String>)],
    year: i32,
) -> MyClub {
    let hub: Option<&Membership> = v.hub.as_ref();
    let role = hub.map(|m| m.role).or(v.local.as_ref().map(|l| l.role)).unwrap_or(ClubRole::Asked);
    let name = hub.map(|m| m.name.clone()).or(v.local.as_ref().map(|l| l.name.clone())).unwrap_or_default();
    let state = match hub {
        None if v.refusal.is_some() => MyClubState::Refused,
        None => MyClubState::Pending,
        Some(m) => match m.state {
            ClubState::AwaitingApproval => MyClubState::AwaitingApproval,
            ClubState::Active => MyClubState::Active,
            ClubState::Rejected => MyClubState::Rejected,
        },
    };
    let reason = v.refusal.clone().or_else(|| hub.map(|m| m.reason.clone())).unwrap_or_default();
    let leads = role == ClubRole::Leader;
    let roster: Vec<ClubMember> =
        hub.map(|m| m.roster.iter().filter(|r| r.role != ClubRole::Asked).cloned().collect()).unwrap_or_default();
    let requests: Vec<ClubMember> =
        hub.map(|m| m.roster.iter().filter(|r| r.role == ClubRole::Asked).cloned().collect()).unwrap_or_default();
    let mut activities: Vec<ActivityView> = hub
        .map(|m| {
            m.activities
                .iter()
                .map(|a| ActivityView {
                    activity_id: a.activity_id.to_string(),
                    date: a.record.date.to_string(),
                    place: a.record.place.to_string(),
                    minutes: a.record.minutes,
                    attendees: a.record.attendees.len(),
                    summary: a.record.summary.clone(),
                    waiting: false,
                    refusal: None,
                })
                .collect()
        })
        .unwrap_or_default();
    if leads {
        for (id, record, refusal) in pending {
            activities.push(ActivityView {
                activity_id: id.to_string(),
                date: record.date.to_string(),
                place: record.place.to_string(),
                minutes: record.minutes,
                attendees: record.attendees.len(),
                summary: record.summary.clone(),
                waiting: refusal.is_none(),
                refusal: refusal.clone(),
            });
        }
    }
    activities.sort_by(|a, b| b.date.cmp(&a.date));
    let this_year: Vec<&ActivityView> =
        activities.iter().filter(|a| a.refusal.is_none() && a.date.starts_with(&format!("{year:04}-"))).collect();
    MyClub {
        club_id: v.club_id.to_string(),
        name,
        role,
        state,
        reason,
        grant_eligible: hub.is_some_and(|m| m.grant_eligible),
        my_hours_this_year: hours(hub.map_or(0, |m| m.my_minutes_this_year)),
        change_pending: v.pending || (leads && pending.iter().any(|(_, _, r)| r.is_none())),
        roster: if leads { roster } else { Vec::new() },
        requests: if leads { requests } else { Vec::new() },
        meetings_this_year: this_year.len() as u32,
        hours_this_year: hours(this_year.iter().map(|a| a.minutes).sum()),
        activities: if leads { activities } else { Vec::new() },
    }
}
