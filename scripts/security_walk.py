"""A security walk over a real Earful: `.venv/bin/python scripts/security_walk.py`.

Starts `earful serve` and `earful worker` on a temporary SQLite database (127.0.0.1, port
EARFUL_WALK_PORT or 8124), seeds an organization with an owner, an API token and trustee
surveys, then tries what a stranger would and prints one table: check | expected | got |
PASS/FAIL. Exits 1 on any FAIL.

- hostile strings (a lone surrogate, a NUL, 100 KB of text, deeply nested JSON) through the
  public answer endpoint, the widget (the same endpoint from a shop's page), a source's signed
  webhook, a file import and API bodies: 4xx (no 5xx), and every page still 200 afterwards;
- SSRF: alert destinations on private and metadata addresses are refused (422);
- login lock-out: after 5 wrong passwords /login/ answers 429 "Too many failed sign-ins" and
  the right password is refused until it expires [h14a's branch: passes once merged];
- trustee views: no group under 5, no identity, no time of day.

Rows marked [after merge] test work from another branch (issue 14, h14a: text normalisation,
JSON limits, login lock-out) and fail until it lands.
"""

from __future__ import annotations

import hashlib
import hmac
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("EARFUL_WALK_PORT", "8124"))
BASE = f"http://127.0.0.1:{PORT}"
OWNER = "owner@walk.test"
PASSWORD = "correct horse battery staple 42"
AFTER_MERGE = " [after merge]"

SEED = r"""
import json
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from earful.accounts.services import create_organization
from earful.customers.models import Customer
from earful.outreach.models import Invitation
from earful.surveys.services import create_survey, publish_survey, submit_response
from earful.surveys.validation import QuestionSpec

created = create_organization(name="Walk Co", owner_email="%(owner)s")
owner = created.owner.user
owner.set_password("%(password)s")
owner.save()
org = created.organization
questions = (QuestionSpec(key="nps", type="nps", text="Recommend us?", comment=True),)
def survey(title, trust):
    return publish_survey(survey=create_survey(
        organization=org, title=title, questions=questions, trust_mode=trust))
open_survey = survey("Open survey", "identified")
small = survey("Staff pulse (3 answers)", "trustee")
big = survey("Staff pulse (6 answers)", "trustee")
zelda = Customer.objects.create(organization=org, external_id="zelda", name="Zelda Zimmer")
for n in range(3):
    submit_response(survey=small, answers={"nps": 2, "nps_comment": f"small secret {n}"},
                    key=f"s{n}", customer_ref="zelda" if n == 0 else "")
for n in range(6):
    submit_response(survey=big, answers={"nps": 3, "nps_comment": f"big words {n}"},
                    key=f"b{n}", customer_ref="zelda" if n == 0 else "")
now = timezone.now()
Invitation.objects.create(organization=org, survey=big, customer=zelda, status="answered",
                          sent_at=now - timedelta(hours=1), opened_at=now, answered_at=now)
print(json.dumps({
    "token": created.api_token.raw, "open": open_survey.public_id,
    "open_id": open_survey.pk, "small": small.pk, "big": big.pk,
}))
"""


@dataclass
class Row:
    check: str
    expected: str
    got: str
    ok: bool


ROWS: list[Row] = []


def record(check: str, expected: str, got: object, ok: bool) -> None:
    ROWS.append(Row(check, expected, str(got)[:60], ok))


@dataclass
class Answer:
    status: int
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


class Client:
    """urllib with a cookie jar (pages) and an optional bearer token (API)."""

    def __init__(self, token: str = "") -> None:
        self.token = token
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def send(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Answer:
        sent = dict(headers or {})
        if self.token:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        request = urllib.request.Request(BASE + path, data=body, method=method, headers=sent)
        try:
            with self.opener.open(request, timeout=60) as answer:
                return Answer(answer.status, answer.read())
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.read())

    def get(self, path: str) -> Answer:
        return self.send("GET", path)

    def post_json(self, path: str, raw: bytes | str, headers: dict | None = None) -> Answer:
        data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
        return self.send(
            "POST", path, data, {"Content-Type": "application/json", **(headers or {})}
        )

    def csrf(self) -> str:
        return next((c.value or "" for c in self.jar if c.name == "csrftoken"), "")

    def login(self, email: str, password: str) -> Answer:
        self.get("/login/")
        form = urllib.parse.urlencode(
            {"username": email, "password": password, "csrfmiddlewaretoken": self.csrf()}
        ).encode()
        return self.send(
            "POST",
            "/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": BASE + "/login/"},
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# ------------------------------------------------------------------ the app


def start(env: dict[str, str]) -> list[subprocess.Popen]:
    earful = str(BIN / "earful")
    subprocess.run([earful, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    log = open(Path(env["EARFUL_DATA_DIR"]) / "app.log", "w")  # noqa: SIM115
    processes = [
        subprocess.Popen(
            [earful, "serve", "--host", "127.0.0.1", "--port", str(PORT), "--workers", "2"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [earful, "worker", "--no-reload", "--interval", "0.3"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
    ]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(BASE + "/login/", timeout=5)
            return processes
        except OSError:
            time.sleep(0.5)
    raise SystemExit("earful serve did not answer within 90 s")


def seed(env: dict[str, str]) -> dict[str, Any]:
    code = SEED % {"owner": OWNER, "password": PASSWORD}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


# ------------------------------------------------------------------ the checks

HOSTILE: dict[str, str] = {
    "lone surrogate": '"\\ud800 broken"',
    "NUL": '"a\\u0000b"',
    "100 KB text": json.dumps("x" * 100_000),
}
NESTED = "[" * 5000 + "]" * 5000


def answer_body(comment_json: str) -> str:
    """A public answer whose comment is `comment_json`, spliced in as raw JSON text."""
    return '{"answers": {"nps": 3, "nps_comment": ' + comment_json + "}}"


def _refused(answer: Answer) -> bool:
    return 400 <= answer.status < 500


def hostile_strings(api: Client, seeded: dict[str, Any], webhook: tuple[int, str]) -> None:
    public = f"/api/v1/public/surveys/{seeded['open']}/responses"
    for name, text in HOSTILE.items():
        needs_merge = "" if name == "100 KB text" else AFTER_MERGE
        body = answer_body(text)
        status = api.post_json(public, body, {"Authorization": ""}).status
        record(f"public answer: {name}{needs_merge}", "4xx", status, 400 <= status < 500)
        status = api.post_json(public, body, {"Origin": "https://shop.example"}).status
        record(f"widget answer: {name}{needs_merge}", "4xx", status, 400 <= status < 500)
        customer = api.post_json("/api/v1/customers", '{"external_id": "c1", "name": ' + text + "}")
        record(f"API customer: {name}{needs_merge}", "4xx", customer.status, _refused(customer))
        connection_id, secret = webhook
        raw = ('{"id": "h-' + name.replace(" ", "-") + '", "text": ' + text + "}").encode(
            "utf-8", "surrogatepass"
        )
        stamp = int(time.time())
        signature = hmac.new(secret.encode(), f"{stamp}.".encode() + raw, hashlib.sha256)
        hook = api.post_json(
            f"/hooks/json/{connection_id}/",
            raw,
            {"X-Earful-Signature": f"t={stamp},v1={signature.hexdigest()}", "Authorization": ""},
        )
        record(f"signed webhook: {name}", "no 5xx", hook.status, hook.status < 500)
    nested = answer_body(NESTED)
    got = api.post_json(public, nested, {"Authorization": ""}).status
    record(f"public answer: nested JSON{AFTER_MERGE}", "4xx", got, 400 <= got < 500)
    got = api.post_json("/api/v1/customers", '{"external_id": ' + NESTED + "}").status
    record(f"API customer: nested JSON{AFTER_MERGE}", "4xx", got, 400 <= got < 500)
    got = import_file(api, "text\n\ud800 bad\nok line\n")
    record(f"file import: lone surrogate{AFTER_MERGE}", "no 5xx", got, got < 500)


def import_file(api: Client, content: str) -> int:
    boundary = "walkboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ntickets\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\ncsv\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="t.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n{content}\r\n",
        f"--{boundary}--\r\n",
    ]
    body = "".join(parts).encode("utf-8", "surrogatepass")
    return api.send(
        "POST",
        "/api/v1/imports",
        body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    ).status


def settle(api: Client, seconds: float = 90) -> None:
    """Waits until the worker has turned the answers taken into feedback items (the count
    stops moving for 6 s), at most `seconds`."""
    deadline, last, still = time.monotonic() + seconds, -1, 0
    while time.monotonic() < deadline and still < 3:
        answer = api.get("/api/v1/feedback?channel=survey&limit=1")
        count = answer.json()["count"] if answer.status == 200 else -2
        still = still + 1 if count == last else 0
        last = count
        time.sleep(2)


def pages_still_work(api: Client, page: Client, seeded: dict[str, Any]) -> None:
    settle(api)
    for path in ("/api/v1/items", "/api/v1/feedback", "/api/v1/surveys"):
        got = api.get(path).status
        record(f"after: GET {path}{AFTER_MERGE}", "200", got, got == 200)
    dashboard = f"/surveys/{seeded['open_id']}/dashboard/"
    for path in ("/inbox/", dashboard, "/insights/comments/", "/feedback/", "/alerts/"):
        got = page.get(path).status
        record(f"after: page {path}{AFTER_MERGE}", "200", got, got == 200)


SSRF = [
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:5432/",
    "http://[::1]:6379/",
    "http://10.0.0.1/hook",
    "http://localhost:8124/",
]


def ssrf(api: Client) -> None:
    for url in SSRF:
        got = api.post_json(
            "/api/v1/alert-rules/destinations",
            json.dumps({"name": "x", "kind": "webhook", "url": url}),
        )
        field = got.json()["detail"][0]["field"] if got.status == 422 else "-"
        record(f"SSRF destination {url}", "422 url", f"{got.status} {field}", field == "url")


def login_lockout() -> None:
    stranger = Client()
    for _ in range(5):
        stranger.login(OWNER, "wrong password")
    sixth = stranger.login(OWNER, "wrong password")
    ok = sixth.status == 429 and "Too many failed sign-ins" in sixth.text
    record(f"login: 6th wrong password{AFTER_MERGE}", "429 Too many", sixth.status, ok)
    right = stranger.login(OWNER, PASSWORD)
    record(
        f"login: right password while locked{AFTER_MERGE}",
        "refused",
        right.status,
        right.status != 302,
    )


def trustee(api: Client, page: Client, seeded: dict[str, Any]) -> None:
    items = api.get("/api/v1/items?limit=200").json()["items"]
    texts = [i["text"] for i in items]
    small = [t for t in texts if t.startswith("small secret")]
    record("trustee: 3 answers held back (items)", "0 shown", len(small), not small)
    feedback = [i["text"] for i in api.get("/api/v1/feedback?limit=500").json()["items"]]
    held = [t for t in feedback if t.startswith("small secret")]
    record("trustee: 3 answers held back (feedback)", "0 shown", len(held), not held)
    big = [i for i in items if i["text"].startswith("big words")]
    record("trustee: 6 answers shown", "6", len(big), len(big) == 6)
    named = [i for i in big if i["customer"] is not None]
    record("trustee: no identity on items", "0 named", len(named), not named)
    timed = [i["received_at"] for i in big if not i["received_at"].endswith("T00:00:00Z")]
    record("trustee: day only, no time", "0 timed", len(timed), not timed)
    summary = api.get(f"/api/v1/surveys/{seeded['small']}/summary").json()
    record(
        "trustee: summary of 3 suppressed",
        "suppressed",
        summary["suppressed"],
        summary["suppressed"],
    )
    invitations = api.get(f"/api/v1/surveys/{seeded['big']}/invitations").json()
    [row] = invitations["items"]
    ok = row["opened_at"] is None and row["answered_at"] is None and row["status"] == "sent"
    record("trustee: invitee's opened/answered", "not shown", row["status"], ok)
    counts = invitations["counts"]
    ok = counts["opened"] is None and counts["answered"] is None
    record("trustee: invitation counts of 1", "fewer than 5", counts["answered"], ok)
    inbox = page.get("/inbox/").text
    ok = "Zelda" not in inbox and "small secret" not in inbox
    record("trustee: inbox page", "no name, none held", "ok" if ok else "leak", ok)
    hours = re.findall(r"big words[^<]*</p>[\s\S]{0,400}?(\d\d:\d\d)", inbox)
    record("trustee: inbox page time of day", "none", hours[:1] or "none", not hours)


def walk(seeded: dict[str, Any]) -> None:
    api = Client(seeded["token"])
    page = Client()
    signed_in = page.login(OWNER, PASSWORD)
    record("owner signs in", "302", signed_in.status, signed_in.status == 302)
    created = api.post_json("/api/v1/sources", json.dumps({"source": "json", "kind": "tickets"}))
    record("a JSON source to post webhooks to", "201", created.status, created.status == 201)
    source: dict[str, Any] = created.json() if created.status == 201 else {}
    trustee(api, page, seeded)
    ssrf(api)
    hostile_strings(api, seeded, (source.get("id", 0), source.get("webhook_secret", "")))
    pages_still_work(api, page, seeded)
    login_lockout()


def report() -> int:
    widths = [max(len(getattr(r, f)) for r in ROWS) for f in ("check", "expected", "got")]
    header = ("check", "expected", "got")
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " | result"
    print(line)
    print("-" * len(line))
    for r in ROWS:
        cells = (r.check, r.expected, r.got)
        text = " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
        print(f"{text} | {'PASS' if r.ok else 'FAIL'}")
    failed = [r for r in ROWS if not r.ok]
    print(f"\n{len(ROWS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="earful-walk-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    env.update(
        EARFUL_DATA_DIR=str(folder),
        EARFUL_DATABASE_URL=f"sqlite:///{folder / 'earful.sqlite3'}",
        EARFUL_SECRET_KEY="security-walk-" + os.urandom(8).hex(),
        EARFUL_RATE_LIMIT_PUBLIC="0",
        EARFUL_RATE_LIMIT_TOKEN="0",
        EARFUL_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_SETTINGS_MODULE="earful.settings",
    )
    processes: list[subprocess.Popen] = []
    try:
        processes = start(env)
        walk(seed(env))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        if os.environ.get("EARFUL_WALK_KEEP"):
            print(f"kept {folder} (app.log: the server's and worker's log)")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return report()


if __name__ == "__main__":
    sys.exit(main())
