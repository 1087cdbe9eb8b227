"""Pick up a new index written by ``python -m pipelines ingest`` without restarting the API."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from search.index import KnowledgeIndex
from search.searcher import Searcher
from search.store import Manifest, read_manifest

log = logging.getLogger("api.index")


def reload_index(app: FastAPI) -> Manifest:
    """Swap in the index on disk; searches in flight finish on the old one."""
    current: Searcher = app.state.searcher
    manifest = read_manifest(app.state.index_dir)
    if manifest is None:
        raise RuntimeError(f"no index in {app.state.index_dir}; run `python -m pipelines ingest`")
    if manifest != current.index.manifest:
        index = KnowledgeIndex.load(app.state.index_dir, current.index.embedder, manifest)
        answers = current.answers.for_index(index) if current.answers else None
        app.state.searcher = Searcher(index, current.fusion, current.confidence, answers, answers is not None)
        log.info("index reloaded", extra={"articles": manifest.articles, "built_at": manifest.built_at})
    return manifest


async def watch_index(app: FastAPI, interval_seconds: float) -> None:
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            await asyncio.to_thread(reload_index, app)
        except Exception:
            log.exception("could not reload the index; keeping the current one")
