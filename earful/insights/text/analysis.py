"""The steps of `earful analyze` after reading: enrich chunks, find themes, write the rows."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TextIO

import numpy as np

from earful.insights.text.batch import EMPTY_TEXT, BatchError, InputRow
from earful.insights.text.embedding import DIMENSIONS
from earful.insights.text.pipeline import enrich_texts

COLUMNS = (
    "id",
    "sentiment",
    "sentiment_score",
    "theme_id",
    "theme_label",
    "hesitant",
    "hesitancy_reason",
    "language",
    "status",
)
MISC_LABEL = "Misc / emerging"  # the theme label of texts that fit no theme


@dataclass(frozen=True)
class AnalyzedRow:
    id: str
    status: str  # batch.OK, batch.EMPTY_TEXT or batch.BAD_SCORE
    sentiment: str = ""
    sentiment_score: float | None = None
    hesitant: bool | None = None
    hesitancy_reason: str = ""
    theme_id: int | None = None
    theme_label: str = ""
    language: str = ""

    @property
    def analysed(self) -> bool:
        return self.status != EMPTY_TEXT


def analyze_chunk(
    chunk: Sequence[InputRow], scale: tuple[float, float] | None
) -> tuple[list[AnalyzedRow], list[str], np.ndarray]:
    """The chunk's rows with sentiment and hesitancy, and the texts and embeddings of those
    that have text (for theme discovery over the whole file)."""
    present = [row for row in chunk if row.status != EMPTY_TEXT]
    texts = [row.text for row in present]
    scales = [scale] * len(present) if scale is not None else None
    enriched = iter(enrich_texts(texts, [row.score for row in present], scales))
    rows, embeddings = [], []
    for row in chunk:
        if row.status == EMPTY_TEXT:
            rows.append(AnalyzedRow(id=row.id, status=row.status))
            continue
        item = next(enriched)
        embeddings.append(item.embedding)
        rows.append(
            AnalyzedRow(
                id=row.id,
                status=row.status,
                sentiment=item.sentiment,
                sentiment_score=item.sentiment_score,
                hesitant=item.hesitant,
                hesitancy_reason=item.hesitancy_reason,
                language=item.language,
            )
        )
    matrix = np.vstack(embeddings) if embeddings else np.zeros((0, DIMENSIONS), np.float32)
    return rows, texts, matrix


def _theme_discovery() -> Callable[..., Any]:
    try:
        from earful.insights.themes import discover_themes
    except ImportError as error:
        raise BatchError(
            f"theme discovery (earful.insights.themes) is not installed in this version: {error}"
        ) from None
    return discover_themes


def assign_themes(
    rows: list[AnalyzedRow],
    texts: list[str],
    embeddings: list[np.ndarray],
    progress: Callable[[int, int], None] | None = None,
) -> list[AnalyzedRow]:
    """The rows with the theme found for their text over the whole file (-1: no theme,
    labelled MISC_LABEL). `progress(done, total)` follows the discovery's steps."""
    if not texts:
        return rows
    theme_set = _theme_discovery()(texts, np.vstack(embeddings), progress=progress)
    names = {int(theme.id): str(theme.label) for theme in theme_set.themes}
    labels = iter(int(label) for label in theme_set.labels)
    themed = []
    for row in rows:
        if not row.analysed:
            themed.append(row)
            continue
        label = next(labels)
        themed.append(replace(row, theme_id=label, theme_label=names.get(label, MISC_LABEL)))
    return themed


def _cells(row: AnalyzedRow) -> list[str]:
    if not row.analysed:
        return [row.id, "", "", "", "", "", "", "", row.status]
    return [
        row.id,
        row.sentiment,
        f"{row.sentiment_score:.3f}" if row.sentiment_score is not None else "",
        "" if row.theme_id is None else str(row.theme_id),
        row.theme_label,
        "true" if row.hesitant else "false",
        row.hesitancy_reason,
        row.language,
        row.status,
    ]


def write_rows(out: TextIO, rows: Sequence[AnalyzedRow]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(_cells(row) for row in rows)
    return len(rows)
