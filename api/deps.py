"""Dependencies injected into route handlers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from search.engine import SearchEngine


def get_engine(request: Request) -> SearchEngine:
    engine: SearchEngine | None = getattr(request.app.state, "engine", None)
    if engine is None:
        raise HTTPException(503, "The search index is not loaded yet; retry in a few seconds.")
    return engine


EngineDep = Annotated[SearchEngine, Depends(get_engine)]
