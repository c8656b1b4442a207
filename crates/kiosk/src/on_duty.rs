//! A staff member signed in at the hub from this kiosk: their profile, the staff session the hub
//! opened (for class lists, whole-class certificates, and learners' records on their behalf), and
//! the stamp every staff action carries into the outbox so the hub accepts it — also when it is
//! uploaded after the line came back.

use baeum_domain::staff::{StaffNumber, StaffProfile, StaffSignIn, StaffStamp, staff_pin};

use crate::Kiosk;
use crate::error::KioskError;
use crate::hub_client::HubSession;

/// Staff on duty at this kiosk, as the hub signed them in.
#[derive(Debug, Clone)]
pub struct OnDuty {
    pub profile: StaffProfile,
    session: HubSession,
    stamp: StaffStamp,
}

impl OnDuty {
    pub fn session(&self) -> &HubSession {
        &self.session
    }

    pub fn stamp(&self) -> &StaffStamp {
        &self.stamp
    }
}

impl Kiosk {
    /// Signs a staff member in at the hub with their number and 6-digit PIN (checked only
    /// there). Offline this fails with the transport error: staff actions wait for the line.
    pub async fn staff_sign_in(&self, number: &str, pin: &str) -> Result<OnDuty, KioskError> {
        let staff_number = StaffNumber::parse(number).map_err(|e| KioskError::invalid("staff_number", e))?;
        let pin = staff_pin(pin).map_err(|e| KioskError::invalid("pin", e))?;
        let request = StaffSignIn { staff_number, pin: pin.digits().to_owned() };
        let signed_in = match self.hub.staff_sign_in(&request).await {
            Err(KioskError::HubRefused { code, message, .. })
                if code == baeum_domain::ErrorCode::StaffSignInFailed.as_str() =>
            {
                return Err(KioskError::StaffSignInFailed(message));
            }
            other => other?,
        };
        let token = baeum_domain::session::SessionToken::parse(&signed_in.session.token)
            .map_err(|e| KioskError::HubBadAnswer(e.to_string()))?;
        let session = HubSession::new(token);
        let stamp = StaffStamp { staff_number: signed_in.staff.staff_number.clone(), session: session.digest() };
        tracing::info!(staff = %signed_in.staff.staff_number, "staff signed in at the hub");
        Ok(OnDuty { profile: signed_in.staff, session, stamp })
    }
}
