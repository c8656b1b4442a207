//! baeum-hub: the system of record kiosks sync with. Library with the store, feeds, demo data
//! and HTTP API; `main.rs` is a thin command line over it.

pub mod api;
pub mod arbitration;
pub mod certificates;
pub mod clubs;
pub mod console;
pub mod db;
pub mod demo;
pub mod devices;
pub mod feed;
pub mod housekeeping;
pub mod limits;
pub mod live;
pub mod payment;
pub mod pins;
pub mod rentals;
pub mod roster;
pub mod secret_file;
pub mod server;
pub mod settings_file;
pub mod staff;
pub mod store;
pub mod subsidy;
pub mod tls;
