//! How this kiosk becomes one the hub trusts: staff give it a one-time invite code, it presents
//! the code with its id and the public half of its device key, and keeps the credential the hub
//! answers with in the OS keyring (never in its database, settings or logs). Every later
//! request carries it; the hub knows the kiosk from it alone.

use baeum_domain::certificate::public_key_b64;
use baeum_domain::device::{DeviceCredential, InviteCode, ProvisionRequest};
use serde::Serialize;

use crate::Kiosk;
use crate::error::{Detail, KioskError};

/// What provisioning established, for the person at the command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provisioned {
    pub kiosk_id: String,
    pub institution_id: String,
    /// The device key's fingerprint (`3f9a 07c2 1b44 d0e8`), which staff endorse at the hub.
    pub fingerprint: String,
}

fn keyring_failed(e: impl std::fmt::Display) -> KioskError {
    KioskError::Config {
        path: "운영체제 키 보관소".into(),
        problem: "기기 인증 정보를 보관할 수 없습니다".into(),
        detail: Detail::of(e),
    }
}

impl Kiosk {
    fn credential_secret_name(&self) -> String {
        format!("device-credential/{}", self.kiosk_id.as_str())
    }

    /// Reads the credential from the secret store into the hub client (at open, and when the
    /// store is swapped). A credential that does not read is logged and left out: the hub will
    /// answer `device_unregistered`, which tells staff what to do.
    pub(crate) fn load_credential(&self) {
        let credential = match self.secrets.get(&self.credential_secret_name()) {
            Ok(Some(bytes)) => match std::str::from_utf8(&bytes).ok().map(DeviceCredential::parse) {
                Some(Ok(credential)) => Some(credential),
                _ => {
                    tracing::warn!(event = "credential_unreadable", "the kept device credential does not read");
                    None
                }
            },
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(event = "credential_unavailable", detail = %e.0, "no device credential");
                None
            }
        };
        self.hub.set_credential(credential);
    }

    /// Whether this kiosk holds a device credential (it may still have been revoked at the hub).
    pub fn is_provisioned(&self) -> bool {
        self.hub.has_credential()
    }

    /// Registers this kiosk with the hub using the one-time `code` from `baeum-hub kiosk invite`.
    pub async fn provision(&self, code: &str) -> Result<Provisioned, KioskError> {
        let code = InviteCode::parse(code).map_err(|e| KioskError::invalid("code", e))?;
        let key = self.ensure_device_key()?;
        let request = ProvisionRequest {
            code: code.to_string(),
            kiosk_id: self.kiosk_id.clone(),
            public_key: public_key_b64(&key.verifying_key()),
        };
        let answer = self.hub.provision(&request).await?;
        let credential = DeviceCredential::parse(&answer.credential)
            .map_err(|_| KioskError::HubBadAnswer("기기 인증 정보의 형식이 맞지 않습니다".into()))?;
        if answer.kiosk_id != self.kiosk_id {
            return Err(KioskError::HubBadAnswer("중앙 서버가 다른 키오스크 번호로 답했습니다".into()));
        }
        self.secrets.put(&self.credential_secret_name(), credential.expose().as_bytes()).map_err(keyring_failed)?;
        self.hub.set_credential(Some(credential));
        Ok(Provisioned {
            kiosk_id: answer.kiosk_id.to_string(),
            institution_id: answer.institution_id.to_string(),
            fingerprint: baeum_domain::device::fingerprint_text(&answer.key_id),
        })
    }
}
