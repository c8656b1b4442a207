//! `qr-decode IMAGE…`: prints the text of every QR code found in each image, one per line, as a
//! phone's camera would read it. The e2e flows use it on screenshots of the real window, so a QR
//! code on a screen is checked by what it says, not by an SVG being there.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut found = 0;
    for path in std::env::args().skip(1) {
        let image = match image::open(&path) {
            Ok(i) => i.to_luma8(),
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut prepared = rqrr::PreparedImage::prepare(image);
        for grid in prepared.detect_grids() {
            if let Ok((_, text)) = grid.decode() {
                println!("{text}");
                found += 1;
            }
        }
    }
    if found == 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
