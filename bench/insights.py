"""The insights engine measured on real text from ../shared/data, in one table.

    .venv/bin/python bench/insights.py

Sentiment and hesitancy (bench/insights_text.py) and themes (bench/insights_themes.py) each
compute their rows; this script runs both and prints them together. Every model is fit on train
splits only; every figure is on a test split or on the hand-labelled hesitancy set.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.table import Table

from bench import insights_text, insights_themes


def main() -> None:
    started = time.perf_counter()
    table = Table(title="Earful insights engine on ../shared/data")
    for column in ("metric", "value", "target"):
        table.add_column(column)
    for part in (insights_text, insights_themes):
        for metric, value, target in part.rows():
            table.add_row(metric, value, target)
        table.add_section()
    console = Console(width=120)
    console.print(table)
    insights_themes.print_names()
    console.print(f"total bench time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
