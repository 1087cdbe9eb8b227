"""The knowledge index: passages of every article in BM25 and FAISS, built, updated in place and saved.

Usage::

    index = KnowledgeIndex.build(articles, load_embedder("use-multilingual-v3"))
    index.save(Path("var/index"))
    index.upsert(changed_article); index.remove("old-article-id")   # no full rebuild
    index = KnowledgeIndex.load(Path("var/index"), embedder, read_manifest(Path("var/index")))

Answering questions over it is :class:`search.searcher.Searcher`'s job.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from core.articles import Article, article_from_dict, article_to_dict
from search.chunking import Passage, passages_of
from search.dense import DenseIndex
from search.embeddings import Embedder
from search.glossary import glossary_hash
from search.lexical import BM25Index
from search.store import PIPELINE_VERSION, Manifest, corpus_hash, replace_dir, write_manifest
from search.text import document_terms

log = logging.getLogger(__name__)

EMBED_BATCH = 256
FILTERABLE = ("lang", "product", "module")  # passage attributes results can be filtered on


class KnowledgeIndex:
    """Passages of the articles with their lexical and dense indexes, by row."""

    def __init__(
        self,
        articles: list[Article],
        passages: list[Passage],
        lexical: BM25Index,
        dense: DenseIndex,
        embedder: Embedder,
        manifest: Manifest | None = None,  # None: describe what was just built
    ) -> None:
        self.articles = {article.id: article for article in articles}
        self._hashes = {article.id: article_hash(article) for article in articles}
        self.passages = passages  # by row; rows of removed articles stay (dead) until a rebuild
        self.lexical = lexical
        self.dense = dense
        self.embedder = embedder
        self.manifest = manifest or _manifest(embedder, self._hashes, int(dense.live.sum()))
        self._rows_by_article: dict[str, list[int]] = {}
        for row, passage in enumerate(passages):
            if dense.live[row]:
                self._rows_by_article.setdefault(passage.article_id, []).append(row)
        self.metadata = _metadata(passages)  # case-folded filterable attributes by row

    @classmethod
    def build(
        cls,
        articles: list[Article],
        embedder: Embedder,
        previous: KnowledgeIndex | None = None,
        progress: bool = False,
    ) -> KnowledgeIndex:
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
            self.metadata = {name: np.concatenate([self.metadata[name], added[name]]) for name in added}
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

    def rows_of(self, article_id: str) -> list[int]:
        """The live rows of an article's passages, in reading order."""
        return list(self._rows_by_article.get(article_id, []))

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
    def load(cls, index_dir: Path, embedder: Embedder, manifest: Manifest) -> KnowledgeIndex:
        articles = [article_from_dict(json.loads(line)) for line in _lines(index_dir / "articles.jsonl")]
        passages = [Passage.from_dict(json.loads(line)) for line in _lines(index_dir / "passages.jsonl")]
        lexical = BM25Index.load(index_dir)
        return cls(articles, passages, lexical, DenseIndex.load(index_dir), embedder, manifest)


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
        name: np.array([getattr(p, name).casefold() for p in passages], dtype=object) for name in FILTERABLE
    }


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
