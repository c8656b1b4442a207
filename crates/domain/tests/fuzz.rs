//! Fuzz targets for what the kiosk reads from the network and from paper: a snapshot chunk as
//! the hub sends it, and a certificate's QR text (or link) as a phone or a scanner reads it.
//! Whatever the bytes, the readers answer with a value or an error — never a panic — and what
//! they accept is consistent. `cargo test` gives each 1 s of random inputs; `make fuzz` longer
//! (`BOLERO_RANDOM_TEST_TIME_MS`); `cargo bolero test` runs them under libFuzzer (nightly).

use baeum_domain::certificate::{CertificatePayload, KeySet, PublishedKey, SignedCertificate, key_id};
use baeum_domain::protocol::{read_snapshot_chunk, read_snapshot_header};
use ed25519_dalek::SigningKey;

#[test]
fn the_snapshot_chunk_reader_never_panics_and_accepts_only_what_its_header_vouches_for() {
    bolero::check!().for_each(|bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        let header = read_snapshot_header(&text);
        if let Ok(chunk) = read_snapshot_chunk(&text) {
            // A chunk that reads has a header that reads, as many lines as it says, all in the text.
            assert!(header.is_ok());
            assert_eq!(chunk.records.len(), chunk.header.records);
            for (_, line) in &chunk.records {
                assert!(text.contains(line));
            }
        }
    });
}

#[test]
fn the_certificate_qr_parser_never_panics_and_a_mangled_genuine_qr_never_verifies_as_another() {
    let key = SigningKey::from_bytes(&[5; 32]);
    let genuine = SignedCertificate::sign(CertificatePayload::specimen(key_id(&key.verifying_key())), &key);
    let qr = genuine.qr_text();
    let keys = KeySet { keys: vec![PublishedKey::hub(&key.verifying_key())], revoked: Vec::new() };
    bolero::check!().for_each(|bytes: &[u8]| {
        // Random text, and the genuine QR with some of its bytes overwritten.
        let text = String::from_utf8_lossy(bytes);
        let _ = SignedCertificate::parse_qr(&text);
        let _ = keys.verify(&text);
        let mut mangled = qr.clone().into_bytes();
        for (i, b) in bytes.iter().enumerate().take(8) {
            let at = (usize::from(*b) * 7 + i) % mangled.len().max(1);
            if let Some(slot) = mangled.get_mut(at) {
                *slot = bytes.get(i + 8).copied().unwrap_or(b'A');
            }
        }
        let mangled = String::from_utf8_lossy(&mangled).into_owned();
        if let Ok(payload) = keys.verify(&mangled) {
            assert_eq!(payload, genuine.payload, "only the genuine payload verifies");
        }
    });
}
