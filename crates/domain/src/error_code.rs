//! Every error code the hub, the kiosk engine, the app shell and the screens report, in one list
//! they share. (Some reach a screen only inside another: a hub `internal` answer is the kiosk's
//! `hub_server_error`, an outbox refusal's `sequence_gap` its `outbox_refused`.) The code is the contract: the UI shows its own translated text for it
//! (`error.<code>` in `ui/src/lib/messages.ts`), and a library's English detail never reaches a
//! screen — it goes to the log beside the code.
//!
//! `ui/src/lib/generated/codes.ts` is written from this list (see [`typescript`]); a test fails
//! when the checked-in copy is stale, and the UI's i18n test fails when a code lacks its Korean or
//! English text.

use serde::{Deserialize, Serialize};

/// A stable error code. Wire form: snake_case (`hub_unreachable`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorCode {
    // ---- Said by the hub, in `{code, message}` answers and outbox refusals.
    /// The request could not be read (malformed JSON, a bad id).
    BadRequest,
    /// Something broke inside the hub; the answer carries a request number for the log.
    Internal,
    /// The kiosk's catalog cursor is not one the hub can continue from: fetch a fresh snapshot.
    ResnapshotRequired,
    /// An outbox batch skipped a sequence number.
    SequenceGap,
    /// An op id already used with a different sequence number or body.
    OpConflict,
    /// No learner with this number, birth date and PIN — or one locked after repeated wrong PINs:
    /// one answer for both, so nobody learns who is registered (there is no `pin_locked`).
    LearnerNotFound,
    NotCompleted,
    NotEnrolled,
    CourseNotFound,
    /// Too many requests from one address: `429` with `Retry-After` (seconds).
    RateLimited,
    /// A kiosk request without a device credential the hub knows (`401`): the kiosk was never
    /// provisioned here, or its credential was lost. The kiosk says the same when it has none.
    DeviceUnregistered,
    /// The kiosk's credential was revoked at the hub (`403`): it is refused everywhere.
    KioskRevoked,
    /// Provisioning with an invite code that is unknown, used or expired (`403`).
    InviteInvalid,
    /// Provisioning under a kiosk id another device holds, or one with history the invite did
    /// not name (`409`).
    KioskIdTaken,
    /// A learner's records asked for without a session the hub opened for her at this kiosk, or
    /// after it ended (`401`): she confirms her PIN again.
    SessionRequired,
    /// A session asking for someone else's records (`403`).
    SessionForbidden,
    /// A staff sign-in the hub refuses: unknown number, wrong PIN, locked or disabled — one
    /// answer for all (`401`).
    StaffSignInFailed,
    /// No recorded subsidy selection for this programme (yet) (`404`).
    SelectionNotFound,

    // ---- Said by the kiosk engine (`KioskError::code`).
    HubUrlInvalid,
    ConfigInvalid,
    HubUnreachable,
    HubTimeout,
    HubServerError,
    HubBadAnswer,
    HubRefused,
    /// The hub asked this kiosk to wait (`429`); it tries again after the time it gave.
    HubBusy,
    InputInvalid,
    AlreadyApplied,
    NeedsStaff,
    OutboxRefused,
    CertificateFailed,
    NoCompletedCourses,
    PrinterInvalid,
    OfflineCertificateUnavailable,
    StaffPinNotSet,
    StaffPinWrong,
    StaffLocked,
    StaffRequired,
    /// A staff action that needs a clerk signed in at the hub, in the offline staff mode the
    /// kiosk's own PIN opened.
    StaffSignInNeeded,
    VoiceUnavailable,
    StoreFailed,
    /// The subsidy cannot be applied for (born outside the years, selected before, outside the
    /// window, residence, or applied already); the message says which in plain words.
    SubsidyNotEligible,
    /// A room cannot be booked so (capacity, hours, a time past); the message says why.
    RoomUnavailable,
    /// The video course is not (or no longer) in this kiosk's list.
    VideoNotFound,
    /// The learner's ZOOM sessions can only be read from the hub, which cannot be reached now.
    LiveClassesOffline,
    /// The club is not (or no longer) on this kiosk's board or the person's list.
    ClubNotFound,
    /// The printer did not take a document that must print at once or not at all (the ZOOM slip).
    PrinterNotReady,
    /// A club action the rules do not allow (too few members, not the leader, …); the message
    /// says why.
    ClubNotPossible,

    // ---- Said by the app shell or the screens themselves.
    /// A command's work thread died; detail in the log.
    Unexpected,
    /// No printer is configured at this kiosk.
    PrinterMissing,
    /// The learner has not yet agreed to the personal-data notice.
    ConsentNeeded,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Every code, in declaration order.
    pub fn all() -> &'static [ErrorCode] {
        <Self as strum::VariantArray>::VARIANTS
    }

    /// The code a hub sent, if this build knows it (a newer hub may send codes it does not).
    pub fn parse(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<ErrorCode> for &str {
    fn eq(&self, other: &ErrorCode) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<ErrorCode> for String {
    fn eq(&self, other: &ErrorCode) -> bool {
        self == other.as_str()
    }
}

/// Words of a message a person reads that are not Korean: runs of three or more Latin letters,
/// leaving out addresses and file paths (`https://…`, `/var/lib/…`), command names in backticks, what the person typed (echoed
/// in double quotes) and the abbreviations Korean portals print as they are. Tests use it to catch a library's English leaking into a message.
pub fn foreign_words(message: &str) -> Vec<&str> {
    const KEPT: [&str; 11] = ["PIN", "QR", "HTTP", "IPP", "PDF", "JSON", "UTF", "CUPS", "Windows", "Excel", "ZOOM"];
    let mut words = Vec::new();
    let mut in_code = false;
    for part in message.split(['`', '"']) {
        if !in_code {
            for token in part.split_whitespace().filter(|t| !t.contains(['/', '\\'])) {
                for word in token.split(|c: char| !c.is_ascii_alphabetic()) {
                    if word.len() >= 3 && !KEPT.contains(&word) {
                        words.push(word);
                    }
                }
            }
        }
        in_code = !in_code;
    }
    words
}

/// The TypeScript module the UI imports: every error code, every rejection reason and every
/// intent type, as literal types, so a screen cannot name a code that does not exist.
pub fn typescript() -> String {
    use strum::VariantArray;
    let list = |names: Vec<&str>| names.iter().map(|n| format!("  '{n}',\n")).collect::<String>();
    let errors = list(ErrorCode::VARIANTS.iter().map(|c| c.as_str()).collect());
    let reasons = list(crate::rules::RejectReason::VARIANTS.iter().map(|r| r.code()).collect());
    let kinds = list(crate::intent::intent_kinds());
    format!(
        "// Generated from crates/domain/src/error_code.rs, rules.rs and intent.rs by\n\
         // `BAEUM_BLESS=1 cargo test -p baeum-domain generated_codes`. Do not edit.\n\n\
         export const ERROR_CODES = [\n{errors}] as const;\n\
         export type ErrorCode = (typeof ERROR_CODES)[number];\n\n\
         export const REJECT_REASONS = [\n{reasons}] as const;\n\
         export type RejectReason = (typeof REJECT_REASONS)[number];\n\n\
         export const INTENT_KINDS = [\n{kinds}] as const;\n\
         export type IntentKind = (typeof INTENT_KINDS)[number];\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn codes_read_and_write_as_their_wire_names() {
        for code in ErrorCode::VARIANTS {
            let json = serde_json::to_string(code).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
        }
        assert_eq!(ErrorCode::HubUnreachable.as_str(), "hub_unreachable");
        assert_eq!(ErrorCode::OfflineCertificateUnavailable.as_str(), "offline_certificate_unavailable");
        assert_eq!(ErrorCode::parse("made_up"), None);
        let sent: String = "learner_not_found".into();
        assert!(sent == ErrorCode::LearnerNotFound && ErrorCode::LearnerNotFound == "learner_not_found");
    }

    #[test]
    fn foreign_words_finds_a_library_sentence_but_not_addresses_or_commands() {
        assert_eq!(
            foreign_words("중앙 서버의 응답을 이해할 수 없습니다: expected value at line 1"),
            ["expected", "value", "line"]
        );
        assert!(
            foreign_words("직원 PIN을 `baeum-kiosk staff-pin`으로 정해 주세요 (예: ipp://192.168.0.20/ipp/print)")
                .is_empty()
        );
        assert!(foreign_words("HTTP 502, QR 코드").is_empty());
        assert!(foreign_words("주소가 올바르지 않습니다: \"hub.example.kr\": 전체 주소를 적어 주세요").is_empty());
    }

    /// The UI's copy of the lists is generated; `BAEUM_BLESS=1` rewrites it.
    #[test]
    fn generated_codes_for_the_ui_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/generated/codes.ts");
        let want = typescript();
        if std::env::var_os("BAEUM_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap_or(&path)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&path, &want).unwrap_or_else(|e| panic!("{e}"));
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is stale: run `BAEUM_BLESS=1 cargo test -p baeum-domain generated_codes`",
            path.display()
        );
        assert!(have.contains("'consent_needed'") && have.contains("'term_limit_reached'"));
    }
}
