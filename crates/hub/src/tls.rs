//! HTTPS for the hub: a certificate chain and key read from PEM files (rustls, ring provider),
//! offering HTTP/2 and HTTP/1.1 by ALPN; and a self-signed pair for `make run` and tests, which
//! kiosks then pin (`hub_ca` in `kiosk.json`).

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Why the hub cannot serve HTTPS with the files it was given, in Korean (the library's words
/// follow after a colon for the operator at the terminal).
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("인증서 파일 {path}을(를) 읽을 수 없습니다: {why}")]
    Certificate { path: String, why: String },
    #[error("개인 키 파일 {path}을(를) 읽을 수 없습니다: {why}")]
    Key { path: String, why: String },
    #[error("인증서와 개인 키가 짝이 맞지 않거나 쓸 수 없는 형식입니다: {0}")]
    Config(String),
    #[error("자체 서명 인증서를 만들 수 없습니다: {0}")]
    SelfSigned(String),
}

/// The server side of TLS from a PEM chain (leaf first) and a PEM private key.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<_, _>>())
        .map_err(|e| TlsError::Certificate { path: cert.display().to_string(), why: e.to_string() })?;
    if certs.is_empty() {
        return Err(TlsError::Certificate {
            path: cert.display().to_string(), why: "인증서가 없습니다".into()
        });
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| TlsError::Key { path: key.display().to_string(), why: e.to_string() })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    // HTTP/2 for clients that offer it (kiosks do), HTTP/1.1 for the rest (phones' browsers too).
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A self-signed certificate and key (PEM) for `names` (host names or IP addresses), for a hub
/// on one machine (`make run`) or a test. Kiosks pin it; browsers will warn, as they should.
pub fn self_signed(names: &[String]) -> Result<(String, String), TlsError> {
    let certified =
        rcgen::generate_simple_self_signed(names.to_vec()).map_err(|e| TlsError::SelfSigned(e.to_string()))?;
    Ok((certified.cert.pem(), certified.signing_key.serialize_pem()))
}

/// Writes a self-signed pair as `dir/hub.crt` and `dir/hub.key` (the key 0600), unless both are
/// there already; returns their paths.
pub fn ensure_self_signed(dir: &Path, names: &[String]) -> Result<(std::path::PathBuf, std::path::PathBuf), TlsError> {
    let (cert, key) = (dir.join("hub.crt"), dir.join("hub.key"));
    if cert.exists() && key.exists() {
        return Ok((cert, key));
    }
    let (cert_pem, key_pem) = self_signed(names)?;
    let failed = |e: std::io::Error| TlsError::SelfSigned(e.to_string());
    std::fs::create_dir_all(dir).map_err(failed)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(&key).map_err(failed)?, key_pem.as_bytes()).map_err(failed)?;
    std::fs::write(&cert, cert_pem).map_err(failed)?;
    Ok((cert, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_self_signed_pair_makes_a_server_config_offering_h2_and_http_1_1() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let names = vec!["127.0.0.1".to_owned(), "localhost".to_owned()];
        let (cert, key) = ensure_self_signed(dir.path(), &names).unwrap_or_else(|e| panic!("{e}"));
        let config = server_config(&cert, &key).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.alpn_protocols, [b"h2".to_vec(), b"http/1.1".to_vec()]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).map(|m| m.permissions().mode() & 0o777).ok();
            assert_eq!(mode, Some(0o600));
        }
        // Made once: a second call keeps the pair kiosks already pinned.
        let before = std::fs::read(&cert).unwrap_or_default();
        ensure_self_signed(dir.path(), &names).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&cert).unwrap_or_default(), before);
    }

    #[test]
    fn files_that_are_not_a_certificate_and_key_are_refused_in_korean() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate").unwrap_or_else(|e| panic!("{e}"));
        let e = server_config(&junk, &junk).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("인증서 파일"), "{e}");
        let (cert, _) = ensure_self_signed(dir.path(), &["localhost".to_owned()]).unwrap_or_else(|e| panic!("{e}"));
        let e = server_config(&cert, &junk).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("개인 키 파일"), "{e}");
    }
}
