"""BM25 over stemmed terms, scored from a sparse matrix of precomputed term weights.

Usage::

    index = BM25Index.build([["prazo", "chamad"], ["telefon", "argentin"]])
    scores = index.scores([{"telefon"}, {"argentin", "argentina"}])   # one float per document
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse

TermGroups = list[set[str]]


class BM25Index:
    """Okapi BM25; a query is a list of term groups (the variants of one word)."""

    def __init__(self, vocabulary: dict[str, int], weights: sparse.csc_matrix, idf: np.ndarray):
        self.vocabulary = vocabulary
        self.weights = weights  # documents x terms, BM25 weight of each term in each document
        self.idf = idf

    @property
    def size(self) -> int:
        return int(self.weights.shape[0])

    @classmethod
    def build(cls, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> BM25Index:
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[float] = []
        lengths = np.array([len(terms) for terms in documents], dtype=np.float64)
        for row, terms in enumerate(documents):
            for term, count in Counter(terms).items():
                rows.append(row)
                cols.append(vocabulary.setdefault(term, len(vocabulary)))
                tfs.append(count)
        n_docs = len(documents)
        df = np.bincount(cols, minlength=len(vocabulary)).astype(np.float64)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        average_length = float(lengths.mean()) if n_docs else 0.0
        tf = np.asarray(tfs, dtype=np.float64)
        norm = k1 * (1 - b + b * lengths[rows] / max(average_length, 1e-9))
        values = idf[cols] * tf * (k1 + 1) / (tf + norm)
        matrix = sparse.csc_matrix((values.astype(np.float32), (rows, cols)), shape=(n_docs, len(vocabulary)))
        return cls(vocabulary, matrix, idf.astype(np.float32))

    def _columns(self, group: set[str]) -> list[int]:
        return [self.vocabulary[term] for term in group if term in self.vocabulary]

    def scores(self, query: TermGroups) -> np.ndarray:
        """BM25 score of every document; each word counts once, by its best-matching variant."""
        total = np.zeros(self.size, dtype=np.float32)
        for group in query:
            columns = self._columns(group)
            if columns:
                total += self.weights[:, columns].max(axis=1).toarray().ravel()
        return total

    def coverage(self, query: TermGroups, document: int) -> float:
        """IDF-weighted share of the query's words found in ``document`` (unknown words count fully)."""
        unknown_idf = math.log1p((self.size + 0.5) / 0.5)
        found = expected = 0.0
        row = self.weights[document].toarray().ravel() if self.size else np.zeros(0)
        for group in query:
            columns = self._columns(group)
            weight = float(self.idf[columns].max()) if columns else unknown_idf
            expected += weight
            if columns and row[columns].max() > 0:
                found += weight
        return found / expected if expected else 0.0

    def save(self, path: Path) -> None:
        terms = np.array(sorted(self.vocabulary, key=self.vocabulary.__getitem__), dtype=object)
        sparse.save_npz(path / "bm25_weights.npz", self.weights)
        np.savez(path / "bm25_terms.npz", terms=terms, idf=self.idf)

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        weights = sparse.load_npz(path / "bm25_weights.npz").tocsc()
        data = np.load(path / "bm25_terms.npz", allow_pickle=True)
        vocabulary = {str(term): index for index, term in enumerate(data["terms"])}
        return cls(vocabulary, weights, data["idf"])
