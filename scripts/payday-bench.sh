#!/usr/bin/env bash
# The payday benchmark of docs/benchmarks.md: N citizens enrolled in the previous period, then the current period's
# payday run, on a throwaway PostgreSQL on loopback (fsync and synchronous_commit on).
#  1. The citizens are seeded directly as complete ledger rows (enrollment payouts with their journal legs and
#     instructions, spread over 4 regions, 2 banks and the 64 buckets): enrolling a million through the API first
#     would take longer than the run itself and measure something else.
#  2. One FloorPay process (Release) starts; its scheduler starts the current period's run by itself.
#  3. The run's progress is read through the JSON API until it completes; then the ledger is checked.
# Usage: scripts/payday-bench.sh [citizens=1000000] [rate per second=5000]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
citizens=${1:-1000000}
rate=${2:-5000}

dotnet build silo/FloorPay.Silo -c Release -v quiet -nologo >/dev/null
silo_pid=""
cleanup() {
  [ -n "$silo_pid" ] && kill "$silo_pid" 2>/dev/null && wait "$silo_pid" 2>/dev/null || true
  pg_stop_throwaway
}
pg_start_throwaway
trap cleanup EXIT
psql_() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U floorpay -d floorpay_test -v ON_ERROR_STOP=1 -qAt "$@"; }
dll=silo/FloorPay.Silo/bin/Release/net10.0/FloorPay.Silo.dll
storage=(--FloorPay:Storage:Provider=PostgreSql "--FloorPay:Storage:ConnectionString=$PG_CONNECTION_STRING")

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%Y-%m-%d)"
# Baseline in the same run: raw single-row durable INSERTs (pgbench, 16 clients, autocommit).
psql_ -c "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, citizen_id text NOT NULL, amount bigint NOT NULL);"
script=$(mktemp)
echo "INSERT INTO bench_insert (citizen_id, amount) VALUES ('c-' || (random() * 1000000)::int, 120000);" > "$script"
raw=$("$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U floorpay -n -c 16 -j 2 -T 15 -f "$script" floorpay_test 2>/dev/null | awk '/^tps/ {print int($3)}')
rm -f "$script"
echo "baseline: raw single-row INSERT (pgbench, 16 clients, autocommit): $raw inserts/s"
dotnet "$dll" migrate "${storage[@]}" >/dev/null
current=$(date -u +%Y-%m)
previous=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m)
seed_start=$(date +%s)
psql_ <<SQL
INSERT INTO floorpay_payouts (payout_id, citizen_id, kind, slot, period, amount, currency, reason_code, region_id, bank_id, account_token,
                              idempotency_key, fingerprint, enrollment, paid_at_ticks, bucket)
SELECT 'seed-' || i || ':floor:$previous', 'seed-' || i, 'floor', '$previous', '$previous', 120000, 'EUR', 'FLOOR_ENROLLMENT_FULL@policy-v1',
       (ARRAY['R-NORTH', 'R-SOUTH', 'R-EAST', 'R-WEST'])[1 + i % 4], CASE WHEN i % 2 = 0 THEN 'bank-a' ELSE 'bank-b' END, 'tok-' || i,
       'seed', repeat('0', 64), true,
       (extract(epoch FROM timestamp '$previous-01 12:00:00')::bigint * 10000000) + 621355968000000000, i % 64
FROM generate_series(1, $citizens) AS i;
INSERT INTO floorpay_journal (posting_id, leg, account, amount)
SELECT payout_id, 1, 'fund:national', -amount FROM floorpay_payouts
UNION ALL SELECT payout_id, 2, 'payable:' || citizen_id, amount FROM floorpay_payouts;
INSERT INTO floorpay_instructions (instruction_id, bank_id, sequence, kind, payout_id, citizen_id, account_token, amount, currency, period,
                                   reason_code, reissue_of, issued_at_ticks)
SELECT payout_id, bank_id, row_number() OVER (PARTITION BY bank_id ORDER BY payout_id), kind, payout_id, citizen_id, account_token, amount,
       currency, period, reason_code, NULL, paid_at_ticks
FROM floorpay_payouts;
INSERT INTO floorpay_bank_sequences (bank_id, last_sequence) SELECT bank_id, COUNT(*) FROM floorpay_instructions GROUP BY bank_id;
ANALYZE;
SQL
echo "seeded $citizens citizens enrolled in $previous in $(( $(date +%s) - seed_start )) s"

log=$(mktemp)
DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development dotnet "$dll" "${storage[@]}" \
  --FloorPay:Listen:GrpcPort=5380 --FloorPay:Listen:HttpPort=5381 --FloorPay:Orleans:SiloPort=11380 --FloorPay:Orleans:GatewayPort=30380 --FloorPay:Management:Port=5382 \
  --FloorPay:Payday:RatePerSecond="$rate" --FloorPay:Payday:PageSize=${FLOORPAY_BENCH_PAGE:-1000} --FloorPay:Payday:CheckInterval=00:00:02 \
  --Logging:LogLevel:Default=Warning --Logging:LogLevel:FloorPay.Grains.PaydayRunGrain=Information ${FLOORPAY_BENCH_SILO_ARGS:-} > "${FLOORPAY_BENCH_SILO_LOG:-$log}" 2>&1 &
silo_pid=$!
run=""
for _ in $(seq 1 1200); do
  sleep 5
  run=$(curl -sf -H "authorization: Bearer dev-auditor" "http://127.0.0.1:5381/v1/payday-runs/$current" || true)
  [ -n "$run" ] && echo "$run" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("  %s: %s paid, %s already, slices %s/%s" % (r.get("status"), r.get("citizensPaid", 0), r.get("citizensAlreadyPaid", 0), r.get("slicesDone", 0), r.get("slicesTotal", 0)))' || true
  echo "$run" | grep -q '"COMPLETED"' && break
done
echo "$run" | python3 -c '
import json, sys
from datetime import datetime
r = json.load(sys.stdin)
parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
seconds = (parse(r["finishedAt"]) - parse(r["startedAt"])).total_seconds()
paid = int(r.get("citizensPaid", 0)) + int(r.get("citizensAlreadyPaid", 0))
print("payday run %s: %d citizens in %.0f s (%.0f/s, configured pace %s/s)" % (r["period"], paid, seconds, paid / seconds, r["ratePerSecond"]))'
echo "ledger: $(psql_ -c "SELECT COUNT(*) || ' floor payouts for $current, ' || COUNT(DISTINCT citizen_id) || ' distinct citizens' FROM floorpay_payouts WHERE kind = 'floor' AND period = '$current'")"
echo "outbox: $(psql_ -c "SELECT COUNT(*) || ' instructions for $current' FROM floorpay_instructions WHERE period = '$current'")"
