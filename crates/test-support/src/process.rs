//! The real binaries as separate processes: `baeum-hub` seeded and serving on a free loopback
//! port, `baeum-kiosk` admin commands, and a real IPP printer (`ippeveprinter`). Build the
//! binaries first (`cargo build --workspace --bins`, which `make test` does).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// `target/<profile>/<name>`: from `BAEUM_BIN_DIR`, or found from this executable's location
/// (a test runs from `target/<profile>/deps/`, a bench binary from `target/<profile>/`).
pub fn binary(name: &str) -> PathBuf {
    let dir = std::env::var_os("BAEUM_BIN_DIR").map(PathBuf::from).unwrap_or_else(|| {
        let exe = std::env::current_exe().unwrap_or_default();
        let dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
        if dir.file_name().is_some_and(|n| n == "deps") {
            dir.parent().map(Path::to_path_buf).unwrap_or(dir)
        } else {
            dir
        }
    });
    let path = dir.join(name);
    assert!(path.exists(), "{} is missing: run `cargo build --workspace --bins` first", path.display());
    path
}

/// A running hub process seeded with the demo catalog.
#[derive(Debug)]
pub struct HubProcess {
    pub url: String,
    /// The database it serves.
    pub db: PathBuf,
    child: Child,
    /// The credential [`HubProcess::get_json`] and [`HubProcess::post_json`] call with: a
    /// device of the tests' own, provisioned on first use.
    inspector: std::sync::OnceLock<String>,
    /// A staff session of the inspector device, for staff-only calls.
    inspector_staff: std::sync::OnceLock<String>,
    /// Its file stays SQLite in the PostgreSQL pass ([`HubProcess::start_sqlite`]).
    sqlite_only: bool,
}

/// The institution test kiosks are invited for.
pub const TEST_INSTITUTION: &str = "gm-llc";

/// `baeum-hub staff add --db DB`: a desk account of [`TEST_INSTITUTION`], the PIN on standard input.
pub fn add_staff(db: &Path, number: &str, pin: &str) {
    let out = with_input(
        Command::new(binary("baeum-hub")).args(["staff", "--db"]).arg(db).args([
            "add",
            "--number",
            number,
            "--name",
            "김직원",
            "--role",
            "desk",
            "--institution",
            TEST_INSTITUTION,
        ]),
        pin,
    );
    assert!(out.status.success(), "staff add: {}", String::from_utf8_lossy(&out.stderr));
}

/// Runs `baeum-hub seed ARGS --db DB` and checks it worked.
pub fn seed(db: &Path, args: &[&str]) {
    seed_with(Command::new(binary("baeum-hub")), db, args);
}

/// [`seed`] into the SQLite file `db`, even in `make test`'s PostgreSQL pass.
pub fn seed_sqlite(db: &Path, args: &[&str]) {
    let mut command = Command::new(binary("baeum-hub"));
    command.env_remove("BAEUM_TEST_POSTGRES");
    seed_with(command, db, args);
}

fn seed_with(mut command: Command, db: &Path, args: &[&str]) {
    let out = command.arg("seed").args(args).arg("--db").arg(db).output().unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

impl HubProcess {
    pub fn start_demo(dir: &Path) -> HubProcess {
        let db = dir.join("hub.db");
        seed(&db, &["--demo"]);
        HubProcess::start(&db)
    }

    /// Serves an existing hub database on a free loopback port.
    pub fn start(db: &Path) -> HubProcess {
        HubProcess::start_with(db, &[])
    }

    /// Like [`HubProcess::start`] with more `serve` arguments (e.g. `--public-url`).
    pub fn start_with(db: &Path, args: &[&str]) -> HubProcess {
        HubProcess::spawn(Command::new(binary("baeum-hub")), db, args)
    }

    /// Serves the SQLite file `db` even in `make test`'s PostgreSQL pass (which otherwise makes
    /// every hub file a PostgreSQL database), for tests that move a hub from one to the other.
    pub fn start_sqlite(db: &Path) -> HubProcess {
        let mut command = Command::new(binary("baeum-hub"));
        command.env_remove("BAEUM_TEST_POSTGRES");
        let mut hub = HubProcess::spawn(command, db, &[]);
        hub.sqlite_only = true;
        hub
    }

    /// `baeum-hub` for a command on this hub's database.
    fn cli(&self) -> Command {
        let mut command = Command::new(binary("baeum-hub"));
        if self.sqlite_only {
            command.env_remove("BAEUM_TEST_POSTGRES");
        }
        command
    }

    fn spawn(mut command: Command, db: &Path, args: &[&str]) -> HubProcess {
        let mut child = command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .arg("--db")
            .arg(db)
            // Its log goes nowhere here, so only warnings are worth writing.
            .env("BAEUM_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out).read_line(&mut line).unwrap_or_default();
        }
        let url = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("hub said {line:?}")).to_owned();
        HubProcess {
            url,
            db: db.to_owned(),
            child,
            inspector: std::sync::OnceLock::new(),
            inspector_staff: std::sync::OnceLock::new(),
            sqlite_only: false,
        }
    }

    /// A one-time invite code for a new kiosk, from `baeum-hub kiosk invite` (`args` adds e.g.
    /// `--kiosk ID`).
    pub fn invite_with(&self, args: &[&str]) -> String {
        let out = self
            .cli()
            .args(["kiosk", "--db"])
            .arg(&self.db)
            .args(["invite", "--institution", TEST_INSTITUTION, "--json"])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
        answer["code"].as_str().unwrap_or_else(|| panic!("no code in {answer}")).to_owned()
    }

    pub fn invite(&self) -> String {
        self.invite_with(&[])
    }

    /// Registers the kiosk in `data_dir` with this hub, as staff do: `baeum-kiosk provision
    /// --hub URL --code CODE` (which also saves the hub's address in its settings).
    pub fn provision(&self, data_dir: &Path) {
        let code = self.invite();
        let out = kiosk(&["--hub", &self.url, "provision", "--code", &code], data_dir);
        assert!(out.status.success(), "provision: {}{}", stdout(&out), stderr(&out));
    }

    /// Provisions a device of the caller's own over HTTP under `kiosk_id` and returns its
    /// credential (for tests that speak the wire protocol themselves).
    pub fn device(&self, kiosk_id: &str) -> String {
        let body = crate::provision_body(&self.invite(), kiosk_id);
        let (status, answer) = self.call("POST", "/v1/kiosks/provision", Some(&body), None);
        assert_eq!(status, 200, "{answer}");
        answer["credential"].as_str().unwrap_or_else(|| panic!("no credential in {answer}")).to_owned()
    }

    fn inspector(&self) -> &str {
        self.inspector.get_or_init(|| {
            // Per process and hub: two hub processes may serve one database.
            let port = self.url.rsplit(':').next().unwrap_or_default();
            self.device(&format!("k-inspector-{}-{port}", std::process::id()))
        })
    }

    /// One request over plain HTTP/1.1 on loopback, with `credential` as the bearer token:
    /// the status and the JSON body (`null` when the body is not JSON).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
        credential: Option<&str>,
    ) -> (u16, serde_json::Value) {
        self.call_in_session(method, path, body, credential, None)
    }

    /// Like [`HubProcess::call`], inside a person's session (`baeum-session`).
    pub fn call_in_session(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
        credential: Option<&str>,
        session: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let host = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(host).unwrap_or_else(|e| panic!("{e}"));
        let body = body.map(ToString::to_string).unwrap_or_default();
        let mut auth = credential.map(|c| format!("Authorization: Bearer {c}\r\n")).unwrap_or_default();
        if let Some(session) = session {
            auth.push_str(&format!("baeum-session: {session}\r\n"));
        }
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap_or_default();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap_or_default();
        let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = response.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
        (status, serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
    }

    /// GET a path as `credential`'s kiosk and parse the JSON body.
    pub fn get_json_as(&self, credential: &str, path: &str) -> serde_json::Value {
        let (status, body) = self.call("GET", path, None, Some(credential));
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// POST a JSON body as `credential`'s kiosk and parse the JSON answer.
    pub fn post_json_as(&self, credential: &str, path: &str, body: &serde_json::Value) -> serde_json::Value {
        let (status, answer) = self.call("POST", path, Some(body), Some(credential));
        assert_eq!(status, 200, "POST {path}: {answer}");
        answer
    }

    /// Adds a desk staff account of [`crate::TEST_INSTITUTION`] as staff do: `baeum-hub staff add`,
    /// the PIN on standard input.
    pub fn add_staff(&self, number: &str, pin: &str) {
        add_staff(&self.db, number, pin);
    }

    /// POST a JSON body as the tests' own device, inside a staff session (its own desk account).
    pub fn post_json_as_staff(&self, path: &str, body: &serde_json::Value) -> serde_json::Value {
        let session = self.inspector_staff.get_or_init(|| {
            let number = format!("{}", 9000 + std::process::id() % 1000);
            self.add_staff(&number, "135792");
            let (status, answer) = self.call(
                "POST",
                "/v1/staff/sessions",
                Some(&serde_json::json!({ "staff_number": number, "pin": "135792" })),
                Some(self.inspector()),
            );
            assert_eq!(status, 200, "staff sign-in: {answer}");
            answer["session"]["token"].as_str().unwrap_or_default().to_owned()
        });
        let (status, answer) = self.call_in_session("POST", path, Some(body), Some(self.inspector()), Some(session));
        assert_eq!(status, 200, "POST {path}: {answer}");
        answer
    }

    /// GET a path as the tests' own device and parse the JSON body.
    pub fn get_json(&self, path: &str) -> serde_json::Value {
        self.get_json_as(self.inspector(), path)
    }

    /// POST a JSON body as the tests' own device and parse the JSON answer.
    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> serde_json::Value {
        self.post_json_as(self.inspector(), path, body)
    }

    /// A 선착순 course open for application now with at least `min_capacity` seats, free or paid:
    /// (id, capacity).
    pub fn open_first_come_course(&self, min_capacity: u64, free: bool) -> (String, u64) {
        let snapshot = self.get_json("/v1/catalog/snapshot");
        let now = chrono::Utc::now();
        let at = |v: &serde_json::Value| {
            chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap_or_default()).map(|t| t.to_utc()).ok()
        };
        snapshot["courses"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| {
                c["selection"] == "first_come"
                    && c["status"] == "scheduled"
                    && (c["fee"].as_u64() == Some(0)) == free
                    && c["capacity"].as_u64().unwrap_or_default() >= min_capacity
                    && at(&c["application"]["opens_at"]).is_some_and(|t| t < now)
                    && at(&c["application"]["closes_at"]).is_some_and(|t| t > now + chrono::Duration::hours(1))
            })
            .map(|c| (c["id"].as_str().unwrap_or_default().to_owned(), c["capacity"].as_u64().unwrap_or_default()))
            .unwrap_or_else(|| panic!("the demo has an open first-come course (free: {free})"))
    }

    /// The demo's course under way that still takes applications (수시 접수): its id and the
    /// dates of its classes that have started (attendance is only taken for those; they are 90 %
    /// of its classes, enough to complete it).
    pub fn course_under_way(&self) -> (String, Vec<chrono::NaiveDate>) {
        let snapshot = self.get_json("/v1/catalog/snapshot");
        let course = snapshot["courses"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["title"].as_str().is_some_and(|t| t.ends_with(baeum_hub::demo::UNDER_WAY)))
            .unwrap_or_else(|| panic!("the demo has a course under way"));
        let course: baeum_domain::Course =
            serde_json::from_value(course.clone()).unwrap_or_else(|e| panic!("the course reads back: {e}"));
        let now = chrono::Utc::now();
        let started = course
            .sessions
            .iter()
            .filter(|s| {
                s.date
                    .and_time(s.starts_at)
                    .and_local_timezone(baeum_domain::kst())
                    .earliest()
                    .is_some_and(|t| t <= now)
            })
            .map(|s| s.date)
            .collect();
        (course.id.to_string(), started)
    }

    /// The hub's process id (to measure its memory, for instance).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs `baeum-kiosk` with `args` and returns its output.
pub fn kiosk(args: &[&str], data_dir: &Path) -> Output {
    Command::new(binary("baeum-kiosk"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("BAEUM_HUB_URL")
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `baeum-kiosk` with `args`, `input` on its standard input (a PIN), and returns its output.
pub fn kiosk_with_input(args: &[&str], data_dir: &Path, input: &str) -> Output {
    with_input(
        Command::new(binary("baeum-kiosk")).args(args).arg("--data-dir").arg(data_dir).env_remove("BAEUM_HUB_URL"),
        input,
    )
}

/// Runs `command` with `input` as the first line of its standard input (a PIN: never an
/// argument) and returns its output.
fn with_input(command: &mut Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{input}").unwrap_or_else(|e| panic!("{e}"));
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A real IPP printer: `ippeveprinter` (Debian cups-ipp-utils) on `port`, keeping every job it
/// receives as a file in `spool`. Needs avahi (`scripts/start-mdns.sh`, which `make test` runs).
#[derive(Debug)]
pub struct IppPrinter {
    child: Child,
    spool: PathBuf,
}

impl IppPrinter {
    pub fn start(port: u16, spool: &Path) -> IppPrinter {
        Self::start_with(port, spool, None)
    }

    /// A printer that runs `command FILE` for each job, as a printer driver would. What the
    /// command writes to stderr as `STATE: +media-empty` (or `-…`) becomes the printer's
    /// printer-state-reasons, and the job is "processing" until the command ends: the way to
    /// make a real IPP printer run out of paper.
    pub fn start_with_command(port: u16, spool: &Path, command: &Path) -> IppPrinter {
        Self::start_with(port, spool, Some(command))
    }

    fn start_with(port: u16, spool: &Path, command: Option<&Path>) -> IppPrinter {
        std::fs::create_dir_all(spool).unwrap_or_else(|e| panic!("{e}"));
        let mut ipp = Command::new("ippeveprinter");
        ipp.args(["-p", &port.to_string(), "-n", "localhost", "-k", "-f", "application/pdf", "-r", "off", "-d"])
            .arg(spool);
        if let Some(command) = command {
            ipp.arg("-c").arg(command);
        }
        let child = ipp
            .arg("BaeumTest")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("ippeveprinter is missing ({e}): `make deps` installs cups-ipp-utils"));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "ippeveprinter did not start (is avahi running? scripts/start-mdns.sh)"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        IppPrinter { child, spool: spool.to_owned() }
    }

    pub fn uri(port: u16) -> String {
        format!("ipp://localhost:{port}/ipp/print")
    }

    /// Documents the printer received, oldest first.
    pub fn received(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.spool)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|x| x == "pdf"));
        // Named `<job number>-<name>.pdf`: oldest first by job number.
        files.sort_by_key(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split('-').next())
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(u32::MAX)
        });
        files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
    }
}

impl Drop for IppPrinter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The device credential the kiosk in `data_dir` keeps (its file under `secrets/`), for tests
/// that read that kiosk's outcomes from the hub themselves.
pub fn credential_of(data_dir: &Path, kiosk_id: &str) -> String {
    let file = data_dir.join("secrets").join(format!("device-credential__{kiosk_id}"));
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}
