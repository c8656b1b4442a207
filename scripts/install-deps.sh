#!/usr/bin/env bash
# Installs what building, running and testing Baeum needs on a fresh Debian 12 / Ubuntu 22.04+
# machine: Debian packages, the UI's and e2e tests' npm packages, and tauri-driver.
# Idempotent: it only installs what is missing, so `make run` and `make test` can always call it.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  build-essential pkg-config curl file
  # Tauri 2 on Linux (WebKitGTK 4.1)
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev libssl-dev
  # headless window, e2e driver, screenshots, session bus for the webview's helpers
  xvfb webkit2gtk-driver imagemagick dbus-daemon dbus-bin dbus-x11
  # a real IPP printer for print tests, a Korean font for the webview, and poppler
  # (pdftotext, pdffonts, pdftoppm) to read and render certificate PDFs in tests
  cups-ipp-utils avahi-daemon fonts-nanum poppler-utils
  # voice guidance: the OS speech service and a synthesiser with a Korean voice
  speech-dispatcher speech-dispatcher-espeak-ng espeak-ng
  # schemathesis (property-based checks of the hub against its OpenAPI document) in a venv
  python3 python3-venv
  # the hub's second engine: its tests run against a throw-away cluster (scripts/with-postgres.sh)
  postgresql
  # the operators' console is tested in a real browser: Debian's Chromium through chromedriver
  chromium chromium-driver
  # the installed packages are tested as a kiosk session: cage (Wayland kiosk compositor, run
  # headless; it will not start without Xwayland) and dpkg-shlibdeps for the packages' libraries
  cage xwayland dpkg-dev
)

# `--bench`: also what `make bench` and `make loadtest` need (xdotool, HAProxy; npm packages below).
# `--package`: also the package builders (`make package`, and `make test`, which installs them).
BENCH=0
PACKAGE=0
for arg in "$@"; do
  case "$arg" in
    --bench) BENCH=1; PACKAGE=1; APT_PACKAGES+=(xdotool haproxy) ;;
    --package) PACKAGE=1 ;;
  esac
done

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ "${#missing[@]}" -gt 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  # Debian's postgresql creates and starts a "main" cluster on install; the tests start their own
  # and nothing should run when they do not.
  # (createcluster.d is read by postgresql-common's createcluster.conf; ours is not its conffile.)
  if [[ " ${missing[*]} " == *" postgresql "* ]] && [ ! -e /etc/postgresql-common/createcluster.d/baeum.conf ]; then
    $SUDO mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/baeum.conf >/dev/null
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Vite 8 needs Node.js 20.19+ (or 22.12+).
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null; then
  echo "Node.js 20.19 or newer is needed (found $(node --version 2>/dev/null || echo none)); Vite 8 does not run on older versions." >&2
  echo "Install Node.js 20.19+ (e.g. from NodeSource or your distribution's backports) and run again." >&2
  exit 1
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "Rust (cargo) is needed: install it with rustup (https://rustup.rs) and run again." >&2
  exit 1
fi

# tauri-driver: pinned, because newer ones may expect a newer Tauri.
if ! command -v tauri-driver >/dev/null 2>&1 || ! cargo install --list | grep -q '^tauri-driver v2\.1\.0:'; then
  say "Installing tauri-driver 2.1.0"
  cargo install tauri-driver --version 2.1.0 --locked
fi

# The package builders, pinned: Tauri's CLI (its bundler makes the kiosk's .deb) and cargo-deb
# (the hub's .deb with its systemd service), both from crates.io.
if [ "$PACKAGE" = 1 ]; then
  if ! cargo install --list | grep -q '^tauri-cli v2\.12\.4:'; then
    say "Installing the Tauri CLI 2.12.4 (for .deb packages)"
    cargo install tauri-cli --version 2.12.4 --locked
  fi
  if ! cargo install --list | grep -q '^cargo-deb v3\.8\.0:'; then
    say "Installing cargo-deb 3.8.0"
    cargo install cargo-deb --version 3.8.0 --locked
  fi
fi

# schemathesis, pinned (tests/api/requirements.txt), in a venv of its own outside the checkout:
# the hub's OpenAPI property test runs it (tests/system/tests/openapi_properties.rs).
ST_VENV="${BAEUM_SCHEMATHESIS_VENV:-$HOME/.cache/baeum/schemathesis-4.32.5}"
if [ ! -x "$ST_VENV/bin/schemathesis" ]; then
  say "Installing schemathesis in $ST_VENV"
  rm -rf "$ST_VENV"
  python3 -m venv "$ST_VENV"
  "$ST_VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/api/requirements.txt
fi

# npm packages, exactly as locked; reinstalled only when the lock file changed. No install
# scripts: nothing here needs one, and some (webdriverio's optional browser drivers) would try
# to download binaries.
NPM_DIRS=(ui tests/e2e)
if [ "$BENCH" = 1 ]; then NPM_DIRS+=(tests/bench/pouchdb tests/bench/chromium); fi
for dir in "${NPM_DIRS[@]}"; do
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "Installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts)
  fi
done
