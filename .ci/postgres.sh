#!/usr/bin/env bash
# Throwaway PostgreSQL for tests and CI: `start` (idempotent) creates a cluster under a temp dir,
# listening on 127.0.0.1:$PGPORT only, with role/database sundial (password sundial), and prints
# its JDBC URL; `url` prints the URL; `stop` stops it and removes the dir. CI runs as root, and
# PostgreSQL refuses to run as root, so the server runs as the `postgres` OS user.
set -euo pipefail

PGPORT="${SUNDIAL_PG_PORT:-55432}"
# /tmp, not $TMPDIR: the postgres user must be able to reach the directory.
PGDIR="${SUNDIAL_PG_DIR:-/tmp/sundial-pg-$PGPORT}"
URL="jdbc:postgresql://127.0.0.1:$PGPORT/sundial?user=sundial&password=sundial"

log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
      echo "$d"
      return 0
    fi
  done
  local initdb
  initdb="$(command -v initdb || true)"
  if [[ -n "$initdb" && -x "$(dirname "$initdb")/pg_ctl" ]]; then
    dirname "$(readlink -f "$initdb")"
    return 0
  fi
  return 1
}

ensure_binaries() {
  if ! BIN="$(find_bin)"; then
    log "PostgreSQL server binaries not found; installing the postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q postgresql >&2
    BIN="$(find_bin)" || { log "initdb/pg_ctl still missing after install"; exit 1; }
  fi
}

# Runs a command as the server's OS user (postgres when we are root, else ourselves).
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then
    if command -v runuser >/dev/null; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

running() {
  [[ -f "$PGDIR/data/postmaster.pid" ]] && as_pg "$BIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1
}

start() {
  ensure_binaries
  if running; then
    echo "$URL"
    return 0
  fi
  if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir "$PGDIR" --shell /bin/sh postgres
  fi
  if [[ ! -f "$PGDIR/data/PG_VERSION" ]]; then
    rm -rf "$PGDIR"
    mkdir -p "$PGDIR"
    [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$PGDIR"
    chmod 700 "$PGDIR"
    as_pg "$BIN/initdb" -D "$PGDIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
      || { as_pg rm -rf "$PGDIR/data"; as_pg "$BIN/initdb" -D "$PGDIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >/dev/null; }
  fi
  # Socket dir inside our dir: /var/run/postgresql may not exist or be writable.
  as_pg "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c max_connections=300 -c fsync=on" \
    start >/dev/null || { log "server did not start:"; cat "$PGDIR/server.log" >&2 || true; exit 1; }
  local deadline=$((SECONDS + 60))
  until as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; do
    if ((SECONDS > deadline)); then log "server not accepting connections"; exit 1; fi
    sleep 0.2
  done
  psql_pg() { as_pg psql -q -v ON_ERROR_STOP=1 -h "$PGDIR" -p "$PGPORT" -U postgres -d postgres "$@"; }
  if [[ "$(psql_pg -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'sundial'")" != 1 ]]; then
    psql_pg -c "CREATE ROLE sundial LOGIN PASSWORD 'sundial'"
  fi
  if [[ "$(psql_pg -tAc "SELECT 1 FROM pg_database WHERE datname = 'sundial'")" != 1 ]]; then
    psql_pg -c "CREATE DATABASE sundial OWNER sundial"
  fi
  echo "$URL"
}

stop() {
  if BIN="$(find_bin)" && [[ -d "$PGDIR/data" ]]; then
    as_pg "$BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PGDIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
