#!/usr/bin/env bash
# End-to-end load benchmark (issue 5), in one run on this machine:
#   1. builds benchmarks/target/coffer-benchmarks.jar (and the gateway jar) if missing or stale,
#   2. measures the physical limits once with ../shared/tools/limits/run.sh (skipped with a note
#      when that harness is not there),
#   3. starts s3proxy (filesystem backend) and Coffer embedded (java -jar
#      gateway/target/coffer-gateway.jar, fresh data dir, fixed root keys) if the jar exists and
#      answers, both at once, and runs ONE load generator paired against both: every workload
#      against s3proxy and against Coffer back to back before the next one, in a warm pass and then
#      in each of REPEATS repeats, which of the two goes first alternating per repeat, so that the
#      changing load of other jobs on the shared cores hits both alike
#      (docs/decisions/benchmark-paired-runs.md). With --sequential (the order before paired runs):
#      s3proxy alone gets all workloads REPEATS times, is stopped, then Coffer alone gets the same.
#      With one server in --servers only that one is started and measured,
#   4. writes the medians into docs/benchmarks.md (between the load-benchmark markers) and plots
#      throughput against concurrency to docs/benchmarks-concurrency.png.
# Every server listens on 127.0.0.1 only and is stopped on exit (trap). Every wait is bounded.
#
# usage: benchmarks/scripts/run-bench.sh [options]
#   --duration 10s       time per workload and repeat (each also bounded by --max-ops)
#   --warmup 2s          untimed warm-up before each workload
#   --warm-pass 5s       one untimed pass over all workloads before the measured repeats, for each
#                        server (0s: none); the repeats then run in the same client JVM, so neither
#                        the client's nor the server's JIT compiler is measured (2 cores are shared)
#   --repeats 3          runs per server; the table shows medians
#   --list-keys 10000    keys in the ListObjectsV2 bucket (100000 for the full run)
#   --workloads a,b,c    subset of workloads (default: all of issue 5)
#   --servers s3proxy,coffer
#   --sequential         one server after the other, each with a generator of its own (not paired)
#   --no-limits          do not run the limits harness (the table then has no limit ratios)
#   --no-checksums       turn the SDK's default checksums off (default: on, as users' tools)
#   --scale              also measure PUT/GET/LIST latency with 10^4 objects stored (10^6 with
#                        --scale-keys "10000 1000000"; population bounded by --populate-timeout)
#   --populate-timeout 30m
#   --no-doc             leave docs/benchmarks.md and the PNG alone (results stay in WORK)
# environment: S3PROXY_VERSION (3.3.0), S3PROXY_PORT (18080), COFFER_PORT (9000),
#   COFFER_MGMT_PORT (9001), COFFER_JAVA_OPTS ("-Xmx256m", the issue's memory target),
#   BENCH_WORK (benchmarks/target/bench), LIMITS_ROUNDS (1), LIMITS_TRIES (10),
#   LIMITS_SH (../shared/tools/limits/run.sh, else /work/shared/tools/limits/run.sh)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${BENCH_WORK:-$ROOT/benchmarks/target/bench}
S3PROXY_VERSION=${S3PROXY_VERSION:-3.3.0}
S3PROXY_PORT=${S3PROXY_PORT:-18080}
COFFER_PORT=${COFFER_PORT:-9000}
COFFER_MGMT_PORT=${COFFER_MGMT_PORT:-9001}
COFFER_JAVA_OPTS=${COFFER_JAVA_OPTS:--Xmx256m}
LIMITS_ROUNDS=${LIMITS_ROUNDS:-1}
# fixed benchmark-only credentials (loopback servers that live for one run)
COFFER_AK=COFFERBENCHKEY000001
COFFER_SK=benchsecretnotarealone000000000000000000

DURATION=10s
WARMUP=2s
WARM_PASS=5s
REPEATS=3
LIST_KEYS=10000
WORKLOADS=""
SERVERS="s3proxy,coffer"
RUN_LIMITS=1
CHECKSUM_FLAG=""
SCALE=0
SCALE_KEYS="10000"
POPULATE_TIMEOUT=30m
WRITE_DOC=1
SEQUENTIAL=0

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --warm-pass) WARM_PASS=$2; shift 2 ;;
    --repeats) REPEATS=$2; shift 2 ;;
    --list-keys) LIST_KEYS=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --no-limits) RUN_LIMITS=0; shift ;;
    --no-checksums) CHECKSUM_FLAG="--no-checksums"; shift ;;
    --scale) SCALE=1; shift ;;
    --scale-keys) SCALE=1; SCALE_KEYS=$2; shift 2 ;;
    --populate-timeout) POPULATE_TIMEOUT=$2; shift 2 ;;
    --no-doc) WRITE_DOC=0; shift ;;
    --sequential) SEQUENTIAL=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$REPEATS" in ''|*[!0-9]*) echo "--repeats must be a number" >&2; exit 2 ;; esac
[ "$REPEATS" -ge 1 ] && [ "$REPEATS" -le 9 ] || { echo "--repeats must be 1..9" >&2; exit 2; }

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$WORK/results/$STAMP
mkdir -p "$RESULTS"
LOG=$RESULTS/run.log
note() { echo "# $*" | tee -a "$LOG" >&2; }

# ---- servers we start, stopped on any exit ----------------------------------------------------
PIDS=()
stop_all() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  PIDS=()
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT TERM

stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# waits (bounded) until something answers HTTP on 127.0.0.1:$1; fails if pid $2 died
wait_http() {
  local port=$1 pid=$2 limit=${3:-180}
  for _ in $(seq 1 "$limit"); do
    if ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    local code
    code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null || true)
    if [ -n "$code" ] && [ "$code" != "000" ]; then return 0; fi
    sleep 1
  done
  return 1
}

# Coffer's heap + direct memory, sampled every 10 s from Native Memory Tracking while it runs (the issue's
# memory target counts those two, not RSS): "Java Heap" committed plus "Other" committed, which is where
# HotSpot 17 accounts Unsafe.allocateMemory, i.e. every direct ByteBuffer and Netty's pooled arenas.
# LMDB's and Chronicle Map's memory maps are not in either. The peak goes to machine.txt.
sample_heap_direct() {
  local label=$1 pid=$2 out=$3
  local peak=0 peak_heap=0 peak_other=0
  while kill -0 "$pid" 2>/dev/null; do
    local nmt heap other
    nmt=$(timeout 10 jcmd "$pid" VM.native_memory summary 2>/dev/null || true)
    heap=$(printf '%s\n' "$nmt" | awk -F'committed=' '/Java Heap \(reserved/ {split($2, a, "KB"); print a[1]; exit}')
    other=$(printf '%s\n' "$nmt" | awk -F'committed=' '/^-  *Other \(reserved/ {split($2, a, "KB"); print a[1]; exit}')
    if [ -n "$heap" ] && [ -n "$other" ]; then
      [ "$heap" -gt "$peak_heap" ] && peak_heap=$heap
      [ "$other" -gt "$peak_other" ] && peak_other=$other
      [ $((heap + other)) -gt "$peak" ] && peak=$((heap + other))
      printf '%s_heap_direct_peak_mib=%s\n%s_heap_peak_mib=%s\n%s_direct_peak_mib=%s\n' \
        "$label" $((peak / 1024)) "$label" $((peak_heap / 1024)) "$label" $((peak_other / 1024)) > "$out"
    fi
    # every 10 s, not 2: each sample starts a jcmd JVM (a few hundred ms of CPU), which on 2 cores
    # took a tenth of a core from the run; committed heap and Netty's pooled arenas only grow within
    # a workload, so a slower sampler still sees their peaks
    sleep "${NMT_INTERVAL:-10}"
  done
}

# peak resident memory of a server we started (VmHWM), recorded before it is stopped
record_peak_rss() {
  local label=$1 pid=$2
  local kib
  kib=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$kib" ] && echo "${label}_peak_rss_mib=$((kib / 1024))" >> "$RESULTS/machine.txt"
  # file pages mapped into the process (Coffer reads cached volume bytes through a mapping): page cache
  # the kernel may take back, counted in RSS all the same
  kib=$(awk '/RssFile/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$kib" ] && echo "${label}_rss_file_mib=$((kib / 1024))" >> "$RESULTS/machine.txt"
  return 0
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---- 1. build ------------------------------------------------------------------------------------
JAR=$ROOT/benchmarks/target/coffer-benchmarks.jar
GATEWAY_JAR=$ROOT/gateway/target/coffer-gateway.jar
stale() {
  [ ! -f "$JAR" ] && return 0
  [ -n "$(find "$ROOT/benchmarks/src" "$ROOT/benchmarks/pom.xml" -newer "$JAR" -print -quit 2>/dev/null)" ]
}
if stale; then
  note "building coffer-benchmarks.jar (mvn -B -q -DskipTests package -pl benchmarks -am)"
  (cd "$ROOT" && mvn -B -q -DskipTests package -pl benchmarks -am) >>"$LOG" 2>&1 \
    || { echo "build failed, see $LOG" >&2; exit 1; }
fi
[ -f "$JAR" ] || { echo "no $JAR after the build" >&2; exit 1; }

# ---- machine ---------------------------------------------------------------------------------------
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') x $(nproc)"
  echo "mem_gib=$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "kernel=$(uname -r)"
  echo "fs=$(df -T "$WORK" | awk 'NR==2 {print $2 " on " $1}')"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$RESULTS/machine.txt"

# ---- 2. physical limits ---------------------------------------------------------------------------
LIMITS_SH=${LIMITS_SH:-}
if [ -z "$LIMITS_SH" ]; then
  for c in "$ROOT/../shared/tools/limits/run.sh" /work/shared/tools/limits/run.sh; do
    [ -f "$c" ] && { LIMITS_SH=$c; break; }
  done
fi
if [ "$RUN_LIMITS" = 1 ] && [ -n "$LIMITS_SH" ] && [ -f "$LIMITS_SH" ]; then
  note "measuring physical limits: $LIMITS_SH $LIMITS_ROUNDS (DATA_DIR on the benchmark disk)"
  mkdir -p "$WORK/limits-data"
  : > "$RESULTS/limits.txt"
  # JMH allows one instance per machine (/tmp/jmh.lock): when another engineer's JMH run holds it,
  # wait and try again (bounded), rather than measure two benchmarks fighting for the cores
  for try in $(seq 1 "${LIMITS_TRIES:-10}"); do
    if DATA_DIR="$WORK/limits-data" LIMITS_WORK="$WORK/limits" timeout 3600 \
         bash "$LIMITS_SH" "$LIMITS_ROUNDS" > "$RESULTS/limits.txt" 2>"$RESULTS/limits.err"; then
      note "limits: $(wc -l < "$RESULTS/limits.txt") lines"
      break
    fi
    : > "$RESULTS/limits.txt"
    if grep -q "Unable to acquire the JMH lock" "$RESULTS/limits.err" && [ "$try" -lt "${LIMITS_TRIES:-10}" ]; then
      note "limits: another JMH run holds /tmp/jmh.lock; retrying in 60 s (try $try)"
      sleep 60
    else
      note "limits harness failed (see $RESULTS/limits.err); the table has no limit ratios"
      break
    fi
  done
else
  note "limits: not measured (harness not found or --no-limits); ratios to the limit are left out"
  : > "$RESULTS/limits.txt"
fi

# ---- workloads -----------------------------------------------------------------------------------
ALL_WORKLOADS="put-1m-c1,put-1m-c8,put-1m-c32,get-1m-c1,get-1m-c8,get-1m-c32"
ALL_WORKLOADS+=",put-64m-c1,put-64m-c8,put-64m-c32,get-64m-c1,get-64m-c4,get-64m-c8,get-64m-c32"
ALL_WORKLOADS+=",range-1m-c1,range-1m-c8,put-4k-c16,get-4k-c16,head-4k-c16"
ALL_WORKLOADS+=",list-flat-c1,list-delim-c1,mpu-256m-c4,mpu-1g-c4,delete-4k-c16"
WORKLOADS=${WORKLOADS:-$ALL_WORKLOADS}
SCALE_WORKLOADS="put-4k-c1,get-4k-c1,list-flat-c1,list-delim-c1"

# endpoint and keys of each server, by label
declare -A ENDPOINT=([s3proxy]="http://127.0.0.1:$S3PROXY_PORT" [coffer]="http://127.0.0.1:$COFFER_PORT")
declare -A ACCESS_KEY=([s3proxy]=bench-access [coffer]=$COFFER_AK)
declare -A SECRET_KEY=([s3proxy]=bench-secret-not-a-real-one [coffer]=$COFFER_SK)

# run_load WHAT LIMIT OUT [args...]: one LoadGenerator run of at most LIMIT seconds, its targets in
# args; errors are counted in its JSON lines, so its exit status 3 (some errors) does not stop the script
run_load() {
  local what=$1 limit=$2 out=$3; shift 3
  local rc=0
  timeout "$limit" java -Xmx1g -cp "$JAR" io.coffer.benchmarks.load.LoadGenerator --region us-east-1 \
    --duration "$DURATION" --warmup "$WARMUP" --out "$out" \
    --populate-timeout "$POPULATE_TIMEOUT" $CHECKSUM_FLAG "$@" >/dev/null 2>>"$LOG" || rc=$?
  if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then note "$what: LoadGenerator exited $rc (see $LOG)"; fi
  return 0
}

# server_pid LABEL: the pid of that server's JVM (empty when not running); the generator reports its
# CPU per operation beside its own
server_pid() {
  case $1 in
    s3proxy) echo "$S3P_PID" ;;
    coffer) echo "$C_PID" ;;
  esac
}

# bench LABEL [PEER]: the workloads against one server, or paired against two (each workload against
# both back to back, LABEL first in the warm pass and in odd repeats, PEER first in even ones); the
# results of each server go to $RESULTS/<label>-r<N>.jsonl and <label>-scale<keys>-r<N>.jsonl
bench() {
  local label=$1 peer=${2:-}
  local what=$label limit=7200
  local targets=(--label "$label" --endpoint "${ENDPOINT[$label]}"
                 --access-key "${ACCESS_KEY[$label]}" --secret-key "${SECRET_KEY[$label]}")
  [ -n "$(server_pid "$label")" ] && targets+=(--server-pid "$(server_pid "$label")")
  if [ -n "$peer" ]; then
    targets+=(--peer-label "$peer" --peer-endpoint "${ENDPOINT[$peer]}"
              --peer-access-key "${ACCESS_KEY[$peer]}" --peer-secret-key "${SECRET_KEY[$peer]}")
    [ -n "$(server_pid "$peer")" ] && targets+=(--peer-server-pid "$(server_pid "$peer")")
    what="$label + $peer, paired"
    limit=14400
  fi
  note "$what: warm pass ${WARM_PASS} per workload, then $REPEATS repeat(s) ($WORKLOADS)"
  run_load "$what" "$limit" "$RESULTS/{label}-r{r}.jsonl" "${targets[@]}" \
    --workloads "$WORKLOADS" --list-keys "$LIST_KEYS" --warm-pass "$WARM_PASS" --repeats "$REPEATS"
  if [ "$SCALE" = 1 ]; then
    for n in $SCALE_KEYS; do
      note "$what: scale, $n objects stored"
      run_load "$what" "$limit" "$RESULTS/{label}-scale$n-r{r}.jsonl" "${targets[@]}" \
        --workloads "$SCALE_WORKLOADS" --bucket "coffer-scale-$n" --list-bucket "coffer-scale-$n" \
        --list-keys "$n" --repeats "$REPEATS"
    done
  fi
}

# ---- 3. the servers --------------------------------------------------------------------------------
S3P_PID=""
C_PID=""
C_UP=0

# start_s3proxy: fetches s3proxy when needed and starts it; fails (with a note) when it does not answer
start_s3proxy() {
  local jar=$WORK/s3proxy/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar
  if [ ! -f "$jar" ]; then
    note "fetching org.gaul:s3proxy:$S3PROXY_VERSION (jar-with-dependencies) from Maven Central"
    mkdir -p "$WORK/s3proxy"
    (cd "$WORK/s3proxy" && timeout 900 mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" \
        -DoutputDirectory="$WORK/s3proxy") >>"$LOG" 2>&1 || true
  fi
  if [ ! -f "$jar" ]; then
    note "s3proxy $S3PROXY_VERSION could not be fetched; skipping the peer"
    return 1
  elif ! port_free "$S3PROXY_PORT"; then
    note "127.0.0.1:$S3PROXY_PORT is taken; set S3PROXY_PORT; skipping the peer"
    return 1
  fi
  # the data dir is kept between runs so the listing buckets are populated once
  mkdir -p "$WORK/s3proxy-data"
  cat > "$WORK/s3proxy/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$S3PROXY_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=${ACCESS_KEY[s3proxy]}
s3proxy.credential=${SECRET_KEY[s3proxy]}
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/s3proxy-data
EOF
  echo "s3proxy=$S3PROXY_VERSION (filesystem backend, -Xmx1g)" >> "$RESULTS/machine.txt"
  note "starting s3proxy $S3PROXY_VERSION on 127.0.0.1:$S3PROXY_PORT"
  LOG_LEVEL=warn java -Xmx1g -jar "$jar" --properties "$WORK/s3proxy/s3proxy.conf" \
    > "$RESULTS/s3proxy.log" 2>&1 &
  S3P_PID=$!
  PIDS+=("$S3P_PID")
  wait_http "$S3PROXY_PORT" "$S3P_PID" 180 && return 0
  note "s3proxy did not answer within 180 s (see $RESULTS/s3proxy.log)"
  stop_pid "$S3P_PID"
  S3P_PID=""
  return 1
}

# stop_s3proxy: records its peak RSS and stops it (when it runs)
stop_s3proxy() {
  [ -n "$S3P_PID" ] || return 0
  record_peak_rss s3proxy "$S3P_PID"
  stop_pid "$S3P_PID"
  S3P_PID=""
}

# start_coffer: starts Coffer embedded (fresh data dir) and its memory sampler; fails (with a note)
# when the jar is missing or Coffer does not answer
start_coffer() {
  if [ ! -f "$GATEWAY_JAR" ]; then
    note "Coffer: $GATEWAY_JAR not built; Coffer's columns stay pending"
    return 1
  elif ! port_free "$COFFER_PORT"; then
    note "127.0.0.1:$COFFER_PORT is taken; set COFFER_PORT; skipping Coffer"
    return 1
  fi
  CDATA=$WORK/coffer-data-$STAMP
  mkdir -p "$CDATA"
  note "starting Coffer embedded on 127.0.0.1:$COFFER_PORT (data $CDATA)"
  COFFER_DATA_DIR=$CDATA COFFER_S3_PORT=$COFFER_PORT COFFER_MANAGEMENT_PORT=$COFFER_MGMT_PORT \
  COFFER_BIND_HOST=127.0.0.1 MICRONAUT_SERVER_HOST=127.0.0.1 \
  COFFER_ROOT_ACCESS_KEY=$COFFER_AK COFFER_ROOT_SECRET_KEY=$COFFER_SK \
    java $COFFER_JAVA_OPTS -XX:NativeMemoryTracking=summary -jar "$GATEWAY_JAR" > "$RESULTS/coffer.log" 2>&1 &
  C_PID=$!
  sample_heap_direct coffer "$C_PID" "$RESULTS/coffer-memory.txt" &
  NMT_PID=$!
  PIDS+=("$C_PID")
  if wait_http "$COFFER_PORT" "$C_PID" 180; then
    C_UP=1
    echo "coffer=embedded, gateway jar built from commit $(cd "$ROOT" && git log -1 --format=%h 2>/dev/null) (it holds shard-server and crypto too), COFFER_FSYNC=${COFFER_FSYNC:-its default}" \
      >> "$RESULTS/machine.txt"
    return 0
  fi
  note "Coffer did not answer within 180 s (see $RESULTS/coffer.log); its columns stay pending"
  stop_coffer
  return 1
}

# stop_coffer: records its peak RSS (when it answered) and its memory peaks, stops it, removes its data
stop_coffer() {
  [ -n "$C_PID" ] || return 0
  [ "$C_UP" = 1 ] && record_peak_rss coffer "$C_PID"
  stop_pid "$C_PID"
  C_PID=""
  C_UP=0
  wait "$NMT_PID" 2>/dev/null || true
  [ -f "$RESULTS/coffer-memory.txt" ] && cat "$RESULTS/coffer-memory.txt" >> "$RESULTS/machine.txt"
  rm -rf "$CDATA"
}

want() { [[ ",$SERVERS," == *",$1,"* ]]; }

if want s3proxy && want coffer && [ "$SEQUENTIAL" = 0 ]; then
  # paired: both servers resident, one generator interleaving them workload by workload
  s3p_up=0
  start_s3proxy && s3p_up=1
  if start_coffer && [ "$s3p_up" = 1 ]; then
    echo "order=paired (each workload against both servers back to back, order alternating per repeat)" \
      >> "$RESULTS/machine.txt"
    bench s3proxy coffer
  elif [ "$s3p_up" = 1 ]; then
    bench s3proxy
  elif [ "$C_UP" = 1 ]; then
    bench coffer
  fi
  stop_s3proxy
  stop_coffer
else
  if want s3proxy && want coffer; then
    echo "order=sequential (all workloads against s3proxy, which is then stopped, then all against Coffer)" \
      >> "$RESULTS/machine.txt"
  fi
  if want s3proxy; then
    start_s3proxy && bench s3proxy
    stop_s3proxy
  fi
  if want coffer; then
    start_coffer && bench coffer
    stop_coffer
  fi
fi
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS/machine.txt"

# ---- 4. report ------------------------------------------------------------------------------------
CMD="benchmarks/scripts/run-bench.sh --duration $DURATION --warmup $WARMUP --warm-pass $WARM_PASS --repeats $REPEATS --list-keys $LIST_KEYS"
[ -n "$CHECKSUM_FLAG" ] && CMD+=" $CHECKSUM_FLAG"
[ "$SEQUENTIAL" = 1 ] && CMD+=" --sequential"
[ "$SCALE" = 1 ] && CMD+=" --scale-keys \"$SCALE_KEYS\""
LIMITS_MD=""
for c in "$ROOT/../shared/LIMITS.md" /work/shared/LIMITS.md; do [ -f "$c" ] && { LIMITS_MD=$c; break; }; done
REPORT_ARGS=(--results "$RESULTS" --command "$CMD")
[ -n "$LIMITS_MD" ] && REPORT_ARGS+=(--limits-fallback "$LIMITS_MD")
if [ "$WRITE_DOC" = 1 ]; then
  if ! command -v gnuplot >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    note "installing gnuplot-nox for the plot"
    timeout 600 apt-get install -y -q gnuplot-nox >>"$LOG" 2>&1 \
      || { timeout 300 apt-get update -q >>"$LOG" 2>&1 && timeout 600 apt-get install -y -q gnuplot-nox >>"$LOG" 2>&1; } \
      || note "gnuplot-nox could not be installed; no plot this time"
  fi
  python3 "$HERE/bench_report.py" "${REPORT_ARGS[@]}" --doc "$ROOT/docs/benchmarks.md" \
    --plot "$ROOT/docs/benchmarks-concurrency.png" | tee -a "$LOG"
else
  python3 "$HERE/bench_report.py" "${REPORT_ARGS[@]}" | tee -a "$LOG"
fi
note "results: $RESULTS"
