//! The learner service: registering at the kiosk and finding oneself again (mobile number, birth
//! date and PIN, or staff checking an ID card). Registration writes the learner and its intent in
//! one transaction, so it works offline; the hub keeps the record.

use baeum_domain::LearnerId;
use baeum_domain::intent::IntentBody;
use baeum_domain::learner::LearnerIntent;
use baeum_domain::learner::{
    CONSENT_NOTICE_VERSION, Consent, ConsentPurpose, GuardianDraft, IdentityCheck, Learner, LearnerDraft, MobileNumber,
    Pin, pin_hash, pin_matches,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Kiosk;

/// A fresh salt for a PIN verifier.
fn new_salt() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..16].to_owned()
}
use crate::error::KioskError;
use crate::hub_client::HubSession;
use crate::on_duty::OnDuty;
use crate::store::{self, outbox};

/// The registration form as typed (parsed here, at the edge).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegistrationForm {
    pub name: String,
    /// YYYY-MM-DD
    pub birth_date: String,
    pub mobile: String,
    pub pin: String,
    #[serde(default)]
    pub resident: bool,
    #[serde(default)]
    pub guardian: Option<GuardianDraft>,
    /// One yes/no answer per [`ConsentPurpose`].
    pub consents: Vec<(ConsentPurpose, bool)>,
    pub identity: IdentityCheck,
}

/// A learner as a screen may show them (masked, PIPA).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LearnerSummary {
    pub id: LearnerId,
    pub name_masked: String,
    pub mobile_masked: String,
    pub age: u32,
    pub resident: bool,
}

impl LearnerSummary {
    fn of(learner: &Learner, today: NaiveDate) -> Self {
        Self {
            id: learner.id.clone(),
            name_masked: learner.name.masked(),
            mobile_masked: learner.mobile.masked(),
            age: learner.age_on(today),
            resident: learner.resident,
        }
    }
}

/// A learner who just confirmed who she is at this kiosk, and the session the hub opened for her
/// (none when the kiosk checked her PIN itself, offline).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub learner: LearnerSummary,
    pub session: Option<HubSession>,
}

impl SignedIn {
    fn offline(learner: LearnerSummary) -> Self {
        Self { learner, session: None }
    }
}

fn parse_birth(raw: &str) -> Result<NaiveDate, KioskError> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    NaiveDate::parse_from_str(&digits, "%Y%m%d")
        .map_err(|_| KioskError::invalid("birth_date", "생년월일은 1950-03-07처럼 적어 주세요"))
}

impl Kiosk {
    /// Registers a learner here (offline too). The PIN leaves this function only as a salted hash.
    /// A registration "with the ID card checked" is staff's: see [`Kiosk::register_learner_by_staff`].
    pub fn register_learner(&self, form: &RegistrationForm) -> Result<LearnerSummary, KioskError> {
        if form.identity == IdentityCheck::StaffChecked {
            return Err(KioskError::StaffSignInNeeded);
        }
        self.register(form, None)
    }

    /// Staff registered a learner after checking her ID card; the hub accepts the check under
    /// their stamp.
    pub fn register_learner_by_staff(
        &self,
        form: &RegistrationForm,
        staff: &OnDuty,
    ) -> Result<LearnerSummary, KioskError> {
        self.register(form, Some(staff))
    }

    fn register(&self, form: &RegistrationForm, staff: Option<&OnDuty>) -> Result<LearnerSummary, KioskError> {
        let pin = Pin::parse(&form.pin).map_err(|e| KioskError::invalid("pin", e))?;
        let today = self.clock.now_kst().date_naive();
        let salt = new_salt();
        let learner = Learner::try_from(LearnerDraft {
            id: format!("l-{}", uuid::Uuid::new_v4().simple()),
            name: form.name.clone(),
            birth_date: parse_birth(&form.birth_date)?,
            mobile: form.mobile.clone(),
            resident: form.resident,
            guardian: form.guardian.clone(),
            consents: form
                .consents
                .iter()
                .map(|(purpose, agreed)| Consent {
                    purpose: *purpose,
                    agreed: *agreed,
                    notice_version: CONSENT_NOTICE_VERSION,
                })
                .collect(),
            identity: form.identity,
            pin_hash: pin_hash(&pin, &salt),
            registered_on: today,
        })
        .map_err(KioskError::InvalidInput)?;
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        store::learners::put(&tx, &learner, now)?;
        let body = IntentBody::Learner(LearnerIntent::RegisterLearner { learner: learner.clone().into() });
        outbox::append_by(&tx, body, staff.map(OnDuty::stamp), now)?;
        tx.commit()?;
        Ok(LearnerSummary::of(&learner, today))
    }

    /// A returning learner: mobile number, birth date and PIN.
    ///
    /// Found by the hub, she comes with the session the hub opened for her here, which her own
    /// records (history, certificates) need. Asks the hub (which locks after
    /// repeated wrong PINs, and answers "not found" for that too) and keeps a local copy with
    /// this kiosk's own verifier of the PIN just typed (the hub never sends its own); offline,
    /// only learners known here are found, behind this kiosk's own failure count.
    pub async fn find_learner(&self, mobile: &str, birth_date: &str, pin: &str) -> Result<SignedIn, KioskError> {
        let mobile = MobileNumber::parse(mobile).map_err(|e| KioskError::invalid("mobile", e))?;
        let birth = parse_birth(birth_date)?;
        let pin = Pin::parse(pin).map_err(|e| KioskError::invalid("pin", e))?;
        let today = self.clock.now_kst().date_naive();
        let query = baeum_domain::learner::LearnerFind {
            mobile: mobile.as_str().to_owned(),
            birth_date: birth,
            pin: pin.digits().to_owned(),
        };
        match self.hub.find_learner(&query).await {
            Ok(found) => {
                let mut learner = found.learner;
                learner.pin_hash = pin_hash(&pin, &new_salt());
                let mut conn = self.conn();
                let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                store::learners::put(&tx, &learner, self.clock.now())?;
                store::learners::set_pin_lock(&tx, learner.id.as_str(), 0, None)?;
                for e in &found.enrollments.enrollments {
                    store::enrollments::apply_hub_view(&tx, e, found.enrollments.as_of)?;
                }
                tx.commit()?;
                let session = baeum_domain::session::SessionToken::parse(&found.session.token)
                    .map_err(|e| KioskError::HubBadAnswer(e.to_string()))?;
                Ok(SignedIn { learner: LearnerSummary::of(&learner, today), session: Some(HubSession::new(session)) })
            }
            Err(KioskError::HubRefused { code, .. }) if code == baeum_domain::ErrorCode::LearnerNotFound => {
                // Registered here moments ago and not uploaded yet: only the local copy knows
                // her. Anyone the hub knows is the hub's to answer (its lock stands).
                let pending = |l: &Learner| store::outbox::registration_pending(&self.conn(), l.id.as_str());
                let found = self.find_local(&mobile, birth, &pin, today, &pending)?;
                found.map(SignedIn::offline).ok_or(KioskError::LearnerNotFound)
            }
            Err(
                e @ (KioskError::HubUnreachable(_)
                | KioskError::HubTimeout
                | KioskError::HubBusy { .. }
                | KioskError::HubServerError { .. }
                | KioskError::HubBadAnswer(_)),
            ) => match self.find_local(&mobile, birth, &pin, today, &|_| Ok(true))? {
                Some(found) => Ok(SignedIn::offline(found)),
                None => {
                    tracing::info!(code = %e.code(), "learner lookup offline and not known here");
                    Err(KioskError::NeedsStaff)
                }
            },
            Err(e) => Err(e),
        }
    }

    /// Whether this kiosk registered `learner` and the hub has not answered the registration yet.
    pub fn registration_pending(&self, learner: &LearnerId) -> Result<bool, KioskError> {
        Ok(store::outbox::registration_pending(&self.conn(), learner.as_str())?)
    }

    /// Ends a person's session at the hub (마치기, or the idle wipe). Best effort: a session the
    /// hub cannot be told about ends by itself within minutes.
    pub async fn end_session(&self, session: &HubSession) {
        if let Err(e) = self.hub.end_session(session).await {
            tracing::info!(code = %e.code(), "could not end a session at the hub; it ends by itself");
        }
    }

    /// Staff looked at the person's ID card: find them by number and birth date without a PIN
    /// (works offline for learners this kiosk knows).
    pub fn find_learner_staff_checked(
        &self,
        mobile: &str,
        birth_date: &str,
    ) -> Result<Vec<LearnerSummary>, KioskError> {
        let mobile = MobileNumber::parse(mobile).map_err(|e| KioskError::invalid("mobile", e))?;
        let birth = parse_birth(birth_date)?;
        let today = self.clock.now_kst().date_naive();
        let conn = self.conn();
        Ok(store::learners::find(&conn, &mobile, birth)?.iter().map(|l| LearnerSummary::of(l, today)).collect())
    }

    /// A learner known here (among those `eligible`) whose PIN matches this kiosk's verifier,
    /// behind this kiosk's own count, with the hub's numbers ([`baeum_domain::learner::PIN_ATTEMPTS`]
    /// wrong PINs lock that number and birth date here; staff still find her by ID card).
    fn find_local(
        &self,
        mobile: &MobileNumber,
        birth: NaiveDate,
        pin: &Pin,
        today: NaiveDate,
        eligible: &dyn Fn(&Learner) -> Result<bool, store::StoreError>,
    ) -> Result<Option<LearnerSummary>, KioskError> {
        let now = self.clock.now();
        // Read first: the guard must be gone before `eligible` locks the database itself.
        let known = store::learners::find(&self.conn(), mobile, birth)?;
        let mut candidates = Vec::new();
        for l in known {
            if eligible(&l)? {
                candidates.push(l);
            }
        }
        let conn = self.conn();
        let mut locks = Vec::with_capacity(candidates.len());
        for l in &candidates {
            locks.push(store::learners::pin_lock(&conn, l.id.as_str())?);
        }
        if locks.iter().any(|(_, until)| until.is_some_and(|t| t > now)) {
            return Ok(None);
        }
        if let Some(l) = candidates.iter().find(|l| pin_matches(&l.pin_hash, pin)) {
            store::learners::set_pin_lock(&conn, l.id.as_str(), 0, None)?;
            return Ok(Some(LearnerSummary::of(l, today)));
        }
        for (l, (failures, _)) in candidates.iter().zip(locks) {
            let failures = failures + 1;
            let until = baeum_domain::learner::pin_lock_after(failures, now);
            store::learners::set_pin_lock(&conn, l.id.as_str(), failures, until)?;
        }
        Ok(None)
    }
}
