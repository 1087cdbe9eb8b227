"""Hybrid search over knowledge-base passages: BM25 on stems plus dense vectors in FAISS, fused.

Usage::

    engine = SearchEngine.build(load_folder(Path("knowledge/articles")), load_embedder("use-multilingual-v3"))
    engine.save(Path("var/index"))
    outcome = engine.search("telefone do suporte na Argentina", product="Suporte")
    outcome.confident, outcome.hits[0].passage.url, outcome.hits[0].snippet
    engine.upsert(changed_article); engine.remove("old-article-id")   # no full rebuild
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from knowledge.models import Article, article_from_dict, article_to_dict
from search.chunking import Passage, passages_of
from search.confidence import ConfidenceModel, HitEvidence
from search.dense import DenseIndex
from search.embeddings import Embedder
from search.fusion import AdaptiveFusion, LexicalScores, ScoreStats
from search.glossary import glossary_hash
from search.language import detect_language
from search.lexical import BM25Index
from search.snippets import highlight
from search.store import PIPELINE_VERSION, Manifest, corpus_hash, replace_dir, write_manifest
from search.text import document_terms, language_neutral, query_term_groups

log = logging.getLogger(__name__)

CANDIDATES = 100  # passages taken from each ranker before fusion and filtering
DENSE_SAMPLE = 2048  # passages whose cosines describe the dense score distribution of a query
# (drawn when the index is built or loaded; articles updated since then do not shift it noticeably)
EMBED_BATCH = 256


@dataclass(frozen=True)
class SearchHit:
    row: int  # position of the passage in the index
    passage: Passage
    score: float  # fused score: standardised units, higher is better
    lexical: float
    dense: float
    snippet: str  # the passage text around the query's words, matches marked with <mark>


@dataclass(frozen=True)
class SearchOutcome:
    query: str
    query_lang: str | None
    confident: bool
    confidence: float  # estimated probability that the first hit answers the query
    hits: list[SearchHit]
    evidence: HitEvidence | None = None  # what the confidence was estimated from


@dataclass(frozen=True)
class Filters:
    """Restrict results to articles with these attributes (``None`` = any)."""

    lang: str | None = None
    product: str | None = None
    module: str | None = None

    @property
    def empty(self) -> bool:
        return self.lang is None and self.product is None and self.module is None


class SearchEngine:
    """Index of passages with their articles; answers queries with fused, filtered hits."""

    def __init__(
        self,
        articles: list[Article],
        passages: list[Passage],
        lexical: BM25Index,
        dense: DenseIndex,
        embedder: Embedder,
        manifest: Manifest | None = None,  # None: describe what was just built
        fusion: AdaptiveFusion | None = None,
        confidence: ConfidenceModel | None = None,
    ) -> None:
        self.articles = {article.id: article for article in articles}
        self._hashes = {article.id: article_hash(article) for article in articles}
        self.passages = passages  # by row; rows of removed articles stay (dead) until a rebuild
        self.lexical = lexical
        self.dense = dense
        self.embedder = embedder
        self.manifest = manifest or _manifest(embedder, self._hashes, int(dense.live.sum()))
        self.fusion = fusion or AdaptiveFusion()
        self.confidence = confidence or ConfidenceModel.packaged()
        self._rows_by_article: dict[str, list[int]] = {}
        for row, passage in enumerate(passages):
            if dense.live[row]:
                self._rows_by_article.setdefault(passage.article_id, []).append(row)
        self._metadata = _metadata(passages)  # filterable attributes by row
        # A fixed random sample of passage vectors, contiguous so a query's cosines with it cost little.
        sample = np.random.default_rng(0).permutation(len(passages))[:DENSE_SAMPLE]
        self._sample_vectors = np.ascontiguousarray(dense.vectors[np.sort(sample)])

    @classmethod
    def build(
        cls,
        articles: list[Article],
        embedder: Embedder,
        previous: SearchEngine | None = None,
        progress: bool = False,
    ) -> SearchEngine:
        """Index ``articles``; with ``previous``, articles it holds unchanged keep their vectors."""
        reusable = previous._vectors_by_article() if previous else {}
        fresh = {a.id for a in articles if reusable.get(a.id, (None,))[0] != article_hash(a)}
        log.info(
            "indexing",
            extra={"articles": len(articles), "embedding": len(fresh), "reused": len(articles) - len(fresh)},
        )
        pieces_by_article = [(article, passages_of(article)) for article in articles]
        passages = [piece for _, pieces in pieces_by_article for piece in pieces]
        new_texts = [p.embedding_text for a, pieces in pieces_by_article if a.id in fresh for p in pieces]
        new_vectors = _encode_in_batches(embedder, new_texts, progress)
        vectors: list[np.ndarray] = []
        taken = 0
        for article, pieces in pieces_by_article:
            if article.id in fresh:
                vectors.append(new_vectors[taken : taken + len(pieces)])
                taken += len(pieces)
            else:
                vectors.append(reusable[article.id][1])
        terms = [
            document_terms(p.lexical_text, p.lang)
            for p in tqdm(passages, desc="terms", unit="passage", disable=not progress, file=sys.stderr)
        ]
        lexical = BM25Index.build(terms)
        matrix = np.concatenate(vectors) if passages else np.zeros((0, _dimension(embedder)), np.float32)
        return cls(articles, passages, lexical, DenseIndex.build(matrix), embedder)

    def upsert(self, article: Article) -> None:
        """Add ``article`` or replace the indexed version of it, touching only its passages."""
        self._drop(article.id)
        pieces = passages_of(article)
        vectors = self.embedder.encode([p.embedding_text for p in pieces]) if pieces else None
        self.articles[article.id] = article
        self._hashes[article.id] = article_hash(article)
        if vectors is not None:
            rows = self.dense.add(vectors)
            self.lexical.add([document_terms(p.lexical_text, p.lang) for p in pieces])
            self.passages.extend(pieces)
            self._rows_by_article[article.id] = list(rows)
            added = _metadata(pieces)
            self._metadata = {name: np.concatenate([self._metadata[name], added[name]]) for name in added}
        self.manifest = _manifest(self.embedder, self._hashes, self.live_passages)

    def remove(self, article_id: str) -> None:
        """Take ``article_id`` out of the results (its rows stay, dead, until the next full build)."""
        if self._drop(article_id):
            self.manifest = _manifest(self.embedder, self._hashes, self.live_passages)

    def _drop(self, article_id: str) -> bool:
        """Mark the article's rows dead and forget it; whether it was indexed."""
        rows = self._rows_by_article.pop(article_id, [])
        self.lexical.delete(rows)
        self.dense.delete(rows)
        self._hashes.pop(article_id, None)
        return self.articles.pop(article_id, None) is not None

    @property
    def live_passages(self) -> int:
        return int(self.dense.live.sum())

    @property
    def dead_share(self) -> float:
        """Share of rows left by removed or replaced articles; a full build drops them."""
        return 1.0 - self.live_passages / len(self.passages) if self.passages else 0.0

    def _vectors_by_article(self) -> dict[str, tuple[str, np.ndarray]]:
        """For each indexed article: its content hash and the vectors of its passages."""
        return {
            article_id: (self._hashes[article_id], self.dense.vectors[rows])
            for article_id, rows in self._rows_by_article.items()
        }

    def save(self, index_dir: Path) -> None:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".index-", dir=index_dir.parent))
        with (staging / "articles.jsonl").open("w", encoding="utf-8") as out:
            for article in self.articles.values():
                out.write(json.dumps(article_to_dict(article), ensure_ascii=False) + "\n")
        with (staging / "passages.jsonl").open("w", encoding="utf-8") as out:
            for passage in self.passages:
                out.write(json.dumps(passage.to_dict(), ensure_ascii=False) + "\n")
        self.lexical.save(staging)
        self.dense.save(staging)
        write_manifest(staging, self.manifest)
        replace_dir(staging, index_dir)

    @classmethod
    def load(cls, index_dir: Path, embedder: Embedder, manifest: Manifest) -> SearchEngine:
        articles = [article_from_dict(json.loads(line)) for line in _lines(index_dir / "articles.jsonl")]
        passages = [Passage.from_dict(json.loads(line)) for line in _lines(index_dir / "passages.jsonl")]
        lexical = BM25Index.load(index_dir)
        return cls(articles, passages, lexical, DenseIndex.load(index_dir), embedder, manifest)

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
        lexical_words = self.lexical.scores([g for g, n in zip(groups, neutral, strict=True) if not n])
        # Most questions hold no code or glossary term: skip a second pass over the corpus then.
        lexical_neutral = self.lexical.scores(neutral_groups) if neutral_groups else None
        lexical = lexical_words if lexical_neutral is None else lexical_words + lexical_neutral
        query_vector = self.embedder.encode([query])[0]
        dense_rows, _ = self.dense.search(query_vector, CANDIDATES, allowed)
        lexical_pool = lexical if allowed is None else np.where(allowed, lexical, 0.0)
        lexical_rows = _top_positive(lexical_pool, CANDIDATES)
        ids = np.union1d(dense_rows, lexical_rows).astype(np.int64)
        if ids.size == 0:
            return SearchOutcome(query, query_lang, False, 0.0, [])
        dense = self.dense.scores(ids, query_vector)
        dense_stats = ScoreStats.of(self._sample_vectors @ query_vector)
        lexical_stats = ScoreStats.of_live(lexical, self.lexical.live_count)
        languages = self._metadata["lang"][ids]
        same_language = languages == query_lang.casefold() if query_lang else np.ones(ids.size, dtype=bool)
        neutral_part = np.zeros(ids.size, np.float32) if lexical_neutral is None else lexical_neutral[ids]
        candidates_lexical = LexicalScores(lexical_words[ids], neutral_part)
        fused = self.fusion.fuse(candidates_lexical, dense, lexical_stats, dense_stats, same_language)
        hits = self._top_hits(query, ids, fused, lexical, dense, k, per_article)
        evidence = HitEvidence.of(hits[0].score, hits[1].score if len(hits) > 1 else None, hits[0].dense,
                                  self.lexical.coverage(groups, hits[0].row))  # fmt: skip
        probability = self.confidence.probability(evidence)
        confident = self.confidence.is_confident(probability)
        return SearchOutcome(query, query_lang, confident, probability, hits, evidence)

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
            passage = self.passages[row]
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

    def _allowed(self, filters: Filters) -> np.ndarray | None:
        """Rows whose article passes the filters, or ``None`` when nothing is filtered."""
        if filters.empty:
            return None
        mask = np.ones(len(self.passages), dtype=bool)
        for name, wanted in (
            ("lang", filters.lang),
            ("product", filters.product),
            ("module", filters.module),
        ):
            if wanted is not None:
                mask &= self._metadata[name] == wanted.casefold()
        return mask


def article_hash(article: Article) -> str:
    """Content hash of one article: what decides whether it must be embedded again."""
    payload = json.dumps(article_to_dict(article), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _manifest(embedder: Embedder, article_hashes: dict[str, str], passages: int) -> Manifest:
    return Manifest(
        pipeline_version=PIPELINE_VERSION,
        embedding_model=embedder.name,
        glossary=glossary_hash(),
        corpus_hash=corpus_hash(article_hashes),
        articles=len(article_hashes),
        passages=passages,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _metadata(passages: list[Passage]) -> dict[str, np.ndarray]:
    """Case-folded language, product and module of each passage, for vectorised filtering."""
    return {
        name: np.array([getattr(p, name).casefold() for p in passages], dtype=object)
        for name in ("lang", "product", "module")
    }


def _top_positive(scores: np.ndarray, n: int) -> np.ndarray:
    """Rows of the ``n`` highest positive scores, in no particular order."""
    top = np.argpartition(scores, scores.size - n)[-n:] if scores.size > n else np.arange(scores.size)
    return top[scores[top] > 0]


def _encode_in_batches(embedder: Embedder, texts: list[str], progress: bool) -> np.ndarray:
    """Embed in batches so a progress bar can follow a long build."""
    batches = [texts[start : start + EMBED_BATCH] for start in range(0, len(texts), EMBED_BATCH)]
    encoded = [
        embedder.encode(batch)
        for batch in tqdm(batches, desc="embedding", unit="batch", disable=not progress, file=sys.stderr)
    ]
    return np.concatenate(encoded) if encoded else np.zeros((0, 0), np.float32)  # nothing to embed


def _dimension(embedder: Embedder) -> int:
    return int(embedder.encode(["dimension"]).shape[1])


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
