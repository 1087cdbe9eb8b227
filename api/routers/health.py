from __future__ import annotations

from fastapi import APIRouter

from api.deps import SearcherDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(searcher: SearcherDep) -> Health:
    """200 once the search index is loaded (503 before)."""
    manifest = searcher.index.manifest
    return Health(
        status="ok",
        articles=manifest.articles,
        passages=manifest.passages,
        embedding_model=manifest.embedding_model,
        index_built_at=manifest.built_at,
    )
