#!/usr/bin/env bash
# The newcomer check: the README's first command, run as written in a clean clone, serves S3 on
# port 9000 with data under ./data and prints the root credentials; aws-cli then makes a round trip.
set -euo pipefail
cd "$(dirname "$0")/.."

first_command=$(sed -n '/^```sh$/,/^```$/p' README.md | grep -v '^```' | head -n 1)
echo "newcomer: running the README's first command: $first_command"
rm -rf ./data
log=$(mktemp)
bash -c "$first_command" >"$log" 2>&1 &
pid=$!
cleanup() { pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf ./data; }
trap cleanup EXIT

for _ in $(seq 1 240); do
  if grep -q 'Root secret key:' "$log" && curl -s -o /dev/null http://127.0.0.1:9000/; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; echo "newcomer: Coffer exited"; exit 1; fi
  sleep 1
done
access=$(grep -m1 'Root access key:' "$log" | sed 's/.*Root access key: *//' | tr -d '[:space:]')
secret=$(grep -m1 'Root secret key:' "$log" | sed 's/.*Root secret key: *//' | tr -d '[:space:]')
[ -n "$access" ] && [ -n "$secret" ] || { cat "$log"; echo "newcomer: no credentials printed"; exit 1; }

export AWS_ACCESS_KEY_ID="$access" AWS_SECRET_ACCESS_KEY="$secret" AWS_DEFAULT_REGION=us-east-1
aws="aws --endpoint-url http://127.0.0.1:9000"
tmp=$(mktemp -d)
head -c 3000000 /dev/urandom > "$tmp/in.bin"
$aws s3 mb s3://newcomer
$aws s3 cp "$tmp/in.bin" s3://newcomer/dir/in.bin
$aws s3 ls s3://newcomer/dir/ | grep -q 'in.bin'
$aws s3 cp s3://newcomer/dir/in.bin "$tmp/out.bin"
cmp "$tmp/in.bin" "$tmp/out.bin"
test -d ./data
echo "newcomer: README first command serves S3; aws-cli round trip of 3 MB matched"
