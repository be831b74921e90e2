"""Benchmark: the public answer endpoint against a minimal one-row-insert Django view.

Starts each behind gunicorn (2 sync workers, the production setup) on a fresh database, loads
it with wrk over loopback, and prints requests/s, p50, p99, errors and rows stored vs 2xx.

    .venv/bin/python bench/answer_endpoint.py                       # SQLite (WAL)
    .venv/bin/python bench/answer_endpoint.py --database-url postgres://postgres@127.0.0.1:5432/bench

Needs wrk (`apt-get install wrk`). Target: the answer endpoint reaches >= 0.8x the minimal
view's requests/s, p99 under 50 ms, and rows stored == 2xx answers.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = Path(__file__).with_name("answer.lua")


@dataclass
class Result:
    name: str
    ok: int
    bad: int
    errors: int
    p50_ms: float
    p99_ms: float
    rps: float
    rows: int = 0  # rows the bounded run added
    ok_all: int = 0  # 2xx answers of the bounded run: must equal rows


def _env(data_dir: str, database_url: str | None) -> dict[str, str]:
    # One client address sends everything: the per-address limit would answer 429 (by design).
    env = dict(
        os.environ,
        EARFUL_DATA_DIR=data_dir,
        EARFUL_LOG_LEVEL="WARNING",
        EARFUL_RATE_LIMIT_PUBLIC="0",
    )
    if database_url:
        env["EARFUL_DATABASE_URL"] = database_url
    env["PYTHONPATH"] = str(ROOT)
    return env


def _django(env: dict[str, str], code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env={**env, "DJANGO_SETTINGS_MODULE": env.get("DJANGO_SETTINGS_MODULE", "earful.settings")},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return out.stdout.strip()


PREPARE = """
from earful.accounts.services import create_organization
from earful.surveys.services import create_survey, publish_survey
from earful.surveys.validation import QuestionSpec
org = create_organization(name="Bench", owner_email="bench@bench.test").organization
survey = create_survey(organization=org, title="Bench NPS", questions=[
    QuestionSpec(key="nps", type="nps", text="Recommend us?", comment=True),
    QuestionSpec(key="ease", type="ces", text="Easy?"),
])
print(publish_survey(survey=survey).public_id)
"""


def _serve(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            app,
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--log-level=warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nothing-here", timeout=1)
        except urllib.error.HTTPError:
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"gunicorn for {app} did not start on port {port}")


def _load(url: str, seconds: int, connections: int, limit: int = 0) -> Result:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA)]
    out = subprocess.run(
        [*command, url, "--", str(limit)], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(
        r"RESULT ok=(\d+) bad=(\d+) errors=(\d+) p50_us=(\d+) p99_us=(\d+) "
        r"requests=(\d+) seconds=([\d.]+)",
        out,
    )
    if not found:
        raise SystemExit(f"wrk printed no result:\n{out}")
    ok, bad, errors, p50, p99, requests, secs = found.groups()
    return Result(
        "",
        int(ok),
        int(bad),
        int(errors),
        int(p50) / 1000,
        int(p99) / 1000,
        int(requests) / float(secs),
    )


def _run_one(
    name: str, app: str, path: str, env: dict, port: int, args: argparse.Namespace, rows: str
) -> Result:
    """A warm-up, the timed run, then a bounded run whose 2xx answers must equal new rows."""
    server = _serve(app, port, env)
    url = f"http://127.0.0.1:{port}{path}"
    try:
        _load(url, 2, args.connections)
        result = _load(url, args.seconds, args.connections)
        before = int(_django(env, rows))
        bounded = _load(url, args.seconds * 3, args.connections, limit=args.bounded)
        result.ok_all, result.rows = bounded.ok, int(_django(env, rows)) - before
        result.bad += bounded.bad
        result.errors += bounded.errors
    finally:
        server.terminate()
        server.wait()
    result.name = name
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--bounded", type=int, default=1000, help="answers per wrk thread")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    data_dir = tempfile.mkdtemp(prefix="earful-bench-")
    env = _env(data_dir, args.database_url)
    subprocess.run([str(BIN / "earful"), "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    public_id = _django(env, PREPARE)
    real = _run_one(
        "public answer endpoint",
        "earful.wsgi:application",
        f"/api/v1/public/surveys/{public_id}/responses",
        env,
        8790,
        args,
        "from earful.surveys.models import Response; print(Response.objects.count())",
    )
    minimal_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.minimal_site"}
    table = "from bench.minimal_site import *; from django.db import connection\n"
    _django(
        minimal_env,
        table + "c = connection.cursor(); c.execute(CREATE_TABLE_PG if "
        "connection.vendor == 'postgresql' else CREATE_TABLE)",
    )
    minimal = _run_one(
        "minimal insert view",
        "bench.minimal_site:application",
        "/insert/",
        minimal_env,
        8791,
        args,
        table + "c = connection.cursor(); c.execute('SELECT count(*) FROM bench_row'); "
        "print(c.fetchone()[0])",
    )
    _django(minimal_env, table + "connection.cursor().execute('DROP TABLE bench_row')")
    _print([real, minimal], args, data_dir)
    shutil.rmtree(data_dir, ignore_errors=True)


def _print(results: list[Result], args: argparse.Namespace, data_dir: str) -> None:
    db = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    print(
        f"\nanswer endpoint benchmark: {db}, gunicorn 2 sync workers, wrk -t2 "
        f"-c{args.connections}, {args.seconds}s after a 2s warm-up"
    )
    print(f"(rows vs 2xx: a bounded run of {args.bounded} answers per wrk thread, then drained)")
    print(
        f"{'endpoint':<24}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'2xx':>9}{'rows':>9}{'match':>7}"
    )
    for r in results:
        match = "yes" if r.rows == r.ok_all else "NO"
        print(
            f"{r.name:<24}{r.rps:>9.0f}{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}"
            f"{r.errors + r.bad:>8}{r.ok_all:>9}{r.rows:>9}{match:>7}"
        )
    ratio = results[0].rps / results[1].rps if results[1].rps else 0
    print(f"throughput ratio (answer / minimal): {ratio:.2f}  (target >= 0.80)")


if __name__ == "__main__":
    main()
