#!/usr/bin/env bash
# Helpers to run a throwaway PostgreSQL server on loopback (sourced by test.sh and the cluster scripts).
# PostgreSQL refuses to run as root, so as root the server runs as the unprivileged "postgres" user.

pg_find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return 0
  return 1
}

pg_ensure_installed() {
  if PG_BIN=$(pg_find_bin); then return 0; fi
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL server binaries not found: installing Debian's postgresql package" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    PG_BIN=$(pg_find_bin) && return 0
  fi
  echo "FloorPay tests need PostgreSQL server binaries (initdb, pg_ctl, postgres)." >&2
  echo "Install Debian's 'postgresql' package (as root: apt-get install postgresql)," >&2
  echo "or point FLOORPAY_TEST_POSTGRES at an existing server." >&2
  return 1
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts a server; sets PG_DATA_DIR, PG_PORT, PG_CONNECTION_STRING.
pg_start_throwaway() {
  pg_ensure_installed
  PG_DATA_DIR=$(mktemp -d /tmp/floorpay-pg.XXXXXX)
  PG_PORT=${PG_PORT:-$(pg_free_port)}
  local run_as=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    chown postgres "$PG_DATA_DIR"
    run_as=(runuser -u postgres --)
  fi
  "${run_as[@]}" "$PG_BIN/initdb" -D "$PG_DATA_DIR/data" -U floorpay --auth=trust -E UTF8 --no-locale >"$PG_DATA_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DATA_DIR/initdb.log" >&2; return 1; }
  # Tuned for a 2-core test machine: durability stays on (fsync, synchronous_commit), only limits are raised.
  "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA_DIR/data" -l "$PG_DATA_DIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DATA_DIR -c max_connections=300 -c shared_buffers=256MB -c max_wal_size=4GB -c checkpoint_timeout=15min" start >/dev/null \
    || { cat "$PG_DATA_DIR/server.log" >&2; return 1; }
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U floorpay -d postgres -qc "CREATE DATABASE floorpay_test;" >/dev/null
  PG_RUN_AS=("${run_as[@]}")
  PG_CONNECTION_STRING="Host=127.0.0.1;Port=$PG_PORT;Username=floorpay;Database=floorpay_test;Maximum Pool Size=100"
  echo "started throwaway PostgreSQL on 127.0.0.1:$PG_PORT (data in $PG_DATA_DIR)" >&2
}

pg_stop_throwaway() {
  if [ -n "${PG_DATA_DIR:-}" ] && [ -d "$PG_DATA_DIR/data" ]; then
    "${PG_RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DATA_DIR"
  fi
}
