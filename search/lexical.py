"""BM25 over stemmed terms, updatable one document at a time.

Postings live in a few immutable sparse segments (one per batch of added documents, the way Lucene
does it), each holding the length-normalised term frequency of BM25 computed when it was written
(with the average document length of that moment); the IDF is applied at query time from the live
document frequencies. Adding or deleting one article touches only its rows and the frequencies, and
a full rebuild makes the lengths exact again.

Usage::

    index = BM25Index()
    rows = index.add([["prazo", "chamad"], ["telefon", "argentin"]])   # range(0, 2)
    scores = index.scores([{"telefon"}, {"argentin", "argentina"}])     # one float per row
    index.delete([0])                                                    # row 0 never matches again
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

TermGroups = list[set[str]]

MAX_SEGMENTS = 8  # above this, the small segments are merged into one


@dataclass
class _Segment:
    first_row: int
    tf: sparse.csc_matrix  # rows x vocabulary known when written: tf·(k1+1) / (tf + k1·length norm)

    @property
    def rows(self) -> int:
        return int(self.tf.shape[0])


class BM25Index:
    """Okapi BM25; a query is a list of term groups (the variants of one word)."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.vocabulary: dict[str, int] = {}
        self.segments: list[_Segment] = []
        self.df = np.zeros(0, dtype=np.int64)  # live documents containing each term
        self.lengths = np.zeros(0, dtype=np.float32)
        self.live = np.zeros(0, dtype=bool)

    @property
    def size(self) -> int:
        """Rows ever added (deleted ones included): the length of every score array."""
        return int(self.live.size)

    @property
    def live_count(self) -> int:
        return int(self.live.sum())

    @classmethod
    def build(cls, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> BM25Index:
        index = cls(k1, b)
        index.add(documents)
        return index

    def add(self, documents: list[list[str]]) -> range:
        """Index ``documents`` as new rows; returns their row numbers."""
        first = self.size
        rows: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        for row, terms in enumerate(documents):
            for term, count in Counter(terms).items():
                rows.append(row)
                cols.append(self.vocabulary.setdefault(term, len(self.vocabulary)))
                counts.append(count)
        self.df = np.concatenate([self.df, np.zeros(len(self.vocabulary) - self.df.size, dtype=np.int64)])
        self.df += np.bincount(cols, minlength=len(self.vocabulary))
        lengths = np.array([len(d) for d in documents], dtype=np.float32)
        self.lengths = np.concatenate([self.lengths, lengths])
        self.live = np.concatenate([self.live, np.ones(len(documents), dtype=bool)])
        average_length = float(self.lengths[self.live].mean()) or 1.0
        tf = np.asarray(counts, dtype=np.float32)
        norm = self.k1 * (1 - self.b + self.b * lengths[rows] / average_length)
        saturated = tf * (self.k1 + 1) / (tf + norm)
        tf_matrix = sparse.csc_matrix((saturated, (rows, cols)), shape=(len(documents), len(self.vocabulary)))
        if documents:
            self.segments.append(_Segment(first, tf_matrix))
        if len(self.segments) > MAX_SEGMENTS:
            self._merge_small_segments()
        return range(first, self.size)

    def delete(self, rows: list[int]) -> None:
        """Stop matching ``rows``; their postings stay in the segments until the index is rebuilt."""
        doomed = np.array(sorted({row for row in rows if self.live[row]}), dtype=np.int64)
        for segment in self.segments:
            local = doomed[(doomed >= segment.first_row) & (doomed < segment.first_row + segment.rows)]
            if local.size:
                _, terms = segment.tf[local - segment.first_row].nonzero()
                np.subtract.at(self.df, terms, 1)
        self.live[doomed] = False

    def scores(self, query: TermGroups) -> np.ndarray:
        """BM25 score of every row; each word counts once, by its best-matching variant."""
        total = np.zeros(self.size, dtype=np.float32)
        n_live = self.live_count
        if n_live == 0:
            return total
        for group in query:
            columns = self._columns(group)
            if len(columns) == 1:  # the common case: no max over variants needed
                rows, saturated = self._postings(columns[0])
                total[rows] += np.float32(self._idf(columns[0], n_live)) * saturated
                continue
            best = np.zeros(self.size, dtype=np.float32)
            for column in columns:
                rows, saturated = self._postings(column)
                weight = np.float32(self._idf(column, n_live)) * saturated
                best[rows] = np.maximum(best[rows], weight)  # a term lists each row once
            total += best
        total[~self.live] = 0.0
        return total

    def coverage(self, query: TermGroups, row: int) -> float:
        """IDF-weighted share of the query's words found in ``row`` (unknown words count fully)."""
        n_live = max(self.live_count, 1)
        unknown_idf = math.log1p((n_live + 0.5) / 0.5)
        found = expected = 0.0
        for group in query:
            columns = self._columns(group)
            if not columns:
                expected += unknown_idf
                continue
            weight = max(self._idf(column, n_live) for column in columns)
            expected += weight
            if any(row in self._postings(column)[0] for column in columns):
                found += weight
        return found / expected if expected else 0.0

    def save(self, path: Path) -> None:
        merged = self._merged(self.segments)
        sparse.save_npz(path / "bm25_postings.npz", merged.tf if merged else sparse.csc_matrix((0, 0)))
        terms = np.array(sorted(self.vocabulary, key=self.vocabulary.__getitem__), dtype=object)
        np.savez(
            path / "bm25_terms.npz",
            terms=terms,
            df=self.df,
            lengths=self.lengths,
            live=self.live,
            params=np.array([self.k1, self.b]),
        )

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        data = np.load(path / "bm25_terms.npz", allow_pickle=True)
        index = cls(float(data["params"][0]), float(data["params"][1]))
        index.vocabulary = {str(term): column for column, term in enumerate(data["terms"])}
        index.df, index.lengths, index.live = data["df"], data["lengths"], data["live"]
        tf = sparse.load_npz(path / "bm25_postings.npz").tocsc()
        if tf.shape[0]:
            index.segments = [_Segment(0, tf)]
        return index

    def weight(self, group: set[str]) -> float:
        """How telling a query word is: the IDF of its rarest form (a word the corpus lacks counts most)."""
        n_live = max(self.live_count, 1)
        columns = self._columns(group)
        if not columns:
            return math.log1p((n_live + 0.5) / 0.5)
        return max(self._idf(column, n_live) for column in columns)

    def _idf(self, column: int, n_live: int) -> float:
        return math.log1p((n_live - self.df[column] + 0.5) / (self.df[column] + 0.5))

    def _columns(self, group: set[str]) -> list[int]:
        return [self.vocabulary[term] for term in group if term in self.vocabulary]

    def _postings(self, column: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows containing the term in ``column`` and its frequency in each, over all segments."""
        rows: list[np.ndarray] = []
        tfs: list[np.ndarray] = []
        for segment in self.segments:
            if column < segment.tf.shape[1]:
                start, end = segment.tf.indptr[column], segment.tf.indptr[column + 1]
                rows.append(segment.tf.indices[start:end] + segment.first_row)
                tfs.append(segment.tf.data[start:end])
        if len(rows) == 1:
            return rows[0], tfs[0]
        if not rows:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        return np.concatenate(rows), np.concatenate(tfs)

    def _merge_small_segments(self) -> None:
        """Merge the segments written after the largest one, so updates stay cheap and queries fast."""
        largest = max(range(len(self.segments)), key=lambda i: self.segments[i].rows)
        head, tail = self.segments[: largest + 1], self.segments[largest + 1 :]
        if len(tail) < 2:  # the small segments are not all after the largest: merge everything
            head, tail = [], self.segments
        merged = self._merged(tail)
        self.segments = [*head, *([merged] if merged else [])]

    def _merged(self, segments: list[_Segment]) -> _Segment | None:
        """One segment holding ``segments``, which are consecutive in rows."""
        if not segments:
            return None
        if len(segments) == 1 and segments[0].tf.shape[1] == len(self.vocabulary):
            return segments[0]
        width = len(self.vocabulary)
        parts = [sparse.csr_matrix(s.tf, copy=False) for s in segments]
        padded = [sparse.csr_matrix((p.data, p.indices, p.indptr), shape=(p.shape[0], width)) for p in parts]
        return _Segment(segments[0].first_row, sparse.vstack(padded, format="csc"))
