#!/usr/bin/env bash
# Kubernetes drills without a cluster: the production overlay (k8s/overlays/production) rendered, and each silo pod run
# as a process in a Linux network namespace of its own, with its own address, the environment, command, init container,
# probes and grace period its manifest gives (downward-API values filled in), PostgreSQL (TLS, password, as the
# CloudNativePG cluster's floorpay-db-rw service) in a namespace of its own, and the load runner in a third, calling the
# pods through an endpoints file that lists the ready pods as the Service's endpoints would.
#
#   scripts/podnet.sh DRILL [--short]    DRILL: rolling-update | scale-out | pod-kill | partition | all
#
# --short is the test suite's form: shorter runs, and only the checks that do not depend on the machine's speed.
# Exits non-zero when a drill fails its checks (the runner's thresholds, its integrity check, or the drill's own).
#
# Root only (ip netns, veth pairs). Addresses 10.77.0.0/24 exist only inside namespaces this script creates (a bridge in
# namespace fpd-net, no route anywhere else); everything is torn down at the end, also on failure.
# PODNET_ENV="NAME=VALUE ..." adds environment variables to every pod (a log level while investigating, say).
# Each drill writes its report under reports/podnet-DRILL-UTCTIME/ (the runner's summary.md, report.json with the
# per-second timeline, the pods' logs, drill.log with the drill's own events, and reconcile.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
drill=${1:-}
short=false
[ "${2:-}" = "--short" ] && short=true
case "$drill" in rolling-update|scale-out|pod-kill|partition|all) ;; *) sed -n '2,17p' "$0" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "podnet.sh needs root (network namespaces)" >&2; exit 2; }
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
pg_ensure_installed

silo_bin=$root/silo/FloorPay.Silo/bin/Release/net10.0
runner=$root/loadtests/FloorPay.LoadTests/bin/Release/net10.0/FloorPay.LoadTests.dll
dotnet build silo/FloorPay.Silo -c Release -v quiet -nologo >/dev/null
dotnet build loadtests/FloorPay.LoadTests -c Release -v quiet -nologo >/dev/null
[ -d k8s/validate/node_modules ] || (cd k8s/validate && npm ci --no-audit --no-fund --loglevel=error)

work=$(mktemp -d /tmp/podnet.XXXXXX)
chmod 755 "$work"
rendered=$work/production.yaml
kubectl kustomize k8s/overlays/production > "$rendered"
db_password=$(openssl rand -hex 16)
bank_key=$(openssl rand -hex 16)
auditor_key=$(openssl rand -hex 16)
treasury_key=$(openssl rand -hex 16)
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
declare -A pod_pid=()
endpoints=$work/endpoints
: > "$endpoints"
log() { echo "$(date -u +%H:%M:%S.%3N) $*" | tee -a "$work/drill.log" >&2; }

# ---------------------------------------------------------------- network
net=fpd-net
teardown() {
  set +e
  [ -n "${controller_pid:-}" ] && kill "$controller_pid" 2>/dev/null
  for p in "${!pod_pid[@]}"; do kill -KILL "${pod_pid[$p]}" 2>/dev/null; done
  [ -n "${pg_data:-}" ] && ip netns exec fpd-pg runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$pg_data/data" -m immediate -w stop >/dev/null 2>&1
  for ns in $(ip netns list | awk '/^fpd-/ {print $1}'); do ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null; ip netns del "$ns"; done
  rm -rf /etc/netns/fpd-* "${pg_data:-/nonexistent}"
  cgroups_del
  [ "${keep_work:-false}" = true ] || rm -rf "$work"
}
trap 'status=$?; [ $status -eq 0 ] || { keep_work=true; echo "failed: kept $work" >&2; }; teardown' EXIT
teardown_stale() { for ns in $(ip netns list | awk '/^fpd-/ {print $1}'); do ip netns pids "$ns" | xargs -r kill -KILL; ip netns del "$ns"; done; }
teardown_stale

ip netns add $net
ip -n $net link set lo up
ip -n $net link add br0 type bridge
ip -n $net link set br0 up

# attach NAME ADDRESS: a namespace fpd-NAME with eth0 on the bridge at ADDRESS/24 and no other route.
attach() {
  local ns=fpd-$1
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip -n $net link add "v-$1" type veth peer name eth0 netns "$ns"
  ip -n $net link set "v-$1" master br0 up
  ip -n "$ns" addr add "$2/24" dev eth0
  ip -n "$ns" link set eth0 up
  # The cluster's DNS, as far as a pod needs it: the CloudNativePG read-write service's name.
  mkdir -p "/etc/netns/$ns"
  printf '127.0.0.1 localhost\n10.77.0.2 floorpay-db-rw\n' > "/etc/netns/$ns/hosts"
}
pod_ip() { echo "10.77.0.$((10 + $1))"; }
link() { ip -n $net link set "v-$1" "$2"; } # link NAME up|down: the pod's cable

# ---------------------------------------------------------------- PostgreSQL (as CloudNativePG would serve it)
attach pg 10.77.0.2
pg_data=$(mktemp -d /tmp/podnet-pg.XXXXXX)
id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
chown postgres "$pg_data"
runuser -u postgres -- "$PG_BIN/initdb" -D "$pg_data/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=floorpay-db-rw -keyout "$pg_data/data/server.key" -out "$pg_data/data/server.crt" 2>/dev/null
chown postgres "$pg_data/data/server.key" "$pg_data/data/server.crt"
chmod 600 "$pg_data/data/server.key"
echo "hostssl all all 10.77.0.0/24 scram-sha-256" >> "$pg_data/data/pg_hba.conf"
ip netns exec fpd-pg runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$pg_data/data" -l "$pg_data/server.log" -w -t 60 \
  -o "-h 10.77.0.2 -p 5432 -k $pg_data -c ssl=on -c max_connections=300 -c shared_buffers=256MB -c max_wal_size=4GB" start >/dev/null
psql_() { runuser -u postgres -- "$PG_BIN/psql" -h "$pg_data" -U postgres -qAt "$@"; }
psql_ -d postgres -c "CREATE ROLE floorpay LOGIN PASSWORD '$db_password'" -c "CREATE DATABASE floorpay OWNER floorpay" >/dev/null
log "PostgreSQL at floorpay-db-rw (10.77.0.2:5432, TLS, scram-sha-256)"

attach client 10.77.0.3

# ---------------------------------------------------------------- pods
# What the cluster would add: the Secrets the overlay expects to exist (k8s/README.md), with keys made for this run.
external_env=(
  "PGPASSWORD=$db_password"
  "FloorPay__Participants__0__Id=bank-a" "FloorPay__Participants__0__Role=bank" "FloorPay__Participants__0__BankId=bank-a"
  "FloorPay__Participants__0__ApiKeySha256=$(sha "$bank_key")"
  "FloorPay__Participants__1__Id=auditor" "FloorPay__Participants__1__Role=auditor" "FloorPay__Participants__1__ApiKeySha256=$(sha "$auditor_key")"
  "FloorPay__Participants__2__Id=treasury" "FloorPay__Participants__2__Role=treasury" "FloorPay__Participants__2__ApiKeySha256=$(sha "$treasury_key")"
)
# PODNET_ENV: extra NAME=VALUE pairs (space-separated) for every pod, e.g. a log level while investigating a drill.
read -r -a extra_env <<< "${PODNET_ENV:-}"
external_env+=("${extra_env[@]}")

# The container's CPU limit, enforced as the kubelet does: a CFS quota on the pod's cgroup (cgroup v1 or v2).
# cpu_percent scales it (100: the manifest's limit as written): four pods at a 2-core limit on a 2-core host would only
# share the host, so the scale-out drill gives each pod a slice, to measure pod count against pod capacity.
cpu_percent=100
cgroup_root=
if [ -w /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then cgroup_root=/sys/fs/cgroup/cpu
elif grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then cgroup_root=/sys/fs/cgroup; fi
# cpu_limit I MILLICORES: the pod's cgroup with its quota; prints the cgroup's process list to join.
cpu_limit() {
  local dir=$cgroup_root/fpd-pod$1 quota=$(($2 * cpu_percent)) # µs per 100 ms period: millicores x 100 x percent / 100
  mkdir -p "$dir"
  if [ -e "$dir/cpu.cfs_quota_us" ]; then echo 100000 > "$dir/cpu.cfs_period_us"; echo "$quota" > "$dir/cpu.cfs_quota_us"
  else echo "$quota 100000" > "$dir/cpu.max"; fi
  echo "$dir/cgroup.procs"
}
cgroups_del() { [ -n "$cgroup_root" ] && for d in "$cgroup_root"/fpd-pod*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done; true; }

# start_pod I: the pod's init containers, then its container, in namespace fpd-podI; returns once the process runs.
start_pod() {
  local i=$1 ip; ip=$(pod_ip "$1")
  attach "pod$i" "$ip"
  local spec; spec=$(node k8s/validate/podenv.mjs --pod-ip "$ip" --pod-name "floorpay-silo-$i" < "$rendered")
  local procs=/dev/null millicores; millicores=$(grep '^cpu ' <<< "$spec" | cut -d' ' -f2)
  if [ -n "$millicores" ] && [ -n "$cgroup_root" ]; then
    procs=$(cpu_limit "$i" "$millicores")
    log "pod $i: CPU limit ${millicores}m x ${cpu_percent}% as a CFS quota"
  fi
  local env=() line
  while IFS= read -r line; do env+=("${line#env }"); done < <(grep '^env ' <<< "$spec")
  env+=("${external_env[@]}" "PATH=$PATH" "HOME=${HOME:-/root}")
  grep '^grace ' <<< "$spec" | cut -d' ' -f2 > "$work/grace"
  grep '^probe ' <<< "$spec" > "$work/probes"
  while IFS= read -r line; do
    local name; name=$(cut -d' ' -f2 <<< "$line")
    # shellcheck disable=SC2046
    (echo "$BASHPID" > "$procs"; cd "$silo_bin" && ip netns exec "fpd-pod$i" env -i "${env[@]}" $(cut -d' ' -f3- <<< "$line")) >> "$work/pod$i.log" 2>&1 \
      || { log "pod $i: init container $name failed"; return 1; }
  done < <(grep '^init ' <<< "$spec")
  local command; command=$(grep '^command ' <<< "$spec" | cut -d' ' -f2-)
  # shellcheck disable=SC2086
  (echo "$BASHPID" > "$procs"; cd "$silo_bin" && exec ip netns exec "fpd-pod$i" env -i "${env[@]}" $command) >> "$work/pod$i.log" 2>&1 &
  pod_pid[$i]=$!
  serve "$i"
  log "pod $i ($ip) started, pid ${pod_pid[$i]}"
}

# probe I KIND: the pod's HTTP probe of that kind, from the client namespace (as the kubelet probes from the node).
probe() {
  local path port; read -r _ _ path port < <(grep "^probe $2 " "$work/probes")
  [ "$(ip netns exec fpd-client curl -s -o /dev/null -m 4 -w '%{http_code}' "http://$(pod_ip "$1"):$port$path")" = 200 ]
}

# wait_ready I: the startup probe, then readiness (the endpoints controller lists the pod once it is ready).
wait_ready() {
  local i=$1 n=0
  until probe "$i" startup; do sleep 1; n=$((n + 1)); [ $n -lt 300 ] || { log "pod $i never started"; return 1; }; done
  until grep -qx "$(pod_ip "$i"):5080" "$endpoints"; do sleep 1; n=$((n + 1)); [ $n -lt 300 ] || { log "pod $i never ready"; return 1; }; done
  log "pod $i ready, in the endpoints"
}

# The endpoints controller and the kubelet's readiness probe, together: every 5 s each serving pod is probed; a pod is
# listed when its probe passes and unlisted after 2 failures in a row (readinessProbe periodSeconds 5,
# failureThreshold 2). A terminating pod is unlisted at once. The file is replaced whole, never half-written.
endpoints_controller() {
  declare -A failures=()
  while sleep 5; do
    local listed=() i
    for i in $(cat "$work/serving" 2>/dev/null); do
      if probe "$i" readiness; then failures[$i]=0; listed+=("$(pod_ip "$i"):5080")
      else
        failures[$i]=$(( ${failures[$i]:-0} + 1 ))
        if [ "${failures[$i]}" -lt 2 ] && grep -qx "$(pod_ip "$i"):5080" "$endpoints"; then listed+=("$(pod_ip "$i"):5080"); fi
      fi
    done
    # A pod that started terminating while it was probed stays out.
    local still=" " j
    for j in $(cat "$work/serving" 2>/dev/null); do still+="$(pod_ip "$j"):5080 "; done
    for j in "${!listed[@]}"; do [[ "$still" == *" ${listed[$j]} "* ]] || unset "listed[$j]"; done
    printf '%s\n' "${listed[@]}" | sed '/^$/d' > "$endpoints.new"
    if ! cmp -s "$endpoints.new" "$endpoints"; then log "endpoints: $(tr '\n' ' ' < "$endpoints.new")"; fi
    mv "$endpoints.new" "$endpoints"
  done
}
serve() { echo "$1" >> "$work/serving"; }
unserve() { grep -vx "$1" "$work/serving" > "$work/serving.new" || true; mv "$work/serving.new" "$work/serving"; }
unlist() { unserve "$1"; grep -v "^$(pod_ip "$1"):" "$endpoints" > "$endpoints.unlist" || true; mv "$endpoints.unlist" "$endpoints"; }

# stop_pod I: as the kubelet stops a pod: out of the endpoints, the preStop sleep (5 s), SIGTERM, SIGKILL after the grace.
stop_pod() {
  local i=$1 grace; grace=$(cat "$work/grace")
  unlist "$i"
  log "pod $i terminating: out of the endpoints, preStop 5 s"
  sleep 5
  kill -TERM "${pod_pid[$i]}" 2>/dev/null || true
  local n=0
  while kill -0 "${pod_pid[$i]}" 2>/dev/null; do
    sleep 1; n=$((n + 1))
    if [ $n -ge $((grace - 5)) ]; then log "pod $i outlived its grace period: SIGKILL"; kill -KILL "${pod_pid[$i]}"; break; fi
  done
  wait "${pod_pid[$i]}" 2>/dev/null || true
  log "pod $i stopped after ${n} s"
  remove_pod "$i"
}

# remove_pod I: what is left of a pod whose process has ended: its namespace and its cgroup.
remove_pod() {
  unset "pod_pid[$1]"
  ip netns del "fpd-pod$1"
  [ -n "$cgroup_root" ] && rmdir "$cgroup_root/fpd-pod$1" 2>/dev/null; true
}

kill_pod() {
  log "pod $1: SIGKILL"
  kill -KILL "${pod_pid[$1]}"
  wait "${pod_pid[$1]}" 2>/dev/null || true
  # The endpoints controller drops the pod once the kubelet reports it gone (here: at once; in a cluster, seconds).
  unlist "$1"
  remove_pod "$1"
}

# load SECONDS RATE NAME [THRESHOLD...]: the enrollment surge at RATE/s through the endpoints, from the client
# namespace, in the background; its report in $work/NAME. The run fails if a threshold is breached or the integrity
# check fails (reconciliation, and every payout the runner saw acknowledged is in the ledger).
load() {
  local seconds=$1 rate=$2 name=$3 thresholds=()
  shift 3
  for t in "$@"; do thresholds+=(--threshold "$t"); done
  ip netns exec fpd-client dotnet "$runner" run enrollment-surge --endpoints "$endpoints" --api-key "$bank_key" \
    --auditor-key "$auditor_key" --treasury-key "$treasury_key" --phase "inject:$rate/s:${seconds}s" ${warmup:+--warmup "$warmup"} "${thresholds[@]}" \
    --plain --out "$work/$name" > "$work/$name.out" 2>&1 &
  load_pid=$!
}

# finish_load NAME: waits for the run; a failed run fails the drill.
finish_load() {
  local status=0
  wait "$load_pid" || status=$?
  log "load finished (exit $status)"
  sed -n '/^| step/,/^$/p;/integrity/Ip;/threshold/Ip;/breach/Ip' "$work/$1.out" | tee -a "$work/drill.log" >&2 || true
  [ "$status" -eq 0 ] || { log "DRILL FAILED: $1 (the runner's thresholds or integrity check)"; failed=1; }
}

save_report() {
  local out=$root/reports/podnet-$1-$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$out"
  cp -r "$work"/*.log "$work/$1" "$work/$1.out" "$out/" 2>/dev/null || true
  : > "$work/drill.log"
  echo "report: $out" >&2
}

seconds() { if $short; then echo "$1"; else echo "$2"; fi; }
# Every run: no call fails with a status that is not a defined refusal, and the integrity check passes. The issue's
# targets (error share, stall) only in the full form: they measure the machine too, and the short form runs in the
# test suite on whatever machine CI has.
always=("@Internal:count<1" "@Unknown:count<1")
strict() { $short || printf '%s\n' "$@"; }

# ---------------------------------------------------------------- drills
: > "$work/serving"
endpoints_controller &
controller_pid=$!

rolling_update() {
  local rate; rate=$(seconds 40 100)
  for i in 1 2 3; do start_pod "$i"; done
  for i in 1 2 3; do wait_ready "$i"; done
  # Nothing may fail except with a retryable status (UNAVAILABLE or RESOURCE_EXHAUSTED, both carrying a retry hint).
  load "$(seconds 90 240)" "$rate" rolling-update "${always[@]}" $(strict "@DeadlineExceeded:count<1" "@Cancelled:count<1" "errors<1%")
  sleep "$(seconds 10 30)"
  # One pod at a time, as the Deployment does with maxSurge 1 and maxUnavailable 0: the new pod ready (and
  # minReadySeconds) before the old one is stopped.
  for old in 1 2 3; do
    local new=$((old + 3))
    start_pod "$new"
    wait_ready "$new"
    sleep 10
    stop_pod "$old"
  done
  finish_load rolling-update
  for i in 4 5 6; do stop_pod "$i"; done
  save_report rolling-update
}

# mean_ok NAME FROM TO: the run's mean OK calls per second over timeline seconds [FROM, TO).
mean_ok() {
  node -e 'const [f, a, b] = process.argv.slice(1); const t = JSON.parse(require("fs").readFileSync(f)).timeline
    .filter((s) => s.Second >= +a && s.Second < +b); console.log(Math.round(t.reduce((n, s) => n + s.Ok, 0) / Math.max(1, t.length)))' \
    "$work/$1/report.json" "$2" "$3"
}

scale_out() {
  # Each pod gets a slice of its CPU limit (PODNET_SCALE_OUT_CPU_PERCENT, default 15 %: 0.3 of the 2-core limit), so
  # that two pods, not the host, are the bottleneck; the offered rate is more than two such pods can take.
  cpu_percent=${PODNET_SCALE_OUT_CPU_PERCENT:-15}
  for i in 1 2; do start_pod "$i"; done
  for i in 1 2; do wait_ready "$i"; done
  # The short run is long enough for two pods started on 0.3 core to become ready (25-45 s here) and take load.
  local length; length=$(seconds 120 150)
  load "$length" "$(seconds 300 400)" scale-out "${always[@]}"
  local started=$SECONDS
  sleep "$(seconds 25 50)"
  local scaled=$((SECONDS - started))
  log "scale-out: 2 -> 4 pods"
  start_pod 3; start_pod 4
  wait_ready 3; wait_ready 4
  local ready=$((SECONDS - started))
  finish_load scale-out
  # Throughput with two pods (after a 5 s warm-up, until the scale-out) against four (from 5 s after both were
  # ready, until 2 s before the end).
  local before after
  before=$(mean_ok scale-out 5 "$scaled")
  after=$(mean_ok scale-out $((ready + 5)) $((length - 2)))
  log "scale-out: ${before} OK/s with 2 pods (s 5-${scaled}), ${after} OK/s with 4 (s $((ready + 5))-$((length - 2)))"
  if ! $short && [ $((after * 10)) -lt $((before * 12)) ]; then log "DRILL FAILED: scale-out (throughput rose less than 20 %)"; failed=1; fi
  # Which pods took the load: each pod's own count of enrollment calls it answered.
  for i in 1 2 3 4; do
    ip netns exec fpd-client curl -s "http://$(pod_ip "$i"):5082/metrics" \
      | awk '/^floorpay_gateway_grpc_requests_total/ && /Enroll"/ && !/EnrollMany/ {s += $2} END {print s + 0}' > "$work/served$i"
    log "pod $i answered $(cat "$work/served$i") Enroll calls"
  done
  for i in 3 4; do [ "$(cat "$work/served$i")" -gt 0 ] || { log "DRILL FAILED: scale-out (pod $i took no load)"; failed=1; }; done
  for i in 1 2 3 4; do stop_pod "$i"; done
  cpu_percent=100
  save_report scale-out
}

pod_kill() {
  for i in 1 2 3; do start_pod "$i"; done
  for i in 1 2 3; do wait_ready "$i"; done
  # The issue's target: at most 1% of calls fail, and the stall is bounded (no call waits 5 s or more). The first
  # 5 s (fresh pods compiling their code paths under load) are a warm-up, outside the measurement.
  warmup=5 load "$(seconds 40 60)" "$(seconds 40 200)" pod-kill "${always[@]}" $(strict "errors<1%" "max<5s")
  sleep "$(seconds 15 20)"
  kill_pod 2
  finish_load pod-kill
  for i in 1 3; do stop_pod "$i"; done
  save_report pod-kill
}

partition() {
  for i in 1 2 3; do start_pod "$i"; done
  for i in 1 2 3; do wait_ready "$i"; done
  load "$(seconds 60 120)" "$(seconds 40 100)" partition "${always[@]}"
  sleep "$(seconds 15 30)"
  log "partition: pod 1's link down (cut off from the other pods and from PostgreSQL)"
  link pod1 down
  sleep "$(seconds 20 40)"
  log "partition healed: pod 1's link up"
  link pod1 up
  finish_load partition
  # The others declared pod 1 dead while it was cut off; a silo told it is dead stops for good (Orleans), and the
  # kubelet restarts its container (restartPolicy Always) as a new silo at the same address: do the same.
  if ! kill -0 "${pod_pid[1]}" 2>/dev/null; then
    log "pod 1 exited after the partition (declared dead while cut off): its container restarts"
    unserve 1; remove_pod 1
    start_pod 1 && wait_ready 1 || { log "DRILL FAILED: partition (pod 1 did not come back)"; failed=1; }
  fi
  for i in 1 2 3; do kill -0 "${pod_pid[$i]:-0}" 2>/dev/null && stop_pod "$i"; done
  save_report partition
}

failed=0
case "$drill" in
  rolling-update) rolling_update ;;
  scale-out) scale_out ;;
  pod-kill) pod_kill ;;
  partition) partition ;;
  all) rolling_update; scale_out; pod_kill; partition ;;
esac
exit "$failed"
