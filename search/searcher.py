"""Answering a question over a :class:`~search.index.KnowledgeIndex`: both rankers, fused, filtered.

Usage::

    searcher = Searcher(index)
    outcome = searcher.search("telefone do suporte na Argentina", product="Suporte")
    outcome.confident, outcome.hits[0].passage.url, outcome.hits[0].snippet
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.languages import detect_language
from search.answer_selection import ANSWER_ARTICLES, Answer, AnswerSelector
from search.chunking import Passage
from search.confidence import ConfidenceModel, HitEvidence
from search.fusion import AdaptiveFusion, LexicalScores, ScoreStats
from search.index import KnowledgeIndex
from search.snippets import highlight
from search.text import language_neutral, query_term_groups

CANDIDATES = 100  # passages taken from each ranker before fusion and filtering
DENSE_SAMPLE = 2048  # passages whose cosines describe the dense score distribution of a query
# (drawn when the searcher is made; articles updated since then do not shift it noticeably)


@dataclass(frozen=True)
class SearchHit:
    row: int  # position of the passage in the index
    passage: Passage
    score: float  # fused score: standardised units, higher is better
    lexical: float
    dense: float
    snippet: str  # the passage text around the query's words, matches marked with <mark>
    answer: str = ""  # the passage's lines that answer the query, then the rest ("": not chosen)
    answer_lead: str = ""  # the answer's leading lines alone


@dataclass(frozen=True)
class SearchOutcome:
    query: str
    query_lang: str | None
    confident: bool
    confidence: float  # estimated probability that the first hit answers the query
    hits: list[SearchHit]
    evidence: HitEvidence | None = None  # what the confidence was estimated from
    suggested: bool = False  # the first hit is worth offering as a possible answer (always when confident)


@dataclass(frozen=True)
class Filters:
    """Restrict results to articles with these attributes (``None`` = any)."""

    lang: str | None = None
    product: str | None = None
    module: str | None = None

    @property
    def empty(self) -> bool:
        return self.lang is None and self.product is None and self.module is None


class Searcher:
    """Fused, filtered, calibrated answers from one index; the index may be updated meanwhile."""

    def __init__(
        self,
        index: KnowledgeIndex,
        fusion: AdaptiveFusion | None = None,
        confidence: ConfidenceModel | None = None,
        answers: AnswerSelector | None = None,
        select_answers: bool = True,
    ) -> None:
        self.index = index
        # Within each article found, the passage and lines that answer (off: the best-matching passage).
        self.answers = (answers or AnswerSelector(index)) if select_answers else None
        self.fusion = fusion or AdaptiveFusion()
        self.confidence = confidence or ConfidenceModel.packaged()
        # A fixed random sample of passage vectors, contiguous so a query's cosines with it cost little.
        sample = np.random.default_rng(0).permutation(len(index.passages))[:DENSE_SAMPLE]
        self._sample_vectors = np.ascontiguousarray(index.dense.vectors[np.sort(sample)])

    def search(
        self,
        query: str,
        k: int = 5,
        lang: str | None = None,
        product: str | None = None,
        module: str | None = None,
        per_article: int = 1,
    ) -> SearchOutcome:
        """Best passages, best first: at most ``per_article`` from one article; filters on articles."""
        query_lang = detect_language(query)
        groups = query_term_groups(query)
        neutral = language_neutral(query)
        allowed = self._allowed(Filters(lang, product, module))
        neutral_groups = [g for g, n in zip(groups, neutral, strict=True) if n]
        lexical_words = self.index.lexical.scores([g for g, n in zip(groups, neutral, strict=True) if not n])
        # Most questions hold no code or glossary term: skip a second pass over the corpus then.
        lexical_neutral = self.index.lexical.scores(neutral_groups) if neutral_groups else None
        lexical = lexical_words if lexical_neutral is None else lexical_words + lexical_neutral
        query_vector = self.index.embedder.encode([query])[0]
        dense_rows, _ = self.index.dense.search(query_vector, CANDIDATES, allowed)
        lexical_pool = lexical if allowed is None else np.where(allowed, lexical, 0.0)
        lexical_rows = _top_positive(lexical_pool, CANDIDATES)
        ids = np.union1d(dense_rows, lexical_rows).astype(np.int64)
        if ids.size == 0:
            return SearchOutcome(query, query_lang, False, 0.0, [])
        dense = self.index.dense.scores(ids, query_vector)
        dense_stats = ScoreStats.of(self._sample_vectors @ query_vector)
        lexical_stats = ScoreStats.of_live(lexical, self.index.lexical.live_count)
        languages = self.index.metadata["lang"][ids]
        same_language = languages == query_lang.casefold() if query_lang else np.ones(ids.size, dtype=bool)
        neutral_part = np.zeros(ids.size, np.float32) if lexical_neutral is None else lexical_neutral[ids]
        candidates_lexical = LexicalScores(lexical_words[ids], neutral_part)
        fused = self.fusion.fuse(candidates_lexical, dense, lexical_stats, dense_stats, same_language)
        answers = self.answers if per_article == 1 else None
        pool = max(k, ANSWER_ARTICLES) if answers is not None else k
        hits = self._top_hits(query, ids, fused, lexical, dense, pool, per_article)
        share = 1.0  # no other passage was weighed against the first one
        if answers is not None:
            question = answers.read(query, query_lang, groups, query_vector)
            chosen = answers.answers(question, [(h.passage.article_id, h.score) for h in hits], lexical)
            hits = self._answering(hits, chosen, query, query_vector, lexical)
            share = chosen[0].share if chosen else share
        hits = hits[:k]
        evidence = HitEvidence.of(hits[0].score, hits[1].score if len(hits) > 1 else None, hits[0].dense,
                                  self.index.lexical.coverage(groups, hits[0].row), share)  # fmt: skip
        probability = self.confidence.probability(evidence)
        confident = self.confidence.is_confident(probability)
        suggested = self.confidence.is_worth_suggesting(probability)
        return SearchOutcome(query, query_lang, confident, probability, hits, evidence, suggested)

    def _top_hits(
        self,
        query: str,
        ids: np.ndarray,
        fused: np.ndarray,
        lexical: np.ndarray,
        dense: np.ndarray,
        k: int,
        per_article: int,
    ) -> list[SearchHit]:
        hits: list[SearchHit] = []
        taken: dict[str, int] = {}
        for position in np.argsort(-fused, kind="stable"):
            row = int(ids[position])
            passage = self.index.passages[row]
            if taken.get(passage.article_id, 0) >= per_article:
                continue
            taken[passage.article_id] = taken.get(passage.article_id, 0) + 1
            hits.append(
                SearchHit(
                    row, passage, float(fused[position]), float(lexical[row]), float(dense[position]),
                    highlight(passage.text, query),
                )
            )  # fmt: skip
            if len(hits) == k:
                break
        return hits

    def _answering(
        self,
        hits: list[SearchHit],
        answers: list[Answer],
        query: str,
        vector: np.ndarray,
        lexical: np.ndarray,
    ) -> list[SearchHit]:
        """The hits in the answers' order, each moved to its answering passage with the answering lines."""
        by_article = {hit.passage.article_id: hit for hit in hits}
        moved = []
        for answer in answers:
            hit = by_article[self.index.passages[answer.row].article_id]
            if answer.row == hit.row:  # the ranked passage answers: its snippet stands
                moved.append(replace(hit, answer=answer.text, answer_lead=answer.lead))
                continue
            passage = self.index.passages[answer.row]
            moved.append(
                replace(
                    hit,
                    row=answer.row,
                    passage=passage,
                    lexical=float(lexical[answer.row]),
                    dense=float(self.index.dense.scores(np.array([answer.row]), vector)[0]),
                    snippet=highlight(passage.text, query),
                    answer=answer.text,
                    answer_lead=answer.lead,
                )
            )
        return moved + hits[len(answers) :]

    def _allowed(self, filters: Filters) -> np.ndarray | None:
        """Rows whose article passes the filters, or ``None`` when nothing is filtered."""
        if filters.empty:
            return None
        mask = np.ones(len(self.index.passages), dtype=bool)
        for name, wanted in (
            ("lang", filters.lang),
            ("product", filters.product),
            ("module", filters.module),
        ):
            if wanted is not None:
                mask &= self.index.metadata[name] == wanted.casefold()
        return mask


def _top_positive(scores: np.ndarray, n: int) -> np.ndarray:
    """Rows of the ``n`` highest positive scores, in no particular order."""
    top = np.argpartition(scores, scores.size - n)[-n:] if scores.size > n else np.arange(scores.size)
    return top[scores[top] > 0]
