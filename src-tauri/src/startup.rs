//! Where start-up time goes: the moments from `main` to the first interactive screen, each
//! logged once as a `startup` line with the wall-clock time, so the start-up benchmark can line
//! them up against the moment it launched the process (`make bench` prints the timeline).

use std::sync::Mutex;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The phases, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// `main` entered and the log is set up (after the dynamic loader and Rust's runtime).
    Main,
    /// Settings read and the database opened (its key, migrations).
    Engine,
    /// Tauri and GTK are up and the window is being made.
    Setup,
    /// The window and its webview exist.
    Window,
    /// The webview starts loading the page.
    PageStarted,
    /// The page and its scripts are loaded.
    PageFinished,
    /// The first catalog page was served to the screen.
    FirstCatalog,
    /// The screen says its first view is drawn and usable (`ui_ready`).
    UiReady,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Main => "main",
            Phase::Engine => "engine",
            Phase::Setup => "setup",
            Phase::Window => "window",
            Phase::PageStarted => "page_started",
            Phase::PageFinished => "page_finished",
            Phase::FirstCatalog => "first_catalog",
            Phase::UiReady => "ui_ready",
        }
    }
}

static ORIGIN: OnceLock<Instant> = OnceLock::new();
static LOGGED: Mutex<Vec<Phase>> = Mutex::new(Vec::new());

/// Records `phase` the first time it happens (later ones — a page reload — are not start-up).
pub fn mark(phase: Phase) {
    let origin = *ORIGIN.get_or_init(Instant::now);
    {
        let mut logged = LOGGED.lock().unwrap_or_else(|p| p.into_inner());
        if logged.contains(&phase) {
            return;
        }
        logged.push(phase);
    }
    let unix_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0);
    tracing::info!(
        phase = phase.name(),
        unix_ms = format_args!("{unix_ms:.1}"),
        since_main_ms = format_args!("{:.1}", origin.elapsed().as_secs_f64() * 1000.0),
        "startup"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phase_is_recorded_once() {
        mark(Phase::Main);
        mark(Phase::Window);
        mark(Phase::Window);
        let logged = LOGGED.lock().unwrap().clone();
        assert_eq!(logged.iter().filter(|p| **p == Phase::Window).count(), 1);
        assert!(logged.contains(&Phase::Main));
    }
}
