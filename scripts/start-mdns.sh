#!/usr/bin/env bash
# ippeveprinter, the real IPP printer the tests print to, needs the DNS-SD stack: a system D-Bus
# and avahi-daemon. Start them when they are not running (CI containers have no init system).
# Idempotent; uses sudo when not root.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if avahi-daemon --check 2>/dev/null; then exit 0; fi
if [ ! -S /run/dbus/system_bus_socket ]; then
  $SUDO mkdir -p /run/dbus
  $SUDO rm -f /run/dbus/pid
  $SUDO dbus-daemon --system --fork
fi
$SUDO avahi-daemon -D --no-drop-root --no-chroot
for _ in $(seq 1 50); do
  if avahi-daemon --check 2>/dev/null; then exit 0; fi
  sleep 0.1
done
echo "avahi-daemon did not start; printing tests need it (ippeveprinter)" >&2
exit 1
