//! Which kiosks the hub trusts (DESIGN.md §9): staff issue a one-time invite for an institution,
//! a kiosk presents it once with the id it chose and its device key, and gets a credential whose
//! digest identifies it from then on. Revoking a kiosk refuses its credential everywhere.
//! Randomness comes from the caller, so tests are deterministic.

use crate::db::{Connection, TransactionBehavior};
use baeum_domain::device::{DeviceCredential, InviteCode, ProvisionAnswer, ProvisionRequest};
use baeum_domain::{InstitutionId, KioskId};
use chrono::{DateTime, Duration, Utc};

use crate::store::{StoreError, devices, institutions, intents, invites, kiosk_keys};

/// How long an invite stays usable unless staff say otherwise.
pub const DEFAULT_INVITE_HOURS: i64 = 24;

/// Why the hub will not provision a kiosk, or answer one; each has its own code and Korean words.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("초대 코드가 맞지 않거나, 이미 쓰였거나, 기한이 지났습니다. 관리자에게 새 초대 코드를 받아 주세요")]
    InviteInvalid,
    #[error("{0}")]
    KioskIdTaken(String),
    #[error("등록되지 않은 기관입니다: {0}")]
    UnknownInstitution(String),
    #[error("공개키가 Ed25519 공개키가 아니거나 다른 키오스크의 키입니다")]
    BadPublicKey,
    #[error("등록된 키오스크가 아닙니다: {0}")]
    UnknownKiosk(String),
    #[error("{kiosk}에 지문 {fingerprint}인 기기 키가 없습니다 (등록된 키: {known})")]
    NoSuchKey { kiosk: String, fingerprint: String, known: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<crate::db::Error> for DeviceError {
    fn from(e: crate::db::Error) -> Self {
        DeviceError::Store(e.into())
    }
}

/// Records a new invite for `institution` (and, for a kiosk the hub already knows, its id).
pub fn invite(
    conn: &Connection,
    code: &InviteCode,
    institution: &InstitutionId,
    kiosk: Option<&KioskId>,
    by: &str,
    now: DateTime<Utc>,
    valid: Duration,
) -> Result<DateTime<Utc>, DeviceError> {
    if institutions::get(conn, institution.as_str())?.is_none() {
        return Err(DeviceError::UnknownInstitution(institution.to_string()));
    }
    let expires = now + valid;
    invites::insert(conn, &code.digest(), institution.as_str(), kiosk.map(KioskId::as_str), by, now, expires)?;
    Ok(expires)
}

/// Provisions the kiosk in `request` with the credential made from `secret`, in one
/// transaction: the invite is spent, the device recorded, its key registered (not endorsed).
pub fn provision(
    conn: &mut Connection,
    request: &ProvisionRequest,
    secret: [u8; 32],
    now: DateTime<Utc>,
) -> Result<ProvisionAnswer, DeviceError> {
    let code = InviteCode::parse(&request.code).map_err(|_| DeviceError::InviteInvalid)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // The invite first: a caller without one learns nothing, not even whether its key would do.
    let invite = invites::get(&tx, &code.digest())?.ok_or(DeviceError::InviteInvalid)?;
    if invite.used || invite.expires_at <= now {
        return Err(DeviceError::InviteInvalid);
    }
    let key = baeum_domain::certificate::public_key(&request.public_key).ok_or(DeviceError::BadPublicKey)?;
    let key_id = baeum_domain::certificate::key_id(&key);
    let kiosk = request.kiosk_id.as_str();
    let named = invite.kiosk_id.as_deref() == Some(kiosk);
    if invite.kiosk_id.is_some() && !named {
        return Err(DeviceError::KioskIdTaken(format!(
            "이 초대 코드는 다른 키오스크({})용입니다",
            invite.kiosk_id.unwrap_or_default()
        )));
    }
    // An id is taken by a device that holds it, or by history (intents) a stranger could read or
    // jam: only an invite that names the id may claim it.
    match devices::get(&tx, kiosk)? {
        Some(d) if !d.revoked() => {
            return Err(DeviceError::KioskIdTaken(format!(
                "{kiosk}는 이미 등록된 키오스크입니다. 다시 등록하려면 먼저 `baeum-hub kiosk revoke {kiosk}`로 사용을 중지한 뒤 `baeum-hub kiosk invite --kiosk {kiosk}`로 초대해 주세요"
            )));
        }
        Some(_) if !named => {
            return Err(DeviceError::KioskIdTaken(format!(
                "{kiosk}는 등록이 취소된 키오스크입니다. 다시 쓰려면 `baeum-hub kiosk invite --kiosk {kiosk}`로 초대해 주세요"
            )));
        }
        None if !named && intents::applied_through(&tx, &request.kiosk_id)? > 0 => {
            return Err(DeviceError::KioskIdTaken(format!(
                "{kiosk}는 이미 기록이 있는 키오스크입니다. `baeum-hub kiosk invite --kiosk {kiosk}`로 초대해 주세요"
            )));
        }
        _ => {}
    }
    // A device key names one kiosk: one already registered to another is not this kiosk's.
    if kiosk_keys::get(&tx, &key_id)?.is_some_and(|k| k.kiosk_id != kiosk) {
        return Err(DeviceError::BadPublicKey);
    }
    if !invites::mark_used(&tx, &code.digest(), kiosk, now)? {
        return Err(DeviceError::InviteInvalid);
    }
    let credential = DeviceCredential::from_random(secret);
    devices::put(&tx, kiosk, &invite.institution_id, &credential.digest(), &key_id, now)?;
    kiosk_keys::register(&tx, &key_id, kiosk, &request.public_key, now)?;
    tx.commit()?;
    let institution_id = InstitutionId::parse(&invite.institution_id).map_err(|e| StoreError::Corrupt {
        what: "초대 코드의 기관",
        id: invite.institution_id.clone(),
        problem: e.to_string(),
    })?;
    Ok(ProvisionAnswer {
        kiosk_id: request.kiosk_id.clone(),
        institution_id,
        credential: credential.expose().to_owned(),
        key_id,
    })
}

/// Revokes `kiosk`: its credential is refused everywhere, and its device keys are no longer
/// published as endorsed, so what it signs from now on does not check out offline either.
/// False if there is no such kiosk or it was revoked already.
pub fn revoke(
    conn: &mut Connection,
    kiosk: &str,
    by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if !devices::revoke(&tx, kiosk, by, reason, now)? {
        return Ok(false);
    }
    kiosk_keys::withdraw_endorsements(&tx, kiosk)?;
    tx.commit()?;
    Ok(true)
}

/// Who presents `credential`: the kiosk (revoked or not), or nobody.
pub fn identify(conn: &Connection, credential: &DeviceCredential) -> Result<Option<devices::Device>, StoreError> {
    devices::by_credential(conn, &credential.digest())
}

/// Endorses exactly the key of `kiosk` whose fingerprint staff read off its screen.
pub fn endorse(
    conn: &Connection,
    signer: &crate::certificates::HubSigner,
    kiosk: &str,
    fingerprint: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<String, DeviceError> {
    let key_id = baeum_domain::device::parse_fingerprint(fingerprint).map_err(|_| DeviceError::NoSuchKey {
        kiosk: kiosk.to_owned(),
        fingerprint: fingerprint.to_owned(),
        known: "-".into(),
    })?;
    if devices::get(conn, kiosk)?.is_none_or(|d| d.revoked()) {
        return Err(DeviceError::UnknownKiosk(kiosk.to_owned()));
    }
    let keys: Vec<_> = kiosk_keys::all(conn)?.into_iter().filter(|k| k.kiosk_id == kiosk).collect();
    let Some(key) = keys.iter().find(|k| k.key_id == key_id) else {
        let known = keys.iter().map(|k| baeum_domain::device::fingerprint_text(&k.key_id)).collect::<Vec<_>>();
        return Err(DeviceError::NoSuchKey {
            kiosk: kiosk.to_owned(),
            fingerprint: fingerprint.to_owned(),
            known: if known.is_empty() { "없음".into() } else { known.join(", ") },
        });
    };
    signer.endorse_key(conn, key, by, now)?;
    Ok(key.key_id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::catalog;

    fn hub() -> Connection {
        let mut conn = crate::store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let batch = crate::demo::demo_catalog(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
        catalog::apply(&mut conn, &batch).unwrap_or_else(|e| panic!("{e}"));
        conn
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-07T09:00:00+09:00").map(|t| t.to_utc()).unwrap_or_default()
    }

    fn request(code: &InviteCode, kiosk: &str, seed: u8) -> ProvisionRequest {
        let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        ProvisionRequest {
            code: code.to_string(),
            kiosk_id: KioskId::parse(kiosk).unwrap_or_else(|e| panic!("{e}")),
            public_key: baeum_domain::certificate::public_key_b64(&key.verifying_key()),
        }
    }

    fn institution() -> InstitutionId {
        InstitutionId::parse("gm-llc").unwrap_or_else(|e| panic!("{e}"))
    }

    fn invite_for(conn: &Connection, seed: u8, kiosk: Option<&str>) -> InviteCode {
        let code = InviteCode::from_random([seed; 12]);
        let kiosk = kiosk.map(|k| KioskId::parse(k).unwrap_or_else(|e| panic!("{e}")));
        invite(conn, &code, &institution(), kiosk.as_ref(), "관리자", now(), Duration::hours(24))
            .unwrap_or_else(|e| panic!("{e}"));
        code
    }

    #[test]
    fn an_invite_provisions_one_kiosk_once_and_its_credential_names_it() {
        let mut conn = hub();
        let code = invite_for(&conn, 1, None);
        let answer =
            provision(&mut conn, &request(&code, "k-hall", 9), [5; 32], now()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(answer.kiosk_id.as_str(), "k-hall");
        assert_eq!(answer.institution_id.as_str(), "gm-llc");
        let credential = DeviceCredential::parse(&answer.credential).unwrap_or_else(|e| panic!("{e}"));
        let found = identify(&conn, &credential).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.map(|d| d.kiosk_id), Some("k-hall".to_owned()));
        // The hub keeps the digest only.
        let stored: String =
            conn.query_row("SELECT credential_digest FROM devices", [], |r| r.get(0)).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(stored, answer.credential);
        // Used once: a second kiosk with the same code is refused.
        let again = provision(&mut conn, &request(&code, "k-other", 8), [6; 32], now());
        assert!(matches!(again, Err(DeviceError::InviteInvalid)), "{again:?}");
        // The key came with it, registered and not yet endorsed.
        let keys = kiosk_keys::all(&conn).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            keys.iter().map(|k| (k.kiosk_id.as_str(), k.endorsement.is_some())).collect::<Vec<_>>(),
            [("k-hall", false)]
        );
    }

    #[test]
    fn expired_unknown_and_mistyped_codes_are_refused_alike() {
        let mut conn = hub();
        let code = invite_for(&conn, 1, None);
        let late = now() + Duration::hours(25);
        assert!(matches!(
            provision(&mut conn, &request(&code, "k-a", 1), [1; 32], late),
            Err(DeviceError::InviteInvalid)
        ));
        let unknown = InviteCode::from_random([2; 12]);
        assert!(matches!(
            provision(&mut conn, &request(&unknown, "k-a", 1), [1; 32], now()),
            Err(DeviceError::InviteInvalid)
        ));
        let mut mistyped = request(&code, "k-a", 1);
        mistyped.code = "hello".into();
        assert!(matches!(provision(&mut conn, &mistyped, [1; 32], now()), Err(DeviceError::InviteInvalid)));
        // None of these spent the real code.
        assert!(provision(&mut conn, &request(&code, "k-a", 1), [1; 32], now()).is_ok());
    }

    #[test]
    fn a_kiosk_id_with_a_device_or_history_is_claimed_only_by_an_invite_naming_it() {
        let mut conn = hub();
        let first = invite_for(&conn, 1, None);
        provision(&mut conn, &request(&first, "k-hall", 1), [1; 32], now()).unwrap_or_else(|e| panic!("{e}"));
        // Someone else with a fresh invite cannot take k-hall.
        let second = invite_for(&conn, 2, None);
        assert!(matches!(
            provision(&mut conn, &request(&second, "k-hall", 2), [2; 32], now()),
            Err(DeviceError::KioskIdTaken(_))
        ));
        // A kiosk from before provisioning (intents under its id, no device) needs a named invite.
        conn.execute(
            "INSERT INTO kiosk_intents (kiosk_id, seq, op_id, body_sha256, outcome, arrival, received_at)
             VALUES ('k-legacy', 1, 'op-1', 'd', '{}', 1, '2026-12-01T00:00:00Z')",
            [],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            provision(&mut conn, &request(&second, "k-legacy", 2), [2; 32], now()),
            Err(DeviceError::KioskIdTaken(_))
        ));
        let named = invite_for(&conn, 3, Some("k-legacy"));
        assert!(matches!(
            provision(&mut conn, &request(&named, "k-else", 3), [3; 32], now()),
            Err(DeviceError::KioskIdTaken(_))
        ));
        let answer = provision(&mut conn, &request(&named, "k-legacy", 3), [3; 32], now());
        assert_eq!(answer.map(|a| a.kiosk_id.to_string()).ok(), Some("k-legacy".to_owned()));
    }

    #[test]
    fn a_revoked_kiosk_is_still_identified_as_revoked_and_a_named_invite_replaces_it() {
        let mut conn = hub();
        let code = invite_for(&conn, 1, None);
        let old = provision(&mut conn, &request(&code, "k-hall", 1), [1; 32], now()).unwrap_or_else(|e| panic!("{e}"));
        assert!(revoke(&mut conn, "k-hall", "관리자", "분실", now()).unwrap_or_default());
        let old = DeviceCredential::parse(&old.credential).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(identify(&conn, &old).ok().flatten().map(|d| d.revoked()), Some(true));
        let named = invite_for(&conn, 2, Some("k-hall"));
        let new = provision(&mut conn, &request(&named, "k-hall", 2), [2; 32], now()).unwrap_or_else(|e| panic!("{e}"));
        let new = DeviceCredential::parse(&new.credential).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(identify(&conn, &new).ok().flatten().map(|d| d.revoked()), Some(false));
        assert_eq!(identify(&conn, &old).ok().flatten().map(|d| d.kiosk_id), None, "the old credential is gone");
    }

    #[test]
    fn an_invite_for_an_unknown_institution_is_refused() {
        let conn = hub();
        let nowhere = InstitutionId::parse("gm-nowhere").unwrap_or_else(|e| panic!("{e}"));
        let code = InviteCode::from_random([1; 12]);
        let refused = invite(&conn, &code, &nowhere, None, "관리자", now(), Duration::hours(1));
        assert!(matches!(refused, Err(DeviceError::UnknownInstitution(_))));
    }

    #[test]
    fn endorsing_names_one_key_by_its_fingerprint_and_only_of_that_kiosk() {
        let mut conn = hub();
        let signer = crate::certificates::HubSigner::ephemeral();
        let code = invite_for(&conn, 1, None);
        let hall = provision(&mut conn, &request(&code, "k-hall", 1), [1; 32], now()).unwrap_or_else(|e| panic!("{e}"));
        // Another key registered under k-hall (before provisioning existed anyone could).
        let stray = ed25519_dalek::SigningKey::from_bytes(&[77; 32]);
        let stray_id = baeum_domain::certificate::key_id(&stray.verifying_key());
        let stray_b64 = baeum_domain::certificate::public_key_b64(&stray.verifying_key());
        kiosk_keys::register(&conn, &stray_id, "k-hall", &stray_b64, now()).unwrap_or_else(|e| panic!("{e}"));
        let shown = baeum_domain::device::fingerprint_text(&hall.key_id).to_uppercase();
        let endorsed = endorse(&conn, &signer, "k-hall", &shown, "관리자", now()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(endorsed, hall.key_id);
        let keys = kiosk_keys::all(&conn).unwrap_or_else(|e| panic!("{e}"));
        let endorsed: Vec<_> = keys.iter().filter(|k| k.endorsement.is_some()).map(|k| k.key_id.clone()).collect();
        assert_eq!(endorsed, std::slice::from_ref(&hall.key_id), "the stray key stays unendorsed");
        // A fingerprint of another kiosk's key, or of none, is refused and lists what there is.
        let wrong = endorse(&conn, &signer, "k-hall", "0000 0000 0000 0000", "관리자", now());
        assert!(matches!(&wrong, Err(DeviceError::NoSuchKey { known, .. }) if known.contains(&shown.to_lowercase())));
        assert!(matches!(
            endorse(&conn, &signer, "k-nobody", &shown, "관리자", now()),
            Err(DeviceError::UnknownKiosk(_))
        ));
        // Revoked: its key leaves the published set, and it cannot be endorsed again.
        assert!(revoke(&mut conn, "k-hall", "관리자", "도난", now()).unwrap_or_default());
        let published = signer.key_set(&conn).unwrap_or_else(|e| panic!("{e}"));
        assert!(!published.keys.iter().any(|k| k.owner == "kiosk:k-hall"), "{:?}", published.keys);
        assert!(matches!(
            endorse(&conn, &signer, "k-hall", &shown, "관리자", now()),
            Err(DeviceError::UnknownKiosk(_))
        ));
    }
}
