#!/usr/bin/env bash
# Seal, export and verify one million ledger entries on PostgreSQL (docs/benchmarks.md, "Audit trail"): a throwaway
# PostgreSQL, 1,000,000 payouts inserted by one SQL statement (the baseline), then the Release build's audit commands, timed.
# usage: scripts/audit-bench.sh (after dotnet build FloorPay.sln -c Release)
set -euo pipefail
cd /work/main
source scripts/postgres.sh
PG_PORT=54998 pg_start_throwaway > /dev/null
trap 'PG_PORT=54998 pg_stop_throwaway >/dev/null 2>&1 || true' EXIT
CS="Host=127.0.0.1;Port=54998;Username=floorpay;Database=floorpay_test;Command Timeout=600"
SILO=silo/FloorPay.Silo/bin/Release/net10.0/FloorPay.Silo.dll
work=$(mktemp -d)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/key.pem" 2>/dev/null
openssl pkey -in "$work/key.pem" -pubout -out "$work/pub.pem"
ARGS=(--FloorPay:Storage:Provider=PostgreSql "--FloorPay:Storage:ConnectionString=$CS" "--FloorPay:Audit:SigningKeyFile=$work/key.pem")
dotnet $SILO migrate "${ARGS[@]}" > /dev/null
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%Y-%m-%d)"
start=$(date +%s.%N)
"$PG_BIN/psql" -h 127.0.0.1 -p 54998 -U floorpay -d floorpay_test -qAt -c "
INSERT INTO floorpay_payouts (payout_id, citizen_id, kind, slot, period, amount, currency, reason_code, region_id, bank_id, account_token,
  idempotency_key, fingerprint, enrollment, paid_at_ticks, bucket)
SELECT 'pay-b-' || g, 'c-b-' || g, 'floor', '2026-11', '2026-11', 120000, 'EUR', 'FLOOR_PAID@policy-v1',
  (ARRAY['R-NORTH','R-SOUTH','R-EAST','R-WEST'])[1 + g % 4], 'bank-a', 'tok-b-' || g, 'k-b-' || g, 'f', false,
  639000000000000000 + g::bigint * 10000, (g % 1024)::smallint
FROM generate_series(1, 1000000) g;"
echo "raw INSERT of 1,000,000 payouts (one statement): $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"
t() { local s; s=$(date +%s.%N); "$@" > "$work/out.txt" 2>&1; echo "$(awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s: $(tail -1 "$work/out.txt")"; }
echo "seal + export (audit export --seal): $(t dotnet $SILO audit export --out "$work/e1" --seal "${ARGS[@]}")"
echo "export only (audit export): $(t dotnet $SILO audit export --out "$work/e2" "${ARGS[@]}")"
echo "verify (audit verify): $(t dotnet $SILO audit verify "$work/e2" --public-key "$work/pub.pem")"
ls -la "$work/e2" | awk '{print $5, $9}' | grep jsonl
rm -rf "$work"
