"""Typed request and response bodies of the HTTP API."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from core.languages import Language


class SearchParams(BaseModel):
    """Query string of ``GET /api/v1/search``."""

    q: str = Field(description="The customer's question, 1 to 1000 characters.")
    k: int = Field(5, ge=1, le=50, description="How many results.")
    lang: Language | None = Field(None, description="Only articles in this language.")
    product: str | None = Field(None, description="Only articles of this product (any case).")
    module: str | None = Field(None, description="Only articles of this module (any case).")
    per_article: int = Field(
        1, ge=1, le=10, description="At most this many sections of one article (1: one result per article)."
    )

    @field_validator("q")
    @classmethod
    def question_is_meaningful(cls, value: str) -> str:
        stripped = value.strip()
        if not stripped:
            raise ValueError("must not be empty or only whitespace")
        if len(stripped) > 1000:
            raise ValueError("must be at most 1000 characters")
        return stripped


class SearchResult(BaseModel):
    article_id: str
    title: str
    section_id: str
    section: str
    url: str
    lang: str
    product: str
    module: str
    version: str | None = Field(None, description="Product version/release the article applies to.")
    tags: list[str] = Field(default_factory=list)
    updated: date | None = None
    breadcrumb: list[str] = Field(default_factory=list, description="Parent pages in the source.")
    text: str = Field(description="Full text of the matched section (Markdown).")
    snippet: str = Field(
        description="The passage around the question's words, HTML-escaped, matches in <mark>…</mark>."
    )
    answer: str = Field(
        "", description="What to show: the section's lines that answer the question, then the rest, short."
    )
    score: float


class SearchResponse(BaseModel):
    query: str
    query_lang: str | None = Field(description="Detected language of the question, if clear.")
    confident: bool = Field(description="Whether the first result is good enough to answer with.")
    suggested: bool = Field(
        False,
        description="Whether the first result is worth offering as a possible answer (true whenever "
        "`confident`); below `confident`, say that it may help rather than that it answers.",
    )
    confidence: float = Field(
        description="Estimated probability that the answer shown for the first result holds what was "
        "asked (calibrated on labelled questions; `confident` is this above the calibrated threshold)."
    )
    results: list[SearchResult]


class SectionOut(BaseModel):
    id: str
    heading: str
    text: str


class ArticleOut(BaseModel):
    id: str
    title: str
    lang: str
    product: str
    module: str
    url: str
    tags: list[str]
    updated: date | None
    sections: list[SectionOut]


class Health(BaseModel):
    status: Literal["ok"]
    articles: int
    passages: int
    embedding_model: str
    index_built_at: str
