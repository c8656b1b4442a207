//! The kiosk's release package beside Chromium's, from the same machine's package lists: the
//! download (`.deb`) and the installed size. Run as root with a package built (`make bench`
//! builds it), it also installs the package, so the start-up section (`app.rs`) launches
//! `/usr/bin/baeum-kiosk` as a kiosk would, and purges it again afterwards.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;

/// The kiosk binary the start-up section launches, and whether the package must be purged
/// when the bench is done with it.
pub struct Kiosk {
    pub binary: PathBuf,
    pub installed: bool,
    purge: bool,
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        if self.purge {
            let _ = Command::new("apt-get")
                .args(["purge", "-y", "-qq", "baeum-kiosk"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .output();
        }
    }
}

fn built_deb() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/release/bundle/deb");
    let mut debs: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("baeum-kiosk_")))
        .collect();
    debs.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    debs.pop()
}

fn output(cmd: &mut Command) -> String {
    cmd.output().map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
}

/// (download bytes, installed KiB) of the candidate versions of `packages` in apt's lists.
fn apt_sizes(packages: &[&str]) -> Option<(u64, u64)> {
    let text = output(Command::new("apt-cache").args(["show", "--no-all-versions"]).args(packages));
    let field = |name: &str| -> u64 {
        text.lines().filter_map(|l| l.strip_prefix(name)).filter_map(|v| v.trim().parse::<u64>().ok()).sum()
    };
    let (size, installed) = (field("Size:"), field("Installed-Size:"));
    (size > 0 && installed > 0).then_some((size, installed))
}

fn mb(bytes: f64) -> f64 {
    bytes / 1_000_000.0
}

pub fn section() -> Result<Kiosk, Error> {
    let fallback = Kiosk { binary: baeum_test_support::binary("baeum-kiosk"), installed: false, purge: false };
    let Some(deb) = built_deb() else {
        println!(
            "\nPackage size: no kiosk package built (`make package`); start-up uses {}",
            fallback.binary.display()
        );
        return Ok(fallback);
    };
    let deb_bytes = std::fs::metadata(&deb)?.len() as f64;
    let installed_kib: f64 =
        output(Command::new("dpkg-deb").arg("-f").arg(&deb).arg("Installed-Size")).trim().parse().unwrap_or(f64::NAN);
    println!("\nRelease package — {}", deb.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    let chromium = apt_sizes(&["chromium", "chromium-common"]);
    let row = |what: &str, ours: f64, theirs: Option<f64>| match theirs {
        Some(t) => println!("  {what:<42} {ours:>8.1} MB   Chromium {t:>8.1} MB   ({:.1}×)", t / ours),
        None => println!("  {what:<42} {ours:>8.1} MB   Chromium: not in apt's lists"),
    };
    row("package download (.deb)", mb(deb_bytes), chromium.map(|c| mb(c.0 as f64)));
    row("installed size", mb(installed_kib * 1024.0), chromium.map(|c| mb(c.1 as f64 * 1024.0)));
    if let Some((size, installed)) = apt_sizes(&["libwebkit2gtk-4.1-0", "libjavascriptcoregtk-4.1-0"]) {
        println!(
            "  (the WebKitGTK 4.1 runtime the kiosk depends on and Chromium does not: {:.1} MB download, {:.1} MB installed,\n   \
             shared by every GTK program that shows web content; Chromium is chromium + chromium-common)",
            mb(size as f64),
            mb(installed as f64 * 1024.0)
        );
    }

    let root = output(Command::new("id").arg("-u")).trim() == "0";
    if !root {
        println!("  (not root: start-up uses {}, not an installed package)", fallback.binary.display());
        return Ok(fallback);
    }
    // Purged afterwards only if dpkg knew nothing of it: a removed package's kept data folder
    // (status config-files) is not the bench's to delete.
    let already = !output(Command::new("dpkg-query").args(["-W", "-f", "${Status}", "baeum-kiosk"])).trim().is_empty();
    let install = Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends", "--reinstall"])
        .arg(&deb)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .output()?;
    if !install.status.success() {
        println!(
            "  (apt-get install failed: {}; start-up uses the build)",
            String::from_utf8_lossy(&install.stderr).trim()
        );
        return Ok(fallback);
    }
    Ok(Kiosk { binary: PathBuf::from("/usr/bin/baeum-kiosk"), installed: true, purge: !already })
}
