//! The hub's 32-byte secrets kept in files beside its database (the certificate signing key, the
//! PIN pepper): readable only by the hub's user, made on first start. A secret in a file rather
//! than in the database means a copied or leaked database does not carry it.

use std::path::Path;

/// Reads the 32 bytes at `path`, or makes random ones there (mode 0600, never overwriting a file
/// another process made first). `what` names the secret in Korean for the error.
pub fn load_or_create(path: &Path, what: &str) -> std::io::Result<[u8; 32]> {
    match std::fs::read(path) {
        Ok(bytes) => bytes
            .try_into()
            .map_err(|_| std::io::Error::other(format!("{}: {what} 파일이 손상되었습니다", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let secret = random()?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(path) {
                Ok(mut file) => {
                    std::io::Write::write_all(&mut file, &secret)?;
                    file.sync_all()?;
                    Ok(secret)
                }
                // Another hub process made it between our read and create: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_create(path, what),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// Copies the secret at `from` to `to` (mode 0600), for moving a hub to another database. A
/// secret already at `to` is kept if it is the same and refused if it differs: replacing a pepper
/// would lock every learner out of her PIN, and replacing a signing key would orphan every
/// certificate signed with it.
pub fn carry(from: &Path, to: &Path, what: &str) -> std::io::Result<()> {
    let secret = std::fs::read(from)?;
    match std::fs::read(to) {
        Ok(existing) if existing == secret => return Ok(()),
        Ok(_) => {
            return Err(std::io::Error::other(format!(
                "{}: 다른 {what}가 이미 있습니다. 이 허브의 것이 아니면 옮기지 않습니다",
                to.display()
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(to)?;
    std::io::Write::write_all(&mut file, &secret)?;
    file.sync_all()
}

/// 32 random bytes from the OS.
pub fn random() -> std::io::Result<[u8; 32]> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_private_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.key");
        let first = load_or_create(&path, "비밀값").unwrap();
        assert_eq!(load_or_create(&path, "비밀값").unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, b"short").unwrap();
        let err = load_or_create(&path, "비밀값").unwrap_err().to_string();
        assert!(err.contains("비밀값 파일이 손상"), "{err}");
    }
}
