#!/usr/bin/env bash
# The packages as a kiosk vendor's IT staff meet them: `apt-get install ./….deb` on this machine,
# the hub started by systemd as its own service, the kiosk as a cage session (Wayland, headless)
# that systemd restarts after a `kill -9` with its unsent records intact, the window from the
# installed files under Xvfb, and `apt-get purge` leaving nothing behind.
#
# systemd is not PID 1 on CI machines, so the test boots a private one as PID 1 of a new PID and
# mount namespace (sharing the file system and network), which reads the units the packages
# installed. It must not boot the machine: the test's drop-ins take the units out of the boot
# ordering (DefaultDependencies=no), so sysinit.target — whose systemd-tmpfiles-setup empties
# /tmp — is never started, and those units are masked for the run as well. Needs root. Run by
# `make test-package` (part of `make test`) after `make package`.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/test-output/package
mkdir -p "$OUT" "$ROOT/test-output/screenshots"
rm -f "$OUT"/*.log

if [ "$(id -u)" -ne 0 ]; then
  echo "install-test: needs root (apt-get install, a private systemd)" >&2
  exit 1
fi
# It installs, seeds, kills and purges: never on a machine that has Baeum, or that systemd runs.
refuse() { echo "install-test: $* — run it on a CI-like machine or in a throw-away container" >&2; exit 1; }
if [ -d /run/systemd/system ]; then refuse "systemd runs this machine"; fi
for pkg in baeum-kiosk baeum-hub; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [ -n "$status" ] && [[ "$status" != *not-installed* ]]; then refuse "dpkg knows $pkg ($status)"; fi
done
for path in /etc/baeum /var/lib/baeum /var/lib/baeum-hub; do
  if [ -e "$path" ]; then refuse "$path exists"; fi
done

KIOSK_DEB=$(ls -t target/release/bundle/deb/baeum-kiosk_*_amd64.deb | head -1)
HUB_DEB=$(ls -t target/debian/baeum-hub_*_amd64.deb | head -1)
VERSION=$(python3 -c 'import json; print(json.load(open("src-tauri/tauri.conf.json"))["version"])')
DRILL=$ROOT/target/debug/enrollment-drill
[ -x "$DRILL" ] || cargo build -q -p baeum-system-tests --bin enrollment-drill

WORK=$ROOT/target/package-test
rm -rf "$WORK"
mkdir -p "$WORK"
chmod 755 "$WORK"
# The drill runs as the kiosk's user, who may not reach into the checkout.
install -m 0755 "$DRILL" "$WORK/enrollment-drill"
LOGDIR=/var/log/baeum-package-test
SYSTEMD_PID=""
XVFB_PID=""
INSTALLED=0
MASKED_BY_TEST=()
PASSED=0

step() { printf '# %s\n' "$*"; }
ok() { PASSED=$((PASSED + 1)); printf 'ok %d - %s\n' "$PASSED" "$*"; }
fail() {
  printf 'not ok - %s\n' "$*"
  for log in "$LOGDIR"/*.log; do
    [ -f "$log" ] && { echo "--- $log (last 40 lines)"; tail -40 "$log"; }
  done
  exit 1
}
sctl() { nsenter -t "$SYSTEMD_PID" -a systemctl --no-pager "$@"; }

cleanup() {
  set +e
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
  [ "$INSTALLED" = 1 ] && pkill -9 -u baeum 2>/dev/null
  if [ -n "$SYSTEMD_PID" ]; then
    timeout 20 nsenter -t "$SYSTEMD_PID" -a systemctl stop baeum-kiosk.service baeum-hub.service 2>/dev/null
    kill -9 "$SYSTEMD_PID" 2>/dev/null
  fi
  sleep 1
  # PrivateTmp folders of the units, had systemd had no time to remove them.
  rm -rf /tmp/systemd-private-*-baeum-hub.service-* /tmp/systemd-private-*-baeum-kiosk.service-*
  cp "$LOGDIR"/*.log "$OUT/" 2>/dev/null
  remove_test_units
  rm -rf "$LOGDIR" "$WORK"
  if [ "$INSTALLED" = 1 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq baeum-kiosk baeum-hub >/dev/null 2>&1
  fi
}
trap cleanup EXIT

# What the test adds to /etc/systemd/system for the private systemd, and takes away again.
MASKED=(systemd-tmpfiles-setup.service systemd-tmpfiles-setup-dev.service systemd-tmpfiles-clean.service
  systemd-tmpfiles-clean.timer sysinit.target basic.target)
remove_test_units() {
  rm -rf /etc/systemd/system/baeum-package-test.target /etc/systemd/system/baeum-kiosk.service.d \
    /etc/systemd/system/baeum-hub.service.d
  for unit in "${MASKED_BY_TEST[@]}"; do
    rm -f "/etc/systemd/system/$unit"
  done
  return 0
}

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local secs=$1
  shift
  for _ in $(seq 1 "$((secs * 2))"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  return 1
}

as_kiosk() { runuser -u baeum -- env BAEUM_SETTINGS=/etc/baeum/kiosk.json BAEUM_LOG=warn "$@"; }
as_hub() { runuser -u baeum-hub -- env BAEUM_HUB_CONFIG=/etc/baeum/hub.toml BAEUM_LOG=warn baeum-hub "$@"; }
kiosk_status() { as_kiosk baeum-kiosk status --json; }
pending() { kiosk_status | python3 -c 'import json,sys; print(json.load(sys.stdin)["pending_intents"])'; }
ui_ready_count() { grep -ac "ui ready" "$LOGDIR/kiosk-session.log" 2>/dev/null || true; }
# For wait_for, which runs its arguments again and again (a $(…) there would be read once).
ui_ready_at_least() { [ "$(ui_ready_count)" -ge "$1" ]; }
pending_is() { [ "$(pending)" = "$1" ]; }

step "install $(basename "$HUB_DEB") and $(basename "$KIOSK_DEB") with apt-get"
INSTALLED=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "./$HUB_DEB" "./$KIOSK_DEB" \
  > "$OUT/apt-install.txt" 2>&1 || { cat "$OUT/apt-install.txt"; fail "apt-get install"; }
ok "apt-get install of both packages"

[ "$(baeum-kiosk --version)" = "baeum-kiosk $VERSION" ] || fail "baeum-kiosk --version said $(baeum-kiosk --version)"
[ "$(baeum-hub --version)" = "baeum-hub $VERSION" ] || fail "baeum-hub --version said $(baeum-hub --version)"
ok "baeum-kiosk --version and baeum-hub --version say $VERSION"

depends=$(dpkg-query -W -f='${Depends}' baeum-kiosk)
for dep in libwebkit2gtk-4.1-0 fonts-nanum speech-dispatcher cage xwayland; do
  [[ "$depends" == *"$dep"* ]] || fail "baeum-kiosk does not depend on $dep: $depends"
done
ok "the kiosk package declares WebKitGTK 4.1, fonts-nanum, speech-dispatcher and cage"

for file in /usr/bin/baeum-kiosk /lib/systemd/system/baeum-kiosk.service /etc/baeum/kiosk.json \
  /usr/share/doc/baeum-kiosk/THIRD-PARTY-LICENSES.txt /usr/share/doc/baeum-kiosk/NanumMyeongjo-LICENSE.txt \
  /usr/bin/baeum-hub /lib/systemd/system/baeum-hub.service /etc/baeum/hub.toml \
  /usr/share/doc/baeum-hub/THIRD-PARTY-LICENSES.txt; do
  [ -e "$file" ] || fail "$file is not installed"
done
if ldd /usr/bin/baeum-kiosk | grep -q "not found"; then fail "baeum-kiosk misses libraries: $(ldd /usr/bin/baeum-kiosk | grep 'not found')"; fi
grep -q "tauri " /usr/share/doc/baeum-kiosk/THIRD-PARTY-LICENSES.txt || fail "the licence list does not name tauri"
ok "binaries, units, settings and licences are where the packages put them"

[ "$(stat -c %U:%a /var/lib/baeum)" = "baeum:700" ] || fail "/var/lib/baeum is $(stat -c %U:%a /var/lib/baeum)"
[ "$(stat -c %U:%G:%a /etc/baeum/hub.toml)" = "root:baeum-hub:640" ] || fail "hub.toml is $(stat -c %U:%G:%a /etc/baeum/hub.toml)"
[ -L /etc/systemd/system/graphical.target.wants/baeum-kiosk.service ] || fail "the kiosk session is not enabled at boot"
[ -L /etc/systemd/system/multi-user.target.wants/baeum-hub.service ] || fail "the hub service is not enabled at boot"
ok "the users baeum and baeum-hub own their folders; both units are enabled at boot"

step "the hub as a systemd service"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HUB=http://127.0.0.1:$PORT
sed -i "s|^listen = .*|listen = \"127.0.0.1:$PORT\"|" /etc/baeum/hub.toml
as_hub seed --demo > "$OUT/hub-seed.txt" 2>&1 || { cat "$OUT/hub-seed.txt"; fail "seeding the installed hub's database"; }
[ -s /var/lib/baeum-hub/hub.db ] || fail "the seed did not go to the database named in /etc/baeum/hub.toml"

mkdir -p "$LOGDIR" /etc/systemd/system/baeum-kiosk.service.d /etc/systemd/system/baeum-hub.service.d
for unit in "${MASKED[@]}"; do
  if [ ! -e "/etc/systemd/system/$unit" ] && [ ! -L "/etc/systemd/system/$unit" ]; then
    ln -s /dev/null "/etc/systemd/system/$unit"
    MASKED_BY_TEST+=("$unit")
  fi
done
cat > /etc/systemd/system/baeum-package-test.target <<'EOF'
[Unit]
Description=Baeum package test: the hub service only
DefaultDependencies=no
Wants=baeum-hub.service
EOF
# Not part of a boot here (see the top of this file).
cat > /etc/systemd/system/baeum-hub.service.d/package-test.conf <<'EOF'
[Unit]
DefaultDependencies=no
EOF
# The session as shipped, minus what needs a real seat: no tty or logind session here, cage
# renders to memory (WLR_BACKENDS=headless) and the log goes to a file instead of the journal.
cat > /etc/systemd/system/baeum-kiosk.service.d/package-test.conf <<EOF
[Unit]
DefaultDependencies=no
[Service]
PAMName=
TTYPath=
TTYReset=no
TTYVHangup=no
TTYVTDisallocate=no
UtmpIdentifier=
StandardInput=null
StandardOutput=append:$LOGDIR/kiosk-session.log
StandardError=append:$LOGDIR/kiosk-session.log
Environment=WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 BAEUM_LOG=info
EOF
unshare --fork --pid --mount --mount-proc --uts /lib/systemd/systemd --system --unit=baeum-package-test.target \
  > "$LOGDIR/systemd.log" 2>&1 &
UNSHARE_PID=$!
wait_for 10 pgrep -P "$UNSHARE_PID" || fail "the private systemd did not start"
SYSTEMD_PID=$(pgrep -P "$UNSHARE_PID")
wait_for 30 curl -fsS "$HUB/health" || { sctl status baeum-hub || true; fail "the hub service does not answer $HUB/health"; }
[ "$(sctl show -p User --value baeum-hub)" = "baeum-hub" ] || fail "the hub service does not run as baeum-hub"
pgrep -u baeum-hub -x baeum-hub >/dev/null || fail "no baeum-hub process of user baeum-hub"
ok "systemd starts baeum-hub as user baeum-hub and it answers /health on the port hub.toml gives"

step "the kiosk provisioned from /etc/baeum/kiosk.json"
cat > /etc/baeum/kiosk.json <<EOF
{
  "data_dir": "/var/lib/baeum",
  "hub_url": "$HUB",
  "fullscreen": true
}
EOF
CODE=$(as_hub kiosk invite --institution gm-llc --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
as_kiosk baeum-kiosk provision --code "$CODE" > "$OUT/provision.txt" 2>&1 || { cat "$OUT/provision.txt"; fail "provision"; }
as_kiosk baeum-kiosk sync > "$OUT/sync.txt" 2>&1 || { cat "$OUT/sync.txt"; fail "sync"; }
kiosk_status > "$OUT/status.json"
python3 - "$OUT/status.json" "$HUB" <<'EOF' || fail "status --json: $(cat "$OUT/status.json")"
import json, sys
status = json.load(open(sys.argv[1]))
assert status["hub_url"].rstrip("/") == sys.argv[2], status["hub_url"]
assert status["courses"] > 0, status["courses"]
assert status["pending_intents"] == 0, status["pending_intents"]
EOF
[ -s /var/lib/baeum/kiosk.db ] || fail "the kiosk's database is not in /var/lib/baeum"
ok "status --json: the hub from /etc/baeum/kiosk.json, the demo catalog synced into /var/lib/baeum"

COURSE=$(as_kiosk baeum-kiosk search --limit 500 | python3 -c '
import json, sys
page = json.load(sys.stdin)
cards = next(v for v in page.values() if isinstance(v, list) and v and isinstance(v[0], dict) and "selection" in v[0])
print(next(c["id"] for c in cards if c["selection"] == "first_come" and c["phase"] == "open" and c["capacity"] >= 5))')

step "applications recorded while the hub is down"
sctl stop baeum-hub
if curl -fsS "$HUB/health" >/dev/null 2>&1; then fail "the hub still answers after systemctl stop"; fi
as_kiosk timeout 120 "$WORK/enrollment-drill" --hub "$HUB" --course "$COURSE" --learners 2 --data-dir /var/lib/baeum \
  > "$OUT/drill.txt" 2> "$LOGDIR/drill.log" || true
[ "$(grep -c '^applied ' "$OUT/drill.txt")" = 2 ] || fail "the drill did not record 2 applications: $(cat "$OUT/drill.txt")"
[ "$(pending)" -ge 2 ] || fail "the outbox holds $(pending) requests, not 2 or more"
BEFORE=$(pending)
ok "two applications wait in the kiosk's outbox ($BEFORE requests) with the hub stopped"

step "the kiosk session under systemd: cage (headless) running the installed app"
sctl start baeum-kiosk.service
wait_for 90 ui_ready_at_least 1 || { sctl status baeum-kiosk || true; fail "the session's window never said ui ready"; }
APP_PID=$(pgrep -u baeum -x baeum-kiosk | head -1)
[ -n "$APP_PID" ] || fail "no baeum-kiosk process of user baeum"
grep -q "cage" "/proc/$(ps -o ppid= -p "$APP_PID" | tr -d ' ')/cmdline" || fail "the app's parent is not cage"
ok "systemd starts cage with baeum-kiosk as user baeum and the home screen loads (ui ready)"

kill -9 "$APP_PID"
wait_for 90 ui_ready_at_least 2 || { sctl status baeum-kiosk || true; fail "the session did not come back after kill -9"; }
NEW_PID=$(pgrep -u baeum -x baeum-kiosk | head -1)
[ -n "$NEW_PID" ] && [ "$NEW_PID" != "$APP_PID" ] || fail "no new app process after kill -9"
[ "$(sctl show -p NRestarts --value baeum-kiosk)" -ge 1 ] || fail "systemd counted no restart"
[ "$(pending)" = "$BEFORE" ] || fail "the outbox held $BEFORE requests before the kill and $(pending) after"
ok "kill -9 of the app: systemd restarts the session (Restart=always) and the $BEFORE requests are still waiting"

sctl start baeum-hub
wait_for 30 curl -fsS "$HUB/health" || fail "the hub service did not start again"
wait_for 150 pending_is 0 || fail "the restarted app did not send its outbox: $(pending) waiting"
ok "with the hub back, the restarted app sends them (outbox empty)"
sctl stop baeum-kiosk.service

step "the installed app's window under Xvfb"
# A display number of Xvfb's own choosing, so it is never another test's screen.
exec 7< <(Xvfb -displayfd 1 -screen 0 1080x1920x24 -nolisten tcp 2> "$LOGDIR/xvfb.log")
XVFB_PID=$!
read -r -t 10 DISPLAY_NO <&7 || fail "Xvfb did not start"
as_kiosk env DISPLAY=":$DISPLAY_NO" BAEUM_LOG=info dbus-run-session -- /usr/bin/baeum-kiosk --windowed --size 1080x1920 \
  > "$LOGDIR/kiosk-xvfb.log" 2>&1 &
wait_for 90 grep -q "ui ready" "$LOGDIR/kiosk-xvfb.log" || fail "the installed app's window never said ui ready"
sleep 2
import -display ":$DISPLAY_NO" -window root "$ROOT/test-output/screenshots/package-installed-home.png"
xwininfo -display ":$DISPLAY_NO" -root -tree | grep -q '"배움 키오스크"' || fail "no window titled 배움 키오스크"
# A blank or one-colour screen has (almost) no spread; the home screen has text and buttons.
SPREAD=$(convert "$ROOT/test-output/screenshots/package-installed-home.png" -colorspace Gray -format '%[fx:standard_deviation]' info:)
python3 -c "import sys; sys.exit(0 if float('$SPREAD') > 0.05 else 1)" || fail "the window looks blank (spread $SPREAD)"
pkill -u baeum -x baeum-kiosk || true
ok "the window from /usr/bin/baeum-kiosk shows a drawn screen (test-output/screenshots/package-installed-home.png)"

step "apt-get purge"
sctl stop baeum-hub.service
kill -9 "$SYSTEMD_PID"
SYSTEMD_PID=""
remove_test_units
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq baeum-kiosk baeum-hub > "$OUT/apt-purge.txt" 2>&1 \
  || { cat "$OUT/apt-purge.txt"; fail "apt-get purge"; }
for gone in /usr/bin/baeum-kiosk /usr/bin/baeum-hub /etc/baeum /var/lib/baeum /var/lib/baeum-hub \
  /lib/systemd/system/baeum-kiosk.service /lib/systemd/system/baeum-hub.service \
  /etc/systemd/system/graphical.target.wants/baeum-kiosk.service /etc/systemd/system/multi-user.target.wants/baeum-hub.service; do
  [ ! -e "$gone" ] && [ ! -L "$gone" ] || fail "$gone is left after purge"
done
if getent passwd baeum baeum-hub >/dev/null; then fail "a service user is left after purge"; fi
if getent group baeum baeum-hub >/dev/null; then fail "a service group is left after purge"; fi
if dpkg-query -W -f='${Status}\n' baeum-kiosk baeum-hub 2>/dev/null | grep -q "install ok"; then
  fail "dpkg still lists a package as installed"
fi
INSTALLED=0
ok "purge leaves no binary, settings, data, unit, boot link, user or group"
echo "# package test: $PASSED passed"
