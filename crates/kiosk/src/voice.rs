//! Voice guidance through the operating system's speech service (Speech Dispatcher on Linux,
//! which drives espeak-ng or another synthesiser). The kiosk never synthesises speech itself: it
//! hands sentences to the service, cancels what it said before, and sets language, speed and
//! volume per sentence. One connection, opened on first use (starting the service if it is not
//! running) and reopened once if the service restarted.

use std::path::PathBuf;
use std::sync::Mutex;

use serde::Deserialize;

/// Why the kiosk cannot speak, in words staff can act on; the speech service's own words are
/// the source, for the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("음성 안내를 쓸 수 없습니다 (음성 합성 서비스 `speech-dispatcher`): {why}")]
pub struct VoiceError {
    pub why: String,
    #[source]
    pub detail: Option<crate::error::Detail>,
}

impl VoiceError {
    pub fn new(why: impl Into<String>) -> Self {
        Self { why: why.into(), detail: None }
    }

    fn failed(why: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        Self { why: why.into(), detail: crate::error::Detail::of(detail) }
    }
}

/// One sentence to say.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Utterance {
    pub text: String,
    /// `ko` or `en` (others are refused when spoken).
    #[cfg_attr(feature = "ts", ts(type = "'ko' | 'en'"))]
    pub language: String,
    /// −100 (slowest) … 100 (fastest); 0 is the voice's normal pace.
    pub rate: i8,
    /// −100 (quietest) … 100 (loudest).
    pub volume: i8,
}

impl Utterance {
    /// The text as one SSIP data line: whitespace collapsed (a line with a lone `.` would end
    /// the message), at most 1,000 characters.
    pub fn line(&self) -> String {
        let mut line: String = self.text.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.starts_with('.') {
            line.insert(0, ' ');
        }
        line.chars().take(1000).collect()
    }

    fn checked(&self) -> Result<(), VoiceError> {
        if !matches!(self.language.as_str(), "ko" | "en") {
            return Err(VoiceError::new(format!("지원하지 않는 언어입니다: {}", self.language)));
        }
        if !(-100..=100).contains(&self.rate) || !(-100..=100).contains(&self.volume) {
            return Err(VoiceError::new("빠르기와 소리 크기는 -100에서 100 사이입니다"));
        }
        Ok(())
    }
}

/// Where Speech Dispatcher listens: `$SPEECHD_ADDRESS` (`unix_socket:/path`), else its per-user
/// socket under `$XDG_RUNTIME_DIR`, else under the cache folder (its own fallback).
pub fn socket_path() -> Option<PathBuf> {
    if let Some(address) = std::env::var_os("SPEECHD_ADDRESS") {
        let address = address.to_string_lossy().into_owned();
        if let Some(path) = address.strip_prefix("unix_socket:") {
            return Some(PathBuf::from(path));
        }
    }
    let base = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from).or_else(dirs::cache_dir)?;
    Some(base.join("speech-dispatcher").join("speechd.sock"))
}

#[cfg(unix)]
type Connection = ssip_client_async::Client<std::os::unix::net::UnixStream>;
#[cfg(not(unix))]
type Connection = ();

/// The kiosk's voice.
pub struct VoiceGuide {
    socket: Option<PathBuf>,
    /// Start the service when nothing listens (off in tests that bring their own listener).
    spawn: bool,
    connection: Mutex<Option<Connection>>,
}

impl std::fmt::Debug for VoiceGuide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoiceGuide").field("socket", &self.socket).finish_non_exhaustive()
    }
}

impl Default for VoiceGuide {
    fn default() -> Self {
        Self { socket: socket_path(), spawn: true, connection: Mutex::new(None) }
    }
}

impl VoiceGuide {
    /// A voice on the given socket that never starts the service itself.
    pub fn at(socket: PathBuf) -> Self {
        Self { socket: Some(socket), spawn: false, connection: Mutex::new(None) }
    }

    /// Says `utterance`, cutting off whatever this kiosk was saying. Returns the service's
    /// message id. Blocking (a few milliseconds): call it off the async threads.
    pub fn say(&self, utterance: &Utterance) -> Result<u32, VoiceError> {
        utterance.checked()?;
        let mut slot = self.connection.lock().unwrap_or_else(|p| p.into_inner());
        // A connection left over from before a service restart fails once; then reconnect.
        for attempt in 0..2 {
            if slot.is_none() {
                *slot = Some(self.connect()?);
            }
            let Some(connection) = slot.as_mut() else { continue };
            match speak(connection, utterance) {
                Ok(id) => return Ok(id),
                Err(e) => {
                    *slot = None;
                    if attempt == 1 {
                        return Err(e);
                    }
                }
            }
        }
        Err(VoiceError::new("말하지 못했습니다"))
    }

    /// Stops what this kiosk is saying (nothing to stop is fine).
    pub fn stop(&self) -> Result<(), VoiceError> {
        let mut slot = self.connection.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(connection) = slot.as_mut()
            && cancel(connection).is_err()
        {
            *slot = None;
        }
        Ok(())
    }

    #[cfg(unix)]
    fn connect(&self) -> Result<Connection, VoiceError> {
        use ssip_client_async::{ClientName, fifo};
        let socket = self.socket.clone().ok_or_else(|| VoiceError::new("음성 서비스 위치를 알 수 없습니다"))?;
        let mut builder = fifo::synchronous::Builder::new();
        builder.path(&socket).timeout(std::time::Duration::from_secs(3));
        if self.spawn && !socket.exists() {
            start_service(&socket)?;
        }
        let mut client =
            builder.build().map_err(|e| VoiceError::failed(format!("{}에 연결할 수 없습니다", socket.display()), e))?;
        client
            .set_client_name(ClientName::new("baeum", "kiosk"))
            .and_then(|c| c.check_client_name_set())
            .map_err(|e| VoiceError::failed("음성 서비스가 연결을 받지 않습니다", e))?;
        Ok(client)
    }

    #[cfg(not(unix))]
    fn connect(&self) -> Result<Connection, VoiceError> {
        Err(VoiceError::new("이 운영체제의 음성 서비스는 아직 연결하지 않았습니다"))
    }
}

/// Starts Speech Dispatcher on `socket` the way its own client library does (`--spawn` respects
/// its DisableAutoSpawn setting and returns once the daemon listens). Its output goes nowhere: a
/// daemon left holding our pipes would block on them.
#[cfg(unix)]
fn start_service(socket: &std::path::Path) -> Result<(), VoiceError> {
    use std::process::{Command, Stdio};
    let status = Command::new("speech-dispatcher")
        .args(["--spawn", "--communication-method", "unix_socket", "--socket-path"])
        .arg(socket)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| VoiceError::failed("음성 서비스를 시작할 수 없습니다", e))?;
    tracing::info!(code = status.code(), "started the speech service");
    Ok(())
}

#[cfg(unix)]
fn speak(c: &mut Connection, u: &Utterance) -> Result<u32, VoiceError> {
    use ssip_client_async::{ClientScope, MessageScope};
    let step = |what: &'static str| {
        move |e: ssip_client_async::ClientError| {
            VoiceError::failed("음성 서비스가 요청을 받지 않습니다", format!("{what}: {e}"))
        }
    };
    c.cancel(MessageScope::Last).and_then(|c| c.receive()).map_err(step("CANCEL"))?;
    c.set_language(ClientScope::Current, &u.language).and_then(|c| c.receive()).map_err(step("LANGUAGE"))?;
    c.set_rate(ClientScope::Current, u.rate).and_then(|c| c.receive()).map_err(step("RATE"))?;
    c.set_volume(ClientScope::Current, u.volume).and_then(|c| c.receive()).map_err(step("VOLUME"))?;
    c.speak().and_then(|c| c.check_receiving_data()).map_err(step("SPEAK"))?;
    c.send_line(&u.line()).and_then(|c| c.receive_message_id()).map_err(step("TEXT"))
}

#[cfg(not(unix))]
fn speak(_c: &mut Connection, _u: &Utterance) -> Result<u32, VoiceError> {
    Err(VoiceError::new("지원하지 않는 운영체제입니다"))
}

#[cfg(unix)]
fn cancel(c: &mut Connection) -> Result<(), VoiceError> {
    c.cancel(ssip_client_async::MessageScope::Last)
        .and_then(|c| c.receive())
        .map(|_| ())
        .map_err(|e| VoiceError::failed("말하던 것을 멈추지 못했습니다", e))
}

#[cfg(not(unix))]
fn cancel(_c: &mut Connection) -> Result<(), VoiceError> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    //! The SSIP exchange against a stand-in service on a Unix socket (the real Speech Dispatcher
    //! is exercised by the e2e run, where it is installed).
    use std::io::{BufRead, BufReader, Write};
    use std::os::unix::net::UnixListener;

    use super::*;

    /// Answers like Speech Dispatcher and records every line it receives.
    fn fake_service(listener: UnixListener, connections: usize) -> std::thread::JoinHandle<Vec<String>> {
        std::thread::spawn(move || {
            let mut heard = Vec::new();
            for n in 0..connections {
                let (stream, _) = listener.accept().unwrap();
                let mut messages = 0;
                let mut out = stream.try_clone().unwrap();
                let mut lines = BufReader::new(stream).lines();
                let mut in_data = false;
                let mut id = 40;
                while let Some(Ok(line)) = lines.next() {
                    heard.push(line.clone());
                    let answer = if in_data {
                        if line == "." {
                            in_data = false;
                            messages += 1;
                            id += 1;
                            format!("225-{id}\r\n225 OK MESSAGE QUEUED\r\n")
                        } else {
                            continue;
                        }
                    } else if line.starts_with("SET self CLIENT_NAME") {
                        "208 OK CLIENT NAME SET\r\n".into()
                    } else if line.starts_with("CANCEL") {
                        "213 OK CANCELED\r\n".into()
                    } else if line.starts_with("SET self LANGUAGE") {
                        "201 OK LANGUAGE SET\r\n".into()
                    } else if line.starts_with("SET self RATE") {
                        "203 OK RATE SET\r\n".into()
                    } else if line.starts_with("SET self VOLUME") {
                        "218 OK VOLUME SET\r\n".into()
                    } else if line == "SPEAK" {
                        in_data = true;
                        "230 OK RECEIVING DATA\r\n".into()
                    } else if line == "QUIT" {
                        break;
                    } else {
                        "300 ERR UNKNOWN\r\n".into()
                    };
                    if out.write_all(answer.as_bytes()).is_err() {
                        break;
                    }
                    // The first connection "crashes" after one message, like a restarted service.
                    if n + 1 < connections && messages == 1 {
                        break;
                    }
                }
            }
            heard
        })
    }

    fn hello(text: &str) -> Utterance {
        Utterance { text: text.into(), language: "ko".into(), rate: -30, volume: 50 }
    }

    #[test]
    fn a_sentence_goes_out_with_language_speed_and_volume_and_cuts_off_the_last_one() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("speechd.sock");
        let service = fake_service(UnixListener::bind(&socket).unwrap(), 1);
        let voice = VoiceGuide::at(socket);
        assert_eq!(voice.say(&hello("어떤 강좌를\n찾으세요?")).unwrap(), 41);
        assert_eq!(voice.say(&hello(".점으로 시작")).unwrap(), 42);
        drop(voice);
        let heard = service.join().unwrap();
        assert_eq!(heard[0], "SET self CLIENT_NAME baeum:kiosk:main");
        let first: Vec<&str> = heard[1..8].iter().map(String::as_str).collect();
        assert_eq!(
            first,
            [
                "CANCEL self",
                "SET self LANGUAGE ko",
                "SET self RATE -30",
                "SET self VOLUME 50",
                "SPEAK",
                "어떤 강좌를 찾으세요?",
                "."
            ]
        );
        assert!(heard.contains(&" .점으로 시작".to_string()), "a leading dot cannot end the message: {heard:?}");
    }

    #[test]
    fn after_the_service_restarts_the_next_sentence_reconnects() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("speechd.sock");
        let service = fake_service(UnixListener::bind(&socket).unwrap(), 2);
        let voice = VoiceGuide::at(socket);
        voice.say(&hello("하나")).unwrap();
        voice.say(&hello("둘")).unwrap();
        drop(voice);
        let heard = service.join().unwrap();
        assert_eq!(heard.iter().filter(|l| l.starts_with("SET self CLIENT_NAME")).count(), 2, "{heard:?}");
        assert!(heard.contains(&"둘".to_string()));
    }

    #[test]
    fn no_service_and_bad_settings_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let voice = VoiceGuide::at(dir.path().join("nobody-listens.sock"));
        let e = voice.say(&hello("안녕하세요")).unwrap_err();
        assert!(e.to_string().contains("음성 안내를 쓸 수 없습니다"), "{e}");
        let loud = Utterance { volume: 120, ..hello("x") };
        assert!(voice.say(&loud).is_err());
        let french = Utterance { language: "fr".into(), ..hello("x") };
        assert!(voice.say(&french).unwrap_err().why.contains("언어"));
        voice.stop().unwrap();
    }
}
