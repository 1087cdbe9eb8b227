from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import SearcherDep, ServiceMetricsDep
from api.schemas import SearchParams, SearchResponse, SearchResult

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResponse)
def search(
    params: Annotated[SearchParams, Query()], searcher: SearcherDep, service_metrics: ServiceMetricsDep
) -> SearchResponse:
    """Best knowledge-base sections for a question, best first, grouped by article."""
    with service_metrics.search_timer():
        outcome = searcher.search(
            params.q, k=params.k, lang=params.lang, product=params.product, module=params.module,
            per_article=params.per_article,
        )  # fmt: skip
    results = []
    for hit in outcome.hits:
        passage = hit.passage
        article = searcher.index.articles[passage.article_id]
        section = article.section(passage.section_id)
        results.append(
            SearchResult(
                article_id=passage.article_id,
                title=passage.title,
                section_id=passage.section_id,
                section=passage.section,
                url=passage.url,
                lang=passage.lang,
                product=passage.product,
                module=passage.module,
                version=article.version,
                tags=list(article.tags),
                updated=article.updated,
                breadcrumb=list(article.breadcrumb),
                text=section.text if section else passage.text,
                snippet=hit.snippet,
                answer=hit.answer,
                score=round(hit.score, 4),
            )
        )
    return SearchResponse(
        query=outcome.query,
        query_lang=outcome.query_lang,
        confident=outcome.confident,
        suggested=outcome.suggested,
        confidence=round(outcome.confidence, 4),
        results=results,
    )
