//! The smallest service there is, kept as the worked example of ARCHITECTURE.md's "adding a
//! service": a kiosk says hello through its outbox and the hub answers with a greeting and the
//! arrival number it gave the intent. It changes nothing anywhere, so staff (or a test) can send
//! it to check the whole path — outbox, upload, arbitration, answer — end to end.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum HelloIntent {
    /// `from` names the sender as staff would ("1층 로비 키오스크"); it is only echoed back.
    Hello { from: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum HelloOutcome {
    /// The hub's greeting and the arrival number it gave the intent (its order among all intents).
    Greeted { greeting: String, arrival: u64 },
}
