"""Hybrid search over knowledge-base passages: BM25 on stems plus dense vectors in FAISS.

Usage::

    engine = SearchEngine.build(load_folder(Path("knowledge/articles")), SentenceTransformerEmbedder())
    engine.save(Path("var/index"))
    outcome = SearchEngine.load(Path("var/index"), embedder).search("telefone do suporte na Argentina")
    outcome.confident, outcome.hits[0].passage.url
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

import faiss
import numpy as np
from tqdm import tqdm

from knowledge.models import Article, article_from_dict, article_to_dict
from search.chunking import Passage, passages_of
from search.embeddings import Embedder
from search.language import detect_language
from search.lexical import BM25Index
from search.store import PIPELINE_VERSION, Manifest, corpus_hash, replace_dir, write_manifest
from search.text import document_terms, query_term_groups

log = logging.getLogger(__name__)

CANDIDATES = 100  # passages taken from each ranker before fusion and filtering
LEXICAL_WEIGHT = 0.5


@dataclass(frozen=True)
class ConfidencePolicy:
    """When the best hit is good enough to answer with instead of saying "not found".

    A hit is trusted when its meaning is close to the question (dense cosine), or when
    most of the question's informative words occur in it and the meaning is not far off.
    """

    dense_alone: float = 0.55
    coverage: float = 0.6
    dense_with_coverage: float = 0.3

    def is_confident(self, dense: float, coverage: float) -> bool:
        return dense >= self.dense_alone or (coverage >= self.coverage and dense >= self.dense_with_coverage)


@dataclass(frozen=True)
class SearchHit:
    row: int  # position of the passage in the index
    passage: Passage
    score: float
    lexical: float
    dense: float


@dataclass(frozen=True)
class SearchOutcome:
    query: str
    query_lang: str | None
    confident: bool
    hits: list[SearchHit]


class SearchEngine:
    """Index of passages with their articles; answers queries with fused, filtered hits."""

    def __init__(
        self,
        articles: list[Article],
        passages: list[Passage],
        lexical: BM25Index,
        dense: faiss.Index,
        embedder: Embedder,
        manifest: Manifest,
        policy: ConfidencePolicy | None = None,
    ) -> None:
        self.articles = {article.id: article for article in articles}
        self.passages = passages
        self.lexical = lexical
        self.dense = dense
        self.embedder = embedder
        self.manifest = manifest
        self.policy = policy or ConfidencePolicy()

    @classmethod
    def build(
        cls,
        articles: list[Article],
        embedder: Embedder,
        previous: SearchEngine | None = None,
        progress: bool = False,
    ) -> SearchEngine:
        """Index ``articles``; with ``previous``, articles it holds unchanged keep their vectors."""
        vectors: list[np.ndarray] = []
        reusable = previous._vectors_by_article() if previous else {}
        to_embed = [a for a in articles if reusable.get(a.id, (None,))[0] != article_hash(a)]
        log.info(
            "indexing",
            extra={
                "articles": len(articles),
                "embedding": len(to_embed),
                "reused": len(articles) - len(to_embed),
            },
        )
        fresh = {a.id for a in to_embed}
        pieces_by_article = [(article, passages_of(article)) for article in articles]
        passages = [piece for _, pieces in pieces_by_article for piece in pieces]
        new_texts = [p.embedding_text for a, pieces in pieces_by_article if a.id in fresh for p in pieces]
        new_vectors = _encode_in_batches(embedder, new_texts, progress)
        taken = 0
        for article, pieces in pieces_by_article:
            if article.id in fresh:
                vectors.append(new_vectors[taken : taken + len(pieces)])
                taken += len(pieces)
            else:
                vectors.append(reusable[article.id][1])
        lexical = BM25Index.build([document_terms(p.lexical_text, p.lang) for p in passages])
        matrix = np.concatenate(vectors).astype(np.float32) if vectors else np.zeros((0, 1), np.float32)
        dense = faiss.IndexFlatIP(matrix.shape[1] if passages else _dimension(embedder))
        dense.add(matrix)
        manifest = Manifest(
            pipeline_version=PIPELINE_VERSION,
            embedding_model=embedder.name,
            corpus_hash=corpus_hash(articles),
            articles=len(articles),
            passages=len(passages),
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        return cls(articles, passages, lexical, dense, embedder, manifest)

    def _vectors_by_article(self) -> dict[str, tuple[str, np.ndarray]]:
        """For each indexed article: its content hash and the vectors of its passages."""
        rows: dict[str, list[int]] = {}
        for row, passage in enumerate(self.passages):
            rows.setdefault(passage.article_id, []).append(row)
        return {
            article_id: (article_hash(self.articles[article_id]), self.dense.reconstruct_batch(np.array(ids)))
            for article_id, ids in rows.items()
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
        faiss.write_index(self.dense, str(staging / "dense.faiss"))
        write_manifest(staging, self.manifest)
        replace_dir(staging, index_dir)

    @classmethod
    def load(cls, index_dir: Path, embedder: Embedder, manifest: Manifest) -> SearchEngine:
        articles = [article_from_dict(json.loads(line)) for line in _lines(index_dir / "articles.jsonl")]
        passages = [Passage.from_dict(json.loads(line)) for line in _lines(index_dir / "passages.jsonl")]
        dense = faiss.read_index(str(index_dir / "dense.faiss"))
        return cls(articles, passages, BM25Index.load(index_dir), dense, embedder, manifest)

    def search(
        self, query: str, k: int = 5, lang: str | None = None, product: str | None = None
    ) -> SearchOutcome:
        """Best passage per article, best first; ``lang``/``product`` filter the articles."""
        groups = query_term_groups(query)
        lexical = self.lexical.scores(groups)
        query_vector = self.embedder.encode([query])
        n_candidates = min(len(self.passages), CANDIDATES)
        _, dense_ids = self.dense.search(query_vector, n_candidates)
        candidates = {int(i) for i in dense_ids[0] if i >= 0}
        candidates.update(int(i) for i in np.argsort(-lexical)[:n_candidates] if lexical[i] > 0)
        candidates = {i for i in candidates if self._passes(self.passages[i], lang, product)}
        ids = np.fromiter(candidates, dtype=np.int64)
        if ids.size == 0:
            return SearchOutcome(query, detect_language(query), False, [])
        dense = self.dense.reconstruct_batch(ids) @ query_vector[0]
        top_lexical = float(lexical[ids].max())
        lexical_norm = lexical[ids] / top_lexical if top_lexical > 0 else lexical[ids]
        fused = LEXICAL_WEIGHT * lexical_norm + (1 - LEXICAL_WEIGHT) * np.clip(dense, 0.0, None)
        hits: list[SearchHit] = []
        seen_articles: set[str] = set()
        for position in np.argsort(-fused):
            row = int(ids[position])
            passage = self.passages[row]
            if passage.article_id in seen_articles:
                continue
            seen_articles.add(passage.article_id)
            hits.append(
                SearchHit(row, passage, float(fused[position]), float(lexical[row]), float(dense[position]))
            )
            if len(hits) == k:
                break
        best = hits[0]
        coverage = self.lexical.coverage(groups, best.row)
        confident = self.policy.is_confident(best.dense, coverage)
        return SearchOutcome(query, detect_language(query), confident, hits)

    @staticmethod
    def _passes(passage: Passage, lang: str | None, product: str | None) -> bool:
        return (lang is None or passage.lang == lang) and (
            product is None or passage.product.casefold() == product.casefold()
        )


def article_hash(article: Article) -> str:
    """Content hash of one article: what decides whether it must be embedded again."""
    payload = json.dumps(article_to_dict(article), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


EMBED_BATCH = 256


def _encode_in_batches(embedder: Embedder, texts: list[str], progress: bool) -> np.ndarray:
    """Embed in batches so a progress bar can follow a long build."""
    batches = [texts[start : start + EMBED_BATCH] for start in range(0, len(texts), EMBED_BATCH)]
    encoded = [
        embedder.encode(batch)
        for batch in tqdm(batches, desc="embedding", unit="batch", disable=not progress, file=sys.stderr)
    ]
    return np.concatenate(encoded) if encoded else np.zeros((0, 1), np.float32)


def _dimension(embedder: Embedder) -> int:
    return int(embedder.encode(["dimension"]).shape[1])


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
