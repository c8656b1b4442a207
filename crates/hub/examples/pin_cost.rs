//! How long one learner PIN check costs at the hub (Argon2id with the pepper) beside the kiosk's
//! salted SHA-256 it wraps — the price of one guess for someone holding a copied database.
//! `cargo run --release -p baeum-hub --example pin_cost`
use std::time::Instant;

use baeum_domain::learner::{Pin, pin_hash, pin_matches};
use baeum_hub::pins::PinPepper;

fn main() {
    let pepper = PinPepper::ephemeral();
    let pin = Pin::parse("482913").unwrap_or_else(|e| panic!("{e}"));
    let bare = pin_hash(&pin, "a1b2c3d4e5f60718");
    let wrapped = pepper.wrap(&bare).unwrap_or_else(|e| panic!("{e}"));
    let n = 20;
    let start = Instant::now();
    for _ in 0..n {
        assert!(pepper.verify(&wrapped, &pin));
    }
    let argon = start.elapsed().as_secs_f64() / f64::from(n);
    let m = 200_000;
    let start = Instant::now();
    for _ in 0..m {
        assert!(pin_matches(&bare, &pin));
    }
    let sha = start.elapsed().as_secs_f64() / f64::from(m);
    println!("one PIN check: Argon2id+pepper {:.1} ms, salted SHA-256 (before) {:.2} µs", argon * 1e3, sha * 1e6);
    println!("all 10^6 six-digit PINs for one learner: {:.1} CPU-hours vs {:.1} s", argon * 1e6 / 3600.0, sha * 1e6);
}
