//! `/etc/baeum/hub.toml`: the installed hub's settings, read with `--config` (the systemd
//! service passes it). They fill in what the command line and the `BAEUM_HUB_*` environment do
//! not give, so an operator's one-off flag still wins, and every subcommand (`staff add`,
//! `kiosk invite`, …) run with the same `--config` finds the same database.

use std::path::Path;

use serde::Deserialize;

/// Where the package installs the file.
pub const HUB_SETTINGS_PATH: &str = "/etc/baeum/hub.toml";

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubSettings {
    /// A SQLite file or a `postgres://` URL (a password there stays in this root-owned file).
    pub db: Option<String>,
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub tls_cert: Option<String>,
    pub tls_key: Option<String>,
    /// For a PostgreSQL database: the folder of the signing key and PIN pepper, which every hub
    /// process of the region shares (as `BAEUM_HUB_KEYS`, which wins over it).
    pub keys: Option<String>,
}

impl HubSettings {
    /// Reads the file; says in Korean what is wrong with it (a typo in a key is an error, not
    /// a setting silently ignored).
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("{}: 설정 파일을 읽을 수 없습니다 ({})", path.display(), e.kind()))?;
        let settings: HubSettings = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: 설정 파일이 올바르지 않습니다: {}", path.display(), e.message()))?;
        // Half a TLS pair would quietly serve plain HTTP: refuse it.
        if settings.tls_cert.is_some() != settings.tls_key.is_some() {
            anyhow::bail!("{}: tls_cert와 tls_key는 함께 적어야 합니다", path.display());
        }
        Ok(settings)
    }

    /// The values given, under the command-line argument each one stands for. The TLS pair
    /// only when the command line chose no TLS of its own (`tls_chosen`): a file's pair must not
    /// beat `--tls-self-signed`, nor half of it meet the other half from a flag.
    pub fn defaults(&self, tls_chosen: bool) -> Vec<(&'static str, String)> {
        let tls = if tls_chosen { [None, None] } else { [self.tls_cert.clone(), self.tls_key.clone()] };
        let [tls_cert, tls_key] = tls;
        [
            ("db", self.db.clone()),
            ("listen", self.listen.clone()),
            ("public_url", self.public_url.clone()),
            ("tls_cert", tls_cert),
            ("tls_key", tls_key),
        ]
        .into_iter()
        .filter_map(|(id, value)| Some((id, value?)))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_reads_and_a_typo_is_refused() {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packaging/hub/hub.toml");
        let settings = HubSettings::load(&shipped).unwrap();
        assert_eq!(settings.db.as_deref(), Some("/var/lib/baeum-hub/hub.db"));
        assert!(settings.defaults(false).iter().any(|(id, v)| *id == "listen" && v == "127.0.0.1:8787"));
        assert_eq!(settings.keys.as_deref(), Some("/var/lib/baeum-hub/keys"));

        let dir = tempfile::tempdir().unwrap();
        let typo = dir.path().join("hub.toml");
        std::fs::write(&typo, "databse = \"/x\"\n").unwrap();
        let err = HubSettings::load(&typo).unwrap_err().to_string();
        assert!(err.contains("설정 파일이 올바르지 않습니다"), "{err}");
        assert!(HubSettings::load(&dir.path().join("none.toml")).is_err());

        std::fs::write(&typo, "tls_cert = \"/etc/baeum/hub.crt\"\n").unwrap();
        let err = HubSettings::load(&typo).unwrap_err().to_string();
        assert!(err.contains("tls_cert와 tls_key는 함께"), "half a TLS pair is refused: {err}");
        std::fs::write(&typo, "tls_cert = \"/c\"\ntls_key = \"/k\"\n").unwrap();
        let pair = HubSettings::load(&typo).unwrap();
        assert_eq!(pair.defaults(false).iter().filter(|(id, _)| id.starts_with("tls_")).count(), 2);
        assert!(
            pair.defaults(true).iter().all(|(id, _)| !id.starts_with("tls_")),
            "a TLS flag wins over the file's pair"
        );
    }
}
