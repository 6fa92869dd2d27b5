#!/usr/bin/env bash
# The surge scenarios of docs/benchmarks.md, each on the single node with embedded SQLite and on PostgreSQL:
# the runner starts the node itself (--local; for PostgreSQL a new database on a throwaway server on loopback, fsync
# and synchronous_commit on), runs the scenario, and ends with its integrity check. Reports (summary, JSON, HTML,
# charts, raw histograms) go to reports/scenarios/<storage>-<scenario>/; one line per run is printed at the end.
# Usage: scripts/scenarios.sh [scenario ...]   (default: all five)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh

dotnet build silo/FloorPay.Silo -c Release -v quiet -nologo >/dev/null
dotnet build loadtests/FloorPay.LoadTests -c Release -v quiet -nologo >/dev/null
runner=loadtests/FloorPay.LoadTests/bin/Release/net10.0/FloorPay.LoadTests.dll

pg_start_throwaway
trap pg_stop_throwaway EXIT

# The load of each scenario (the same on both storages).
declare -A load=(
  [enrollment-surge]="--phase ramp:50-460/s:10s --phase inject:460/s:20s --warmup 3 --threshold p99<500ms --threshold errors<0.1%"
  [hot-region]="--phase inject:400/s:20s --warmup 3 --param hot-share=0.8 --threshold errors<0.1%"
  [retry-storm]="--phase inject:300/s:15s --warmup 2 --param deadline-ms=30 --param resends=5"
  [payday]="--param citizens=50000 --phase inject:400/s:30s --warmup 2 --threshold errors<0.1%"
  [crisis-replay]="--threshold errors<0.1%"
)
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(enrollment-surge hot-region retry-storm payday crisis-replay)

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%Y-%m-%d)"
mkdir -p reports/scenarios
results=()
for scenario in "${scenarios[@]}"; do
  for storage in sqlite postgres; do
    out=reports/scenarios/$storage-$scenario
    rm -rf "$out"
    args=()
    if [ "$storage" = postgres ]; then
      db="fp_scenario_$(date +%s%N)"
      "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U floorpay -d postgres -qc "CREATE DATABASE $db;"
      args=(--local-arg --FloorPay:Storage:Provider=PostgreSql
            --local-arg "--FloorPay:Storage:ConnectionString=Host=127.0.0.1;Port=$PG_PORT;Username=floorpay;Database=$db;Maximum Pool Size=100")
    fi
    echo "== $scenario on $storage: run $scenario --local ${load[$scenario]} ${args[*]:0:2}"
    code=0
    # shellcheck disable=SC2086
    dotnet "$runner" run "$scenario" --local ${load[$scenario]} "${args[@]}" --out "$out" > "$out.log" 2>&1 || code=$?
    grep -E '^\| (all|[a-z-]+) \|' "$out.log" | head -4 || true
    results+=("$scenario on $storage: exit $code, $(grep -o 'Integrity check: \*\*[a-zA-Z]*\*\*' "$out.log" || echo 'no integrity check')")
  done
done
printf '%s\n' "${results[@]}"
