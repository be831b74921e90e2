"""Themes measured on real requests from ../shared/data, without their labels.

    .venv/bin/python bench/insights_themes.py [--no-cache]

- BANKING77 test (3,080 requests, 77 intents): `discover_themes` chooses the number of themes
  itself; NMI and ARI against the intents over every request (those left without a theme count
  as one more group), and over the requests given a theme. Reference: k-means told k=77.
- CLINC150: themes discovered on the in-scope train split (15,000 requests, 150 intents; the
  method clusters a sample of 8,000 and assigns the rest), then the test split is assigned
  incrementally: the share of out-of-scope test requests flagged new/emerging, and the share
  of in-scope test requests flagged by mistake.
The method's settings were chosen on BANKING77 train and CLINC150 val only.
Embeddings (all-MiniLM-L6-v2) are computed by this script and kept in data/cache/themes/
(ignored by git) so a rerun skips them; --no-cache recomputes them.
BANKING77: Casanueva et al. 2020, CC BY 4.0. CLINC150: Larson et al. 2019, CC BY 3.0.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402

from earful.insights.text.embedding import embed  # noqa: E402
from earful.insights.themes import NO_THEME, assign, discover_themes  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CACHE = ROOT / "data" / "cache" / "themes"
Row = tuple[str, str, str]


def embeddings(texts: list[str], *, cache: bool = True) -> np.ndarray:
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"minilm-{key}.npy"
    if cache and path.exists():
        return np.load(path)
    vectors = embed(texts)
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors


def _nmi_ari(truth: list[str], labels: np.ndarray) -> str:
    nmi = normalized_mutual_info_score(truth, labels)
    return f"{nmi:.3f} / {adjusted_rand_score(truth, labels):.3f}"


def banking_rows(*, cache: bool = True) -> list[Row]:
    with (DATA / "banking77_test.csv").open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    texts, intents = [r["text"] for r in rows], [r["category"] for r in rows]
    vectors = embeddings(texts, cache=cache)
    started = time.perf_counter()
    found = discover_themes(texts, vectors)
    seconds = time.perf_counter() - started
    labels, themed = found.labels, found.labels != NO_THEME
    kept = [intent for intent, keep in zip(intents, themed, strict=True) if keep]
    reference = KMeans(77, n_init=3, random_state=0).fit_predict(vectors)
    name = f"BANKING77 test ({len(texts)} requests)"
    return [
        (
            f"{name}: NMI, all requests",
            f"{normalized_mutual_info_score(intents, labels):.3f}",
            ">= 0.80",
        ),
        (f"{name}: ARI, all requests", f"{adjusted_rand_score(intents, labels):.3f}", ""),
        (f"{name}: themes found (k)", str(len(found.themes)), "77 intents"),
        (f"{name}: requests left without a theme", f"{1 - themed.mean():.1%}", ""),
        (
            "  NMI / ARI over the requests given a theme",
            _nmi_ari(kept, labels[themed]),
            "",
        ),
        (
            "  reference: k-means told k=77, NMI / ARI",
            _nmi_ari(intents, reference),
            "",
        ),
        (f"{name}: discovery time", f"{seconds:.1f} s", ""),
    ]


def clinc_rows(*, cache: bool = True) -> list[Row]:
    data = json.loads((DATA / "clinc150_data_full.json").read_text(encoding="utf-8"))
    train = [text for text, _ in data["train"]]
    test = [text for text, _ in data["test"]]
    oos = [text for text, _ in data["oos_test"]]
    started = time.perf_counter()
    found = discover_themes(train, embeddings(train, cache=cache))
    seconds = time.perf_counter() - started
    flagged_in = (assign(found, embeddings(test, cache=cache))[0] == NO_THEME).mean()
    flagged_oos = (assign(found, embeddings(oos, cache=cache))[0] == NO_THEME).mean()
    truth = [intent for _, intent in data["train"]]
    return [
        (f"CLINC150 train ({len(train)}): themes found (k)", str(len(found.themes)), "150 intents"),
        (
            "  NMI against the intents",
            f"{normalized_mutual_info_score(truth, found.labels):.3f}",
            "",
        ),
        (
            f"CLINC150 out-of-scope test ({len(oos)}): flagged new/emerging",
            f"{flagged_oos:.1%}",
            "high",
        ),
        (f"CLINC150 in-scope test ({len(test)}): flagged by mistake", f"{flagged_in:.1%}", "low"),
        ("CLINC150 train: discovery time", f"{seconds:.1f} s", ""),
    ]


def rows(*, cache: bool = True) -> list[Row]:
    return banking_rows(cache=cache) + clinc_rows(cache=cache)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cache", action="store_true", help="recompute the embeddings")
    options = parser.parse_args()
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Earful themes on ../shared/data")
    for column in ("metric", "value", "target"):
        table.add_column(column)
    for metric, value, target in rows(cache=not options.no_cache):
        table.add_row(metric, value, target)
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
