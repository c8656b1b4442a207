//! The Tauri shell of the Baeum kiosk: a window, a few commands that call the engine, events to
//! the UI, and admin subcommands on the same binary. It translates; the engine decides.

mod app;
mod bindings;
pub mod cli;
mod clubs;
mod commands;
mod learning;
mod rental;
mod sample;
mod staff;
mod startup;
mod subsidy;
mod visit;
