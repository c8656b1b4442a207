#!/usr/bin/env bash
# ippeveprinter, the real IPP printer the tests print to, needs the DNS-SD stack: a system D-Bus
# and avahi-daemon (even with `-r off` it will not start without them). Start them when they are
# not running (CI containers have no init system). Idempotent; uses sudo when not root.
#
# A machine image taken while the daemons ran keeps their socket and pid files without the
# processes, so "the socket exists" proves nothing: ask the bus itself, and clear stale files.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

avahi_answers() {
  dbus-send --system --dest=org.freedesktop.Avahi --type=method_call --print-reply \
    / org.freedesktop.Avahi.Server.GetVersionString >/dev/null 2>&1
}

bus_answers() {
  dbus-send --system --dest=org.freedesktop.DBus --type=method_call --print-reply \
    /org/freedesktop/DBus org.freedesktop.DBus.GetId >/dev/null 2>&1
}

if ! bus_answers; then
  $SUDO mkdir -p /run/dbus
  $SUDO rm -f /run/dbus/pid /run/dbus/system_bus_socket
  $SUDO dbus-daemon --system --fork
  for _ in $(seq 1 50); do bus_answers && break; sleep 0.1; done
  if ! bus_answers; then
    echo "the system D-Bus did not start; printing tests need it for ippeveprinter" >&2
    exit 1
  fi
  # avahi registered on the old bus (if any) is gone with it.
  $SUDO avahi-daemon --kill >/dev/null 2>&1 || true
fi

if avahi_answers; then exit 0; fi
# A pid file naming a dead (or zombie) avahi makes a new one refuse to start.
$SUDO avahi-daemon --kill >/dev/null 2>&1 || true
$SUDO rm -f /run/avahi-daemon/pid
log=$(mktemp)
if ! $SUDO avahi-daemon -D --no-drop-root --no-chroot >"$log" 2>&1; then
  echo "avahi-daemon did not start; printing tests need it (ippeveprinter):" >&2
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
for _ in $(seq 1 50); do
  if avahi_answers; then exit 0; fi
  sleep 0.1
done
echo "avahi-daemon did not start; printing tests need it (ippeveprinter)" >&2
exit 1
