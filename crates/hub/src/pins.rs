//! Learner PINs at the hub: Argon2id keyed with a server-side pepper.
//!
//! A kiosk registers a learner offline, so what it sends is its own salted SHA-256 verifier
//! (`salt$hex`, see [`baeum_domain::learner::pin_hash`]), never the PIN. The hub never stores that
//! fast verifier: it wraps it at once in Argon2id with a pepper kept in a file beside the
//! database (`argon2id$salt$<PHC string>`). A copied `hub.db` then gives no PIN away without the
//! pepper, and even with it each guess costs an Argon2id run. Checking a PIN recomputes the
//! kiosk's verifier from the PIN and the salt and checks it against the wrap.
//!
//! Argon2id takes tens of milliseconds on purpose: callers run it off the async threads and
//! outside the database lock.

use std::path::Path;
use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use baeum_domain::learner::{Pin, pin_hash, pin_matches};

/// What wrapped verifiers start with.
const WRAPPED: &str = "argon2id$";

/// The server-side secret mixed into every PIN hash.
#[derive(Clone)]
pub struct PinPepper(Arc<[u8; 32]>);

impl std::fmt::Debug for PinPepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinPepper(…)")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("PIN 확인값을 만들 수 없습니다: {0}")]
pub struct PinHashError(String);

impl PinHashError {
    pub(crate) fn from_text(text: String) -> Self {
        Self(text)
    }
}

impl PinPepper {
    /// A short digest naming this pepper without giving it away (hub processes sharing one
    /// database compare it).
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::new().chain_update(b"baeum pin pepper\0").chain_update(*self.0).finalize();
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    /// Reads the pepper at `path`, or makes one there (mode 0600) on first start.
    pub fn load_or_create(path: &Path) -> std::io::Result<Self> {
        Ok(Self(Arc::new(crate::secret_file::load_or_create(path, "PIN 페퍼")?)))
    }

    /// A pepper for this process only (tests, in-memory hubs).
    pub fn ephemeral() -> Self {
        Self(Arc::new(crate::secret_file::random().unwrap_or([7; 32])))
    }

    fn argon(&self) -> Result<Argon2<'_>, PinHashError> {
        // OWASP's Argon2id minimum: 19 MiB, 2 passes, 1 lane (~20 ms here in a release build).
        let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| PinHashError(e.to_string()))?;
        Argon2::new_with_secret(&self.0[..], Algorithm::Argon2id, Version::V0x13, params)
            .map_err(|e| PinHashError(e.to_string()))
    }

    /// The stored form of a console password: Argon2id with the pepper as its secret, in PHC form.
    pub fn hash_password(&self, password: &str) -> Result<String, PinHashError> {
        let salt =
            SaltString::encode_b64(&crate::secret_file::random().map_err(|e| PinHashError(e.to_string()))?[..16])
                .map_err(|e| PinHashError(e.to_string()))?;
        Ok(self
            .argon()?
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| PinHashError(e.to_string()))?
            .to_string())
    }

    /// Whether `password` is the one behind `stored` (from [`Self::hash_password`]).
    pub fn verify_password(&self, stored: &str, password: &str) -> bool {
        let Ok(phc) = PasswordHash::new(stored) else { return false };
        self.argon().is_ok_and(|a| a.verify_password(password.as_bytes(), &phc).is_ok())
    }

    /// A 32-byte secret derived from the pepper for `label` and `data` (HMAC-SHA256): what the
    /// hub can recompute and a copy of the database alone cannot (console TOTP secrets).
    pub fn derive(&self, label: &str, data: &[&str]) -> [u8; 32] {
        use hmac::{Mac, SimpleHmac};
        let mut mac = <SimpleHmac<sha2::Sha256> as Mac>::new_from_slice(&self.0[..])
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(label.as_bytes());
        for part in data {
            mac.update(&[0]);
            mac.update(part.as_bytes());
        }
        mac.finalize().into_bytes().into()
    }

    /// The stored form of a kiosk's verifier. An already wrapped one is kept as it is, so a
    /// replayed registration does not hash twice.
    pub fn wrap(&self, kiosk_verifier: &str) -> Result<String, PinHashError> {
        if is_wrapped(kiosk_verifier) {
            return Ok(kiosk_verifier.to_owned());
        }
        let (salt, digest) =
            kiosk_verifier.split_once('$').ok_or_else(|| PinHashError("키오스크 확인값 형식이 아닙니다".into()))?;
        let argon_salt =
            SaltString::encode_b64(&crate::secret_file::random().map_err(|e| PinHashError(e.to_string()))?[..16])
                .map_err(|e| PinHashError(e.to_string()))?;
        let phc =
            self.argon()?.hash_password(digest.as_bytes(), &argon_salt).map_err(|e| PinHashError(e.to_string()))?;
        Ok(format!("{WRAPPED}{salt}${phc}"))
    }

    /// Whether `pin` is the PIN behind `stored` (wrapped, or a bare kiosk verifier an older hub
    /// stored and [`rewrap_stored`] has not reached yet).
    pub fn verify(&self, stored: &str, pin: &Pin) -> bool {
        let Some(rest) = stored.strip_prefix(WRAPPED) else {
            return pin_matches(stored, pin);
        };
        let Some((salt, phc)) = rest.split_once('$') else { return false };
        let Ok(phc) = PasswordHash::new(phc) else { return false };
        let kiosk_verifier = pin_hash(pin, salt);
        let Some((_, digest)) = kiosk_verifier.split_once('$') else { return false };
        self.argon().is_ok_and(|a| a.verify_password(digest.as_bytes(), &phc).is_ok())
    }
}

/// A password hash no password matches: checked for an unknown staff number, so it costs the
/// same Argon2id run as a wrong password and the answer time does not tell numbers apart.
pub const DUMMY_PASSWORD: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// A well-formed wrap no PIN matches (under any pepper): checked when no learner matched the
/// number, so an unknown or locked number costs the same Argon2id run as a wrong PIN.
pub const DUMMY: &str =
    "argon2id$00$$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// What a registration with a verifier the hub cannot read is stored with: it never matches a
/// PIN (the learner asks staff, who check her ID card), and the batch is not refused for it.
pub const UNUSABLE: &str = "argon2id$-$unusable";

/// The wraps of a batch's registrations, computed before the batch takes the database lock.
#[derive(Debug)]
pub struct PreparedWraps {
    pepper: PinPepper,
    ready: std::collections::HashMap<String, String>,
}

impl PreparedWraps {
    /// Nothing computed ahead: each registration is wrapped when it is applied.
    pub fn none(pepper: &PinPepper) -> Self {
        Self { pepper: pepper.clone(), ready: Default::default() }
    }

    /// Wraps the verifier of every registration in `batch` (blocking: Argon2id per learner).
    pub fn for_batch(pepper: &PinPepper, batch: &baeum_domain::intent::IntentBatch) -> Self {
        use baeum_domain::intent::IntentBody;
        use baeum_domain::learner::LearnerIntent;
        let mut prepared = Self::none(pepper);
        for intent in &batch.intents {
            if let IntentBody::Learner(LearnerIntent::RegisterLearner { learner }) = &intent.body
                && let Some(learner) = learner.valid()
                && let Ok(w) = pepper.wrap(&learner.pin_hash)
            {
                prepared.ready.insert(learner.pin_hash.clone(), w);
            }
        }
        prepared
    }

    /// The stored form of `kiosk_verifier`.
    pub fn wrap(&self, kiosk_verifier: &str) -> String {
        if let Some(w) = self.ready.get(kiosk_verifier) {
            return w.clone();
        }
        self.pepper.wrap(kiosk_verifier).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "a registration's PIN verifier could not be read; stored as unusable");
            UNUSABLE.to_owned()
        })
    }
}

/// Whether `stored` is already an Argon2id wrap.
pub fn is_wrapped(stored: &str) -> bool {
    stored.starts_with(WRAPPED)
}

/// Wraps the bare kiosk verifiers an older hub stored, a few learners per transaction so the
/// hub keeps answering meanwhile (Argon2id runs outside the lock; a row changed in between is
/// left for the next round). Returns how many were wrapped.
pub fn rewrap_stored(
    db: &std::sync::Mutex<crate::db::Connection>,
    pepper: &PinPepper,
) -> Result<usize, crate::store::StoreError> {
    use crate::store::learners;
    let (mut done, mut after) = (0, String::new());
    loop {
        let batch = learners::bare_pin_verifiers(&db.lock().unwrap_or_else(|p| p.into_inner()), &after, 32)?;
        let Some((last, _)) = batch.last() else { return Ok(done) };
        after = last.clone();
        let mut wrapped = Vec::with_capacity(batch.len());
        for (id, bare) in batch {
            match pepper.wrap(&bare) {
                Ok(w) => wrapped.push((id, bare, w)),
                // Left bare (it still checks the old way, and never matches if unreadable)
                // rather than stopping the hub; the id goes to the log, never the verifier.
                Err(e) => tracing::warn!(learner = %id, error = %e, "a stored PIN verifier could not be wrapped"),
            }
        }
        let conn = db.lock().unwrap_or_else(|p| p.into_inner());
        for (id, bare, w) in wrapped {
            done += learners::replace_pin_verifier(&conn, &id, &bare, &w)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_verifier_takes_its_own_pin_only_and_needs_the_pepper() {
        let pepper = PinPepper::ephemeral();
        let pin = Pin::parse("482913").unwrap();
        let kiosk = pin_hash(&pin, "a1b2c3");
        let stored = pepper.wrap(&kiosk).unwrap();
        assert!(stored.starts_with("argon2id$a1b2c3$$argon2id$"), "{stored}");
        assert!(!stored.contains(kiosk.split_once('$').unwrap().1), "the fast verifier is not kept");
        assert!(pepper.verify(&stored, &pin));
        assert!(!pepper.verify(&stored, &Pin::parse("482914").unwrap()));
        assert!(!PinPepper::ephemeral().verify(&stored, &pin), "another pepper checks nothing");
        assert_eq!(pepper.wrap(&stored).unwrap(), stored, "wrapping twice keeps the first wrap");
        assert!(pepper.verify(&kiosk, &pin), "a bare verifier from an older hub still checks");
        assert!(!pepper.verify("argon2id$zz$not-a-phc", &pin));
        assert!(pepper.wrap("no-dollar").is_err());
        let prepared = PreparedWraps::none(&pepper);
        assert!(!pepper.verify(&prepared.wrap("no-dollar"), &pin), "an unreadable verifier never matches");
        let dummy = DUMMY.strip_prefix(WRAPPED).and_then(|r| r.split_once('$')).unwrap().1;
        let parsed = PasswordHash::new(dummy).unwrap();
        assert_eq!(
            parsed.params,
            PasswordHash::new(stored.splitn(3, '$').nth(2).unwrap()).unwrap().params,
            "the dummy costs what a real check costs"
        );
        assert!(!pepper.verify(DUMMY, &pin));
    }
}

#[cfg(test)]
mod rewrap_tests {
    use super::*;
    use crate::arbitration::fixtures;
    use crate::store::learners;

    #[test]
    fn bare_verifiers_an_older_hub_stored_are_wrapped_and_still_take_the_pin() {
        let (mut conn, _) = fixtures::hub(10, baeum_domain::Selection::FirstCome, 0);
        let pin = Pin::parse("2580").unwrap();
        let tx = conn.transaction().unwrap();
        for i in 0..40 {
            let mut l = fixtures::learner(i, "1950-03-02");
            l.pin_hash = pin_hash(&pin, &format!("{i:04x}"));
            learners::insert(&tx, &l).unwrap();
        }
        tx.commit().unwrap();
        let db = std::sync::Mutex::new(conn);
        let pepper = PinPepper::ephemeral();
        assert_eq!(rewrap_stored(&db, &pepper).unwrap(), 40, "in two rounds of 32 and 8");
        assert_eq!(rewrap_stored(&db, &pepper).unwrap(), 0, "nothing left bare");
        let conn = db.into_inner().unwrap();
        let l = learners::get(&conn, fixtures::learner(7, "1950-03-02").id.as_str()).unwrap().unwrap();
        assert!(is_wrapped(&l.pin_hash), "{}", l.pin_hash);
        assert!(pepper.verify(&l.pin_hash, &pin));
        assert!(!pepper.verify(&l.pin_hash, &Pin::parse("2581").unwrap()));
    }
}
