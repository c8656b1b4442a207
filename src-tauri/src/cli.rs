//! `baeum-kiosk` command line: no subcommand opens the kiosk window; `sync`, `status` and
//! `provision` are headless admin commands for staff and scripts.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use baeum_domain::{CourseId, LearnerId, SystemClock};
use baeum_kiosk::store::print_jobs::PrintJobState;
use baeum_kiosk::{DataDir, Kiosk, KioskConfig, KioskError};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "baeum-kiosk", version, about = "배움 키오스크 — Baeum lifelong-learning kiosk")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Hub base URL (overrides the provisioned one for this run).
    #[arg(long, global = true, env = "BAEUM_HUB_URL")]
    hub: Option<String>,
    /// The hub's certificate or CA (PEM) to pin for HTTPS; `provision` saves it.
    #[arg(long, global = true, env = "BAEUM_HUB_CA", value_name = "PEM")]
    hub_ca: Option<String>,
    /// Folder for the kiosk's database and settings.
    #[arg(long, global = true, env = "BAEUM_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// The machine's settings file (JSON: data_dir, hub_url, hub_ca, printer_uri, fullscreen);
    /// installed kiosks use /etc/baeum/kiosk.json. Its fields win over the provisioned ones.
    #[arg(long, global = true, env = "BAEUM_SETTINGS", value_name = "FILE")]
    settings: Option<PathBuf>,
    /// Open fullscreen without decorations (kiosk mode) for this run.
    #[arg(long, conflicts_with = "windowed")]
    fullscreen: bool,
    /// Open in a normal window for this run.
    #[arg(long)]
    windowed: bool,
    /// Seconds without a touch before the idle question, for this run.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(2..=3600))]
    idle_seconds: Option<u64>,
    /// Seconds the idle question waits before wiping the session, for this run.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(2..=600))]
    idle_grace_seconds: Option<u64>,
    /// Window size in windowed mode, e.g. 1080x1920 (portrait) or 1920x1080.
    #[arg(long, value_parser = parse_size, default_value = "1080x1920")]
    size: (u32, u32),
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Pull the catalog from the hub once and report.
    Sync,
    /// Show hub, last sync and catalog size.
    Status {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Compare the local catalog with the hub's (exit code 1 when they differ).
    Verify,
    /// Send applications, cancellations and payments recorded here to the hub now, then fetch
    /// the current status of this kiosk's enrollments.
    Upload,
    /// Save settings for this kiosk (hub URL, fullscreen, printer) in its data folder, and with
    /// --code register it with the hub (once, with the invite from `baeum-hub kiosk invite`).
    Provision {
        /// The one-time invite code (XXXX-XXXX-XXXX): the hub then trusts this kiosk, and its
        /// credential is kept in the OS keyring.
        #[arg(long, value_name = "CODE")]
        code: Option<String>,
        /// Start in kiosk mode (fullscreen) from now on.
        #[arg(long, value_name = "true|false")]
        kiosk_mode: Option<bool>,
        /// The front desk's printer, e.g. ipp://192.168.0.20/ipp/print.
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
        /// Make this kiosk's device key (kept in the OS keyring) and register it with the hub, so
        /// it can issue provisional certificates offline once staff endorse it there.
        #[arg(long)]
        device_key: bool,
    },
    /// Print a sample certificate on the configured printer (or --printer) and wait for it.
    PrintTest {
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
    },
    /// The print queue: every job with its state and last problem (JSON).
    PrintQueue,
    /// Whether the printer answers, and what needs a person (paper, jam, cover) — JSON.
    PrinterStatus {
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
    },
    /// Print one learner's completion certificate (수료증); the hub checks completion and signs.
    PrintCertificate {
        #[arg(long, value_parser = parse_learner)]
        learner: LearnerId,
        #[arg(long, value_parser = parse_course)]
        course: CourseId,
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
        /// Your 직원 번호; your 6-digit PIN is read from standard input and checked at the hub.
        #[arg(long)]
        staff: String,
    },
    /// Print a learner's learning-history statement (학습이력 확인서).
    PrintHistory {
        #[arg(long, value_parser = parse_learner)]
        learner: LearnerId,
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
        /// Your 직원 번호; your 6-digit PIN is read from standard input and checked at the hub.
        #[arg(long)]
        staff: String,
    },
    /// Mark a learner present (or --absent) at one session of a course; works offline, the hub
    /// records it when it hears of it.
    Attendance {
        #[arg(value_parser = parse_course)]
        course: CourseId,
        #[arg(long, value_parser = parse_learner)]
        learner: LearnerId,
        /// The session's date, YYYY-MM-DD.
        #[arg(long, value_parser = parse_day)]
        date: chrono::NaiveDate,
        #[arg(long)]
        absent: bool,
        /// Your 직원 번호; your 6-digit PIN is read from standard input and checked at the hub.
        #[arg(long)]
        staff: String,
    },
    /// Set the staff PIN (6–12 digits) that opens staff mode on the screen; read from standard
    /// input, e.g. `echo 482913 | baeum-kiosk staff-pin`. Only a verifier of it is stored.
    StaffPin {
        /// Leave an existing PIN as it is (for set-up scripts).
        #[arg(long)]
        if_unset: bool,
    },
    /// Search the local catalog as the screen does and print the first page as JSON.
    Search {
        /// What a person would type (empty: every course).
        #[arg(default_value = "")]
        text: String,
        #[arg(long, default_value_t = 40)]
        limit: usize,
    },
    /// Say a sentence through the OS speech service, to check the kiosk's voice and speakers.
    Say {
        text: String,
        #[arg(long, default_value = "ko")]
        language: String,
    },
    /// Print the certificates of every learner of a course who completed (staff's batch print).
    PrintClass {
        #[arg(value_parser = parse_course)]
        course: CourseId,
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
        /// Your 직원 번호; your 6-digit PIN is read from standard input and checked at the hub.
        #[arg(long)]
        staff: String,
    },
}

/// Signs the staff member in at the hub, their PIN read from the first line of standard input
/// (never an argument, which other users of the machine can see).
fn sign_in(
    kiosk: &Kiosk,
    runtime: &tokio::runtime::Runtime,
    number: &str,
) -> Result<baeum_kiosk::on_duty::OnDuty, KioskError> {
    let mut pin = String::new();
    std::io::stdin()
        .read_line(&mut pin)
        .map_err(|_| KioskError::invalid("pin", "표준 입력에서 직원 비밀번호를 읽을 수 없습니다"))?;
    runtime.block_on(kiosk.staff_sign_in(number, pin.trim()))
}

/// The printer from --printer or the kiosk's settings, or a message saying how to set one.
fn printer_of(given: Option<String>, resolved: &Resolved) -> Result<String, ExitCode> {
    given.or(resolved.config.printer_uri.clone()).ok_or_else(|| {
        eprintln!("프린터가 설정되지 않았습니다: `baeum-kiosk provision --printer ipp://…` 또는 --printer를 주세요.");
        ExitCode::FAILURE
    })
}

/// Drives the queue until the jobs `ids` are done (a minute at most); says how they ended.
fn wait_for_print(kiosk: &Kiosk, ids: &[String], runtime: &tokio::runtime::Runtime) -> Result<ExitCode, KioskError> {
    for _ in 0..60 {
        let report = runtime.block_on(kiosk.drive_printer())?;
        if report.waiting == 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    let jobs: Vec<_> = kiosk.print_jobs()?.into_iter().filter(|j| ids.contains(&j.id)).collect();
    let mut code = ExitCode::SUCCESS;
    for job in jobs {
        if job.state == PrintJobState::Printed {
            println!("인쇄를 마쳤습니다: {}", job.title);
        } else {
            eprintln!(
                "인쇄하지 못했습니다: {} — {} ({}). 작업은 대기열에 남아 프린터가 준비되면 인쇄됩니다.",
                job.title,
                match job.state {
                    PrintJobState::Queued => "대기 중",
                    PrintJobState::Sending => "보내는 중",
                    PrintJobState::Submitted => "프린터에 보냄",
                    PrintJobState::Failed => "실패",
                    PrintJobState::Printed => "인쇄 완료",
                },
                job.last_error.unwrap_or_default()
            );
            code = ExitCode::FAILURE;
        }
    }
    Ok(code)
}

fn parse_learner(raw: &str) -> Result<LearnerId, String> {
    LearnerId::parse(raw).map_err(|e| e.to_string())
}

fn parse_day(raw: &str) -> Result<chrono::NaiveDate, String> {
    raw.parse().map_err(|_| format!("{raw:?}: 날짜는 2026-12-01처럼 적어 주세요"))
}

fn parse_course(raw: &str) -> Result<CourseId, String> {
    CourseId::parse(raw).map_err(|e| e.to_string())
}
fn parse_size(raw: &str) -> Result<(u32, u32), String> {
    let (w, h) = raw.split_once('x').ok_or("가로x세로로 적어 주세요 (예: 1080x1920)")?;
    let w: u32 = w.parse().map_err(|_| "가로 크기는 숫자로 적어 주세요")?;
    let h: u32 = h.parse().map_err(|_| "세로 크기는 숫자로 적어 주세요")?;
    if !(320..=8000).contains(&w) || !(320..=8000).contains(&h) {
        return Err("가로와 세로는 320에서 8000 사이로 적어 주세요".into());
    }
    Ok((w, h))
}

/// Settings after applying this run's flags over the provisioned file.
struct Resolved {
    data_dir: DataDir,
    config: KioskConfig,
}

fn resolve(cli: &Cli) -> Result<Resolved, KioskError> {
    let site = cli.settings.as_deref().map(baeum_kiosk::config::SiteSettings::load).transpose()?.unwrap_or_default();
    let data_dir = match (&cli.data_dir, &site.data_dir) {
        (Some(dir), _) | (None, Some(dir)) => DataDir::new(dir),
        (None, None) => DataDir::default_location(),
    };
    let mut config = data_dir.load_config()?;
    site.apply(&mut config);
    with_flags(cli, &mut config);
    config.hub()?;
    Ok(Resolved { data_dir, config })
}

/// This run's flags over `config`.
fn with_flags(cli: &Cli, config: &mut KioskConfig) {
    if let Some(hub) = &cli.hub {
        config.hub_url = hub.clone();
    }
    if let Some(ca) = &cli.hub_ca {
        config.hub_ca = Some(ca.clone());
    }
    if cli.fullscreen {
        config.fullscreen = true;
    }
    if cli.windowed {
        config.fullscreen = false;
    }
    if let Some(secs) = cli.idle_seconds {
        config.idle_warning_secs = secs;
    }
    if let Some(secs) = cli.idle_grace_seconds {
        config.idle_grace_secs = secs;
    }
}

fn open(resolved: &Resolved) -> Result<Kiosk, KioskError> {
    Ok(Kiosk::open_with_client(&resolved.data_dir, resolved.config.hub_client()?, Arc::new(SystemClock))?
        .with_retention(resolved.config.keep_personal_days))
}

fn runtime() -> Result<tokio::runtime::Runtime, KioskError> {
    // Two workers: a snapshot downloads the next chunk while the current one is written.
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().map_err(|e| {
        tracing::error!(code = %baeum_domain::ErrorCode::Unexpected, detail = %e, "async runtime setup failed");
        KioskError::HubUnreachable("통신 기능을 준비하지 못함".into())
    })
}

fn admin(command: Command, cli: &Cli) -> Result<ExitCode, KioskError> {
    let resolved = resolve(cli)?;
    match command {
        Command::Sync => {
            let kiosk = open(&resolved)?;
            let report = runtime()?.block_on(kiosk.sync_now())?;
            let mode = match report.mode {
                baeum_kiosk::sync::SyncMode::Snapshot => "전체 목록",
                baeum_kiosk::sync::SyncMode::Changes => "변경분",
            };
            println!("동기화 완료 ({mode}): 변경 {}건 반영, 강좌 {}개", report.changes_applied, report.courses);
        }
        Command::Status { json } => {
            let status = open(&resolved)?.status()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&status).unwrap_or_default());
            } else {
                let kst = |t: Option<chrono::DateTime<chrono::Utc>>| {
                    t.map_or_else(
                        || "없음".to_owned(),
                        |t| t.with_timezone(&baeum_domain::kst()).format("%Y-%m-%d %H:%M (KST)").to_string(),
                    )
                };
                println!("허브: {}", status.hub_url);
                println!("마지막 동기화: {}", kst(status.last_success_at));
                println!("강좌 {}개, 기관 {}곳", status.courses, status.institutions);
                if status.pending_intents > 0 {
                    println!("중앙 서버로 아직 보내지 못한 신청·취소·결제: {}건", status.pending_intents);
                }
                if let Some(behind) = status.behind.filter(|b| *b > 0) {
                    println!("아직 받지 못한 변경: {behind}건");
                }
                if let Some(e) = status.last_error {
                    println!("최근 오류: {}", e.message);
                }
            }
        }
        Command::Upload => {
            let kiosk = open(&resolved)?;
            let report = runtime()?.block_on(kiosk.exchange())?;
            println!(
                "전송 완료: 요청 {}건 보냄, 결과 {}건 받음, 남은 요청 {}건",
                report.uploaded, report.answered, report.pending
            );
        }
        Command::Verify => {
            let kiosk = open(&resolved)?;
            let report = runtime()?.block_on(kiosk.verify())?;
            println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            if !report.equal {
                eprintln!("로컬 강좌 목록이 중앙 서버와 다릅니다. `baeum-kiosk sync`로 맞춰 주세요.");
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::PrintTest { printer } => {
            let printer = match printer_of(printer, &resolved) {
                Ok(p) => p,
                Err(code) => return Ok(code),
            };
            let kiosk = open(&resolved)?;
            let pdf = crate::sample::certificate_pdf().map_err(KioskError::from)?;
            let id = kiosk.queue_print("배움 키오스크 인쇄 시험", &printer, &pdf)?;
            return wait_for_print(&kiosk, &[id], &runtime()?);
        }
        Command::PrinterStatus { printer } => {
            let printer = match printer_of(printer, &resolved) {
                Ok(p) => p,
                Err(code) => return Ok(code),
            };
            let status = runtime()?.block_on(baeum_kiosk::printing::printer_status(&printer))?;
            println!("{}", serde_json::to_string_pretty(&status).unwrap_or_default());
            if status.state == baeum_kiosk::printing::PrinterState::Unreachable {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::PrintCertificate { learner, course, printer, staff } => {
            let printer = match printer_of(printer, &resolved) {
                Ok(p) => p,
                Err(code) => return Ok(code),
            };
            let kiosk = open(&resolved)?;
            let runtime = runtime()?;
            let on_duty = sign_in(&kiosk, &runtime, &staff)?;
            let job =
                runtime.block_on(kiosk.print_certificate(Some(on_duty.session()), &learner, &course, &printer))?;
            return wait_for_print(&kiosk, &[job.id], &runtime);
        }
        Command::PrintHistory { learner, printer, staff } => {
            let printer = match printer_of(printer, &resolved) {
                Ok(p) => p,
                Err(code) => return Ok(code),
            };
            let kiosk = open(&resolved)?;
            let runtime = runtime()?;
            let on_duty = sign_in(&kiosk, &runtime, &staff)?;
            let job = runtime.block_on(kiosk.print_learning_history(Some(on_duty.session()), &learner, &printer))?;
            return wait_for_print(&kiosk, &[job.id], &runtime);
        }
        Command::Attendance { course, learner, date, absent, staff } => {
            use baeum_kiosk::attendance::AttendanceMark;
            let kiosk = open(&resolved)?;
            let runtime = runtime()?;
            let on_duty = sign_in(&kiosk, &runtime, &staff)?;
            let what = if absent { "결석" } else { "출석" };
            match runtime.block_on(kiosk.take_attendance(&learner, &course, date, !absent, &on_duty))? {
                AttendanceMark::Recorded { attended, sessions, completed } => println!(
                    "{date} {what}을(를) 기록했습니다. 출석 {attended}/{sessions}회 — 수료 기준 {}",
                    if completed { "충족" } else { "미달" }
                ),
                AttendanceMark::Refused { message, .. } => {
                    eprintln!("중앙 서버가 기록하지 않았습니다: {message}");
                    return Ok(ExitCode::FAILURE);
                }
                AttendanceMark::Waiting => {
                    println!("{date} {what}을(를) 기록했습니다. 중앙 서버에는 연결되면 보냅니다.");
                }
            }
        }
        Command::PrintClass { course, printer, staff } => {
            let printer = match printer_of(printer, &resolved) {
                Ok(p) => p,
                Err(code) => return Ok(code),
            };
            let kiosk = open(&resolved)?;
            let runtime = runtime()?;
            let on_duty = sign_in(&kiosk, &runtime, &staff)?;
            let class = runtime.block_on(kiosk.print_class(&course, &printer, &on_duty))?;
            println!("수료증 {}장을 인쇄합니다.", class.jobs.len());
            for learner in &class.not_completed {
                println!("미수료: {} (출석 {}/{}회)", learner.learner_masked, learner.attended, learner.sessions);
            }
            return wait_for_print(&kiosk, &class.jobs, &runtime);
        }
        Command::StaffPin { if_unset } => {
            let kiosk = open(&resolved)?;
            if if_unset && kiosk.staff_pin_is_set()? {
                println!("직원 PIN이 이미 정해져 있습니다 (바꾸지 않았습니다).");
                return Ok(ExitCode::SUCCESS);
            }
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                eprint!("새 직원 PIN (숫자 6~12자리): ");
            }
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| {
                baeum_kiosk::config::config_error(std::path::Path::new("stdin"), baeum_kiosk::config::io_problem(&e), e)
            })?;
            kiosk.set_staff_pin(line.trim())?;
            println!("직원 PIN을 정했습니다. 화면의 '직원' 버튼으로 직원 메뉴를 여세요.");
        }
        Command::Search { text, limit } => {
            let kiosk = open(&resolved)?;
            let query = baeum_kiosk::SearchQuery { text, limit: Some(limit), ..Default::default() };
            let page = kiosk.search(&query)?;
            println!("{}", serde_json::to_string(&page).unwrap_or_default());
        }
        Command::Say { text, language } => {
            let voice = baeum_kiosk::voice::VoiceGuide::default();
            let id = voice.say(&baeum_kiosk::voice::Utterance { text, language, rate: 0, volume: 60 })?;
            println!("음성 서비스가 받았습니다 (메시지 {id}).");
        }
        Command::PrintQueue => {
            let jobs = open(&resolved)?.print_jobs()?;
            println!("{}", serde_json::to_string_pretty(&jobs).unwrap_or_default());
        }
        Command::Provision { code, kiosk_mode, printer, device_key } => {
            // What the data folder keeps is its own settings and this run's flags, not the
            // machine's settings file: a field later taken out of that file must not live on here.
            let mut config = resolved.data_dir.load_config()?;
            with_flags(cli, &mut config);
            if let Some(on) = kiosk_mode {
                config.fullscreen = on;
            }
            if let Some(printer) = printer {
                baeum_kiosk::printing::printer_uri(&printer)?;
                config.printer_uri = Some(printer);
            }
            resolved.data_dir.save_config(&config)?;
            println!("설정을 저장했습니다: {} (허브 {})", resolved.data_dir.config_file().display(), config.hub_url);
            if let Some(code) = code {
                let kiosk = open(&resolved)?;
                let done = runtime()?.block_on(kiosk.provision(&code))?;
                println!("중앙 서버에 키오스크 {}({})로 등록했습니다.", done.kiosk_id, done.institution_id);
                println!("기기 키 지문: {}", done.fingerprint);
                println!(
                    "오프라인 임시 발급을 쓰려면 허브에서 지문을 확인하고 보증해 주세요: baeum-hub kiosk endorse {} --fingerprint \"{}\" --by \"담당자\"",
                    done.kiosk_id, done.fingerprint
                );
            }
            if device_key {
                let kiosk = open(&resolved)?;
                let key = runtime()?.block_on(kiosk.provision_device_key())?;
                if key.endorsed {
                    println!("기기 키 {}: 중앙 서버의 승인을 받았습니다. 오프라인 임시 발급이 가능합니다.", key.key_id);
                } else {
                    let fingerprint = baeum_domain::device::fingerprint_text(&key.key_id);
                    println!(
                        "기기 키 {fingerprint}를 중앙 서버에 등록했습니다. 허브에서 보증해 주세요: baeum-hub kiosk endorse {} --fingerprint \"{fingerprint}\" --by \"담당자\"",
                        kiosk.status()?.kiosk_id
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("BAEUM_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in the journal or a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    // WebKitWebDriver may append its own flag when it launches the app for e2e tests.
    let args = std::env::args_os().filter(|a| a != "--automation");
    let mut cli = Cli::parse_from(args);
    let result = match cli.command.take() {
        Some(command) => admin(command, &cli),
        None => {
            crate::startup::mark(crate::startup::Phase::Main);
            resolve(&cli).and_then(|resolved| Ok((open(&resolved)?, resolved))).map(|(kiosk, resolved)| {
                crate::startup::mark(crate::startup::Phase::Engine);
                match crate::app::run(kiosk, resolved.data_dir, resolved.config, cli.size) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        // Tauri's words go to the log; the line staff read stays Korean.
                        tracing::error!(event = "window_failed", detail = %e, "the window could not open");
                        eprintln!(
                            "baeum-kiosk: [window_failed] 화면을 열 수 없습니다. 화면(디스플레이) 연결을 확인해 주세요"
                        );
                        ExitCode::FAILURE
                    }
                }
            })
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            e.log();
            eprintln!("baeum-kiosk: [{}] {e}", e.code());
            ExitCode::FAILURE
        }
    }
}
