"""Load the persisted index when it matches the articles, otherwise build and save it."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from knowledge.models import Article
from search.embeddings import Embedder
from search.engine import SearchEngine
from search.store import corpus_hash, read_manifest

log = logging.getLogger(__name__)


def load_or_build(
    articles: list[Article], embedder: Embedder, index_dir: Path, force: bool = False
) -> SearchEngine:
    manifest = read_manifest(index_dir)
    if not force and manifest and manifest.matches(embedder.name, corpus_hash(articles)):
        log.info("index up to date", extra={"index_dir": str(index_dir), "passages": manifest.passages})
        return SearchEngine.load(index_dir, embedder, manifest)
    started = time.perf_counter()
    engine = SearchEngine.build(articles, embedder)
    engine.save(index_dir)
    log.info(
        "index built",
        extra={
            "index_dir": str(index_dir),
            "articles": engine.manifest.articles,
            "passages": engine.manifest.passages,
            "seconds": round(time.perf_counter() - started, 2),
        },
    )
    return engine
