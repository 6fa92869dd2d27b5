#!/usr/bin/env bash
# What one fresh enrollment costs the single node on embedded SQLite (issue 14): a node of the Release build on a
# throwaway data directory, the runner's enrollment-surge open model against it on this same machine, then the node's
# CPU, allocations and GC pause divided by the enrollments it committed.
# usage: [warmup=S] scripts/surge-cost.sh [RATE [SECONDS]] [-- extra node arguments, e.g. --FloorPay:Ledger:MaxBatch=512]
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-600}; seconds=${2:-30}
shift $(( $# >= 2 ? 2 : $# )) || true
[ "${1:-}" = "--" ] && shift
dotnet build silo/FloorPay.Silo -c Release -v quiet -nologo >/dev/null
dotnet build loadtests/FloorPay.LoadTests -c Release -v quiet -nologo >/dev/null

data=$(mktemp -d); log=$(mktemp); out=$(mktemp -d)
silo_pid=""
cleanup() { [ -n "$silo_pid" ] && kill "$silo_pid" 2>/dev/null && wait "$silo_pid" 2>/dev/null; rm -rf "$data" "$out"; }
trap cleanup EXIT
DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development dotnet silo/FloorPay.Silo/bin/Release/net10.0/FloorPay.Silo.dll \
  "--FloorPay:Storage:DataDirectory=$data" --FloorPay:Listen:GrpcPort=5380 --FloorPay:Listen:HttpPort=5381 \
  --FloorPay:Orleans:SiloPort=11380 --FloorPay:Orleans:GatewayPort=30380 --FloorPay:Management:Port=5382 \
  --Logging:LogLevel:Default=Warning "$@" > "$log" 2>&1 &
silo_pid=$!
for _ in $(seq 1 240); do curl -sf -o /dev/null http://127.0.0.1:5382/health/ready && break; sleep 0.25; done

cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }
metric() { curl -sf http://127.0.0.1:5382/metrics | awk -v m="$1" '$1 == m && v == "" {v = $2} END {print v + 0}'; }
enrolled() { curl -sf http://127.0.0.1:5382/metrics | awk '$1 ~ /^floorpay_enrollments_total/ {s += $2} END {print s + 0}'; }
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%Y-%m-%d); rate ${rate}/s for ${seconds}s"
# A warm-up run first (JIT, connection pools, caches), not counted.
dotnet loadtests/FloorPay.LoadTests/bin/Release/net10.0/FloorPay.LoadTests.dll run enrollment-surge --address http://127.0.0.1:5380 --plain \
  --phase "inject:${rate}/s:${warmup:-10}s" --out "$out/warmup" > /dev/null 2>&1 || true
cpu0=$(cpu_of "$silo_pid"); alloc0=$(metric dotnet_gc_heap_total_allocated_bytes_total); pause0=$(metric dotnet_gc_pause_time_seconds_total)
n0=$(enrolled); t0=$(date +%s.%N)
dotnet loadtests/FloorPay.LoadTests/bin/Release/net10.0/FloorPay.LoadTests.dll run enrollment-surge --address http://127.0.0.1:5380 --plain \
  --phase "inject:${rate}/s:${seconds}s" --out "$out" > "$out/run.log" 2>&1 || true; [ -n "${keep:-}" ] && cp "$out/run.log" "$keep"; [ -n "${keep:-}" ] && cp "$log" "$keep.silo"
t1=$(date +%s.%N); cpu1=$(cpu_of "$silo_pid"); alloc1=$(metric dotnet_gc_heap_total_allocated_bytes_total)
pause1=$(metric dotnet_gc_pause_time_seconds_total); n1=$(enrolled)
grep -E '^\| (enroll|step) ' "$out/run.log"
grep -E '^Integrity check' "$out/run.log" || true
awk -v c0="$cpu0" -v c1="$cpu1" -v a0="$alloc0" -v a1="$alloc1" -v p0="$pause0" -v p1="$pause1" -v n0="$n0" -v n1="$n1" -v t0="$t0" -v t1="$t1" 'BEGIN {
  n = n1 - n0; if (n <= 0) { print "no enrollments counted"; exit 1 }
  printf "enrollments %d; node CPU per enrollment %.3f ms (%.2f cores); allocated %.1f KiB each; GC pause %.2f %% of %.1f s\n",
    n, 1000 * (c1 - c0) / n, (c1 - c0) / (t1 - t0), (a1 - a0) / n / 1024, 100 * (p1 - p0) / (t1 - t0), t1 - t0 }'
