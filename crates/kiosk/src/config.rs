//! Per-kiosk settings in `<data dir>/kiosk.json`, written atomically. Secrets never go here.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Detail, KioskError};
use crate::hub_client::HubUrl;

/// Where a kiosk finds a hub when none is configured: the local hub `make run` starts.
pub const DEFAULT_HUB_URL: &str = "http://127.0.0.1:8787";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KioskConfig {
    /// Base URL of the hub this kiosk syncs with.
    pub hub_url: String,
    /// Take the whole screen without window decorations (on at community centres).
    pub fullscreen: bool,
    /// Seconds between background syncs.
    pub sync_interval_secs: u64,
    /// Seconds without a touch before the screen asks "계속 사용하시겠습니까?".
    pub idle_warning_secs: u64,
    /// Seconds the question stays up before the person's session is wiped.
    pub idle_grace_secs: u64,
    /// The front desk's printer, e.g. `ipp://192.168.0.20/ipp/print` (none: printing is off).
    pub printer_uri: Option<String>,
    /// A PEM file with the hub's certificate or the CA that issued it: when set, HTTPS to the
    /// hub trusts only that (pinned), not the system's certificate authorities.
    pub hub_ca: Option<String>,
    /// Days a learner's details, and the registration sent for her, stay on this kiosk after she
    /// was last registered or found here and nothing about her waits for the hub.
    pub keep_personal_days: u16,
}

/// How long personal data stays on a kiosk unless `keep_personal_days` says otherwise.
pub const DEFAULT_KEEP_PERSONAL_DAYS: u16 = 30;

impl Default for KioskConfig {
    fn default() -> Self {
        Self {
            hub_url: DEFAULT_HUB_URL.into(),
            fullscreen: false,
            sync_interval_secs: 60,
            // Long enough to read a consent notice slowly; the question then gives 30 s more and
            // a button to extend, as KS X 9211 asks for time limits.
            idle_warning_secs: 120,
            idle_grace_secs: 30,
            printer_uri: None,
            hub_ca: None,
            keep_personal_days: DEFAULT_KEEP_PERSONAL_DAYS,
        }
    }
}

impl KioskConfig {
    pub fn hub(&self) -> Result<HubUrl, KioskError> {
        HubUrl::parse(&self.hub_url)
    }

    /// The client for this hub: pinned to `hub_ca` when one is set.
    pub fn hub_client(&self) -> Result<crate::HubClient, KioskError> {
        match &self.hub_ca {
            Some(ca) => crate::HubClient::pinned(self.hub()?, std::path::Path::new(ca)),
            None => crate::HubClient::new(self.hub()?),
        }
    }
}

/// The folder holding a kiosk's database and settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir(PathBuf);

impl DataDir {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self(path.into())
    }

    /// `$BAEUM_DATA_DIR`, else the platform's local data folder (`~/.local/share/baeum-kiosk`).
    pub fn default_location() -> Self {
        match std::env::var_os("BAEUM_DATA_DIR") {
            Some(dir) => Self(dir.into()),
            None => Self(dirs::data_local_dir().unwrap_or_else(std::env::temp_dir).join("baeum-kiosk")),
        }
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn database(&self) -> PathBuf {
        self.0.join("kiosk.db")
    }

    pub fn config_file(&self) -> PathBuf {
        self.0.join("kiosk.json")
    }

    /// A connection to this kiosk's (encrypted) database, unlocked with the folder's key (made
    /// first for a new or still unencrypted database): how `Kiosk::open` opens it, and tools and
    /// tests that look inside.
    pub fn open_database(&self) -> Result<rusqlite::Connection, KioskError> {
        let secrets = crate::secrets::default_store(self);
        let key = crate::store::encryption::key_for(&self.database(), secrets.as_ref())
            .map_err(|e| config_error(&self.database(), "데이터베이스 열쇠를 쓸 수 없습니다", e))?;
        Ok(crate::store::open_encrypted(&self.database(), &key)?)
    }

    /// Creates the data folder, for the kiosk's user only (0700): the database, its WAL, print
    /// files and settings inside hold learners' names and phone numbers. An existing folder keeps
    /// the mode its owner gave it.
    pub fn ensure(&self) -> Result<(), KioskError> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.0).map_err(|e| config_error(&self.0, io_problem(&e), e))
    }

    /// Reads the settings; a missing file means defaults, a malformed one is an error (never ignored).
    pub fn load_config(&self) -> Result<KioskConfig, KioskError> {
        let path = self.config_file();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(KioskConfig::default()),
            Err(e) => return Err(config_error(&path, io_problem(&e), e)),
        };
        let config: KioskConfig =
            serde_json::from_str(&text).map_err(|e| config_error(&path, json_problem(&e, &text), e))?;
        config.hub()?;
        Ok(config)
    }

    /// Writes the settings via a temporary file and rename, so a power cut leaves old or new.
    pub fn save_config(&self, config: &KioskConfig) -> Result<(), KioskError> {
        self.ensure()?;
        let path = self.config_file();
        let err = |e: std::io::Error| config_error(&path, io_problem(&e), e);
        let tmp = self.0.join("kiosk.json.tmp");
        let text = serde_json::to_string_pretty(config).unwrap_or_default();
        std::fs::write(&tmp, text).map_err(err)?;
        std::fs::rename(&tmp, &path).map_err(err)?;
        Ok(())
    }
}

/// The machine's own settings on an installed kiosk (`/etc/baeum/kiosk.json`, passed with
/// `--settings`): what the vendor's IT staff set for the box — hub, printer, data folder — and
/// keep in `/etc` with the rest of the machine's configuration. Each field given here wins over
/// the one `provision` saved in the data folder, so editing this file and restarting the
/// session is enough; an unknown field is an error, so a typo is not silently ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    pub data_dir: Option<PathBuf>,
    pub hub_url: Option<String>,
    pub hub_ca: Option<String>,
    pub printer_uri: Option<String>,
    pub fullscreen: Option<bool>,
}

/// Where the packages install the machine's settings.
pub const SITE_SETTINGS_PATH: &str = "/etc/baeum/kiosk.json";

impl SiteSettings {
    /// Reads and checks the file: a missing file is an error too, since it was named.
    pub fn load(path: &Path) -> Result<Self, KioskError> {
        let text = std::fs::read_to_string(path).map_err(|e| config_error(path, io_problem(&e), e))?;
        let settings: SiteSettings =
            serde_json::from_str(&text).map_err(|e| config_error(path, json_problem(&e, &text), e))?;
        if let Some(hub) = &settings.hub_url {
            HubUrl::parse(hub)?;
        }
        if let Some(printer) = &settings.printer_uri {
            crate::printing::printer_uri(printer)?;
        }
        Ok(settings)
    }

    /// The provisioned settings with this file's fields over them.
    pub fn apply(&self, config: &mut KioskConfig) {
        if let Some(hub) = &self.hub_url {
            config.hub_url.clone_from(hub);
        }
        if let Some(ca) = &self.hub_ca {
            config.hub_ca = Some(ca.clone());
        }
        if let Some(printer) = &self.printer_uri {
            config.printer_uri = Some(printer.clone());
        }
        if let Some(on) = self.fullscreen {
            config.fullscreen = on;
        }
    }
}

/// A settings file that cannot be used: where, what in Korean, and the library's words for the log.
pub fn config_error(path: &Path, problem: impl Into<String>, detail: impl std::fmt::Display) -> KioskError {
    KioskError::Config { path: path.display().to_string(), problem: problem.into(), detail: Detail::of(detail) }
}

/// What went wrong with a file, in Korean (the OS's own text goes to the log).
pub fn io_problem(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "파일이나 폴더가 없습니다",
        ErrorKind::PermissionDenied => "읽거나 쓸 권한이 없습니다",
        ErrorKind::StorageFull => "저장 공간이 모자랍니다",
        ErrorKind::ReadOnlyFilesystem => "읽기 전용 저장소라 쓸 수 없습니다",
        ErrorKind::InvalidData => "글자가 UTF-8로 저장되지 않았습니다",
        _ => "파일을 읽거나 쓸 수 없습니다",
    }
}

/// Where a JSON settings text is wrong, in Korean, as a text editor counts lines and characters
/// (serde's column counts bytes, and a Korean character is three).
pub fn json_problem(e: &serde_json::Error, text: &str) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Syntax | Category::Eof => "JSON 문법이 맞지 않습니다",
        Category::Data => "항목 이름이나 값의 형식이 맞지 않습니다",
        Category::Io => "내용을 읽을 수 없습니다",
    };
    let line = text.split('\n').nth(e.line().saturating_sub(1)).unwrap_or_default();
    let mut end = e.column().min(line.len());
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    let column = line[..end].chars().count().max(1);
    format!("{}번째 줄 {column}번째 글자 근처: {what}", e.line())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_malformed_files_are_reported() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let data = DataDir::new(dir.path());
        assert_eq!(data.load_config().ok(), Some(KioskConfig::default()));
        let config = KioskConfig {
            hub_url: "https://hub.example.kr".into(),
            fullscreen: true,
            sync_interval_secs: 30,
            ..KioskConfig::default()
        };
        assert!(data.save_config(&config).is_ok());
        assert_eq!(data.load_config().ok(), Some(config));
        std::fs::write(data.config_file(), "{\"hub_url\": 3}").unwrap_or_default();
        assert_eq!(data.load_config().map_err(|e| e.code().as_str()).err(), Some("config_invalid"));
        std::fs::write(data.config_file(), "{\"hub_url\": \"ftp://x\"}").unwrap_or_default();
        assert_eq!(data.load_config().map_err(|e| e.code().as_str()).err(), Some("hub_url_invalid"));
    }

    /// A new data folder (and any folder made above it) is for the kiosk's user only.
    #[cfg(unix)]
    #[test]
    fn a_new_data_folder_is_private_to_its_user() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let data = DataDir::new(dir.path().join("baeum").join("kiosk"));
        assert!(data.ensure().is_ok());
        for folder in [dir.path().join("baeum"), dir.path().join("baeum").join("kiosk")] {
            let mode = std::fs::metadata(&folder).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o700), "{}", folder.display());
        }
    }

    #[test]
    fn site_settings_win_over_the_provisioned_ones_and_refuse_typos() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.json");
        std::fs::write(
            &path,
            r#"{"data_dir": "/var/lib/baeum", "hub_url": "https://hub.gm.example", "printer_uri": "ipp://10.0.0.9/ipp/print", "fullscreen": true}"#,
        )
        .unwrap();
        let site = SiteSettings::load(&path).unwrap();
        let mut config = KioskConfig { hub_url: "http://127.0.0.1:1".into(), ..KioskConfig::default() };
        site.apply(&mut config);
        assert_eq!(config.hub_url, "https://hub.gm.example");
        assert_eq!(config.printer_uri.as_deref(), Some("ipp://10.0.0.9/ipp/print"));
        assert!(config.fullscreen);
        assert_eq!(site.data_dir.as_deref(), Some(Path::new("/var/lib/baeum")));

        std::fs::write(&path, r#"{"hub": "https://hub.gm.example"}"#).unwrap();
        let err = SiteSettings::load(&path).unwrap_err();
        assert!(matches!(err, KioskError::Config { .. }), "{err:?}");
        std::fs::write(&path, r#"{"hub_url": "ftp://x"}"#).unwrap();
        assert!(SiteSettings::load(&path).is_err(), "a hub address that is not http(s) is refused");
        assert!(SiteSettings::load(&dir.path().join("missing.json")).is_err(), "a named file must exist");
    }
}
