//! A kiosk's device key, with which it signs certificates it issues offline.

use serde::{Deserialize, Serialize};

/// `POST /v1/kiosks/keys`: a kiosk registers the device key it signs provisional certificates
/// with, under the kiosk its credential names. The hub publishes it only after staff endorsed
/// that one key by its fingerprint (`baeum-hub kiosk endorse KIOSK --fingerprint …`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskKeyRegistration {
    /// Ed25519 public key, base64url (32 bytes that must be a point on the curve).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9_-]{43}$"))]
    pub public_key: String,
}

/// The hub's answer: the key's id and whether staff have endorsed it yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskKeyStatus {
    pub key_id: String,
    pub endorsed: bool,
}
