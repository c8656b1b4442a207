//! 학습동아리: learners who keep learning together after a course. A learner registers a club at
//! a kiosk as its leader with its founding members; the city's rules (at least 5 members, at least
//! 60 % of them residents, meeting at least once a month) are hub configuration, computed and
//! shown before filing and checked again at the hub; staff approve or reject with a reason. Others
//! ask to join and the leader (or staff) accepts; the leader files activity records (date, place,
//! who came, a short summary), offline too. A club registered for a year may apply for the city's
//! club grant.

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::ids::{ActivityId, ClubId, InstitutionId, LearnerId};
use crate::money::Won;
use crate::text::{Label, clean};
use crate::vocabulary::Field;

/// The city's rules for registering a club and for its grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClubRules {
    /// Members at registration, the leader included.
    pub min_members: u32,
    /// Share of members living in the city, in percent.
    pub min_resident_percent: u32,
    pub min_meetings_per_month: u32,
    /// Days registered before the club may apply for the grant.
    pub grant_after_days: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub grant_min: Won,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub grant_max: Won,
}

impl Default for ClubRules {
    /// 광명시 학습동아리 지원 (5명 이상, 시민 60% 이상, 월 1~2회 이상 모임; 등록 1년 후 100~200만 원).
    fn default() -> Self {
        ClubRules {
            min_members: 5,
            min_resident_percent: 60,
            min_meetings_per_month: 1,
            grant_after_days: 365,
            grant_min: Won(1_000_000),
            grant_max: Won(2_000_000),
        }
    }
}

/// Who would found a club: each member and whether they live in the city.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Headcount {
    pub members: u32,
    pub residents: u32,
}

impl Headcount {
    /// Residents as a whole percentage of members, rounded down (3 of 5 is 60 %).
    pub fn resident_percent(self) -> u32 {
        (self.residents * 100).checked_div(self.members).unwrap_or(0)
    }
}

impl ClubRules {
    /// Whether founders and plan meet the rules; the first rule they miss.
    pub fn check(&self, count: Headcount, per_month: u32) -> Result<(), ClubRefusal> {
        if count.members < self.min_members {
            return Err(ClubRefusal::TooFewMembers { members: count.members, needed: self.min_members });
        }
        if count.resident_percent() < self.min_resident_percent {
            return Err(ClubRefusal::TooFewResidents {
                percent: count.resident_percent(),
                needed: self.min_resident_percent,
            });
        }
        if per_month < self.min_meetings_per_month {
            return Err(ClubRefusal::TooFewMeetings { per_month, needed: self.min_meetings_per_month });
        }
        Ok(())
    }

    /// Whether a club approved on `approved_on` may apply for the grant on `today`.
    pub fn grant_eligible(&self, approved_on: NaiveDate, today: NaiveDate) -> bool {
        (today - approved_on).num_days() >= i64::from(self.grant_after_days)
    }
}

/// When a club meets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingPlan {
    /// Meetings a month (1–8).
    pub per_month: u32,
    /// The usual day, for the "meeting day" filter.
    #[cfg_attr(feature = "ts", ts(type = "'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun'"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)$", example = "Tue"))]
    pub weekday: Weekday,
    /// In the leader's words: "둘째·넷째 화요일 오전 10시".
    pub note: String,
}

/// A club as its leader files it. Name, place and summary travel as text and are checked where
/// the club is decided ([`ClubApplication::form_problem`]), so a bad one is answered as a refusal
/// the kiosk can show, not a refused upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClubApplication {
    pub club_id: ClubId,
    pub name: String,
    pub field: Field,
    /// The city institution it registers with (the kiosk's).
    pub institution_id: InstitutionId,
    pub plan: MeetingPlan,
    pub place: String,
    #[serde(default)]
    pub summary: String,
    pub leader: LearnerId,
    /// The other founding members (the leader is not repeated here).
    pub founders: Vec<LearnerId>,
    pub recruiting: bool,
}

impl ClubApplication {
    /// What is wrong with the typed parts of the form, if anything (the hub asks this again).
    pub fn form_problem(&self) -> Option<ClubFormError> {
        if let Err(e) = Label::<40>::parse(&self.name) {
            return Some(ClubFormError::Name(e.to_string()));
        }
        if let Err(e) = Label::<60>::parse(&self.place) {
            return Some(ClubFormError::Place(e.to_string()));
        }
        if let Err(e) = clean(&self.summary, 300, false, true) {
            return Some(ClubFormError::Summary(e.to_string()));
        }
        if !(1..=8).contains(&self.plan.per_month) {
            return Some(ClubFormError::PerMonth);
        }
        if let Err(e) = clean(&self.plan.note, 60, false, false) {
            return Some(ClubFormError::Note(e.to_string()));
        }
        None
    }
}

/// Why a club's form is refused before anything is filed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClubFormError {
    #[error("동아리 이름: {0}")]
    Name(String),
    #[error("모임 장소: {0}")]
    Place(String),
    #[error("소개: {0}")]
    Summary(String),
    #[error("모임 횟수는 한 달에 1~8번으로 적어 주세요")]
    PerMonth,
    #[error("모임 안내: {0}")]
    Note(String),
    #[error("같은 회원이 두 번 들어 있습니다")]
    DuplicateMember,
}

impl MeetingPlan {
    pub fn checked(per_month: u32, weekday: Weekday, note: &str) -> Result<Self, ClubFormError> {
        if !(1..=8).contains(&per_month) {
            return Err(ClubFormError::PerMonth);
        }
        let note = clean(note, 60, false, false).map_err(|e| ClubFormError::Note(e.to_string()))?;
        Ok(MeetingPlan { per_month, weekday, note })
    }
}

/// One meeting as the leader records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityRecord {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    pub place: String,
    /// How long it lasted (10 minutes to 10 hours).
    pub minutes: u32,
    /// Members who came (from the roster).
    pub attendees: Vec<LearnerId>,
    /// What they did, typed on the on-screen keyboard (up to 300 characters).
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivityError {
    #[error("모임 장소: {0}")]
    Place(String),
    #[error("활동 내용을 적어 주세요 (300자까지)")]
    Summary,
    #[error("모임 시간은 10분에서 10시간 사이로 적어 주세요")]
    Minutes,
    #[error("참석한 회원을 한 명 이상 골라 주세요")]
    NoAttendees,
    #[error("앞으로의 날짜는 기록할 수 없습니다")]
    Future,
    #[error("동아리 승인 전이나 지난해보다 앞선 날짜는 기록할 수 없습니다")]
    TooOld,
}

/// The earliest day a club may record a meeting for: not before it was approved, and not before
/// last year (older records would be outside every report and lookup).
pub fn earliest_record(approved_on: Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let last_year = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today);
    approved_on.map_or(last_year, |a| a.max(last_year))
}

impl ActivityRecord {
    /// Checks a record typed at the kiosk (`today` in KST, `earliest` from [`earliest_record`]).
    pub fn checked(
        date: NaiveDate,
        place: &str,
        minutes: u32,
        mut attendees: Vec<LearnerId>,
        summary: &str,
        today: NaiveDate,
        earliest: NaiveDate,
    ) -> Result<Self, ActivityError> {
        let place = Label::<60>::parse(place).map_err(|e| ActivityError::Place(e.to_string()))?.as_str().to_owned();
        attendees.sort();
        attendees.dedup();
        let summary = clean(summary, 300, true, true).map_err(|_| ActivityError::Summary)?;
        let record = ActivityRecord { date, place, minutes, attendees, summary };
        record.check(today, earliest)?;
        Ok(record)
    }

    /// The rules a record meets wherever it is checked (the hub again, on its own clock: a
    /// kiosk's clock may be wrong and a body may not come from this kiosk's form).
    pub fn check(&self, today: NaiveDate, earliest: NaiveDate) -> Result<(), ActivityError> {
        if self.date > today {
            return Err(ActivityError::Future);
        }
        if self.date < earliest {
            return Err(ActivityError::TooOld);
        }
        if let Err(e) = Label::<60>::parse(&self.place) {
            return Err(ActivityError::Place(e.to_string()));
        }
        if !(10..=600).contains(&self.minutes) {
            return Err(ActivityError::Minutes);
        }
        if self.attendees.is_empty() {
            return Err(ActivityError::NoAttendees);
        }
        if self.summary.trim().is_empty() || self.summary.chars().count() > 300 {
            return Err(ActivityError::Summary);
        }
        Ok(())
    }
}

/// What a kiosk files for a club.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ClubIntent {
    /// 동아리 등록 신청 by its leader.
    RegisterClub { application: ClubApplication },
    /// 가입 신청.
    AskToJoin { club_id: ClubId, learner_id: LearnerId },
    /// The leader (signed in at a kiosk) or staff accept someone who asked.
    AcceptMember { club_id: ClubId, learner_id: LearnerId, leader_id: LearnerId },
    /// 활동 실적, filed by the leader (or staff for her).
    FileActivity { club_id: ClubId, activity_id: ActivityId, leader_id: LearnerId, record: ActivityRecord },
}

impl ClubIntent {
    /// The learner acting: the leader, or the person asking to join.
    pub fn actor(&self) -> &LearnerId {
        match self {
            ClubIntent::RegisterClub { application } => &application.leader,
            ClubIntent::AskToJoin { learner_id, .. } => learner_id,
            ClubIntent::AcceptMember { leader_id, .. } | ClubIntent::FileActivity { leader_id, .. } => leader_id,
        }
    }

    pub fn club_id(&self) -> &ClubId {
        match self {
            ClubIntent::RegisterClub { application } => &application.club_id,
            ClubIntent::AskToJoin { club_id, .. }
            | ClubIntent::AcceptMember { club_id, .. }
            | ClubIntent::FileActivity { club_id, .. } => club_id,
        }
    }
}

/// Why the hub did not take a club intent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClubRefusal {
    TooFewMembers {
        members: u32,
        needed: u32,
    },
    TooFewResidents {
        percent: u32,
        needed: u32,
    },
    TooFewMeetings {
        per_month: u32,
        needed: u32,
    },
    /// A founder or attendee the hub does not know, or who is not a member.
    NotAMember,
    /// Only the club's leader (or staff) may do that.
    NotLeader,
    AlreadyMember,
    /// The club is not (or no longer) active: waiting for approval or rejected.
    NotActive,
    /// The club is not taking new members.
    NotRecruiting,
    /// An activity record the rules refuse (a date ahead or too far back, a length or summary
    /// out of bounds, nobody there).
    BadRecord,
    /// The club's name, place, summary or meeting plan is not one the form allows.
    BadForm,
}

impl ClubRefusal {
    pub fn message_ko(&self) -> String {
        match self {
            ClubRefusal::TooFewMembers { members, needed } => {
                format!("회원이 {needed}명 이상이어야 합니다 (지금 {members}명)")
            }
            ClubRefusal::TooFewResidents { percent, needed } => {
                format!("광명시민이 {needed}% 이상이어야 합니다 (지금 {percent}%)")
            }
            ClubRefusal::TooFewMeetings { per_month, needed } => {
                format!("한 달에 {needed}번 이상 모여야 합니다 (계획 {per_month}번)")
            }
            ClubRefusal::NotAMember => "동아리 회원이 아닌 분이 들어 있습니다".into(),
            ClubRefusal::NotLeader => "동아리 대표만 할 수 있습니다".into(),
            ClubRefusal::AlreadyMember => "이미 가입하셨거나 가입을 신청하셨습니다".into(),
            ClubRefusal::NotActive => "승인된 동아리가 아닙니다".into(),
            ClubRefusal::NotRecruiting => "지금은 회원을 모집하지 않습니다".into(),
            ClubRefusal::BadRecord => "활동 기록의 날짜나 시간, 참석자가 맞지 않습니다".into(),
            ClubRefusal::BadForm => "동아리 이름, 장소, 소개나 모임 계획을 확인해 주세요".into(),
        }
    }
}

/// Where a club's registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClubState {
    /// 승인 대기
    AwaitingApproval,
    /// 활동 중 (승인)
    Active,
    /// 반려
    Rejected,
}

/// The hub's answer to a club intent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ClubOutcome {
    /// Filed, waiting for staff to approve.
    ClubFiled {
        state: ClubState,
    },
    ClubRefused {
        reason: ClubRefusal,
    },
    /// 가입 신청을 받았습니다 (waiting for the leader).
    JoinAsked,
    MemberAccepted {
        members: u32,
    },
    /// Recorded; the club's meetings and hours this year so far.
    ActivityFiled {
        meetings_this_year: u32,
        minutes_this_year: u32,
    },
}

/// A club as anyone at a kiosk sees it (no names but the leader's, masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClubListing {
    pub club_id: ClubId,
    pub name: String,
    pub field: Field,
    pub institution_id: InstitutionId,
    pub plan: MeetingPlan,
    pub place: String,
    pub summary: String,
    pub members: u32,
    pub leader_masked: String,
    pub recruiting: bool,
    /// When staff approved it (KST date).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub registered_on: NaiveDate,
}

/// `GET /v1/clubs`: the rules and every active club.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClubBoard {
    pub as_of: DateTime<Utc>,
    pub rules: ClubRules,
    pub clubs: Vec<ClubListing>,
}

/// `POST /v1/clubs/lookup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClubLookup {
    pub learner_ids: Vec<LearnerId>,
}

/// A learner's part in a club.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClubRole {
    /// 대표
    Leader,
    /// 회원
    Member,
    /// 가입 신청 중
    Asked,
}

/// One person on a club's roster, as its leader sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClubMember {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub learner_id: LearnerId,
    pub name_masked: String,
    pub role: ClubRole,
    pub resident: bool,
}

/// One recorded meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityLine {
    pub activity_id: ActivityId,
    pub record: ActivityRecord,
}

/// What the hub says about one learner's club: the club itself; for its leader also the roster,
/// the join requests and this and last year's records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub learner_id: LearnerId,
    pub role: ClubRole,
    pub club_id: ClubId,
    pub name: String,
    pub field: Field,
    pub institution_id: InstitutionId,
    pub plan: MeetingPlan,
    pub place: String,
    pub state: ClubState,
    /// Staff's reason when rejected.
    #[serde(default)]
    pub reason: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub registered_on: Option<NaiveDate>,
    pub grant_eligible: bool,
    /// Minutes of meetings she attended this year.
    pub my_minutes_this_year: u32,
    #[serde(default)]
    pub roster: Vec<ClubMember>,
    #[serde(default)]
    pub activities: Vec<ActivityLine>,
}

/// The answer to a lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Memberships {
    pub as_of: DateTime<Utc>,
    pub memberships: Vec<Membership>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_count_members_and_residents() {
        let rules = ClubRules::default();
        assert_eq!(
            rules.check(Headcount { members: 4, residents: 4 }, 2),
            Err(ClubRefusal::TooFewMembers { members: 4, needed: 5 })
        );
        assert_eq!(rules.check(Headcount { members: 5, residents: 3 }, 2), Ok(()), "3 of 5 is 60 %");
        assert_eq!(
            rules.check(Headcount { members: 7, residents: 4 }, 2),
            Err(ClubRefusal::TooFewResidents { percent: 57, needed: 60 })
        );
        assert_eq!(
            rules.check(Headcount { members: 5, residents: 5 }, 0),
            Err(ClubRefusal::TooFewMeetings { per_month: 0, needed: 1 })
        );
        assert_eq!(
            ClubRefusal::TooFewResidents { percent: 57, needed: 60 }.message_ko(),
            "광명시민이 60% 이상이어야 합니다 (지금 57%)"
        );
    }

    #[test]
    fn the_grant_waits_a_year_from_approval() {
        let rules = ClubRules::default();
        let approved = NaiveDate::from_ymd_opt(2025, 12, 8).unwrap();
        assert!(!rules.grant_eligible(approved, NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()));
        assert!(rules.grant_eligible(approved, NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()));
    }

    #[test]
    fn an_activity_record_is_checked_before_it_is_filed() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let a = LearnerId::parse("l-a").unwrap();
        let approved = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let earliest = earliest_record(Some(approved), today);
        assert_eq!(earliest, approved);
        assert_eq!(earliest_record(None, today), NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        let ok = ActivityRecord::checked(
            today,
            "강의실 301",
            120,
            vec![a.clone(), a.clone()],
            "사진 구도 연습",
            today,
            earliest,
        );
        assert_eq!(ok.unwrap().attendees, vec![a.clone()]);
        let tomorrow = today.succ_opt().unwrap();
        let check = |date, minutes, who: Vec<LearnerId>, summary| {
            ActivityRecord::checked(date, "301", minutes, who, summary, today, earliest)
        };
        assert_eq!(check(tomorrow, 120, vec![a.clone()], "x"), Err(ActivityError::Future));
        assert_eq!(check(approved.pred_opt().unwrap(), 120, vec![a.clone()], "x"), Err(ActivityError::TooOld));
        assert_eq!(check(today, 120, vec![], "x"), Err(ActivityError::NoAttendees));
        assert_eq!(check(today, 5, vec![a.clone()], "x"), Err(ActivityError::Minutes));
        assert_eq!(check(today, 60, vec![a], " "), Err(ActivityError::Summary));
    }
}
