"""How `data/reviews_subset.csv` was made: real review text for the demo's survey comments.

The source is the CC0 "Women's E-Commerce Clothing Reviews" data set (see data/CREDITS.md),
23,486 reviews of a clothing retailer with a 1-5 star rating. The subset keeps reviews that have
text, drops repeated texts, and draws a fixed number per rating with a fixed seed (more low
ratings than the source has, so that unhappy customers have enough distinct words). Rows stay in
source order. To make it again, byte for byte:

    .venv/bin/python -m earful.demo.subset \\
        ../shared/data/womens_clothing_ecommerce_reviews.csv earful/demo/data/reviews_subset.csv
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from random import Random

SEED = 20180204  # the data set's publication date
PER_RATING = {1: 250, 2: 350, 3: 500, 4: 700, 5: 1200}  # 3,000 rows
COLUMNS = ("source_row", "rating", "department", "title", "text")


_MOJIBAKE = re.compile("[ãÃ][\u0080-\u00bf]")


def repair_mojibake(text: str) -> str:
    """UTF-8 read as Latin-1 in the source data, some of it lowercased since: "appliquã©" is
    "appliqué" (the two characters are the two bytes of one UTF-8 character)."""
    return _MOJIBAKE.sub(
        lambda m: bytes([0xC3, ord(m.group()[1])]).decode("utf-8", "replace"), text
    )


def _rows_with_text(source: Iterable[dict[str, str]]) -> Iterator[dict[str, str]]:
    """Source rows mapped to COLUMNS; rows without text and repeated texts are left out."""
    seen: set[str] = set()
    for row in source:
        text = repair_mojibake((row["Review Text"] or "").strip())
        if not text or text in seen or row["Rating"] not in {"1", "2", "3", "4", "5"}:
            continue
        seen.add(text)
        yield {
            "source_row": row[""],
            "rating": row["Rating"],
            "department": (row["Department Name"] or "").strip(),
            "title": repair_mojibake((row["Title"] or "").strip()),
            "text": text,
        }


def pick_subset(
    source: Iterable[dict[str, str]], *, per_rating: dict[int, int] = PER_RATING, seed: int = SEED
) -> list[dict[str, str]]:
    """A stratified sample: `per_rating[r]` rows of each rating r, in source order."""
    by_rating: dict[int, list[dict[str, str]]] = {rating: [] for rating in per_rating}
    for row in _rows_with_text(source):
        by_rating.setdefault(int(row["rating"]), []).append(row)
    rng = Random(seed)
    picked = [row for r, n in per_rating.items() for row in rng.sample(by_rating[r], n)]
    return sorted(picked, key=lambda row: int(row["source_row"]))


def write_subset(source_path: Path, dest_path: Path) -> int:
    with source_path.open(encoding="utf-8", newline="") as stream:
        rows = pick_subset(csv.DictReader(stream))
    dest_path.parent.mkdir(parents=True, exist_ok=True)
    with dest_path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m earful.demo.subset SOURCE.csv DEST.csv")
    count = write_subset(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {count} reviews to {sys.argv[2]}")
