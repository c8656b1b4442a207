//! Secrets the kiosk keeps out of its database and logs: today the device key it signs
//! provisional certificates with. They live in the operating system's keyring — on Linux the
//! kernel's keyutils (always there, also on a headless kiosk; Secret Service needs a desktop
//! session and an unlocked keyring). Behind a small trait so tests use a memory store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Why a secret could not be read or kept, in words staff can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("운영체제 키 보관소를 사용할 수 없습니다: {0}")]
pub struct SecretError(pub String);

pub trait SecretStore: Send + Sync + std::fmt::Debug {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretError>;
    fn put(&self, name: &str, secret: &[u8]) -> Result<(), SecretError>;
}

/// The operating system's keyring, entries under the service `baeum-kiosk`.
pub struct OsKeyring {
    #[cfg(target_os = "linux")]
    store: Arc<keyring_core::CredentialStore>,
}

impl std::fmt::Debug for OsKeyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OsKeyring")
    }
}

const SERVICE: &str = "baeum-kiosk";

impl OsKeyring {
    pub fn new() -> Result<Self, SecretError> {
        #[cfg(target_os = "linux")]
        {
            let store = linux_keyutils_keyring_store::Store::new().map_err(|e| SecretError(e.to_string()))?;
            Ok(Self { store })
        }
        #[cfg(not(target_os = "linux"))]
        {
            Err(SecretError("이 운영체제의 키 보관소는 아직 지원하지 않습니다 (Linux keyutils만 지원)".into()))
        }
    }

    #[cfg(target_os = "linux")]
    fn entry(&self, name: &str) -> Result<keyring_core::Entry, SecretError> {
        self.store.build(SERVICE, name, None).map_err(|e| SecretError(e.to_string()))
    }
}

impl SecretStore for OsKeyring {
    #[cfg(target_os = "linux")]
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretError> {
        match self.entry(name)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(SecretError(e.to_string())),
        }
    }

    #[cfg(target_os = "linux")]
    fn put(&self, name: &str, secret: &[u8]) -> Result<(), SecretError> {
        self.entry(name)?.set_secret(secret).map_err(|e| SecretError(e.to_string()))
    }

    #[cfg(not(target_os = "linux"))]
    fn get(&self, _name: &str) -> Result<Option<Vec<u8>>, SecretError> {
        Err(SecretError("키 보관소를 지원하지 않는 운영체제입니다".into()))
    }

    #[cfg(not(target_os = "linux"))]
    fn put(&self, _name: &str, _secret: &[u8]) -> Result<(), SecretError> {
        Err(SecretError("키 보관소를 지원하지 않는 운영체제입니다".into()))
    }
}

/// Secrets in memory, for tests and for a kiosk whose OS keyring is unavailable.
#[derive(Debug, Default)]
pub struct MemorySecrets(Mutex<HashMap<String, Vec<u8>>>);

impl SecretStore for MemorySecrets {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretError> {
        Ok(self.0.lock().unwrap_or_else(|p| p.into_inner()).get(name).cloned())
    }

    fn put(&self, name: &str, secret: &[u8]) -> Result<(), SecretError> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(name.to_owned(), secret.to_vec());
        Ok(())
    }
}

/// The OS keyring when it can be opened, otherwise a store that refuses with the reason (so the
/// kiosk still runs; only offline certificates are unavailable).
pub fn default_store() -> Arc<dyn SecretStore> {
    match OsKeyring::new() {
        Ok(keyring) => Arc::new(keyring),
        Err(e) => Arc::new(Unavailable(e)),
    }
}

#[derive(Debug)]
struct Unavailable(SecretError);

impl SecretStore for Unavailable {
    fn get(&self, _name: &str) -> Result<Option<Vec<u8>>, SecretError> {
        Err(self.0.clone())
    }

    fn put(&self, _name: &str, _secret: &[u8]) -> Result<(), SecretError> {
        Err(self.0.clone())
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The real store, once: a secret put in the kernel keyring comes back.
    #[test]
    fn the_os_keyring_keeps_a_secret() {
        let keyring = OsKeyring::new().unwrap();
        let name = format!("test/{}", uuid::Uuid::new_v4().simple());
        assert_eq!(keyring.get(&name).unwrap(), None);
        keyring.put(&name, &[1, 2, 3, 250]).unwrap();
        assert_eq!(keyring.get(&name).unwrap(), Some(vec![1, 2, 3, 250]));
        let _ = keyring.entry(&name).and_then(|e| e.delete_credential().map_err(|e| SecretError(e.to_string())));
    }
}
