//! `baeum-hub`: serve the hub API, or load catalog data into its database.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use baeum_domain::{Clock, SystemClock};
use baeum_hub::store::catalog::{self, CatalogBatch};
use baeum_hub::{demo, feed, server, store};
use clap::{Args, Parser, Subcommand};
use std::io::Write;

#[derive(Debug, Parser)]
#[command(name = "baeum-hub", version, about = "Baeum hub: the system of record kiosks sync with")]
struct Cli {
    /// Settings file (TOML: db, keys, listen, public_url, tls_cert, tls_key), e.g. the installed
    /// /etc/baeum/hub.toml; flags and BAEUM_HUB_* variables win over it.
    #[arg(long, global = true, env = "BAEUM_HUB_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// The hub's own command-line words before `--`, read before clap parses them: the settings
/// file's values must become the defaults of the arguments clap then reads.
fn early_args() -> Vec<std::ffi::OsString> {
    std::env::args_os().skip(1).take_while(|a| a != "--").collect()
}

/// The value of `--name VALUE` or `--name=VALUE` among `args`, and whether the flag is there.
fn flag_in(args: &[std::ffi::OsString], name: &str) -> Option<Option<std::ffi::OsString>> {
    let eq = format!("{name}=");
    args.iter().enumerate().find_map(|(i, arg)| {
        if arg == name {
            Some(args.get(i + 1).cloned())
        } else {
            arg.to_str().and_then(|a| a.strip_prefix(&eq)).map(|v| Some(v.into()))
        }
    })
}

/// Whether the command line or environment chose the hub's TLS itself (then the settings
/// file's pair is not used).
fn tls_chosen(args: &[std::ffi::OsString]) -> bool {
    ["--tls-cert", "--tls-key", "--tls-self-signed"].iter().any(|f| flag_in(args, f).is_some())
        || ["BAEUM_HUB_TLS_CERT", "BAEUM_HUB_TLS_KEY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()))
}

/// `--config FILE` (or `BAEUM_HUB_CONFIG`) as given.
fn config_path(args: &[std::ffi::OsString]) -> Option<PathBuf> {
    match flag_in(args, "--config") {
        Some(value) => value.map(PathBuf::from),
        None => std::env::var_os("BAEUM_HUB_CONFIG").filter(|v| !v.is_empty()).map(PathBuf::from),
    }
}

/// The command line with the settings file's values as the defaults of every subcommand's
/// arguments of the same name.
fn parse_cli() -> anyhow::Result<Cli> {
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Cli::command();
    let args = early_args();
    if let Some(path) = config_path(&args) {
        let settings = baeum_hub::settings_file::HubSettings::load(&path)?;
        if let Some(keys) = &settings.keys {
            store::set_keys_folder(PathBuf::from(keys));
        }
        // `migrate-to --db` names the database to move *to*: never the file's current one.
        let names: Vec<String> =
            command.get_subcommands().map(|c| c.get_name().to_owned()).filter(|n| n != "migrate-to").collect();
        for (id, value) in settings.defaults(tls_chosen(&args)) {
            for name in &names {
                command = command.mut_subcommand(name, |sub| {
                    if sub.get_arguments().any(|a| a.get_id() == id) {
                        // A required argument with a default is still reported missing by clap.
                        // The database URL may carry a password: not in `--help`.
                        sub.mut_arg(id, |a| a.default_value(value.clone()).required(false).hide_default_value(true))
                    } else {
                        sub
                    }
                });
            }
        }
    }
    Ok(Cli::from_arg_matches(&command.get_matches()).unwrap_or_else(|e| e.exit()))
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the hub API.
    Serve {
        /// SQLite database file (created and migrated on first run).
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        /// Address to listen on; port 0 picks a free port (the bound address is printed).
        #[arg(long, env = "BAEUM_HUB_LISTEN", default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// Where people's phones reach the hub (https; e.g. https://edu.gm.go.kr), which may differ
        /// from the address kiosks sync over. Certificate and payment QR codes link here.
        #[arg(long, env = "BAEUM_HUB_PUBLIC_URL", value_parser = parse_public_url)]
        public_url: Option<baeum_domain::PublicUrl>,
        /// Serve HTTPS with this certificate chain (PEM, leaf first); needs --tls-key.
        #[arg(long, env = "BAEUM_HUB_TLS_CERT", requires = "tls_key", conflicts_with = "tls_self_signed")]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, env = "BAEUM_HUB_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Serve HTTPS with a self-signed pair kept in this folder (made on first use, for
        /// 127.0.0.1, localhost and the listening address): for one machine and tests, where
        /// kiosks pin `DIR/hub.crt`.
        #[arg(long, value_name = "DIR")]
        tls_self_signed: Option<PathBuf>,
    },
    /// Import institution feeds — CSV (UTF-8 or CP949/EUC-KR) or JSON — in one transaction:
    /// every file applies or none does; importing the same files again changes nothing.
    Import {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        /// Feed files (institutions, places and courses; any order).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Set the programme rules (JSON, see `ProgrammeRules`) for the whole hub, one institution
    /// or one course: per-person limit, reductions, payment hours, early windows, 폐강 threshold.
    Rules {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        /// `default`, `institution:<id>` or `course:<id>`.
        #[arg(long)]
        scope: String,
        /// The rules as JSON.
        file: PathBuf,
    },
    /// Show a course's recorded 추첨 (seed, entrants, winners) and re-run it from the record.
    Lottery {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        course: String,
    },
    /// Revoke or reissue a completion certificate (who and when are recorded).
    Certificate {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        #[command(subcommand)]
        action: CertificateAction,
    },
    /// Kiosks: invite a new one, list, revoke, and endorse one device key (by the fingerprint on
    /// the kiosk's staff screen) so its offline (provisional) certificates verify.
    Kiosk {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        #[command(subcommand)]
        action: KioskAction,
    },
    /// Learners: lift a PIN lock for a learner staff identified (ID card checked).
    Learner {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        #[command(subcommand)]
        action: LearnerAction,
    },
    /// Staff accounts: add one (the first 시스템 관리자 too), reset a PIN, disable, list, and
    /// read the access log.
    Staff {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        #[command(subcommand)]
        action: StaffAction,
    },
    /// 광명시민 평생학습지원금: load a year's programme (JSON), run the selection after the
    /// application window, and re-run a recorded selection (from the database or a published file).
    Subsidy {
        /// The hub database (not needed to check a published file).
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: Option<store::Location>,
        #[command(subcommand)]
        action: SubsidyAction,
    },
    /// 시설 대관: load the rooms file (JSON), list bookings, and decide one: approve, reject with
    /// a reason, record its payment, mark a no-show. Who decided is recorded.
    Rental {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        #[command(subcommand)]
        action: RentalAction,
    },
    /// 실시간 온라인 수업 (ZOOM): load the sessions of courses held over ZOOM (JSON: course,
    /// date of the course session, https invitation, passcode), or list them without passcodes.
    Live {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        #[command(subcommand)]
        action: LiveAction,
    },
    /// 학습동아리: load the rules (JSON), list clubs (those waiting with --waiting), approve,
    /// reject with a reason, accept a join request, and export a club's grant bundle for a year.
    Club {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        #[command(subcommand)]
        action: ClubAction,
    },
    /// Move this city's hub from its SQLite file to PostgreSQL: every record and stored outcome,
    /// and the certificate signing key and PIN pepper into BAEUM_HUB_KEYS. Stop the hub first.
    MigrateTo {
        /// The PostgreSQL database to move to (postgres://…); it is migrated and must hold nothing.
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        /// The SQLite hub file to move from.
        #[arg(long)]
        from: PathBuf,
    },
    /// A consistent copy of a SQLite hub, safe while it serves (SQLite's VACUUM INTO). For
    /// PostgreSQL, use pg_dump (see the README).
    Backup {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        /// The copy to write (it must not exist yet).
        #[arg(long)]
        out: PathBuf,
    },
    /// Load catalog data (all or nothing).
    Seed {
        #[arg(long, env = "BAEUM_HUB_DB")]
        db: store::Location,
        #[command(flatten)]
        source: SeedSource,
        /// Date the catalog around this day instead of today (YYYY-MM-DD), for reproducible runs.
        #[arg(long, value_name = "DATE", value_parser = parse_day)]
        date: Option<chrono::NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
enum SubsidyAction {
    /// Load or replace a programme from its JSON file (refused once its selection was run).
    Programme { file: PathBuf },
    /// Run the selection (after the window): first-taken birth year, then the draw. Prints the
    /// record (seed, algorithm, entrant digest, selected 접수번호s) and writes it to --publish.
    Select {
        programme: String,
        /// Write the published record (JSON) here too.
        #[arg(long)]
        publish: Option<PathBuf>,
        /// The seed, taken from a public source announced before the draw (e.g. a lottery's
        /// winning numbers); without it, 32 random bytes from the operating system.
        #[arg(long)]
        seed: Option<String>,
    },
    /// The entrants as they stand and their SHA-256: publish it before the selection.
    Entrants { programme: String },
    /// Staff checked the residence a person declared: `--met` notes it; `--not-met` makes the
    /// application 대상 아님 (and takes back a 선정).
    Residence {
        programme: String,
        learner: String,
        #[arg(long, conflicts_with = "not_met", required_unless_present = "not_met")]
        met: bool,
        #[arg(long)]
        not_met: bool,
        #[arg(long)]
        by: String,
    },
    /// Re-run a recorded selection and check every application's result against it; or, with
    /// --published, re-run a published record on its own (no database needed).
    Verify {
        #[arg(required_unless_present = "published")]
        programme: Option<String>,
        #[arg(long, conflicts_with = "programme")]
        published: Option<PathBuf>,
    },
    /// Record people selected in an earlier year from the city's records (once in a lifetime).
    Grant {
        #[arg(long)]
        programme: String,
        #[arg(long)]
        year: i32,
        #[arg(required = true)]
        learners: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum ClubAction {
    /// Load the club rules (members, resident share, meetings, grant) from a JSON file.
    Rules { file: PathBuf },
    /// Clubs as JSON (those waiting for approval with --waiting).
    List {
        #[arg(long)]
        waiting: bool,
    },
    /// 승인: the club is listed at every kiosk from now on.
    Approve {
        club: String,
        #[arg(long)]
        by: String,
    },
    /// 반려, with the reason the leader reads.
    Reject {
        club: String,
        #[arg(long)]
        by: String,
        #[arg(long)]
        reason: String,
    },
    /// Accept someone's join request (as the leader would at a kiosk).
    Accept {
        club: String,
        learner: String,
        #[arg(long)]
        by: String,
    },
    /// The grant application bundle: club.json, roster.csv and meetings.csv for one year.
    Export {
        club: String,
        #[arg(long)]
        year: i32,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum LiveAction {
    /// Load a JSON array of sessions; the courses it names get exactly these ZOOM sessions.
    Load { file: PathBuf },
    /// Each course's ZOOM session dates as JSON (no links or passcodes).
    List,
}

#[derive(Debug, Subcommand)]
enum RentalAction {
    /// Load rooms, holidays and the no-show rule from a JSON file.
    Rooms { file: PathBuf },
    /// Bookings as JSON (those waiting for approval with --waiting).
    List {
        #[arg(long)]
        waiting: bool,
    },
    /// 승인: a free booking is confirmed, a paid one waits for payment.
    Approve {
        booking: String,
        #[arg(long)]
        by: String,
    },
    /// 반려, with the reason the person reads.
    Reject {
        booking: String,
        #[arg(long)]
        by: String,
        #[arg(long)]
        reason: String,
    },
    /// The fee was paid at the desk (영수증 번호).
    Paid {
        booking: String,
        #[arg(long)]
        by: String,
        #[arg(long)]
        receipt: String,
    },
    /// 노쇼: a strike for the person and the organisation.
    NoShow {
        booking: String,
        #[arg(long)]
        by: String,
    },
}

#[derive(Debug, Subcommand)]
enum CertificateAction {
    /// Revoke a serial: it fails verification from now on, online and offline.
    Revoke {
        serial: String,
        /// Who revokes it (recorded).
        #[arg(long)]
        by: String,
        #[arg(long)]
        reason: String,
    },
    /// Issue a new serial for the same completion; the old one is marked superseded.
    Reissue {
        serial: String,
        #[arg(long)]
        by: String,
    },
}

#[derive(Debug, Subcommand)]
enum KioskAction {
    /// Issue a one-time invite code for a new kiosk of an institution; the kiosk's staff run
    /// `baeum-kiosk provision --hub URL --code CODE` with it.
    Invite {
        /// The institution the kiosk belongs to (e.g. gm-llc).
        #[arg(long)]
        institution: String,
        /// For a kiosk the hub already has records of (installed before provisioning existed,
        /// or reinstalled after a revoke): the id it must keep.
        #[arg(long)]
        kiosk: Option<String>,
        /// Hours the code stays usable.
        #[arg(long, default_value_t = baeum_hub::devices::DEFAULT_INVITE_HOURS, value_parser = clap::value_parser!(i64).range(1..=24 * 14))]
        valid_hours: i64,
        /// Who issues it (recorded).
        #[arg(long, default_value = "관리자")]
        by: String,
        /// Print `{"code":…,"expires_at":…}` for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Every provisioned kiosk: institution, device key, when, revoked by whom (JSON).
    List,
    /// Refuse a kiosk's credential everywhere from now on (lost, stolen or retired).
    Revoke {
        kiosk: String,
        #[arg(long)]
        by: String,
        #[arg(long)]
        reason: String,
    },
    /// Every registered key: kiosk, key id, registered, endorsed by whom (JSON).
    Keys,
    /// Endorse one device key of a kiosk, named by the fingerprint its staff screen shows,
    /// after checking on site that the kiosk is ours.
    Endorse {
        kiosk: String,
        /// The 16 hex digits shown on the kiosk (spaces optional), e.g. "3f9a 07c2 1b44 d0e8".
        #[arg(long)]
        fingerprint: String,
        /// Who endorses (recorded).
        #[arg(long)]
        by: String,
    },
}

#[derive(Debug, Subcommand)]
enum StaffAction {
    /// Add an account. Its 6-digit kiosk PIN is read from the first line of standard input and
    /// its console password from the second, if there is one (never from the command line,
    /// which other users of the machine can see). The first 시스템 관리자 is made this way.
    Add {
        /// 직원 번호: 4–8 digits, typed at the kiosk.
        #[arg(long)]
        number: String,
        #[arg(long)]
        name: String,
        /// system_admin, institution_officer or desk.
        #[arg(long)]
        role: String,
        /// The institution (required for institution_officer and desk).
        #[arg(long)]
        institution: Option<String>,
    },
    /// A new PIN from standard input, and the lockout lifted; with `--password`, a new console
    /// password instead (and its lockout lifted); with `--totp`, the authenticator enrolment
    /// forgotten (a lost phone: the next sign-in enrols again).
    Reset {
        #[arg(long)]
        number: String,
        #[arg(long, conflicts_with = "totp")]
        password: bool,
        #[arg(long)]
        totp: bool,
    },
    /// Disable an account: it signs in nowhere, and its open sessions stop at once.
    Disable {
        #[arg(long)]
        number: String,
    },
    /// Every account (JSON; no PIN verifiers).
    List,
    /// The access log: every staff action on learners' data (JSON).
    Audit {
        #[arg(long)]
        number: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum LearnerAction {
    /// Lift the lock after repeated wrong PINs (the learner showed staff her ID card).
    Unlock {
        /// Mobile number, e.g. 010-1234-5678.
        #[arg(long)]
        mobile: String,
        /// Birth date, YYYY-MM-DD.
        #[arg(long, value_parser = parse_day)]
        birth_date: chrono::NaiveDate,
    },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct SeedSource {
    /// The Gwangmyeong demo catalog, dated around today.
    #[arg(long)]
    demo: bool,
    /// N generated courses for benchmarks.
    #[arg(long, value_name = "N")]
    synthetic: Option<usize>,
}

fn parse_day(raw: &str) -> Result<chrono::NaiveDate, String> {
    feed::parse_date(raw)
}

fn parse_public_url(raw: &str) -> Result<baeum_domain::PublicUrl, String> {
    baeum_domain::PublicUrl::parse(raw).map_err(|e| e.to_string())
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("{}을(를) 읽을 수 없습니다", path.display()))
}

fn load_seed(source: &SeedSource, date: Option<chrono::NaiveDate>) -> anyhow::Result<CatalogBatch> {
    let today = date.unwrap_or_else(|| SystemClock.now_kst().date_naive());
    Ok(match source.synthetic {
        Some(n) => demo::synthetic_catalog(n, today)?,
        None => demo::demo_catalog(today)?,
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { db, listen, public_url, tls_cert, tls_key, tls_self_signed } => {
            let clock: Arc<dyn Clock> = Arc::new(SystemClock);
            let transport = match (tls_cert, tls_key, tls_self_signed) {
                (Some(cert), Some(key), _) => server::Transport::Tls { cert, key },
                (_, _, Some(dir)) => {
                    let names = vec!["127.0.0.1".to_owned(), "localhost".to_owned(), listen.ip().to_string()];
                    let (cert, key) = baeum_hub::tls::ensure_self_signed(&dir, &names)?;
                    server::Transport::Tls { cert, key }
                }
                _ => server::Transport::Plain,
            };
            let scheme = match transport {
                server::Transport::Plain => "http",
                server::Transport::Tls { .. } => "https",
            };
            let (addr, server) =
                server::bind_public(&db, listen, public_url, transport, clock, shutdown_signal()).await?;
            // Tests and `make run` read this line to learn the port.
            println!("listening on {scheme}://{addr}");
            std::io::stdout().flush()?;
            tracing::info!(%addr, db = %db.redacted(), "hub serving");
            server.await?;
        }
        Command::Import { db, files } => {
            let mut batch = CatalogBatch::default();
            let mut problems = Vec::new();
            for path in &files {
                match feed::parse_file(&path.display().to_string(), &read(path)?) {
                    Ok(part) => batch.merge(part),
                    Err(e) => problems.extend(e.0),
                }
            }
            if !problems.is_empty() {
                anyhow::bail!("{}", feed::FeedErrors(problems));
            }
            report(&batch, catalog::apply(&mut db.open()?, &batch)?);
        }
        Command::Rules { db, scope, file } => {
            let rules: baeum_domain::rules::ProgrammeRules = serde_json::from_slice(&read(&file)?)
                .with_context(|| format!("{}: 운영 규칙 JSON을 읽을 수 없습니다", file.display()))?;
            let scope = match scope.split_once(':') {
                None if scope == "default" => store::rules::Scope::Default,
                Some(("institution", id)) => store::rules::Scope::Institution(id.to_owned()),
                Some(("course", id)) => store::rules::Scope::Course(id.to_owned()),
                _ => anyhow::bail!("--scope는 default, institution:<id>, course:<id> 중 하나여야 합니다"),
            };
            store::rules::set(&db.open()?, &scope, &rules)?;
            println!("운영 규칙을 저장했습니다");
        }
        Command::Lottery { db, course } => {
            let id = baeum_domain::CourseId::parse(&course)?;
            let Some(draw) = store::lottery::get(&db.open()?, &id)? else {
                anyhow::bail!("{course}: 기록된 추첨이 없습니다");
            };
            let rerun = baeum_domain::rules::draw(&draw.seed, &draw.entrants, draw.capacity);
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "course_id": draw.course_id,
                    "seed": draw.seed,
                    "seats": draw.capacity,
                    "entrants": draw.entrants,
                    "winners": draw.result.winners,
                    "waitlist": draw.result.waitlist,
                    "drawn_at": draw.drawn_at,
                    "reproduced": rerun == draw.result,
                }))?
            );
            if rerun != draw.result {
                anyhow::bail!("기록된 시드로 다시 추첨한 결과가 기록과 다릅니다");
            }
        }
        Command::Certificate { db, action } => {
            let mut conn = db.open()?;
            let now = SystemClock.now();
            match action {
                CertificateAction::Revoke { serial, by, reason } => {
                    if !store::certificates::revoke(&conn, &serial, &by, &reason, now)? {
                        anyhow::bail!("{serial}: 없는 증서 번호이거나 이미 취소되었습니다");
                    }
                    println!("{serial}을(를) 취소했습니다 ({by}, 사유: {reason})");
                }
                CertificateAction::Reissue { serial, by } => {
                    let signer =
                        baeum_hub::certificates::HubSigner::load_or_create(&db.secret_path("certificate-key")?)?;
                    let new = baeum_hub::certificates::reissue(&mut conn, &signer, &serial, &by, now)?;
                    println!("{serial}을(를) {}(으)로 재발급했습니다 (확인번호 {})", new.serial, new.verification_code);
                }
            }
        }
        Command::Kiosk { db, action } => {
            let mut conn = db.open()?;
            match action {
                KioskAction::Keys => {
                    println!("{}", serde_json::to_string_pretty(&store::kiosk_keys::all(&conn)?)?);
                }
                KioskAction::Endorse { kiosk, fingerprint, by } => {
                    let signer =
                        baeum_hub::certificates::HubSigner::load_or_create(&db.secret_path("certificate-key")?)?;
                    let key =
                        baeum_hub::devices::endorse(&conn, &signer, &kiosk, &fingerprint, &by, SystemClock.now())?;
                    println!(
                        "{kiosk}의 기기 키 {}을(를) 보증했습니다 ({by})",
                        baeum_domain::device::fingerprint_text(&key)
                    );
                }
                KioskAction::Invite { institution, kiosk, valid_hours, by, json } => {
                    let institution = baeum_domain::InstitutionId::parse(&institution)?;
                    let kiosk = kiosk.as_deref().map(baeum_domain::KioskId::parse).transpose()?;
                    let mut random = [0u8; 12];
                    getrandom::fill(&mut random).map_err(|e| anyhow::anyhow!("난수를 만들 수 없습니다: {e}"))?;
                    let code = baeum_domain::device::InviteCode::from_random(random);
                    let expires = baeum_hub::devices::invite(
                        &conn,
                        &code,
                        &institution,
                        kiosk.as_ref(),
                        &by,
                        SystemClock.now(),
                        chrono::Duration::hours(valid_hours),
                    )?;
                    if json {
                        println!("{}", serde_json::json!({ "code": code.to_string(), "expires_at": expires }));
                    } else {
                        let until = expires.with_timezone(&baeum_domain::kst()).format("%Y-%m-%d %H:%M");
                        println!("초대 코드: {code}");
                        println!("{institution}의 키오스크 한 대에 한 번 쓸 수 있고, {until}까지 유효합니다.");
                        println!("키오스크에서: baeum-kiosk provision --hub <허브 주소> --code {code}");
                    }
                }
                KioskAction::List => {
                    println!("{}", serde_json::to_string_pretty(&store::devices::all(&conn)?)?);
                }
                KioskAction::Revoke { kiosk, by, reason } => {
                    if !baeum_hub::devices::revoke(&mut conn, &kiosk, &by, &reason, SystemClock.now())? {
                        anyhow::bail!("{kiosk}: 등록된 키오스크가 아니거나 이미 사용이 중지되었습니다");
                    }
                    println!(
                        "{kiosk}의 사용을 중지했습니다 ({by}, 사유: {reason}). 이 키오스크의 요청은 모두 거절됩니다."
                    );
                }
            }
        }
        Command::Learner { db, action: LearnerAction::Unlock { mobile, birth_date } } => {
            let conn = db.open()?;
            let mobile = baeum_domain::learner::MobileNumber::parse(&mobile)?;
            let found = store::learners::find(&conn, &mobile, birth_date)?;
            if found.is_empty() {
                anyhow::bail!("그 휴대전화 번호와 생년월일로 등록된 학습자가 없습니다");
            }
            for c in &found {
                store::learners::reset_pin_failures(&conn, c.learner.id.as_str())?;
            }
            println!("학습자 {}명의 비밀번호 잠금을 풀었습니다", found.len());
        }
        Command::Staff { db, action } => staff_command(&db, action)?,
        Command::Subsidy { db, action } => subsidy_command(db.as_ref(), action)?,
        Command::Rental { db, action } => rental_command(&db, action)?,
        Command::Club { db, action } => club_command(&db, action)?,
        Command::Live { db, action } => {
            let mut conn = db.open()?;
            match action {
                LiveAction::Load { file } => {
                    let json = std::fs::read_to_string(&file).with_context(|| format!("{}", file.display()))?;
                    let sessions = baeum_hub::live::load(&mut conn, &json)?;
                    println!("실시간 수업 {}회를 저장했습니다", sessions.len());
                }
                LiveAction::List => {
                    println!("{}", serde_json::to_string_pretty(&store::live::listed(&conn)?)?);
                }
            }
        }
        Command::MigrateTo { db, from } => {
            if !matches!(db, store::Location::Postgres(_)) {
                anyhow::bail!("--db에는 옮겨 갈 PostgreSQL 주소(postgres://…)를 적어 주세요");
            }
            if !from.is_file() {
                anyhow::bail!("{}: 옮길 SQLite 허브 파일이 없습니다", from.display());
            }
            let mut source = store::open_sqlite(&from)?;
            // The secrets first: without the pepper no learner's PIN would check after the move.
            for (name, what) in [("certificate-key", "수료증 서명 키"), ("pin-pepper", "PIN 비밀값")] {
                let beside = from.with_extension(name);
                if beside.exists() {
                    baeum_hub::secret_file::carry(&beside, &db.secret_path(name)?, what)?;
                }
            }
            let mut target = db.open()?;
            let moved = store::migrate::sqlite_to_postgres(&mut source, &mut target)?;
            for (table, rows) in &moved {
                println!("{table}\t{rows}");
            }
            println!("{}건을 {}(으)로 옮겼습니다", moved.values().sum::<usize>(), db.redacted());
        }
        Command::Backup { db, out } => match db {
            store::Location::Sqlite(path) => {
                if out.exists() {
                    anyhow::bail!("{}: 이미 있는 파일에는 쓰지 않습니다", out.display());
                }
                // Names, birth dates and phone numbers: the copy is the hub user's only, like the
                // database (SQLite writes into an empty file it finds).
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                options.open(&out)?;
                let conn = store::open_sqlite(&path)?;
                conn.execute("VACUUM INTO ?1", [out.to_string_lossy().as_ref()])?;
                println!("{} → {}", path.display(), out.display());
            }
            store::Location::Postgres(_) => {
                anyhow::bail!("PostgreSQL 허브는 pg_dump로 백업합니다: pg_dump -Fc -f hub.dump \"$BAEUM_HUB_DB\"")
            }
        },
        Command::Seed { db, source, date } => {
            let batch = load_seed(&source, date)?;
            let mut conn = db.open()?;
            report(&batch, catalog::apply(&mut conn, &batch)?);
            if source.demo {
                let today = date.unwrap_or_else(|| SystemClock.now_kst().date_naive());
                let programme = demo::subsidy_programme(today)?;
                match baeum_hub::subsidy::load_programme(&conn, &serde_json::to_string(&programme)?, SystemClock.now())
                {
                    Ok(p) => println!("지원금 사업 {} (신청 {}~{})", p.name, p.opens_on, p.closes_on),
                    // Selected already (a demo folder kept for weeks): its rules stay as they were.
                    Err(baeum_hub::subsidy::SubsidyError::Frozen(id)) => {
                        println!("지원금 사업 {id}: 선정을 마쳐 그대로 둡니다")
                    }
                    Err(e) => return Err(e.into()),
                }
                let rooms = baeum_hub::rentals::load_rooms(&mut conn, demo::ROOMS_JSON)?;
                println!("대관 시설 {}곳", rooms.rooms.len());
                let live = demo::live_sessions(&batch);
                baeum_hub::live::load(&mut conn, &serde_json::to_string(&live)?)?;
                println!("실시간 온라인 수업 {}회", live.len());
                let clubs = demo::seed_clubs(&mut conn, today)?;
                println!("학습동아리 {clubs}곳");
            }
        }
    }
    Ok(())
}

/// The name behind a staff decision (`--by`), recorded with it: never blank.
fn by_name(by: &str) -> anyhow::Result<String> {
    let by = by.trim();
    if by.is_empty() {
        anyhow::bail!("--by에 처리한 사람의 이름을 적어 주세요");
    }
    Ok(by.to_owned())
}

fn club_command(db: &store::Location, action: ClubAction) -> anyhow::Result<()> {
    use baeum_domain::ClubId;
    use baeum_hub::clubs;
    let mut conn = db.open()?;
    let now = SystemClock.now();
    match action {
        ClubAction::Rules { file } => {
            let json = std::fs::read_to_string(&file).with_context(|| format!("{}", file.display()))?;
            let rules = clubs::load_rules(&conn, &json)?;
            println!(
                "동아리 규칙: {}명 이상, 광명시민 {}% 이상, 월 {}회 이상",
                rules.min_members, rules.min_resident_percent, rules.min_meetings_per_month
            );
        }
        ClubAction::List { waiting } => {
            let listed: Vec<serde_json::Value> = store::clubs::all(&conn, waiting)?
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "club_id": c.application.club_id, "name": c.application.name, "state": c.state,
                        "reason": c.reason, "approved_on": c.approved_on, "institution_id": c.application.institution_id,
                        "members": store::clubs::member_count(&conn, &c.application.club_id).unwrap_or_default(),
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&listed)?);
        }
        ClubAction::Approve { club, by } => {
            clubs::approve(&mut conn, &ClubId::parse(&club)?, &by_name(&by)?, now)?;
            println!("{club}: 승인했습니다");
        }
        ClubAction::Reject { club, by, reason } => {
            clubs::reject(&mut conn, &ClubId::parse(&club)?, &by_name(&by)?, &reason, now)?;
            println!("{club}: 반려했습니다");
        }
        ClubAction::Accept { club, learner, by } => {
            clubs::accept(
                &mut conn,
                &ClubId::parse(&club)?,
                &baeum_domain::LearnerId::parse(&learner)?,
                &by_name(&by)?,
                now,
            )?;
            println!("{club}: {learner}님의 가입을 받았습니다");
        }
        ClubAction::Export { club, year, out } => {
            let bundle = clubs::grant_bundle(&conn, &ClubId::parse(&club)?, year, now)?;
            clubs::write_bundle(&bundle, &out).with_context(|| format!("{}", out.display()))?;
            println!(
                "{} {year}년: 회원 {}명, 모임 {}회 ({}시간){} → {}",
                bundle.name,
                bundle.roster.len(),
                bundle.meetings.len(),
                bundle.minutes / 60,
                if bundle.grant_eligible {
                    ", 지원금 신청 가능"
                } else {
                    ", 등록 1년 전이라 아직 지원금 신청 불가"
                },
                out.display()
            );
        }
    }
    Ok(())
}

fn staff_command(db: &store::Location, action: StaffAction) -> anyhow::Result<()> {
    use baeum_domain::staff::{StaffNumber, StaffProfile, StaffRole};
    let conn = db.open()?;
    let pepper_path = db.secret_path("pin-pepper")?;
    let pepper = || baeum_hub::pins::PinPepper::load_or_create(&pepper_path);
    let pin_from_stdin = || -> anyhow::Result<String> {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim().to_owned())
    };
    match action {
        StaffAction::Add { number, name, role, institution } => {
            let number = StaffNumber::parse(&number)?;
            let role: StaffRole = role.parse().map_err(|_| {
                anyhow::anyhow!("역할은 system_admin, institution_officer, desk 가운데 하나입니다: {role}")
            })?;
            let institution_id = institution.as_deref().map(baeum_domain::InstitutionId::parse).transpose()?;
            if role != StaffRole::SystemAdmin && institution_id.is_none() {
                anyhow::bail!("{}은(는) 소속 기관(--institution)이 있어야 합니다", role.label_ko());
            }
            if let Some(i) = &institution_id
                && store::institutions::get(&conn, i.as_str())?.is_none()
            {
                anyhow::bail!("없는 기관입니다: {i}");
            }
            let name = name.trim().to_owned();
            if name.is_empty() {
                anyhow::bail!("이름을 적어 주세요");
            }
            let profile = StaffProfile { staff_number: number.clone(), name, role, institution_id };
            let pin = pin_from_stdin()?;
            let password = pin_from_stdin()?;
            if !password.is_empty()
                && let Some(problem) = baeum_hub::console::auth::password_problem(&password, number.as_str())
            {
                anyhow::bail!("{problem}");
            }
            let pepper = pepper()?;
            baeum_hub::staff::add(&conn, &pepper, &profile, &pin, SystemClock.now())?;
            if !password.is_empty() {
                store::console::set_password(&conn, &number, &pepper.hash_password(&password)?)?;
            }
            println!(
                "직원 {number} ({}, {})을(를) 추가했습니다{}",
                profile.name,
                role.label_ko(),
                if password.is_empty() {
                    " (관리 화면 비밀번호 없음: staff reset --password로 정합니다)"
                } else {
                    ""
                }
            );
        }
        StaffAction::Reset { number, password: false, totp: false } => {
            let number = StaffNumber::parse(&number)?;
            baeum_hub::staff::reset(&conn, &pepper()?, &number, &pin_from_stdin()?)?;
            println!("직원 {number}의 키오스크 PIN을 바꾸고 잠금을 풀었습니다");
        }
        StaffAction::Reset { number, password: true, .. } => {
            let number = StaffNumber::parse(&number)?;
            let password = pin_from_stdin()?;
            if let Some(problem) = baeum_hub::console::auth::password_problem(&password, number.as_str()) {
                anyhow::bail!("{problem}");
            }
            if !store::console::set_password(&conn, &number, &pepper()?.hash_password(&password)?)? {
                anyhow::bail!("없는 직원 번호입니다: {number}");
            }
            store::console::end_all_of(&conn, &number, SystemClock.now())?;
            println!("직원 {number}의 관리 화면 비밀번호를 바꾸고 잠금을 풀었습니다");
        }
        StaffAction::Reset { number, totp: true, .. } => {
            let number = StaffNumber::parse(&number)?;
            if !store::console::reset_totp(&conn, &number)? {
                anyhow::bail!("없는 직원 번호입니다: {number}");
            }
            store::console::end_all_of(&conn, &number, SystemClock.now())?;
            println!("직원 {number}의 2단계 인증을 초기화했습니다. 다음 로그인 때 다시 등록합니다");
        }
        StaffAction::Disable { number } => {
            let number = StaffNumber::parse(&number)?;
            if !store::staff::disable(&conn, &number, SystemClock.now())? {
                anyhow::bail!("{number}: 없는 직원 번호이거나 이미 사용이 중지되었습니다");
            }
            store::console::end_all_of(&conn, &number, SystemClock.now())?;
            println!("직원 {number}의 계정을 중지했습니다. 열려 있던 직원 세션도 바로 끝납니다");
        }
        StaffAction::List => {
            let accounts: Vec<serde_json::Value> = store::staff::all(&conn)?
                .into_iter()
                .map(|a| {
                    serde_json::json!({
                        "staff": a.profile,
                        "locked_until": a.locked_until,
                        "disabled_at": a.disabled_at,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&accounts)?);
        }
        StaffAction::Audit { number } => {
            let number = number.as_deref().map(StaffNumber::parse).transpose()?;
            println!(
                "{}",
                serde_json::to_string_pretty(&store::staff::audit_log(
                    &conn,
                    &store::staff::AuditFilter { staff: number.map(|n| n.as_str().to_owned()), ..Default::default() }
                )?)?
            );
        }
    }
    Ok(())
}

fn subsidy_command(db: Option<&store::Location>, action: SubsidyAction) -> anyhow::Result<()> {
    use baeum_domain::ProgrammeId;
    use baeum_domain::subsidy::DrawRecord;
    use baeum_hub::subsidy;
    let open = || -> anyhow::Result<store::Connection> {
        let db = db.context("--db (또는 BAEUM_HUB_DB)를 적어 주세요")?;
        Ok(db.open()?)
    };
    let summary = |r: &DrawRecord| {
        format!(
            "{}: 신청 {}명 가운데 {}명 선정 · 방식 {} · 시드 {} · 신청자 목록 SHA-256 {}",
            r.programme_id,
            r.entrants.len(),
            r.selected.len(),
            r.algorithm,
            r.seed,
            r.entrants_sha256
        )
    };
    match action {
        SubsidyAction::Programme { file } => {
            let json = std::fs::read_to_string(&file).with_context(|| format!("{}", file.display()))?;
            let p = subsidy::load_programme(&open()?, &json, SystemClock.now())?;
            println!(
                "{} ({})을(를) 저장했습니다: {}~{}년생, {}명, {}, 신청 {}~{}",
                p.name, p.id, p.birth_years.from, p.birth_years.to, p.places, p.amount, p.opens_on, p.closes_on
            );
        }
        SubsidyAction::Residence { programme, learner, met, not_met: _, by } => {
            let status = subsidy::check_residence(
                &mut open()?,
                &ProgrammeId::parse(&programme)?,
                &baeum_domain::LearnerId::parse(&learner)?,
                met,
                &by,
                SystemClock.now(),
            )?;
            println!("{learner}: 거주 요건 {} · {}", if met { "확인" } else { "미충족" }, status.label_ko());
        }
        SubsidyAction::Entrants { programme } => {
            let (count, digest) = subsidy::entrants(&open()?, &ProgrammeId::parse(&programme)?)?;
            println!("{programme}: 신청 {count}명 · 신청자 목록 SHA-256 {digest}");
        }
        SubsidyAction::Select { programme, publish, seed } => {
            let id = ProgrammeId::parse(&programme)?;
            let seed = match seed.map(|s| s.trim().to_owned()) {
                Some(s) if s.is_empty() => anyhow::bail!("--seed가 비어 있습니다"),
                Some(s) => s,
                None => subsidy::fresh_seed()?,
            };
            let record = subsidy::select(&mut open()?, &id, seed, SystemClock.now())?;
            let json = serde_json::to_string_pretty(&record)?;
            if let Some(path) = publish {
                std::fs::write(&path, format!("{json}\n")).with_context(|| format!("{}", path.display()))?;
            }
            eprintln!("{}", summary(&record));
            println!("{json}");
        }
        SubsidyAction::Verify { programme: Some(programme), published: None } => {
            let record = subsidy::verify(&open()?, &ProgrammeId::parse(&programme)?)?;
            println!("다시 추첨한 결과가 기록과 같습니다. {}", summary(&record));
        }
        SubsidyAction::Verify { published: Some(file), .. } => {
            let json = std::fs::read_to_string(&file).with_context(|| format!("{}", file.display()))?;
            let record: DrawRecord = serde_json::from_str(&json).context("공개된 추첨 기록을 읽을 수 없습니다")?;
            record.verify()?;
            println!("공개된 기록으로 다시 추첨한 결과가 같습니다. {}", summary(&record));
        }
        SubsidyAction::Verify { programme: None, published: None } => {
            anyhow::bail!("사업 id나 --published 파일을 적어 주세요")
        }
        SubsidyAction::Grant { programme, year, learners } => {
            let programme = ProgrammeId::parse(&programme)?;
            let conn = open()?;
            for raw in &learners {
                store::subsidy::grant(&conn, &baeum_domain::LearnerId::parse(raw)?, &programme, year)?;
            }
            println!("{year}년 지원금 수혜자 {}명을 기록했습니다", learners.len());
        }
    }
    Ok(())
}

fn rental_command(db: &store::Location, action: RentalAction) -> anyhow::Result<()> {
    use baeum_domain::BookingId;
    use baeum_hub::rentals;
    let mut conn = db.open()?;
    let now = SystemClock.now();
    match action {
        RentalAction::Rooms { file } => {
            let json = std::fs::read_to_string(&file).with_context(|| format!("{}", file.display()))?;
            let config = rentals::load_rooms(&mut conn, &json)?;
            println!("대관 시설 {}곳, 공휴일 {}일을 저장했습니다", config.rooms.len(), config.holidays.len());
        }
        RentalAction::List { waiting } => {
            println!("{}", serde_json::to_string_pretty(&store::rentals::listed(&conn, waiting)?)?);
        }
        RentalAction::Approve { booking, by } => {
            let status = rentals::approve(&mut conn, &BookingId::parse(&booking)?, &by_name(&by)?, now)?;
            println!("{booking}: {}", status.label_ko());
        }
        RentalAction::Reject { booking, by, reason } => {
            rentals::reject(&mut conn, &BookingId::parse(&booking)?, &by_name(&by)?, &reason, now)?;
            println!("{booking}: 반려했습니다");
        }
        RentalAction::Paid { booking, by, receipt } => {
            rentals::paid(&mut conn, &BookingId::parse(&booking)?, &by_name(&by)?, &receipt, now)?;
            println!("{booking}: 결제를 기록했습니다 (예약 확정)");
        }
        RentalAction::NoShow { booking, by } => {
            rentals::no_show(&mut conn, &BookingId::parse(&booking)?, &by_name(&by)?, now)?;
            println!("{booking}: 노쇼로 기록했습니다");
        }
    }
    Ok(())
}

fn report(batch: &CatalogBatch, summary: catalog::ApplySummary) {
    println!(
        "기관 {}곳, 장소 {}곳, 강좌 {}개, 동영상 강좌 {}개를 읽었습니다 — 새로 추가 {}, 변경 {}, 그대로 {}",
        batch.institutions.len(),
        batch.places.len(),
        batch.courses.len(),
        batch.videos.len(),
        summary.added,
        summary.updated,
        summary.unchanged
    );
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("BAEUM_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in the journal or a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = match parse_cli() {
        Ok(cli) => cli,
        Err(e) => {
            eprintln!("baeum-hub: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("baeum-hub: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("baeum-hub: {e:#}");
            ExitCode::FAILURE
        }
    }
}
