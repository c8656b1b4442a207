// Release builds on Windows must not open a console window next to the kiosk.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    baeum_kiosk_app::cli::main()
}
