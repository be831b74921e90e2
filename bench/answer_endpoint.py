"""Benchmark: the public answer endpoint against a minimal one-row-insert Django view.

Each endpoint is served the production way, gunicorn with 2 sync workers, with the writing of
Answer rows running beside it (`earful expand-answers --every 1`, what the worker's task does),
on a fresh database, and loaded with wrk over loopback: a warm-up, `--rounds` timed runs of
each endpoint in turn (the machine's load hits them alike; the table shows medians), then a
bounded run each whose 2xx answers must equal the rows stored. Rows:

  minimal insert view       Earful's settings and middleware, one view inserting one row
  answer endpoint (create)  POST /api/v1/public/surveys/{id}/responses, a whole answer each
  answer endpoint (mix)     the same POST with the first answer, then a PATCH of the rest

    .venv/bin/python bench/answer_endpoint.py                  # SQLite (WAL), a temporary file
    .venv/bin/python bench/answer_endpoint.py --database postgres://postgres@127.0.0.1:5432/earful_bench

With --database, the bench creates that database and drops it at the end (it refuses one that
exists). Needs wrk: `make bench-tools`. Target (issue 3): the create row reaches >= 0.8x the
minimal view's requests/s, p99 under 50 ms, rows stored == 2xx answers exactly.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = Path(__file__).with_name("answer.lua")
TARGET_RATIO, TARGET_P99_MS = 0.8, 50.0


@dataclass(frozen=True)
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    server_us: float  # CPU the server's processes used per request
    background_us: float  # CPU the answer expansion used meanwhile, per request


@dataclass
class Result:
    name: str
    runs: list[Run] = field(default_factory=list)  # the timed runs, one per round
    rps: float = 0.0  # medians of the runs
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    ratio: float = 0.0  # median of the rounds' requests/s over the minimal view's
    server_us: float = 0.0
    background_us: float = 0.0
    errors: int = 0  # socket errors and non-2xx replies, timed and bounded runs
    ok: int = 0  # 2xx replies of the bounded run
    rows: int = 0  # rows the bounded run added: must equal `ok`


@dataclass(frozen=True)
class Endpoint:
    name: str
    app: str
    path: str
    mode: str  # answer.lua's MODE
    count: str  # Python printing the rows stored so far
    settings: str = "earful.settings"


def _env(data_dir: str, database_url: str | None) -> dict[str, str]:
    # One client address sends everything: the per-address limit would answer 429 (by design).
    env = dict(
        os.environ,
        EARFUL_DATA_DIR=data_dir,
        EARFUL_LOG_LEVEL="WARNING",
        EARFUL_RATE_LIMIT_PUBLIC="0",
        PYTHONPATH=str(ROOT),
    )
    if database_url:
        env["EARFUL_DATABASE_URL"] = database_url
    return env


def _django(env: dict[str, str], code: str, settings: str = "earful.settings") -> str:
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env={**env, "DJANGO_SETTINGS_MODULE": settings},
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
RESPONSES = "from earful.surveys.models import Response as R\n"
# An answer is stored once its intake row is (`surveys.Intake`): it counts before the expansion
# has written its Response row (with --no-expander, none has). One statement: one snapshot, so
# a row the expansion moves meanwhile is counted once.
_COUNT = (
    "from django.db import connection\nc = connection.cursor()\n"
    "c.execute('SELECT (SELECT count(*) FROM surveys_response) "
    "+ (SELECT count(*) FROM surveys_intake){more}')\nprint(c.fetchone()[0])"
)
COUNT_RESPONSES = _COUNT.format(more="")
COUNT_RESPONSES_AND_UPDATES = _COUNT.format(more=" + (SELECT count(*) FROM surveys_responseupdate)")
NOT_EXPANDED = RESPONSES + "print(R.objects.filter(expanded_at__isnull=True).count())"
ANSWER_ROWS = RESPONSES + (
    "from earful.surveys.models import Answer as A\n"
    "given = sum(len({k.removesuffix('_comment') for k in r}) "
    "for r in R.objects.values_list('answers_given', flat=True))\n"
    "print(A.objects.count(), given)"
)
MINIMAL_TABLE = "from bench.minimal_site import *; from django.db import connection\n"
COUNT_MINIMAL = (
    MINIMAL_TABLE + "c = connection.cursor(); c.execute('SELECT count(*) FROM bench_row'); "
    "print(c.fetchone()[0])"
)


def _serve(app: str, port: int, env: dict[str, str], settings: str) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), app, f"--bind=127.0.0.1:{port}", "--workers=2"],
        env={**env, "DJANGO_SETTINGS_MODULE": settings},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nothing-here", timeout=1)
        except urllib.error.HTTPError:
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"gunicorn for {app} did not start on port {port}")


def _wrk(url: str, mode: str, seconds: int, connections: int, limit: int = 0) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA)]
    args = [url, "--", mode, str(limit), f"r{time.time_ns()}"]
    out = subprocess.run([*command, *args], capture_output=True, text=True, check=True).stdout
    found = re.search(
        r"RESULT ok=(\d+) bad=(\d+) errors=(\d+) p50_us=(\d+) p99_us=(\d+) "
        r"requests=(\d+) seconds=([\d.]+)",
        out,
    )
    if not found:
        raise SystemExit(f"wrk printed no result:\n{out}")
    names = ("ok", "bad", "errors", "p50_us", "p99_us", "requests", "seconds")
    return dict(zip(names, map(float, found.groups()), strict=True))


def _cpu_seconds(pid: int | None) -> float:
    """CPU time used so far by a process and its living descendants (gunicorn's workers)."""
    if pid is None:
        return 0.0
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    total += (int(fields[11]) + int(fields[12])) / tick
    return total + sum(_cpu_seconds(int(child)) for child in children)


def _settled(background: int | None, limit_s: float = 60) -> float:
    """The expansion's CPU time once it has caught up with the run (it stops using CPU), so
    each run is charged with all the background work its answers caused."""
    used, quiet, since = _cpu_seconds(background), 0, time.monotonic()
    while background is not None and quiet < 3 and time.monotonic() - since < limit_s:
        time.sleep(0.5)
        now = _cpu_seconds(background)
        quiet, used = (quiet + 1 if now - used < 0.01 else 0), now
    return used


def _timed(
    url: str, endpoint: Endpoint, server: int, background: int | None, args: argparse.Namespace
) -> Run:
    before = _cpu_seconds(server), _cpu_seconds(background)
    run = _wrk(url, endpoint.mode, args.seconds, args.connections)
    after = _cpu_seconds(server), _settled(background)
    requests = max(run["requests"], 1)
    return Run(
        rps=run["requests"] / run["seconds"],
        p50_ms=run["p50_us"] / 1000,
        p99_ms=run["p99_us"] / 1000,
        server_us=(after[0] - before[0]) / requests * 1e6,
        background_us=(after[1] - before[1]) / requests * 1e6,
    )


def _measure(
    endpoints: list[Endpoint], env: dict[str, str], args: argparse.Namespace, background: int | None
) -> list[Result]:
    """Warm-ups, then `--rounds` timed runs of every endpoint in turn (so a change in the
    machine's load hits them alike), then one bounded run each: 2xx answers vs new rows."""
    servers: dict[str, tuple[str, subprocess.Popen[bytes]]] = {}
    try:
        for endpoint in endpoints:
            if endpoint.app not in servers:
                port = 8790 + len(servers)
                servers[endpoint.app] = (
                    f"http://127.0.0.1:{port}",
                    _serve(endpoint.app, port, env, endpoint.settings),
                )
        urls = [servers[e.app][0] + e.path for e in endpoints]
        pids = [servers[e.app][1].pid for e in endpoints]
        for url, endpoint in zip(urls, endpoints, strict=True):
            _wrk(url, endpoint.mode, 2, args.connections)
        rounds = [
            [
                _timed(url, e, pid, background, args)
                for url, e, pid in zip(urls, endpoints, pids, strict=True)
            ]
            for _ in range(args.rounds)
        ]
        results = [_result(e, [r[i] for r in rounds]) for i, e in enumerate(endpoints)]
        for url, endpoint, result in zip(urls, endpoints, results, strict=True):
            _bounded(url, endpoint, result, env, args)
    finally:
        for _url, server in servers.values():
            server.terminate()
            server.wait()
    minimal = results[0]
    for result in results:
        result.ratio = statistics.median(
            r.rps / m.rps for r, m in zip(result.runs, minimal.runs, strict=True)
        )
    return results


def _result(endpoint: Endpoint, runs: list[Run]) -> Result:
    result = Result(endpoint.name, runs=runs)
    result.rps = statistics.median(r.rps for r in runs)
    result.p50_ms = statistics.median(r.p50_ms for r in runs)
    result.p99_ms = statistics.median(r.p99_ms for r in runs)
    result.server_us = statistics.median(r.server_us for r in runs)
    result.background_us = statistics.median(r.background_us for r in runs)
    return result


def _bounded(
    url: str, endpoint: Endpoint, result: Result, env: dict[str, str], args: argparse.Namespace
) -> None:
    """`--bounded` requests per wrk thread, then only GETs that store nothing: once wrk stops,
    every row it caused is stored, and each must have had its 2xx."""
    seconds = max(3, math.ceil(2 * args.bounded / max(result.rps, 1) * 1.5) + 2)
    before = int(_django(env, endpoint.count, endpoint.settings))
    bounded = _wrk(url, endpoint.mode, seconds, args.connections, args.bounded)
    result.rows = int(_django(env, endpoint.count, endpoint.settings)) - before
    result.ok = int(bounded["ok"])
    result.errors += int(bounded["errors"] + bounded["bad"])


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The background work of accepting answers: writing their Answer rows and feedback items,
    as the worker's `expand_answers` task does. Not the whole worker: enriching feedback items
    (sentiment, themes) is its own workload, the same whichever door the words came through."""
    with open(Path(env["EARFUL_DATA_DIR"]) / "expand-answers.log", "wb") as log:
        return subprocess.Popen(
            [str(BIN / "earful"), "expand-answers", "--every", "1"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def _stopped(worker: subprocess.Popen[bytes], env: dict[str, str]) -> str:
    """What the expansion printed if it stopped during the run (it must not), else ''."""
    if worker.poll() is None:
        return ""
    log = (Path(env["EARFUL_DATA_DIR"]) / "expand-answers.log").read_text(errors="replace")
    return f"the expansion stopped during the run:\n{log[-2000:]}"


def _drain(env: dict[str, str], since: float, limit_s: float = 120) -> tuple[float, int]:
    """Seconds after `since` until every response is expanded, and how many are left."""
    while (left := int(_django(env, NOT_EXPANDED))) and time.monotonic() - since < limit_s:
        time.sleep(0.5)
    return time.monotonic() - since, left


class _Database:
    """A fresh SQLite file, or a PostgreSQL database created for the run and dropped after."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self.data_dir = tempfile.mkdtemp(prefix="earful-bench-")
        self.name = urlsplit(url).path.lstrip("/") if url else ""
        if url and not re.fullmatch(r"[a-z_][a-z0-9_]*", self.name):
            raise SystemExit(f"--database: name the bench database in the URL, not {self.name!r}")

    def _admin(self, sql: str) -> None:
        import psycopg

        parts = urlsplit(self.url or "")
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as c:
            c.execute(sql)  # the name was checked against [a-z_][a-z0-9_]*

    def __enter__(self) -> _Database:
        if self.url:
            try:
                self._admin(f"CREATE DATABASE {self.name}")
            except Exception as exc:
                raise SystemExit(f"could not create the bench database {self.name}: {exc}") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        if self.url:
            self._admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        shutil.rmtree(self.data_dir, ignore_errors=True)

    @property
    def label(self) -> str:
        return f"PostgreSQL ({self.name}, created and dropped)" if self.url else "SQLite (WAL)"


def _endpoints(public_id: str) -> list[Endpoint]:
    answers = f"/api/v1/public/surveys/{public_id}/responses"
    return [
        Endpoint(
            "minimal insert view",
            "bench.minimal_site:application",
            "/insert/",
            "create",
            COUNT_MINIMAL,
            settings="bench.minimal_site",
        ),
        Endpoint(
            "answer endpoint (create)",
            "earful.wsgi:application",
            answers,
            "create",
            COUNT_RESPONSES,
        ),
        Endpoint(
            "answer endpoint (mix)",
            "earful.wsgi:application",
            answers,
            "mix",
            COUNT_RESPONSES_AND_UPDATES,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="postgres://USER@HOST:PORT/NAME (default: SQLite)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each timed run")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--bounded", type=int, default=1000, help="requests per wrk thread")
    parser.add_argument(
        "--skip-mix", action="store_true", help="leave out the create+PATCH row (shorter)"
    )
    parser.add_argument(
        "--no-expander",
        action="store_true",
        help="run no expansion beside the server (the web part alone; rows expanded after)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: run `make bench-tools` (apt-get install wrk)")
    load_before = os.getloadavg()
    with _Database(args.database) as db:
        env = _env(db.data_dir, args.database)
        subprocess.run([str(BIN / "earful"), "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        public_id = _django(env, PREPARE)
        _django(
            env,
            MINIMAL_TABLE + "connection.cursor().execute(CREATE_TABLE_PG if "
            "connection.vendor == 'postgresql' else CREATE_TABLE)",
            "bench.minimal_site",
        )
        worker = None if args.no_expander else _worker(env)
        try:
            endpoints = _endpoints(public_id)[: 2 if args.skip_mix else 3]
            results = _measure(endpoints, env, args, worker.pid if worker else None)
            if worker is None:
                worker = _worker(env)
            stopped = _stopped(worker, env)
            drained = _drain(env, time.monotonic())
            answer_rows = _django(env, ANSWER_ROWS).split()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait()
    if stopped:
        print(stopped, file=sys.stderr)
    _print(results, args, db.label, drained, answer_rows, (load_before, os.getloadavg()))


def _print(
    results: list[Result],
    args: argparse.Namespace,
    label: str,
    drained: tuple[float, int],
    answer_rows: list[str],
    loads: tuple[tuple[float, ...], tuple[float, ...]],
) -> None:
    print(
        f"\nanswer endpoint benchmark: {label}; gunicorn 2 sync workers, plus "
        "`earful expand-answers --every 1` writing Answer rows and feedback items (enrichment "
        f"not run); wrk -t2 -c{args.connections}; medians of {args.rounds} timed runs of "
        f"{args.seconds}s per endpoint, taken in turn"
    )
    print("rate limits off for the run: EARFUL_RATE_LIMIT_PUBLIC=0 (one client address sends all)")
    print(f"rows vs 2xx: a bounded run of {args.bounded} requests per wrk thread (mix: responses")
    print("created + updates applied vs 2xx replies); ratio: median of the rounds' req/s ratios")
    header = (
        "endpoint", "req/s", "p50 ms", "p99 ms", "errors", "rows", "2xx", "match", "ratio",
        "cpu µs", "+bg µs",
    )  # fmt: skip
    print(f"{header[0]:<26}" + "".join(f"{h:>8}" for h in header[1:]))
    for r in results:
        match = "yes" if r.rows == r.ok else "NO"
        print(
            f"{r.name:<26}{r.rps:>8.0f}{r.p50_ms:>8.1f}{r.p99_ms:>8.1f}{r.errors:>8}"
            f"{r.rows:>8}{r.ok:>8}{match:>8}{r.ratio:>8.2f}{r.server_us:>8.0f}"
            f"{r.background_us:>8.0f}"
        )
    print(
        "cpu µs: CPU time of the server's processes per request; +bg µs: of the answer "
        "expansion, until it caught up after the run (both far steadier than req/s on a busy "
        "machine)"
    )
    create = results[1]
    verdict = create.ratio >= TARGET_RATIO and create.p99_ms < TARGET_P99_MS
    print(
        f"target (create): ratio >= {TARGET_RATIO}, p99 < {TARGET_P99_MS:.0f} ms, rows == 2xx: "
        + ("met" if verdict and create.rows == create.ok else "NOT met")
    )
    seconds, left = drained
    print(
        f"answer rows written by the expansion: {answer_rows[0]} of {answer_rows[1]} given; "
        + (f"all expanded {seconds:.1f} s after the last run" if not left else f"{left} pending")
    )
    print(
        "load average before: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f} "
        "(2 cores; other work on the machine lowers every row alike)".format(*loads[0], *loads[1])
    )


if __name__ == "__main__":
    main()
