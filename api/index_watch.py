"""Pick up a new index written by ``python -m knowledge ingest`` without restarting the API."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from search.engine import SearchEngine
from search.store import Manifest, read_manifest

log = logging.getLogger("api.index")


def reload_index(app: FastAPI) -> Manifest:
    """Swap in the index on disk; searches in flight finish on the old one."""
    current: SearchEngine = app.state.engine
    manifest = read_manifest(app.state.index_dir)
    if manifest is None:
        raise RuntimeError(f"no index in {app.state.index_dir}; run `python -m knowledge ingest`")
    if manifest != current.manifest:
        app.state.engine = SearchEngine.load(app.state.index_dir, current.embedder, manifest)
        log.info("index reloaded", extra={"articles": manifest.articles, "built_at": manifest.built_at})
    return manifest


async def watch_index(app: FastAPI, interval_seconds: float) -> None:
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            await asyncio.to_thread(reload_index, app)
        except Exception:
            log.exception("could not reload the index; keeping the current one")
