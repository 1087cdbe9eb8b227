"""Dense vectors of the passages and the FAISS index that finds the nearest ones to a query.

Small corpora use exact search (``IndexFlatIP``); from ``HNSW_FROM_ROWS`` rows on, an HNSW graph,
because a flat scan of 100k 512-d vectors costs more than the whole latency budget of a search.
Rows are never renumbered: deleting marks them dead and searches skip them.

Usage::

    index = DenseIndex.build(vectors)                  # (n, dim) float32, unit length
    rows, scores = index.search(query_vector, k=10)    # best first
    index.add(more_vectors); index.delete([3])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss
import numpy as np

from search.embeddings import cpu_threads

HNSW_FROM_ROWS = 20_000
HNSW_NEIGHBOURS = 32  # M: edges per node; more = better recall, bigger graph
HNSW_EF_CONSTRUCTION = 64
HNSW_EF_SEARCH = 128  # candidates explored per query; must stay ≥ the k asked for
EXACT_BELOW_ALLOWED = 5_000  # a filter leaving fewer rows than this is searched exactly

faiss.omp_set_num_threads(cpu_threads())


class DenseIndex:
    """Unit vectors by row with nearest-neighbour search by inner product (= cosine)."""

    def __init__(self, vectors: np.ndarray, live: np.ndarray, ann: faiss.Index) -> None:
        # Rows live in a buffer with spare capacity, so adding one article does not copy them all.
        self._buffer = np.ascontiguousarray(vectors, dtype=np.float32)
        self.live = live
        self.ann = ann
        self.ef_search = HNSW_EF_SEARCH  # HNSW only: recall against latency

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        return cls(vectors, np.ones(len(vectors), dtype=bool), _new_ann(vectors))

    @property
    def size(self) -> int:
        return int(self.live.size)

    @property
    def vectors(self) -> np.ndarray:
        """The vector of every row (dead ones included), as a view."""
        return self._buffer[: self.size]

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self.ann, faiss.IndexHNSWFlat) else "flat"

    def add(self, vectors: np.ndarray) -> range:
        first = self.size
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        needed = first + len(vectors)
        if needed > len(self._buffer) or self._buffer.shape[1:] != vectors.shape[1:]:
            capacity = max(needed, len(self._buffer) * 5 // 4 + 1024)  # a quarter spare: bounded memory
            grown = np.empty((capacity, vectors.shape[1]), dtype=np.float32)
            grown[:first] = self.vectors
            self._buffer = grown
        self._buffer[first:needed] = vectors
        self.live = np.concatenate([self.live, np.ones(len(vectors), dtype=bool)])
        if len(vectors):
            self.ann.add(vectors)
        return range(first, self.size)

    def delete(self, rows: list[int]) -> None:
        self.live[rows] = False

    def scores(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Exact cosine of ``query`` with each of ``rows``."""
        return np.asarray(self.vectors[rows] @ query, dtype=np.float32)

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` live rows nearest to ``query`` (restricted to ``allowed`` when given), best first."""
        mask = self.live if allowed is None else self.live & allowed
        n_allowed = int(mask.sum())
        if n_allowed == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if n_allowed < EXACT_BELOW_ALLOWED and n_allowed < self.size:
            rows = np.flatnonzero(mask)
            scores = self.vectors[rows] @ query
            best = np.argsort(-scores)[:k]
            return rows[best], scores[best]
        # The bitmap must outlive the search: FAISS keeps only a pointer to it.
        bitmap = None if n_allowed == self.size else _bitmap(mask)
        params = _search_params(self.ann, bitmap, max(self.ef_search, k))
        scores, rows = self.ann.search(query.reshape(1, -1), min(k, n_allowed), params=params)
        found = rows[0] >= 0
        return rows[0][found].astype(np.int64), scores[0][found]

    def save(self, folder: Path) -> None:
        np.save(folder / "dense_vectors.npy", self.vectors)
        np.save(folder / "dense_live.npy", self.live)
        faiss.write_index(self.ann, str(folder / "dense.faiss"))

    @classmethod
    def load(cls, folder: Path) -> DenseIndex:
        vectors = np.load(folder / "dense_vectors.npy")
        ann = faiss.read_index(str(folder / "dense.faiss"))
        return cls(vectors, np.load(folder / "dense_live.npy"), ann)


def _new_ann(vectors: np.ndarray) -> faiss.Index:
    if len(vectors) >= HNSW_FROM_ROWS:
        return hnsw_for(vectors)
    ann = faiss.IndexFlatIP(vectors.shape[1])
    ann.add(vectors)
    return ann


def hnsw_for(vectors: np.ndarray) -> faiss.IndexHNSWFlat:
    """An HNSW graph over ``vectors`` (inner product), whatever their number."""
    ann = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
    ann.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    ann.add(vectors)
    return ann


def _search_params(ann: faiss.Index, bitmap: np.ndarray | None, ef_search: int) -> Any:
    """HNSW search depth and, when rows are excluded, a selector of the allowed ones."""
    selector = None if bitmap is None else faiss.IDSelectorBitmap(bitmap.size * 8, faiss.swig_ptr(bitmap))
    params: Any
    if isinstance(ann, faiss.IndexHNSWFlat):
        params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # missing from faiss' stubs
        params.efSearch = ef_search
    elif selector is None:
        return None
    else:
        params = faiss.SearchParameters()
    if selector is not None:
        params.sel = selector
    return params


def _bitmap(mask: np.ndarray) -> np.ndarray:
    """FAISS bitmaps are little-endian by bit: row i is bit (i % 8) of byte i // 8."""
    return np.packbits(mask, bitorder="little")
