#!/usr/bin/env bash
# Runs a command beside a throw-away PostgreSQL cluster and tears the cluster down afterwards,
# whatever the command did. The cluster lives in a temp dir, listens on a free loopback port only,
# and runs as an unprivileged user (`postgres` when this runs as root: initdb refuses root).
# The command sees BAEUM_TEST_POSTGRES=postgres://baeum:PASSWORD@127.0.0.1:PORT/postgres (or the variable
# WITH_POSTGRES_AS names) and BAEUM_HUB_KEYS, a folder for the hubs' shared secret files.
#
#   scripts/with-postgres.sh cargo test -p baeum-hub
set -euo pipefail

initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$initdb" ]; then
  echo "PostgreSQL is not installed (run scripts/install-deps.sh)." >&2
  exit 1
fi
bin=$(dirname "$initdb")

dir=$(mktemp -d /tmp/baeum-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi

# A free port: ask the kernel for one, then hand it to PostgreSQL.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

stop() {
  "${as_owner[@]+"${as_owner[@]}"}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

# Over TCP a password (random, this run's only); over the socket in the temp dir, trust.
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
printf '%s\n' "$password" >"$dir/pwfile"
chmod 600 "$dir/pwfile"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir/pwfile"; fi
"${as_owner[@]+"${as_owner[@]}"}" "$bin/initdb" -D "$dir/data" --auth-local=trust --auth-host=scram-sha-256 \
  --pwfile="$dir/pwfile" -U baeum -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
# fsync off for tests: the cluster is thrown away after the run, and durability is not what they
# check. WITH_POSTGRES_DURABLE=1 (make loadtest) keeps PostgreSQL's durable defaults, to compare
# fairly with the SQLite hub's synchronous=FULL.
durability="-c fsync=off"
if [ "${WITH_POSTGRES_DURABLE:-0}" = 1 ]; then durability=""; fi
"${as_owner[@]+"${as_owner[@]}"}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $durability -c max_connections=300" start >/dev/null ||
  { cat "$dir/server.log" >&2; exit 1; }

# WITH_POSTGRES_AS names the variable the URL goes in (make loadtest uses its own, so that its
# SQLite hub stays on SQLite).
var=${WITH_POSTGRES_AS:-BAEUM_TEST_POSTGRES}
export "$var=postgres://baeum:$password@127.0.0.1:$port/postgres"
# The signing key and PIN pepper every hub process on this database shares.
mkdir -m 700 "$dir/keys"
export BAEUM_HUB_KEYS="$dir/keys"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for this run at 127.0.0.1:$port" >&2
set +e
"$@"
rc=$?
set -e
exit $rc
