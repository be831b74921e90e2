"""Stored embeddings of feedback items: computed once per text, reused by every theme refresh."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from earful.feedback.models import FeedbackItem
from earful.insights.models import ItemEmbedding, bytes_vector, vector_bytes

BATCH = 256  # texts per call of the model and per write
Progress = Callable[[int, int], None]  # (texts embedded, texts to embed)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def store_embeddings(*, items: Sequence[FeedbackItem], vectors: np.ndarray) -> None:
    """Saves one embedding per item (row i for items[i]), replacing any older one. Enrichment
    may call this with the embeddings it computed anyway, so themes need no second pass."""
    rows = [
        ItemEmbedding(
            item_id=item.pk, vector=vector_bytes(vectors[i]), text_hash=text_hash(item.text)
        )
        for i, item in enumerate(items)
    ]
    ItemEmbedding.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["item"],
        update_fields=["vector", "text_hash", "updated_at"],
        batch_size=BATCH,
    )


def item_embeddings(
    *, items: Sequence[FeedbackItem], progress: Progress | None = None
) -> np.ndarray:
    """One row per item: the stored embedding, or one computed now (and stored) for an item
    that has none or whose text changed since."""
    stored = _stored(items)
    vectors: list[np.ndarray | None] = [stored.get(item.pk) for item in items]
    missing = [i for i, vector in enumerate(vectors) if vector is None]
    for start in range(0, len(missing), BATCH):
        chunk = missing[start : start + BATCH]
        computed = _embed([items[i].text for i in chunk])
        store_embeddings(items=[items[i] for i in chunk], vectors=computed)
        for row, i in enumerate(chunk):
            vectors[i] = computed[row]
        if progress:
            progress(min(start + BATCH, len(missing)), len(missing))
    if not items:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([np.asarray(v, dtype=np.float32) for v in vectors])


def _stored(items: Sequence[FeedbackItem]) -> dict[int, np.ndarray]:
    """item id -> stored vector, for the items whose text is unchanged (one query per 1000)."""
    wanted = {item.pk: text_hash(item.text) for item in items}
    found: dict[int, np.ndarray] = {}
    ids = list(wanted)
    for start in range(0, len(ids), 1000):
        rows = ItemEmbedding.objects.filter(item_id__in=ids[start : start + 1000]).values_list(
            "item_id", "vector", "text_hash"
        )
        for item_id, vector, hashed in rows:
            if wanted[item_id] == hashed:
                found[item_id] = bytes_vector(vector)
    return found


def _embed(texts: list[str]) -> np.ndarray:
    from earful.insights.text.embedding import embed  # loads torch on first use only

    return embed(texts)
