#!/usr/bin/env bash
# A/B of two Coffer gateway builds, paired (docs/decisions/benchmark-paired-runs.md): starts both
# jars at once (fresh data directories, the same keys and JVM options), and one LoadGenerator runs
# each workload against A and B back to back, order alternating per repeat. Prints, per workload,
# the medians of throughput and of each server's CPU per operation (and the generator's own).
# For judging a change to the product against its base on a machine whose load drifts; the
# published comparison against s3proxy is run-bench.sh. Run it in both orders (A/B, then B/A):
# on this 2-core machine small-write A/Bs scattered by up to 20 % of CPU per operation between two
# runs of the same pair of builds, even in sign (docs/benchmarks.md, the 22:29 run's reading).
#
# usage: benchmarks/scripts/ab-bench.sh A_JAR B_JAR [workloads] [duration 6s] [warm-pass 20s] [repeats 3]
#   e.g. git worktree add /tmp/base HEAD~1 && (cd /tmp/base && mvn -q -DskipTests package -pl gateway -am)
#        benchmarks/scripts/ab-bench.sh /tmp/base/gateway/target/coffer-gateway.jar \
#            gateway/target/coffer-gateway.jar get-4k-c16,get-1m-c8
# environment: COFFER_JAVA_OPTS (-Xmx256m), A_JAVA_OPTS and B_JAVA_OPTS (default COFFER_JAVA_OPTS: one
#   jar against itself with different JVM options), A_JAVA and B_JAVA (the java launcher of each, default
#   java: one jar on two JDKs), A_PORT (9200), B_PORT (9300), LIST_KEYS (2000)
# Everything listens on 127.0.0.1 and is stopped on exit; every wait is bounded.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
A_JAR=$(realpath "${1:?usage: ab-bench.sh A_JAR B_JAR [workloads] [duration] [warm-pass] [repeats]}")
B_JAR=$(realpath "${2:?usage: ab-bench.sh A_JAR B_JAR [workloads] [duration] [warm-pass] [repeats]}")
WORKLOADS=${3:-get-4k-c16,head-4k-c16,put-4k-c16,get-1m-c8,put-1m-c8}
DUR=${4:-6s}
WARM=${5:-20s}
REPEATS=${6:-3}
JAR=$ROOT/benchmarks/target/coffer-benchmarks.jar
[ -f "$JAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
AK=COFFERBENCHKEY000001
SK=benchsecretnotarealone000000000000000000
D=$(mktemp -d /tmp/coffer-ab.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
start() { # start LABEL JAR PORT OPTS JAVA: prints the pid
  mkdir -p "$D/$1"
  COFFER_DATA_DIR=$D/$1/data COFFER_S3_PORT=$3 COFFER_MANAGEMENT_PORT=$(($3 + 1)) COFFER_BIND_HOST=127.0.0.1 \
  MICRONAUT_SERVER_HOST=127.0.0.1 COFFER_ROOT_ACCESS_KEY=$AK COFFER_ROOT_SECRET_KEY=$SK \
    "$5" $4 -jar "$2" > "$D/$1/gateway.log" 2>&1 &
  echo $!
}
A_PORT=${A_PORT:-9200}
B_PORT=${B_PORT:-9300}
OPTS=${COFFER_JAVA_OPTS:--Xmx256m}
A_PID=$(start a "$A_JAR" "$A_PORT" "${A_JAVA_OPTS:-$OPTS}" "${A_JAVA:-java}"); PIDS+=("$A_PID")
B_PID=$(start b "$B_JAR" "$B_PORT" "${B_JAVA_OPTS:-$OPTS}" "${B_JAVA:-java}"); PIDS+=("$B_PID")
for port in "$A_PORT" "$B_PORT"; do
  for _ in $(seq 1 240); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
done
timeout 7200 java -Xmx1g -cp "$JAR" io.coffer.benchmarks.load.LoadGenerator --region us-east-1 \
  --endpoint "http://127.0.0.1:$A_PORT" --access-key $AK --secret-key $SK --label A --server-pid "$A_PID" \
  --peer-endpoint "http://127.0.0.1:$B_PORT" --peer-access-key $AK --peer-secret-key $SK --peer-label B \
  --peer-server-pid "$B_PID" --list-keys "${LIST_KEYS:-2000}" --workloads "$WORKLOADS" --duration "$DUR" \
  --warmup 2s --warm-pass "$WARM" --repeats "$REPEATS" --out "$D/{label}-r{r}.jsonl" > /dev/null 2> "$D/lg.log" || true
python3 - "$D" <<'PY'
import glob, json, statistics, sys
rows = {}
for f in glob.glob(sys.argv[1] + "/*-r*.jsonl"):
    for line in open(f):
        r = json.loads(line)
        rows.setdefault((r["workload"], r["server"]), []).append(r)
def med(rs, k):
    v = [r[k] for r in rs if r.get(k, -1) >= 0]
    return statistics.median(v) if v else float("nan")
print(f"{'workload':<16}{'A ops/s':>10}{'B ops/s':>10}{'B/A':>7}{'A MB/s':>9}{'B MB/s':>9}"
      f"{'A srv us/op':>13}{'B srv us/op':>13}{'B/A':>7}{'client us/op':>14}{'errors':>8}")
for w in sorted({k[0] for k in rows}):
    a, b = rows.get((w, "A"), []), rows.get((w, "B"), [])
    if not a or not b:
        continue
    ao, bo, asv, bsv = med(a, "ops_s"), med(b, "ops_s"), med(a, "server_cpu_us_per_op"), med(b, "server_cpu_us_per_op")
    cl = med(a + b, "client_cpu_us_per_op")
    err = sum(r["errors"] for r in a + b)
    print(f"{w:<16}{ao:>10.0f}{bo:>10.0f}{bo / ao if ao else float('nan'):>7.2f}{med(a, 'mb_s'):>9.1f}{med(b, 'mb_s'):>9.1f}"
          f"{asv:>13.0f}{bsv:>13.0f}{bsv / asv if asv else float('nan'):>7.2f}{cl:>14.0f}{err:>8}")
PY
