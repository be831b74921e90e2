"""Themes measured on real requests from ../shared/data, without their labels.

    .venv/bin/python bench/insights_themes.py [--no-cache]

Each set: `discover_themes` chooses the number of themes itself; NMI and ARI against the
intents over every request (those left without a theme, "misc / emerging", count as one more
group). BANKING77 test (3,080 requests, 77 intents); CLINC150 test (4,500 in-scope requests,
150 intents); BANKING77 test with near-duplicates planted (1,500 copies of one request, with
embedding noise as retweets and template answers have): k must not collapse. The 10 largest
themes of each set are listed with their names.

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
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402

from earful.insights.text.training import cached_embeddings, shared_data_dir  # noqa: E402
from earful.insights.themes import NO_THEME, discover_themes  # noqa: E402

DATA = shared_data_dir()
CACHE = ROOT / "data" / "cache" / "emb"
Row = tuple[str, str, str]
NAMES: list[tuple[str, list[tuple[str, int]]]] = []  # (data set, [(theme name, size)])


def _measure(name: str, texts: list[str], truth: list[str], vectors: np.ndarray) -> list[Row]:
    started = time.process_time()
    found = discover_themes(texts, vectors)
    seconds = time.process_time() - started
    labels = found.labels
    NAMES.append((name, [(t.label, t.size) for t in found.themes[:10]]))
    return [
        (
            f"{name}: themes found (k) / NMI / ARI",
            f"{len(found.themes)} / {normalized_mutual_info_score(truth, labels):.3f} / "
            f"{adjusted_rand_score(truth, labels):.3f}",
            "NMI >= 0.80 (BANKING77)",
        ),
        (
            "  misc / emerging (no theme); discovery CPU time",
            f"{(labels == NO_THEME).mean():.1%}; {seconds:.0f} CPU-s",
            "",
        ),
    ]


def rows(*, cache: bool = True) -> list[Row]:
    store = CACHE if cache else None
    with (DATA / "banking77_test.csv").open(newline="", encoding="utf-8") as stream:
        banking = list(csv.DictReader(stream))
    texts, intents = [r["text"] for r in banking], [r["category"] for r in banking]
    vectors = cached_embeddings(texts, store)
    result = _measure(f"BANKING77 test ({len(texts)})", texts, intents, vectors)
    copies = 1500
    noise = np.random.default_rng(0).standard_normal((copies, vectors.shape[1]))
    planted = vectors[5] + 0.01 * noise
    planted /= np.linalg.norm(planted, axis=1, keepdims=True)
    result += _measure(
        f"BANKING77 test + {copies} near-duplicates",
        texts + [texts[5]] * copies,
        intents + [intents[5]] * copies,
        np.vstack([vectors, planted]),
    )
    data = json.loads((DATA / "clinc150_data_full.json").read_text(encoding="utf-8"))
    clinc = [text for text, _ in data["test"]]
    truth = [intent for _, intent in data["test"]]
    result += _measure(
        f"CLINC150 test ({len(clinc)})", clinc, truth, cached_embeddings(clinc, store)
    )
    return result


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
    print_names()


def print_names() -> None:
    for name, themes in NAMES:
        print(f"{name}, 10 largest themes: " + "; ".join(f"{n} ({s})" for n, s in themes))


if __name__ == "__main__":
    main()
