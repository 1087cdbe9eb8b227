from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from api.deps import PrincipalDep
from api.index_watch import reload_index

router = APIRouter(prefix="/admin", tags=["admin"])


@router.post("/reload-index")
def reload(request: Request, principal: PrincipalDep) -> dict[str, object]:
    """Load the index written by `python -m pipelines ingest` now (the API also notices it by itself)."""
    if not principal.is_admin:
        raise HTTPException(403, "only an admin key may reload the index")
    manifest = reload_index(request.app)
    return {"articles": manifest.articles, "passages": manifest.passages, "built_at": manifest.built_at}
