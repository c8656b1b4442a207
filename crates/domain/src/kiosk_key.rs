//! A kiosk's device key, with which it signs certificates it issues offline.

use serde::{Deserialize, Serialize};

use crate::ids::KioskId;

/// `POST /v1/kiosks/keys`: a kiosk registers the device key it signs provisional certificates
/// with. The hub publishes it only after staff endorsed it (`baeum-hub kiosk endorse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskKeyRegistration {
    pub kiosk_id: KioskId,
    /// Ed25519 public key, base64url.
    pub public_key: String,
}

/// The hub's answer: the key's id and whether staff have endorsed it yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskKeyStatus {
    pub key_id: String,
    pub endorsed: bool,
}
