from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api.deps import SearcherDep
from api.schemas import ArticleOut, SectionOut

router = APIRouter(tags=["articles"])


@router.get(
    "/articles/{article_id}", response_model=ArticleOut, responses={404: {"description": "No such article"}}
)
def get_article(article_id: str, searcher: SearcherDep) -> ArticleOut:
    """One article with all its sections, as indexed."""
    article = searcher.index.articles.get(article_id)
    if article is None:
        raise HTTPException(404, f"Article {article_id!r} not found; search with /api/v1/search to find ids.")
    return ArticleOut(
        id=article.id,
        title=article.title,
        lang=article.lang,
        product=article.product,
        module=article.module,
        url=article.url,
        tags=list(article.tags),
        updated=article.updated,
        sections=[SectionOut(id=s.id, heading=s.heading, text=s.text) for s in article.sections],
    )
