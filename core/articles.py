"""The common document model every loader produces and the search index holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Section:
    """One titled part of an article: the unit search returns and the bot shows."""

    id: str
    heading: str
    text: str


@dataclass(frozen=True)
class Article:
    """A knowledge-base article with its metadata and sections in reading order."""

    id: str
    title: str
    lang: str
    product: str
    module: str
    url: str
    tags: tuple[str, ...] = ()
    updated: date | None = None
    sections: tuple[Section, ...] = field(default_factory=tuple)
    version: str | None = None  # product version/release the article applies to, if any
    breadcrumb: tuple[str, ...] = ()  # parent pages in the source (Confluence hierarchy, Help Center section)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


class ArticleError(ValueError):
    """An article file that cannot be loaded; the message names the file and the reason."""


def article_to_dict(article: Article) -> dict[str, object]:
    """JSON-ready form of an article (dates as ISO strings)."""
    return {
        "id": article.id,
        "title": article.title,
        "lang": article.lang,
        "product": article.product,
        "module": article.module,
        "url": article.url,
        "tags": list(article.tags),
        "updated": article.updated.isoformat() if article.updated else None,
        "version": article.version,
        "breadcrumb": list(article.breadcrumb),
        "sections": [{"id": s.id, "heading": s.heading, "text": s.text} for s in article.sections],
    }


def article_from_dict(data: dict[str, Any]) -> Article:
    """Inverse of :func:`article_to_dict`."""
    return Article(
        id=data["id"],
        title=data["title"],
        lang=data["lang"],
        product=data["product"],
        module=data["module"],
        url=data["url"],
        tags=tuple(data["tags"]),
        updated=date.fromisoformat(data["updated"]) if data["updated"] else None,
        sections=tuple(Section(**section) for section in data["sections"]),
        version=data.get("version"),
        breadcrumb=tuple(data.get("breadcrumb", ())),
    )
