"""A stand-in for Zendesk's Help Center API, in the documented shapes.

- ``GET /api/v2/help_center/{locale}/articles?page[size]=N[&page[after]=C]`` and ``…/{locale}/sections``:
  cursor pagination, ``{"articles"|"sections": […], "meta": {"has_more", "after_cursor",
  "before_cursor"}, "links": {"next", "prev"}}``; drafts are listed (agents see them).
- ``GET /api/v2/help_center/incremental/articles?start_time=T``: every locale's articles changed after
  ``T``, oldest change first, ``export_page_size`` a page, ``{"articles", "count", "end_time",
  "next_page", "end_of_stream"}``; ``next_page`` carries ``start_time=end_time``, even on the last page.
- Archived articles are in neither. Only basic auth ``EMAIL/token:API_TOKEN`` is answered, else 401.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tests.support.rest_stand_in import Query, RestStandIn

EMAIL = "agente@example.com"
API_TOKEN = "zendesk-api-token"
BASE = "/api/v2/help_center"


@dataclass
class HelpArticle:
    id: int
    locale: str
    title: str
    body: str
    section_id: int
    updated: int  # Unix time of the last change
    draft: bool = False


class ZendeskStandIn(RestStandIn):
    def __init__(self, export_page_size: int = 1000, page_size_cap: int = 100) -> None:
        super().__init__()
        self.export_page_size = export_page_size
        self.page_size_cap = page_size_cap
        self.articles: dict[tuple[int, str], HelpArticle] = {}
        self.sections: dict[tuple[int, str], str] = {}

    def add(self, article: HelpArticle) -> None:
        self.articles[(article.id, article.locale)] = article

    def article(self, article_id: int, locale: str) -> HelpArticle:
        return self.articles[(article_id, locale)]

    def archive(self, article_id: int) -> None:
        for key in [key for key in self.articles if key[0] == article_id]:
            del self.articles[key]

    def route(self, path: str, query: Query, headers: Any) -> tuple[int, dict[str, Any]]:
        expected = base64.b64encode(f"{EMAIL}/token:{API_TOKEN}".encode()).decode()
        if headers.get("Authorization") != f"Basic {expected}":
            return 401, {"error": "Couldn't authenticate you"}
        if path == f"{BASE}/incremental/articles":
            return 200, self._export(int(query["start_time"]))
        parts = path.removeprefix(f"{BASE}/").split("/")
        if len(parts) == 2 and parts[1] == "articles":
            items = [
                self._json(a)
                for a in sorted(self.articles.values(), key=lambda a: a.id)
                if a.locale == parts[0]
            ]
            return 200, self._cursor_page(path, "articles", items, query)
        if len(parts) == 2 and parts[1] == "sections":
            items = [
                {"id": sid, "name": name, "locale": locale, "category_id": 1}
                for (sid, locale), name in sorted(self.sections.items())
                if locale == parts[0]
            ]
            return 200, self._cursor_page(path, "sections", items, query)
        return 404, {"error": "InvalidEndpoint", "description": "Not found"}

    def _cursor_page(self, path: str, key: str, items: list[dict[str, Any]], query: Query) -> dict[str, Any]:
        size = min(int(query.get("page[size]", "30")), self.page_size_cap)
        start = int(base64.b64decode(query["page[after]"])) if "page[after]" in query else 0
        chunk = items[start : start + size]
        has_more = start + size < len(items)
        after = base64.b64encode(str(start + size).encode()).decode() if has_more else None
        before = base64.b64encode(str(max(start - size, 0)).encode()).decode() if start else None
        return {
            key: chunk,
            "meta": {"has_more": has_more, "after_cursor": after, "before_cursor": before},
            "links": {
                "next": f"{self.url}{path}?page[size]={size}&page[after]={after}" if after else None,
                "prev": f"{self.url}{path}?page[size]={size}&page[before]={before}" if before else None,
            },
        }

    def _export(self, start_time: int) -> dict[str, Any]:
        changed = sorted(
            (a for a in self.articles.values() if a.updated > start_time), key=lambda a: a.updated
        )
        page = changed[: self.export_page_size]
        end_time = page[-1].updated if page else start_time
        return {
            "articles": [self._json(a) for a in page],
            "count": len(page),
            "end_time": end_time,
            "next_page": f"{self.url}{BASE}/incremental/articles?start_time={end_time}",
            "end_of_stream": len(changed) <= self.export_page_size,
        }

    def _json(self, article: HelpArticle) -> dict[str, Any]:
        when = datetime.fromtimestamp(article.updated, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "id": article.id,
            "url": f"{self.url}{BASE}/{article.locale}/articles/{article.id}.json",
            "html_url": f"{self.url}/hc/{article.locale}/articles/{article.id}",
            "author_id": 369412345678,
            "comments_disabled": False,
            "draft": article.draft,
            "promoted": False,
            "position": 0,
            "vote_sum": 0,
            "vote_count": 0,
            "section_id": article.section_id,
            "created_at": "2024-01-10T12:00:00Z",
            "updated_at": when,
            "edited_at": when,
            "name": article.title,
            "title": article.title,
            "source_locale": "pt-br",
            "locale": article.locale,
            "outdated": False,
            "outdated_locales": [],
            "user_segment_id": None,
            "permission_group_id": 1156789,
            "content_tag_ids": [],
            "label_names": ["stand-in"],
            "body": article.body,
        }
