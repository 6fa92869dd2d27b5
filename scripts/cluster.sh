#!/usr/bin/env bash
# A real multi-process FloorPay cluster on one machine: N silo processes (each also serving the gRPC/JSON gateway)
# on loopback, sharing one PostgreSQL for membership, grain state, reminders and the payout ledger.
#
#   scripts/cluster.sh start [N]   build, start a throwaway PostgreSQL (unless FLOORPAY_POSTGRES is set) and N silos (default 3)
#   scripts/cluster.sh status      list the silos and whether they answer
#   scripts/cluster.sh kill I      kill -9 silo I (a crash drill)
#   scripts/cluster.sh stop        stop the silos and the throwaway PostgreSQL
#
# Silo I listens on gRPC 127.0.0.1:(5180+I), JSON 127.0.0.1:(5190+I) and management (metrics, health) 127.0.0.1:(5170+I);
# Orleans silo port 11110+I, gateway 30000+I.
# It runs in Development, so the demo API keys of README.md work. State of the running cluster is kept in .cluster/.
set -euo pipefail
cd "$(dirname "$0")/.."
state=.cluster
cmd=${1:-}

silo_dll=silo/FloorPay.Silo/bin/Release/net10.0/FloorPay.Silo.dll

start() {
  local n=${1:-3}
  [ -d "$state" ] && { echo "a cluster is already running (scripts/cluster.sh stop first)" >&2; exit 1; }
  mkdir -p "$state"
  dotnet build silo/FloorPay.Silo -c Release -v quiet -nologo >/dev/null
  if [ -n "${FLOORPAY_POSTGRES:-}" ]; then
    echo "$FLOORPAY_POSTGRES" > "$state/connection"
  else
    # shellcheck source=scripts/postgres.sh
    source scripts/postgres.sh
    pg_start_throwaway
    printf '%s\n' "$PG_DATA_DIR" > "$state/pg_data_dir"
    printf '%s\n' "$PG_BIN" > "$state/pg_bin"
    echo "$PG_CONNECTION_STRING" > "$state/connection"
  fi
  local conn; conn=$(cat "$state/connection")
  DOTNET_ENVIRONMENT=Production dotnet "$silo_dll" migrate "--FloorPay:Storage:Provider=PostgreSql" "--FloorPay:Storage:ConnectionString=$conn"
  for i in $(seq 1 "$n"); do
    DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development nohup dotnet "$silo_dll" \
      "--FloorPay:Storage:Provider=PostgreSql" "--FloorPay:Storage:ConnectionString=$conn" \
      "--FloorPay:Orleans:ClusterId=floorpay-cluster" \
      "--FloorPay:Listen:GrpcPort=$((5180 + i))" "--FloorPay:Listen:HttpPort=$((5190 + i))" \
      "--FloorPay:Orleans:SiloPort=$((11110 + i))" "--FloorPay:Orleans:GatewayPort=$((30000 + i))" "--FloorPay:Management:Port=$((5170 + i))" \
      > "$state/silo-$i.log" 2>&1 &
    echo $! > "$state/silo-$i.pid"
  done
  for i in $(seq 1 "$n"); do
    for _ in $(seq 1 120); do
      curl -sf -o /dev/null "http://127.0.0.1:$((5190 + i))/" && break
      sleep 0.5
    done
  done
  status
}

status() {
  for pidfile in "$state"/silo-*.pid; do
    [ -e "$pidfile" ] || { echo "no cluster running"; return 0; }
    local i=${pidfile##*/silo-}; i=${i%.pid}
    local pid; pid=$(cat "$pidfile")
    local up=down
    kill -0 "$pid" 2>/dev/null && curl -sf -o /dev/null "http://127.0.0.1:$((5190 + i))/" && up=serving
    echo "silo $i (pid $pid): $up — gRPC 127.0.0.1:$((5180 + i)), JSON http://127.0.0.1:$((5190 + i)), metrics and health http://127.0.0.1:$((5170 + i))"
  done
}

kill_silo() {
  local pid; pid=$(cat "$state/silo-$1.pid")
  kill -9 "$pid"
  echo "killed silo $1 (pid $pid) with SIGKILL"
}

stop() {
  [ -d "$state" ] || { echo "no cluster running"; return 0; }
  for pidfile in "$state"/silo-*.pid; do
    [ -e "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  sleep 2
  for pidfile in "$state"/silo-*.pid; do
    [ -e "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  done
  if [ -f "$state/pg_data_dir" ]; then
    # shellcheck source=scripts/postgres.sh
    source scripts/postgres.sh
    PG_DATA_DIR=$(cat "$state/pg_data_dir"); PG_BIN=$(cat "$state/pg_bin")
    PG_RUN_AS=(); [ "$(id -u)" -eq 0 ] && PG_RUN_AS=(runuser -u postgres --)
    pg_stop_throwaway
  fi
  rm -rf "$state"
  echo "cluster stopped"
}

case "$cmd" in
  start) start "${2:-3}" ;;
  status) status ;;
  kill) kill_silo "$2" ;;
  stop) stop ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
