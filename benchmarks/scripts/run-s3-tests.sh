#!/usr/bin/env bash
# Runs the ceph/s3-tests conformance suite (test_s3.py and test_headers.py, boto3 only) against a
# Coffer gateway started here on 127.0.0.1, and prints the pass/fail counts.
#
#   benchmarks/scripts/run-s3-tests.sh /path/to/s3-tests-checkout [pytest -k expression]
#
# The suite is not part of this repository (and CI cannot fetch it); check it out beside Coffer.
# Needs Debian's python3-boto3 python3-munch python3-gevent python3-isodate python3-pytest
# python3-lxml python3-httplib2 python3-yaml python3-tz python3-requests.
set -euo pipefail
suite=${1:?usage: run-s3-tests.sh S3_TESTS_DIR [K_EXPR]}
kexpr=${2:-}
cd "$(dirname "$0")/../.."
jar=gateway/target/coffer-gateway.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
port=${S3TESTS_PORT:-9300}
mport=$((port + 1))
work=$(mktemp -d)
export COFFER_DATA_DIR=$work/data COFFER_S3_PORT=$port COFFER_MANAGEMENT_PORT=$mport COFFER_FSYNC=none \
       COFFER_ROOT_ACCESS_KEY=S3TESTSMAINACCESSKEY COFFER_ROOT_SECRET_KEY=s3tests/main/secret/key/0123456789abcdef
java -Xmx1g -jar "$jar" >"$work/gateway.log" 2>&1 &
gw=$!
log_copy=${S3TESTS_GATEWAY_LOG:-/tmp/coffer-s3-tests-gateway.log}
trap 'kill $gw 2>/dev/null; wait $gw 2>/dev/null || true; cp "$work/gateway.log" "$log_copy" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$mport/health/readiness" >/dev/null && break
  kill -0 $gw || { cat "$work/gateway.log"; exit 1; }
  sleep 1
done
mkuser() {
  curl -sf -u "$COFFER_ROOT_ACCESS_KEY:$COFFER_ROOT_SECRET_KEY" -H 'Content-Type: application/json' \
    -d "{\"displayName\":\"$1\"}" "http://127.0.0.1:$mport/admin/users"
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
alt=$(mkuser alt); tenant=$(mkuser tenant)
cat >"$work/s3tests.conf" <<CONF
[DEFAULT]
host = 127.0.0.1
port = $port
is_secure = False
ssl_verify = False
[fixtures]
bucket prefix = coffer-{random}-
iam name prefix = s3-tests-
iam path prefix = /s3-tests/
[s3 main]
display_name = root
user_id = $(curl -sf -u "$COFFER_ROOT_ACCESS_KEY:$COFFER_ROOT_SECRET_KEY" "http://127.0.0.1:$mport/admin/users" | python3 -c "import json,sys; print([u for u in json.load(sys.stdin) if u['root']][0]['id'])")
email = root@example.com
api_name = us-east-1
access_key = $COFFER_ROOT_ACCESS_KEY
secret_key = $COFFER_ROOT_SECRET_KEY
[s3 alt]
display_name = alt
user_id = $(echo "$alt" | field id)
email = alt@example.com
access_key = $(echo "$alt" | field accessKey)
secret_key = $(echo "$alt" | field secretKey)
[s3 tenant]
display_name = tenant
user_id = $(echo "$tenant" | field id)
email = tenant@example.com
access_key = $(echo "$tenant" | field accessKey)
secret_key = $(echo "$tenant" | field secretKey)
tenant = tenant
[iam]
email = root@example.com
user_id = iam
access_key = $COFFER_ROOT_ACCESS_KEY
secret_key = $COFFER_ROOT_SECRET_KEY
display_name = iam
[iam root]
access_key = $COFFER_ROOT_ACCESS_KEY
secret_key = $COFFER_ROOT_SECRET_KEY
user_id = iamroot
email = iamroot@example.com
[iam alt root]
access_key = $COFFER_ROOT_ACCESS_KEY
secret_key = $COFFER_ROOT_SECRET_KEY
user_id = iamaltroot
email = iamaltroot@example.com
CONF
cd "$suite"
args=(-q -p no:cacheprovider --timeout=60 s3tests/functional/test_s3.py s3tests/functional/test_headers.py)
python3 -c "import pytest_timeout" 2>/dev/null || args=(-q -p no:cacheprovider s3tests/functional/test_s3.py s3tests/functional/test_headers.py)
[ -n "$kexpr" ] && args+=(-k "$kexpr")
# the whole report (one line per failure, slowest tests) goes to S3TESTS_REPORT; the summary to stdout
report=${S3TESTS_REPORT:-/tmp/coffer-s3-tests-report.txt}
S3TEST_CONF=$work/s3tests.conf /usr/bin/python3 -m pytest "${args[@]}" -m 'not fails_on_aws' -rfE \
  --durations=25 >"$report" 2>&1 || true
tail -n 3 "$report"
echo "full report: $report"
kill -0 $gw 2>/dev/null || echo "the gateway exited during the run; its log: $log_copy" 
