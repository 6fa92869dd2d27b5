#!/usr/bin/env bash
# The payout benchmark of docs/benchmarks.md, end to end on this machine:
#  1. a throwaway PostgreSQL on loopback (the same tuning as the tests: fsync and synchronous_commit on);
#  2. baseline: raw single-row durable INSERTs into that PostgreSQL with pgbench (16 clients, autocommit);
#  3. one FloorPay process (Release) on that PostgreSQL, and the load runner against its gRPC port:
#     a fixed arrival rate first (open model, latency from intended start), then capacity (closed model).
# Options are passed to the load runner (e.g. --duration 30 --rate 2000 --concurrency 64).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh

dotnet build silo/FloorPay.Silo -c Release -v quiet -nologo >/dev/null
dotnet build loadtests/FloorPay.LoadTests -c Release -v quiet -nologo >/dev/null

silo_pid=""
cleanup() {
  [ -n "$silo_pid" ] && kill "$silo_pid" 2>/dev/null && wait "$silo_pid" 2>/dev/null || true
  pg_stop_throwaway
}
pg_start_throwaway
trap cleanup EXIT
psql_() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U floorpay -d floorpay_test -qAt "$@"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%Y-%m-%d)"
psql_ -c "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, citizen_id text NOT NULL, amount bigint NOT NULL, at timestamptz NOT NULL DEFAULT now());"
script=$(mktemp)
echo "INSERT INTO bench_insert (citizen_id, amount) VALUES ('c-' || (random() * 1000000)::int, 120000);" > "$script"
raw=$("$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U floorpay -n -c 16 -j 2 -T 15 -f "$script" floorpay_test 2>/dev/null \
  | awk '/^tps/ {print int($3)}')
rm -f "$script"
echo "baseline: raw single-row INSERT (pgbench, 16 clients, autocommit): $raw inserts/s"

# CPU seconds of a process and of its reaped children (PostgreSQL backends are reaped by the postmaster).
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / hz }' "/proc/$1/stat"; }
postmaster=$(head -1 "$PG_DATA_DIR/data/postmaster.pid")
pg_cpu_before=$(cpu_of "$postmaster")

log=$(mktemp)
DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development nice -n "${FLOORPAY_BENCH_SILO_NICE:-0}" dotnet silo/FloorPay.Silo/bin/Release/net10.0/FloorPay.Silo.dll \
  --FloorPay:Storage:Provider=PostgreSql "--FloorPay:Storage:ConnectionString=$PG_CONNECTION_STRING" \
  --FloorPay:Listen:GrpcPort=5280 --FloorPay:Listen:HttpPort=5281 --FloorPay:Orleans:SiloPort=11280 --FloorPay:Orleans:GatewayPort=30280 --FloorPay:Management:Port=5282 \
  --Logging:LogLevel:Default=Warning ${FLOORPAY_BENCH_SILO_ARGS:-} > "${FLOORPAY_BENCH_SILO_LOG:-$log}" 2>&1 &
silo_pid=$!
for _ in $(seq 1 120); do curl -sf -o /dev/null http://127.0.0.1:5281/ && break; sleep 0.5; done

dotnet loadtests/FloorPay.LoadTests/bin/Release/net10.0/FloorPay.LoadTests.dll payouts --address http://127.0.0.1:5280 "$@" | tee /tmp/floorpay-bench.md
best=$(awk -F'|' '/^\| capacity / {gsub(/ /, "", $7); print $7}' /tmp/floorpay-bench.md)
[ -n "$best" ] && [ -n "$raw" ] && awk -v b="$best" -v r="$raw" 'BEGIN { printf "ratio: FloorPay durable payouts/s over raw single-row inserts/s = %.2f\n", b / r }'
payouts=$(psql_ -c "SELECT COUNT(*) FROM floorpay_payouts")
echo "ledger rows after the run: $payouts"
# CPU per payout is steadier than payouts/s on a shared machine: it does not depend on who else had the cores.
silo_cpu=$(cpu_of "$silo_pid")
# Bytes the silo allocated over its life (the runtime's own counter, exported on the management port).
silo_alloc=$(curl -sf http://127.0.0.1:5282/metrics | awk '$1 ~ /^(system_runtime_)?dotnet_gc_heap_total_allocated(_bytes)?(_total)?$/ {print $2; exit}' || true)
kill "$silo_pid" 2>/dev/null && wait "$silo_pid" 2>/dev/null || true
silo_pid=""
sleep 2 # the silo's backends exit once they see it gone; the postmaster counts their CPU when it reaps them
pg_cpu=$(awk -v a="$(cpu_of "$postmaster")" -v b="$pg_cpu_before" 'BEGIN { print a - b }')
awk -v s="$silo_cpu" -v p="$pg_cpu" -v n="$payouts" 'BEGIN { if (n > 0) printf "cpu per payout: FloorPay %.3f ms, PostgreSQL %.3f ms (start-up and warm-up included)\n", 1000 * s / n, 1000 * p / n }'
if [ -n "$silo_alloc" ]; then
  awk -v a="$silo_alloc" -v n="$payouts" 'BEGIN { if (n > 0) printf "allocated per payout: FloorPay %.1f KiB (start-up and warm-up included)\n", a / n / 1024 }'
fi
