"""Fusion of the lexical and dense rankings into one score per candidate passage.

Raw BM25 scores and cosines live on different scales that change from query to query, so each is
first standardised against its own distribution over the corpus for this query (a z-score: how far
above the typical passage this one stands). Lexical evidence is then trusted according to whether
the query and the passage share a language: across languages, ordinary words that match are mostly
accidents (cognates, function words), while the multilingual encoder still carries the meaning.
Matches on language-neutral terms (codes such as MATA410 or UPDDISTR, glossary terms) keep their
full weight in any language.

Usage::

    fusion = AdaptiveFusion()
    fused = fusion.fuse(LexicalScores(words, neutral), dense, lexical_stats, dense_stats, same_language)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_SPREAD = 1e-6


@dataclass(frozen=True)
class ScoreStats:
    """Mean and spread of one ranker's scores over the corpus, for one query."""

    mean: float
    std: float

    @classmethod
    def of(cls, scores: np.ndarray) -> ScoreStats:
        if scores.size == 0:
            return cls(0.0, 1.0)
        return cls(float(scores.mean()), max(float(scores.std()), MIN_SPREAD))

    @classmethod
    def of_live(cls, scores: np.ndarray, live: int) -> ScoreStats:
        """Statistics over the ``live`` rows of ``scores``, whose other rows score 0 (deleted ones)."""
        if live == 0:
            return cls(0.0, 1.0)
        mean = float(scores.sum(dtype=np.float64)) / live
        variance = float(np.dot(scores, scores)) / live - mean * mean
        return cls(mean, max(variance, 0.0) ** 0.5 or MIN_SPREAD)

    def standardise(self, scores: np.ndarray) -> np.ndarray:
        return np.asarray((scores - self.mean) / self.std, dtype=np.float32)


@dataclass(frozen=True)
class LexicalScores:
    """BM25 of the candidates split by the query words that produced it."""

    words: np.ndarray  # from ordinary words
    neutral: np.ndarray  # from codes and glossary terms


@dataclass(frozen=True)
class AdaptiveFusion:
    """Sum of standardised scores; lexical weight depends on the query/passage language pair.

    ``cross_lingual_lexical`` is the lexical weight when the query's language is known and differs
    from the passage's; an unknown query language (one word, a code) counts as the same language.
    """

    same_language_lexical: float = 1.0
    cross_lingual_lexical: float = 0.3
    dense: float = 1.0

    def fuse(
        self,
        lexical: LexicalScores,
        dense: np.ndarray,
        lexical_stats: ScoreStats,
        dense_stats: ScoreStats,
        same_language: np.ndarray,
    ) -> np.ndarray:
        """``lexical_stats`` describe the total lexical score over the corpus for this query."""
        word_weight = np.where(same_language, self.same_language_lexical, self.cross_lingual_lexical)
        trusted_lexical = word_weight * lexical.words + lexical.neutral
        lexical_z = (trusted_lexical - word_weight * lexical_stats.mean) / lexical_stats.std
        return np.asarray(lexical_z + self.dense * dense_stats.standardise(dense), dtype=np.float32)
