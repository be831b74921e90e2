"""Similar ideas while typing, on 50,000 ideas (SQLite by default).

    .venv/bin/python bench/ideas.py [--ideas 50000] [--distinct 12000] [--queries 200]
                                    [--database URL] [--no-cache]

Titles are real short requests from ../shared/data (BANKING77 and CLINC150 train: what people
ask a bank or an assistant, close to the length of an idea's title). `--distinct` of them are
embedded with all-MiniLM-L6-v2 (kept in data/cache/ideas/, ignored by git, so a rerun skips
it) and repeated to fill `--ideas` rows: an idea's vector is its title's. The lookup's cost
does not depend on the vectors being distinct (it compares the typed text with every idea).

The queries are held-out CLINC150 test requests, each typed three ways as someone writes a
title: its first 3 words, first 6 words, and whole. Timed per lookup, in one process, warm
(the model and the organization's matrix loaded once before; the cold load is reported):
- similar_ideas: what the htmx partial calls (embed the typed text, read the board's
  vectors_version, one matrix product over every idea, top 5, load those 5 ideas);
- words fallback: the full-text fallback (title words in the folded search_text);
- baseline: a plain `title LIKE '%typed text%'` (icontains), top 5 by votes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.django_setup import setup_django  # noqa: E402
from earful.insights.text.training import shared_data_dir  # noqa: E402

DATA = shared_data_dir()  # EARFUL_SHARED_DATA, else ../shared/data
CACHE = ROOT / "data" / "cache" / "ideas"
TARGET_MS = 100.0


def titles() -> list[str]:
    found: list[str] = []
    with (DATA / "banking77_train.csv").open(newline="", encoding="utf-8") as stream:
        found += [row["text"] for row in csv.DictReader(stream)]
    clinc = json.loads((DATA / "clinc150_data_full.json").read_text(encoding="utf-8"))
    found += [text for text, _ in clinc["train"]]
    seen: dict[str, None] = {}
    for text in found:
        seen.setdefault(text.strip()[:160], None)
    return [t for t in seen if len(t) >= 4]


def queries(count: int) -> list[str]:
    clinc = json.loads((DATA / "clinc150_data_full.json").read_text(encoding="utf-8"))
    texts = [text for text, _ in clinc["test"]][::7][:count]
    typed = []
    for text in texts:
        words = text.split()
        typed += [" ".join(words[:3]), " ".join(words[:6]), text]
    return [t for t in typed if len(t) >= 4]


def vectors(texts: list[str], *, cache: bool) -> np.ndarray:
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"minilm-{key}.npy"
    if cache and path.exists():
        return np.load(path)
    from earful.insights.text.embedding import embed

    started = time.perf_counter()
    found = embed(texts)
    print(f"embedded {len(texts)} titles in {time.perf_counter() - started:.0f} s")
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, found)
    return found


def load(count: int, distinct: list[str], matrix: np.ndarray) -> int:
    from earful.accounts.services import create_organization
    from earful.ideas.models import Idea, IdeaVector
    from earful.ideas.services.embedding import bump_vectors
    from earful.ideas.text import fold
    from earful.insights.models import vector_bytes

    organization = create_organization(name="Bench ideas", owner_email="bench@ideas.test")
    org = organization.organization
    rows = []
    for i in range(count):
        title = distinct[i % len(distinct)]
        rows.append(
            Idea(
                organization=org,
                title=title,
                search_text=fold(title)[:400],
                vote_count=(i * 7919) % 97,
            )
        )
        if len(rows) == 5000:
            _store(rows, distinct, matrix, Idea, IdeaVector, vector_bytes)
            rows = []
    if rows:
        _store(rows, distinct, matrix, Idea, IdeaVector, vector_bytes)
    bump_vectors({org.pk})
    return org.pk


def _store(rows, distinct, matrix, Idea, IdeaVector, vector_bytes) -> None:  # type: ignore[no-untyped-def]
    index = {t: i for i, t in enumerate(distinct)}
    Idea.objects.bulk_create(rows, batch_size=1000)
    IdeaVector.objects.bulk_create(
        [
            IdeaVector(
                idea_id=idea.pk,
                organization_id=idea.organization_id,
                vector=vector_bytes(matrix[index[idea.title]]),
            )
            for idea in rows
        ],
        batch_size=1000,
    )


def timed(lookup, typed: list[str]) -> tuple[list[float], list[float], int]:  # type: ignore[no-untyped-def]
    """Wall and CPU milliseconds per lookup (CPU: this process, every thread), and how many
    lookups found something."""
    times, cpu, hits = [], [], 0
    for text in typed:
        started, started_cpu = time.perf_counter(), time.process_time()
        found = lookup(text)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        hits += bool(found)
    return times, cpu, hits


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=50_000)
    parser.add_argument("--distinct", type=int, default=12_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database", default=None)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="earful-bench-ideas-"))
    setup_django(args.database, folder)

    from django.db import connection

    from earful.ideas.models import Idea
    from earful.ideas.services import similarity
    from earful.ideas.services.similarity import candidates, similar_ideas

    distinct = titles()[: args.distinct]
    matrix = vectors(distinct, cache=not args.no_cache)
    started = time.perf_counter()
    org = load(args.ideas, distinct, matrix)
    print(f"stored {args.ideas} ideas with vectors in {time.perf_counter() - started:.0f} s")
    typed = queries(args.queries)

    started = time.perf_counter()
    similar_ideas(org, "warm up the model and the matrix")
    cold = (time.perf_counter() - started) * 1000

    def full(text: str):  # type: ignore[no-untyped-def]
        found = similar_ideas(org, text)
        return list(Idea.objects.in_bulk([s.idea_id for s in found]).values())

    def like(text: str):  # type: ignore[no-untyped-def]
        return list(candidates(org).filter(title__icontains=text).order_by("-vote_count")[:5])

    rows = [
        ("similar_ideas (embedding), warm", *timed(full, typed)),
        ("words fallback (full-text)", *timed(lambda t: similarity.by_words(org, t), typed)),
        ("baseline: title LIKE '%typed%'", *timed(like, typed)),
    ]
    print(
        f"\n{args.ideas} ideas, {len(typed)} lookups ({connection.vendor}); cold first lookup "
        f"(model + matrix load): {cold:.0f} ms; shared 2-core machine, numbers are noisy\n"
    )
    print(
        f"{'lookup':34} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'cpu p95':>8} {'found':>6}"
        "  target"
    )
    for name, times, cpu, hits in rows:
        target = f"p95 < {TARGET_MS:.0f} ms" if name.startswith("similar") else ""
        verdict = ("  ok" if p95(times) < TARGET_MS else "  MISSED") if target else ""
        print(
            f"{name:34} {statistics.median(times):7.1f} {p95(times):7.1f} {max(times):7.1f} "
            f"{p95(cpu):8.1f} {hits / len(times):6.0%}  {target}{verdict}"
        )
    print(f"\nload average while measuring: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
