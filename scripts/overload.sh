#!/usr/bin/env bash
# Overload at three times capacity (docs/benchmarks.md), on the single node with embedded SQLite.
# The node is pinned to CPU 0 and the runner to CPU 1, so the load generator does not take the server's CPU (as it
# would not from another machine); capacity is measured the same way.
#  1. capacity: closed model, 64 clients, 15 s after a 3 s warm-up: ok/s;
#  2. overload: open model at three times that rate, 15 s after a 3 s warm-up, with the targets as thresholds:
#     goodput at least 90% of capacity, refusals under 10 ms at p99, no admitted call timing out or failing.
# Extra arguments go to the overload run only (e.g. --local-arg --FloorPay:Admission:MaxQueuedWork=10): capacity is
# always measured with the default configuration.
# Reports: reports/overload/capacity and reports/overload/3x.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(nproc)" -ge 2 ] || { echo "needs at least 2 CPUs (one for the node, one for the runner)" >&2; exit 2; }
dotnet build silo/FloorPay.Silo -c Release -v quiet -nologo >/dev/null
dotnet build loadtests/FloorPay.LoadTests -c Release -v quiet -nologo >/dev/null
runner=loadtests/FloorPay.LoadTests/bin/Release/net10.0/FloorPay.LoadTests.dll
run() { taskset -c 1 dotnet "$runner" run enrollment-surge --plain --local --local-cpus 0 "$@"; }
ok_per_second() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(int([s for s in r["steps"] if s["name"] == "all"][0]["okPerSecond"]))' "$1"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%Y-%m-%d)"
rm -rf reports/overload && mkdir -p reports/overload
run --phase keep:64:15s --warmup 3 --out reports/overload/capacity > reports/overload/capacity.log 2>&1
capacity=$(ok_per_second reports/overload/capacity/report.json)
rate=$((capacity * 3))
floor=$((capacity * 9 / 10))
echo "capacity: $capacity ok/s; overload at $rate arrivals/s; goodput wanted above $floor ok/s"
code=0
run --phase "inject:${rate}/s:15s" --warmup 3 --out reports/overload/3x \
  --threshold "goodput>$floor" --threshold "@ResourceExhausted:p99<10ms" \
  --threshold "@DeadlineExceeded:count<1" --threshold "@Unavailable:count<1" --threshold "@Internal:count<1" "$@" \
  > reports/overload/3x.log 2>&1 || code=$?
sed -n '/^| step | status/,/^$/p;/^| threshold/,/^$/p;/^Runner start lag/p' reports/overload/3x.log
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); a=[s for s in r["steps"] if s["name"]=="all"][0]; print("goodput %.0f ok/s = %.0f%% of capacity %s" % (a["okPerSecond"], 100*a["okPerSecond"]/int(sys.argv[2]), sys.argv[2]))' \
  reports/overload/3x/report.json "$capacity"
exit "$code"
