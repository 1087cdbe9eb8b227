"""A stand-in for Confluence's REST API (v1, as Cloud serves it under ``/wiki``), in the documented shapes.

``GET /wiki/rest/api/content?spaceKey=KEY&type=page&status=current&expand=…&limit=N&start=S`` →
``{"results": [page…], "start", "limit", "size", "_links": {"base", "context", "self", "next"?}}``,
``next`` relative to ``base``; a page is ``{"id", "type", "status", "title", "body": {"storage":
{"value", "representation"}}, "version": {"number", "when"}, "ancestors": [{"id", "type", "title"}],
"_links": {"webui", "self", "tinyui"}}``, its body only with ``expand=body.storage``. It answers only
basic auth ``USER:API_TOKEN`` (Cloud) or ``Bearer PERSONAL_TOKEN`` (Data Center), else 401; another
space key gets 404. Like Confluence, it answers fewer pages than ``limit`` asks when that is above its
own cap (``max_limit``), which a client must follow the next links through.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from tests.support.rest_stand_in import Query, RestStandIn

USER = "ana@example.com"
API_TOKEN = "cloud-api-token"
PERSONAL_TOKEN = "dc-personal-token"
CONTEXT = "/wiki"


@dataclass
class Page:
    id: str
    title: str
    body: str
    when: str
    ancestors: tuple[str, ...] = ()
    number: int = 1


class ConfluenceStandIn(RestStandIn):
    def __init__(self, space: str = "TDN", max_limit: int = 50) -> None:
        super().__init__()
        self.space = space
        self.max_limit = max_limit
        self.pages: dict[str, Page] = {}

    def add(self, page_id: int, title: str, body: str, *, when: str = "2026-11-20T10:00:00.000Z",
            ancestors: tuple[str, ...] = ()) -> None:  # fmt: skip
        self.pages[str(page_id)] = Page(str(page_id), title, body, when, ancestors)

    def edit(self, page_id: int, body: str, when: str) -> None:
        page = self.pages[str(page_id)]
        page.body, page.when, page.number = body, when, page.number + 1

    def route(self, path: str, query: Query, headers: Any) -> tuple[int, dict[str, Any]]:
        basic = base64.b64encode(f"{USER}:{API_TOKEN}".encode()).decode()
        if headers.get("Authorization") not in (f"Basic {basic}", f"Bearer {PERSONAL_TOKEN}"):
            return 401, {
                "statusCode": 401,
                "message": "Client must be authenticated to access this resource.",
            }
        if path != f"{CONTEXT}/rest/api/content":
            return 404, {"statusCode": 404, "message": "null for uri: " + path}
        if query.get("spaceKey") != self.space:
            return 404, {"statusCode": 404, "message": f"No space with key : {query.get('spaceKey')}"}
        start, limit = int(query.get("start", "0")), min(int(query.get("limit", "25")), self.max_limit)
        expand = set(query.get("expand", "").split(","))
        ordered = sorted(self.pages.values(), key=lambda page: int(page.id))
        chunk = ordered[start : start + limit]
        links = {
            "base": f"{self.url}{CONTEXT}",
            "context": CONTEXT,
            "self": f"{self.url}{CONTEXT}/rest/api/content",
        }
        if start + limit < len(ordered):
            links["next"] = (
                f"/rest/api/content?spaceKey={self.space}&type=page&status=current"
                f"&expand={quote(query.get('expand', ''))}&limit={limit}&start={start + limit}"
            )
        results = [self._page(page, expand) for page in chunk]
        return 200, {"results": results, "start": start, "limit": limit, "size": len(chunk), "_links": links}

    def _page(self, page: Page, expand: set[str]) -> dict[str, Any]:
        slug = quote(page.title.replace(" ", "+"), safe="+")
        data: dict[str, Any] = {
            "id": page.id,
            "type": "page",
            "status": "current",
            "title": page.title,
            "_links": {
                "webui": f"/spaces/{self.space}/pages/{page.id}/{slug}",
                "self": f"{self.url}{CONTEXT}/rest/api/content/{page.id}",
                "tinyui": f"/x/{page.id}",
            },
            "_expandable": {"children": f"/rest/api/content/{page.id}/child"},
        }
        if "body.storage" in expand:
            data["body"] = {"storage": {"value": page.body, "representation": "storage"}}
        if "version" in expand:
            data["version"] = {"number": page.number, "when": page.when, "by": {"displayName": "Ana"}}
        if "ancestors" in expand:
            data["ancestors"] = [
                {"id": str(900 + n), "type": "page", "status": "current", "title": title}
                for n, title in enumerate(page.ancestors)
            ]
        return data
