//! Secrets the kiosk keeps out of its database, settings and logs: its device credential (how
//! the hub knows it) and the device key it signs provisional certificates with. They live in the
//! operating system's keyring — on Linux the kernel's keyutils (always there, also on a headless
//! kiosk; Secret Service needs a desktop session and an unlocked keyring). keyutils forgets
//! everything at reboot, so [`KeptSecrets`] also keeps each secret in a file only the kiosk's
//! user can read, outside the database, and puts it back in the keyring after a restart.
//! Behind a small trait so tests use a memory store.

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

/// The operating system's keyring, entries under the service `baeum-kiosk`: the kernel's
/// keyutils on Linux, the Credential Manager on Windows, the login Keychain on macOS.
pub struct OsKeyring {
    #[cfg(any(target_os = "linux", windows, target_os = "macos"))]
    store: Arc<keyring_core::CredentialStore>,
}

impl std::fmt::Debug for OsKeyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OsKeyring")
    }
}

#[cfg(any(target_os = "linux", windows, target_os = "macos"))]
const SERVICE: &str = "baeum-kiosk";

impl OsKeyring {
    pub fn new() -> Result<Self, SecretError> {
        #[cfg(target_os = "linux")]
        let store = linux_keyutils_keyring_store::Store::new();
        #[cfg(windows)]
        let store = windows_native_keyring_store::Store::new();
        #[cfg(target_os = "macos")]
        let store = apple_native_keyring_store::keychain::Store::new();
        #[cfg(any(target_os = "linux", windows, target_os = "macos"))]
        {
            let store: Arc<keyring_core::CredentialStore> = store.map_err(|e| SecretError(e.to_string()))?;
            Ok(Self { store })
        }
        #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
        {
            Err(SecretError("이 운영체제의 키 보관소는 지원하지 않습니다 (Linux, Windows, macOS만 지원)".into()))
        }
    }

    #[cfg(any(target_os = "linux", windows, target_os = "macos"))]
    fn entry(&self, name: &str) -> Result<keyring_core::Entry, SecretError> {
        self.store.build(SERVICE, name, None).map_err(|e| SecretError(e.to_string()))
    }
}

impl SecretStore for OsKeyring {
    #[cfg(any(target_os = "linux", windows, target_os = "macos"))]
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretError> {
        match self.entry(name)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(SecretError(e.to_string())),
        }
    }

    #[cfg(any(target_os = "linux", windows, target_os = "macos"))]
    fn put(&self, name: &str, secret: &[u8]) -> Result<(), SecretError> {
        self.entry(name)?.set_secret(secret).map_err(|e| SecretError(e.to_string()))
    }

    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    fn get(&self, _name: &str) -> Result<Option<Vec<u8>>, SecretError> {
        Err(SecretError("키 보관소를 지원하지 않는 운영체제입니다".into()))
    }

    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
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

/// The kiosk's secrets for the data folder `dir`: the OS keyring, kept across reboots by
/// [`KeptSecrets`] in `dir/secrets/`.
pub fn default_store(dir: &crate::DataDir) -> Arc<dyn SecretStore> {
    let keyring = OsKeyring::new()
        .map_err(|e| tracing::warn!(event = "keyring_unavailable", detail = %e.0, "OS keyring unavailable; secrets kept in files only"))
        .ok();
    // Keyring entries are the OS user's, shared by every data folder it has: each folder's are
    // named after it, so two kiosks' (or a reset one's) secrets never meet.
    let path = std::fs::canonicalize(dir.path()).unwrap_or_else(|_| dir.path().to_owned());
    let digest =
        sha2::Digest::finalize(sha2::Digest::chain_update(sha2::Sha256::default(), path.to_string_lossy().as_bytes()));
    let folder = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Arc::new(KeptSecrets { keyring, dir: dir.path().join("secrets"), folder })
}

/// The OS keyring backed by one file per secret (mode 0600 in a 0700 folder of the kiosk's
/// user). The file is the authority — it is what survives a reboot — and the keyring holds a
/// copy under the data folder's own name; a secret found only in the keyring (kept there by an
/// earlier release) is written back to its file. The file's protection is the kiosk user's
/// account (and full-disk encryption where the vendor provides it).
#[derive(Debug)]
pub struct KeptSecrets {
    keyring: Option<OsKeyring>,
    dir: std::path::PathBuf,
    /// The data folder's tag in keyring entry names.
    folder: String,
}

impl KeptSecrets {
    /// `device-key/k-1` is kept as `device-key__k-1`: names are ours (ASCII, no dots).
    fn file(&self, name: &str) -> std::path::PathBuf {
        self.dir.join(name.replace('/', "__"))
    }

    fn read_file(&self, name: &str) -> Result<Option<Vec<u8>>, SecretError> {
        match std::fs::read(self.file(name)) {
            Ok(secret) => Ok(Some(secret)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(SecretError(format!("보관 파일을 읽을 수 없습니다 ({})", e.kind()))),
        }
    }

    fn keyring_name(&self, name: &str) -> String {
        format!("{}/{name}", self.folder)
    }

    fn write_file(&self, name: &str, secret: &[u8]) -> Result<(), SecretError> {
        let failed = |e: std::io::Error| SecretError(format!("보관 파일을 쓸 수 없습니다 ({})", e.kind()));
        let mut folder = std::fs::DirBuilder::new();
        folder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
        folder.create(&self.dir).map_err(failed)?;
        sync_dir(self.dir.parent());
        // Written whole under another name, then renamed: a power cut leaves the old or the new.
        let tmp = self.dir.join(format!(".{}.tmp", name.replace('/', "__")));
        let _ = std::fs::remove_file(&tmp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(failed)?;
        std::io::Write::write_all(&mut file, secret).map_err(failed)?;
        file.sync_all().map_err(failed)?;
        std::fs::rename(&tmp, self.file(name)).map_err(failed)?;
        // The rename itself must reach the disk before anything is encrypted with the secret.
        sync_dir(Some(&self.dir));
        Ok(())
    }
}

/// Flushes a folder's entries (a new file's name, a rename) to the disk.
fn sync_dir(dir: Option<&std::path::Path>) {
    // Windows cannot open a folder as a file (nor needs to: NTFS records the entry with the file).
    if cfg!(windows) {
        return;
    }
    if let Some(dir) = dir
        && let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all())
    {
        tracing::warn!(event = "folder_sync_failed", detail = %e, "a secrets folder was not flushed");
    }
}

impl SecretStore for KeptSecrets {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretError> {
        if let Some(kept) = self.read_file(name)? {
            return Ok(Some(kept));
        }
        // Only in the keyring: under this folder's name, or (an earlier release's device key)
        // under the bare name. It goes into its file now, so it survives the next reboot.
        let Some(keyring) = &self.keyring else { return Ok(None) };
        for entry in [self.keyring_name(name), name.to_owned()] {
            if let Ok(Some(secret)) = keyring.get(&entry) {
                self.write_file(name, &secret)?;
                return Ok(Some(secret));
            }
        }
        Ok(None)
    }

    fn put(&self, name: &str, secret: &[u8]) -> Result<(), SecretError> {
        self.write_file(name, secret)?;
        if let Some(keyring) = &self.keyring
            && let Err(e) = keyring.put(&self.keyring_name(name), secret)
        {
            tracing::warn!(event = "keyring_put_failed", detail = %e.0, "secret kept in its file only");
        }
        Ok(())
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// A reboot empties keyutils: the secret comes back from its file, and goes back into the
    /// keyring. The file and its folder are the kiosk user's only.
    #[test]
    fn a_kept_secret_survives_the_keyring_forgetting_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let data = crate::DataDir::new(dir.path());
        let name = format!("test-{}/credential", uuid::Uuid::new_v4().simple());
        let store =
            KeptSecrets { keyring: OsKeyring::new().ok(), dir: dir.path().join("secrets"), folder: "test".into() };
        store.put(&name, b"bk1_secret").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.get(&name).ok().flatten(), Some(b"bk1_secret".to_vec()));
        // The reboot: the kernel's keyrings are empty again.
        let keyring = OsKeyring::new().unwrap_or_else(|e| panic!("{e}"));
        let _ = keyring.entry(&name).and_then(|e| e.delete_credential().map_err(|e| SecretError(e.to_string())));
        assert_eq!(keyring.get(&name).ok().flatten(), None);
        // Meanwhile another data folder's secret of the same name sits in the keyring under the
        // bare name (as an earlier release kept device keys): this folder's file still wins.
        keyring.put(&name, b"another kiosk's").unwrap_or_else(|e| panic!("{e}"));
        let after = default_store(&data);
        assert_eq!(after.get(&name).ok().flatten(), Some(b"bk1_secret".to_vec()));
        // A secret an earlier release kept only in the keyring is written to its file when read.
        let elsewhere = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let upgraded = default_store(&crate::DataDir::new(elsewhere.path()));
        assert_eq!(upgraded.get(&name).ok().flatten(), Some(b"another kiosk's".to_vec()));
        let file = elsewhere.path().join("secrets").join(name.replace('/', "__"));
        assert_eq!(std::fs::read(&file).ok(), Some(b"another kiosk's".to_vec()));
        // A secret nobody kept is not there, in the keyring or in a file.
        assert_eq!(after.get("test-never/kept").ok().flatten(), None);
        let mode = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777).ok();
        assert_eq!(mode(&dir.path().join("secrets")), Some(0o700));
        assert_eq!(mode(&store.file(&name)), Some(0o600));
        let _ = keyring.entry(&name).and_then(|e| e.delete_credential().map_err(|e| SecretError(e.to_string())));
    }

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
