#!/usr/bin/env bash
# `make run`: a local hub seeded with the Gwangmyeong demo catalog on a free loopback port, and
# the kiosk window pointed at it. Data lives in .run/ (delete it to start over).
# Extra kiosk flags: KIOSK_ARGS="--fullscreen" make run
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BAEUM_BIN_DIR:-target/debug}
RUN=.run
mkdir -p "$RUN"

# Re-seeding is idempotent: unchanged courses are not rewritten.
"$BIN/baeum-hub" seed --demo --db "$RUN/hub.db"

: > "$RUN/hub.out"
# HTTPS with a self-signed pair made once in .run/tls/; the kiosk pins that certificate.
"$BIN/baeum-hub" serve --db "$RUN/hub.db" --listen 127.0.0.1:0 --tls-self-signed "$RUN/tls" > "$RUN/hub.out" 2> "$RUN/hub.log" &
HUB_PID=$!
cleanup() { kill "$HUB_PID" 2>/dev/null || true; [ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

for _ in $(seq 1 100); do
  grep -q '^listening on ' "$RUN/hub.out" && break
  sleep 0.1
done
HUB_URL=$(sed -n 's/^listening on //p' "$RUN/hub.out")
if [ -z "$HUB_URL" ]; then
  echo "The hub did not start; see $RUN/hub.log" >&2
  exit 1
fi
echo "Hub: $HUB_URL (log: $RUN/hub.log)"

if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:77
  Xvfb "$DISPLAY" -screen 0 1080x1920x24 -nolisten tcp &
  XVFB_PID=$!
  sleep 1
  echo "No display found: the kiosk runs on virtual display $DISPLAY."
  echo "Take a look with: DISPLAY=$DISPLAY import -window root kiosk.png"
fi

# The kiosk is registered with the hub once, as staff do at a new kiosk: a one-time invite code
# from the hub, then `baeum-kiosk provision --code` (its credential stays in .run/kiosk/secrets).
# Named after the kiosk's own id, so a .run/ from before provisioning keeps its queue.
KIOSK_ID=$("$BIN/baeum-kiosk" --data-dir "$RUN/kiosk" status --json | sed -n 's/.*"kiosk_id": *"\([^"]*\)".*/\1/p')
if ! "$BIN/baeum-hub" kiosk --db "$RUN/hub.db" list | grep -q "\"kiosk_id\": \"$KIOSK_ID\""; then
  CODE=$("$BIN/baeum-hub" kiosk --db "$RUN/hub.db" invite --institution gm-llc --kiosk "$KIOSK_ID" --json | sed -n 's/.*"code":"\([^"]*\)".*/\1/p')
  "$BIN/baeum-kiosk" --hub "$HUB_URL" --hub-ca "$RUN/tls/hub.crt" --data-dir "$RUN/kiosk" provision --code "$CODE"
fi

# Demo data only: a desk clerk's account at the hub (직원 번호 1001, PIN 246813), and the same PIN
# as this kiosk's own staff PIN, which opens the offline staff mode when the hub is unreachable.
DEMO_STAFF_PIN=246813
if ! "$BIN/baeum-hub" staff --db "$RUN/hub.db" list | grep -q '"staff_number": "1001"'; then
  echo "$DEMO_STAFF_PIN" | "$BIN/baeum-hub" staff --db "$RUN/hub.db" add --number 1001 --name 데모직원 --role desk --institution gm-llc
fi
echo "$DEMO_STAFF_PIN" | "$BIN/baeum-kiosk" --data-dir "$RUN/kiosk" staff-pin --if-unset >/dev/null
echo "Staff sign-in (직원 button) for this demo: 직원 번호 1001, 비밀번호 $DEMO_STAFF_PIN"

# shellcheck disable=SC2086
"$BIN/baeum-kiosk" --hub "$HUB_URL" --hub-ca "$RUN/tls/hub.crt" --data-dir "$RUN/kiosk" ${KIOSK_ARGS:-}
