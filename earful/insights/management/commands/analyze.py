"""`earful analyze IN.csv --text-column COL [--id-column ID] [--score-column S] --out OUT.csv`

Writes one row per input row: id, sentiment, sentiment_score, theme_id, theme_label, hesitant,
hesitancy_reason, status. Themes are discovered over the whole file, so the texts are read and
embedded in chunks first, then themes are found, then the output is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from earful.insights.text import batch
from earful.insights.text.analysis import AnalyzedRow, analyze_chunk, assign_themes, write_rows
from earful.insights.text.hesitancy import infer_scale, parse_scale


@dataclass
class Collected:
    rows: list[AnalyzedRow]
    texts: list[str]
    embeddings: list[np.ndarray]


class Command(BaseCommand):
    help = "Sentiment, theme and hesitancy for every row of a CSV file, written to another CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV to read (UTF-8, header row)")
        parser.add_argument("--text-column", required=True, help="column holding the text")
        parser.add_argument("--id-column", help="column to copy as the id (default: row number)")
        parser.add_argument("--score-column", help="column holding a score (NPS, rating ...)")
        parser.add_argument(
            "--score-scale", help="the score's range, e.g. 0-10 or 1-5 (default: from the data)"
        )
        parser.add_argument("--out", required=True, type=Path, help="the CSV to write")
        parser.add_argument("--encoding", default="utf-8-sig", help="of the input (UTF-8)")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        encoding: str = options["encoding"]
        self._quiet = options["verbosity"] == 0
        try:
            names = batch.header(source, encoding)
            wanted = {
                "--text-column": options["text_column"],
                "--id-column": options["id_column"],
                "--score-column": options["score_column"],
            }
            batch.check_columns(source, names, wanted)
            found = batch.survey(source, encoding, options["score_column"])
            scale = self._scale(options["score_scale"], found)
            out = self._open_out(options["out"])
            with out:
                collected = self._collect(source, options, scale, total=found.rows)
                written = self._finish(collected, out)
        except batch.BatchError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"wrote {written} rows to {options['out']}")

    def _scale(self, given: str | None, found: batch.Survey) -> tuple[float, float] | None:
        if given:
            try:
                return parse_scale(given)
            except ValueError as error:
                raise batch.BatchError(f"--score-scale {given}: {error}") from None
        return infer_scale([*found.score_range]) if found.score_range else None

    def _open_out(self, path: Path) -> Any:
        try:
            return path.open("w", encoding="utf-8", newline="")
        except OSError as error:
            raise batch.BatchError(f"--out {path}: cannot write it ({error.strerror})") from None

    def _progress(self) -> Progress:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        console = Console(stderr=True)
        return Progress(*columns, TimeRemainingColumn(), console=console, disable=self._quiet)

    def _collect(
        self, source: Path, options: dict[str, Any], scale: tuple[float, float] | None, total: int
    ) -> Collected:
        collected = Collected(rows=[], texts=[], embeddings=[])
        with self._progress() as bar:
            task = bar.add_task("Reading and scoring", total=total)
            for chunk in batch.chunks(
                source,
                options["encoding"],
                text_column=options["text_column"],
                id_column=options["id_column"],
                score_column=options["score_column"],
            ):
                rows, texts, embeddings = analyze_chunk(chunk, scale)
                collected.rows.extend(rows)
                collected.texts.extend(texts)
                collected.embeddings.append(embeddings)
                bar.advance(task, len(chunk))
        return collected

    def _finish(self, collected: Collected, out: Any) -> int:
        with self._progress() as bar:
            task = bar.add_task("Finding themes", total=None)

            def step(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            rows = assign_themes(collected.rows, collected.texts, collected.embeddings, step)
        return write_rows(out, rows)
