#!/usr/bin/env bash
# Runs the whole FloorPay test suite against a real PostgreSQL on loopback.
# Without FLOORPAY_TEST_POSTGRES it starts a throwaway server (initdb into a temporary directory) and stops it
# afterwards; with FLOORPAY_TEST_POSTGRES="Host=...;Port=...;Username=...;Password=...;Database=..." it uses that server.
# Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Durability).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh

if [ -z "${FLOORPAY_TEST_POSTGRES:-}" ]; then
  pg_start_throwaway
  trap pg_stop_throwaway EXIT
  export FLOORPAY_TEST_POSTGRES="$PG_CONNECTION_STRING"
  # Lets the PostgreSQL-restart drill restart this throwaway server (it cannot restart a server it did not start).
  export FLOORPAY_TEST_PG_RESTART="${PG_RUN_AS[*]} $PG_BIN/pg_ctl -D $PG_DATA_DIR/data -l $PG_DATA_DIR/server.log -w -t 60 -m fast restart"
fi
echo "test PostgreSQL: ${FLOORPAY_TEST_POSTGRES}"

# The Kubernetes manifest tests render k8s/ with kubectl and validate it offline with Node.js (k8s/validate).
command -v kubectl >/dev/null || { apt-get update -qq && apt-get install -y -qq kubectl >/dev/null; } \
  || echo "kubectl is not installed and apt has no kubectl package: the manifest tests will fail" >&2
command -v node >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }
(cd k8s/validate && npm ci --no-audit --no-fund --loglevel=error)
# promtool (in Debian's prometheus package) checks a live scrape of /metrics. The package starts a Prometheus server
# where it can: the tests do not need that one.
if ! command -v promtool >/dev/null; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; } \
    || echo "promtool is not installed and apt could not install prometheus: the metrics test will fail" >&2
  pkill -x prometheus || true
fi

log=$(mktemp)
status=0
dotnet test FloorPay.sln --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log" || status=$?
# One closing line for the whole suite, summed over the test projects.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "tests: $passed passed, $failed failed"
exit "$status"
