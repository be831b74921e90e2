#!/usr/bin/env bash
# The backbone's acceptance walk against a real server on a fresh SQLite database:
# createorg, create + publish a 3-question NPS survey by API, public answers (one sent twice
# with the same key), the summary, a refused 6-question survey, and a second org's 404s.
# Usage: scripts/check-backbone.sh   (after `make install`)
set -euo pipefail
cd "$(dirname "$0")/.."
EARFUL=.venv/bin/earful
PORT="${PORT:-8765}"
export EARFUL_DATA_DIR; EARFUL_DATA_DIR="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$EARFUL_DATA_DIR"' EXIT

$EARFUL migrate -v0
TOKEN=$($EARFUL createorg --name "Check Co" --owner-email owner@check.test | awk '/api token/ {print $3}')
OTHER=$($EARFUL createorg --name "Other Co" --owner-email owner@other.test | awk '/api token/ {print $3}')
$EARFUL serve --port "$PORT" --workers 2 >"$EARFUL_DATA_DIR/server.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT/api/v1"
for _ in $(seq 50); do curl -sf "$BASE/openapi.json" >/dev/null && break; sleep 0.2; done

fail() { echo "FAIL: $*"; exit 1; }
call() { curl -s -o /tmp/earful-check.json -w "%{http_code}" "$@"; }
field() { python3 -c "import json,sys; print(json.load(open('/tmp/earful-check.json'))$1)"; }

code=$(call -X POST "$BASE/surveys" -H "Authorization: Bearer $TOKEN" -d '{"title": "Check NPS",
  "questions": [{"key": "nps", "type": "nps", "text": "Recommend us?", "comment": true},
                {"key": "ease", "type": "ces", "text": "Easy?"},
                {"key": "plan", "type": "choice", "text": "Plan", "choices": ["Free", "Pro"]}]}')
[ "$code" = 201 ] || fail "create survey: $code"
ID=$(field "['id']"); PUBLIC=$(field "['public_id']")
[ "$(call -X POST "$BASE/surveys/$ID/publish" -H "Authorization: Bearer $TOKEN")" = 200 ] || fail publish

answer() { call -X POST "$BASE/public/surveys/$PUBLIC/responses" -H "Idempotency-Key: $1" -d "$2"; }
[ "$(answer k1 '{"answers": {"nps": 10, "nps_comment": "Lovely"}}')" = 201 ] || fail "answer 1"
[ "$(answer k2 '{"answers": {"nps": 8}}')" = 201 ] || fail "answer 2"
[ "$(answer k3 '{"answers": {"nps": 3, "ease": 2}}')" = 201 ] || fail "answer 3"
[ "$(answer k3 '{"answers": {"nps": 3, "ease": 2}}')" = 200 ] || fail "retry must answer 200"
[ "$(answer k4 '{"answers": {"nps": 11}}')" = 422 ] || fail "out of range must be 422"

[ "$(call "$BASE/surveys/$ID/summary" -H "Authorization: Bearer $TOKEN")" = 200 ] || fail summary
echo "summary: $(cat /tmp/earful-check.json)"
[ "$(field "['responses']")" = 3 ] || fail "expected 3 responses (the retry stored once)"
[ "$(field "['score']['value']")" = 0.0 ] || fail "expected NPS 0.0"

code=$(call -X POST "$BASE/surveys" -H "Authorization: Bearer $TOKEN" -d '{"title": "Too long",
  "questions": [{"key": "a", "type": "nps", "text": "a"}, {"key": "b", "type": "text", "text": "b"},
  {"key": "c", "type": "text", "text": "c"}, {"key": "d", "type": "text", "text": "d"},
  {"key": "e", "type": "text", "text": "e"}, {"key": "f", "type": "text", "text": "f"}]}')
LONG=$(field "['id']")
[ "$(call -X POST "$BASE/surveys/$LONG/publish" -H "Authorization: Bearer $TOKEN")" = 422 ] || fail "6 questions published"
echo "6-question publish refused: $(cat /tmp/earful-check.json)"

for path in "surveys/$ID" "surveys/$ID/summary"; do
  [ "$(call "$BASE/$path" -H "Authorization: Bearer $OTHER")" = 404 ] || fail "other org on $path"
done
[ "$(call -X POST "$BASE/surveys/$ID/publish" -H "Authorization: Bearer $OTHER")" = 404 ] || fail "other org publish"
echo "PASS: backbone acceptance walk"
