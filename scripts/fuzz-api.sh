#!/usr/bin/env bash
# The API fuzzer (issue 14): schemathesis against a real server's OpenAPI document, every
# operation, with the token of a seeded organization. Fails on any 5xx, any response whose body
# does not match the document, and any status the document does not declare.
# A fresh SQLite database under a temporary EARFUL_DATA_DIR; the server on a free local port.
# Usage: scripts/fuzz-api.sh   (after `make install`; FUZZ_EXAMPLES=N cases per operation and
#        phase, default 15; FUZZ_SEED=N for another draw, default 14)
set -euo pipefail
cd "$(dirname "$0")/.."
EARFUL=.venv/bin/earful
EXAMPLES="${FUZZ_EXAMPLES:-15}"
SEED="${FUZZ_SEED:-14}"
export EARFUL_DATA_DIR; EARFUL_DATA_DIR="$(mktemp -d)"
# One address and one token send everything: the rate limits (429, documented) would only
# hide what is behind them.
export EARFUL_RATE_LIMIT_PUBLIC=0 EARFUL_RATE_LIMIT_TOKEN=0 EARFUL_LOG_LEVEL=WARNING
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$EARFUL_DATA_DIR"' EXIT

$EARFUL migrate -v0
TOKEN=$($EARFUL createorg --name "Fuzz Co" --owner-email owner@fuzz.test | awk '/api token/ {print $3}')
PORT=$(.venv/bin/python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
$EARFUL serve --port "$PORT" --workers 2 >"$EARFUL_DATA_DIR/server.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT/api/v1"
for _ in $(seq 100); do curl -sf "$BASE/openapi.json" >/dev/null && break; sleep 0.2; done

# Something to find: a published survey with answers, a customer, an alert destination.
auth=(-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json")
SURVEY=$(curl -sf "${auth[@]}" -X POST "$BASE/surveys" -d '{"title": "Fuzz NPS",
  "questions": [{"key": "nps", "type": "nps", "text": "Recommend us?", "comment": true},
                {"key": "plan", "type": "choice", "text": "Plan", "choices": ["Free", "Pro"]}]}' \
  | .venv/bin/python -c "import json, sys; print(json.load(sys.stdin)['id'])")
PUBLIC=$(curl -sf "${auth[@]}" -X POST "$BASE/surveys/$SURVEY/publish" \
  | .venv/bin/python -c "import json, sys; print(json.load(sys.stdin)['public_id'])")
for score in 2 7 10; do
  curl -sf -o /dev/null -X POST "$BASE/public/surveys/$PUBLIC/responses" \
    -H "Content-Type: application/json" -d "{\"answers\": {\"nps\": $score, \"nps_comment\": \"Fine $score\"}}"
done
curl -sf -o /dev/null "${auth[@]}" -X POST "$BASE/customers" -d '{"external_id": "c-1", "email": "c1@fuzz.test"}'

REPORT="$EARFUL_DATA_DIR/report"
# One worker: two crashed schemathesis' own coverage phase (a CPython 3.11 race in compile()).
set +e
.venv/bin/st run "$BASE/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --exclude-path '/api/v1/tokens/{token_id}' \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$EXAMPLES" --seed "$SEED" --workers 1 \
  --generation-database none --suppress-health-check all --request-timeout 30 \
  --no-color --report junit --report-junit-path "$REPORT.xml" >"$REPORT.txt" 2>&1
status=$?
set -e

# What failed, in full (each with a curl line to reproduce it), then schemathesis' summary and
# the counts from its JUnit report.
[ "$status" -ne 0 ] && sed -n '/= FAILURES =/,/= SUMMARY =/p' "$REPORT.txt" | head -300
sed -n '/= SUMMARY =/,$p' "$REPORT.txt"
[ -n "${FUZZ_OUTPUT:-}" ] && cp "$REPORT.txt" "$FUZZ_OUTPUT"
.venv/bin/python - "$REPORT.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
cases = root.iter("testcase")
operations = failed = 0
for case in cases:
    operations += 1
    failed += any(child.tag in {"failure", "error"} for child in case)
print(f"fuzz-api: {operations} operations covered, {failed} with failures")
PY
if [ "$status" -ne 0 ]; then
  echo "FAIL: the fuzzer found problems (above); the server's tracebacks:"
  grep -B2 -A25 "^Traceback" "$EARFUL_DATA_DIR/server.log" | head -120
  exit 1
fi
echo "PASS: API fuzzer"
