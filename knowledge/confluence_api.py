"""Pull a Confluence space's pages through the REST API (Server/Data Center, and Cloud's v1 API).

One request shape, paged with ``start``/``limit`` by following ``_links.next``::

    GET {base}/rest/api/content?spaceKey=KEY&type=page&status=current
        &expand=body.storage,version,ancestors&limit=50&start=0
    → {"results": [{"id", "title", "body": {"storage": {"value"}}, "version": {"number", "when"},
                    "ancestors": [{"title"}, …], "_links": {"webui"}}, …],
       "start", "limit", "size", "_links": {"base", "context", "next"?}}

``_links.next`` is relative to ``_links.base`` (which already ends with the context path, e.g.
``/wiki`` on Cloud); the listing ends when there is no next link or a page brings no new page.

Credentials: Cloud takes the account e-mail and an API token (basic auth); Data Center a personal
access token (Bearer). With neither, requests are anonymous, which public spaces allow.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import httpx

from core.articles import Article, ArticleError
from knowledge.confluence_html import load_confluence_storage
from knowledge.rest_client import RestClient, RestError, json_object

logger = logging.getLogger(__name__)

CONTENT_PATH = "/rest/api/content"
EXPAND = "body.storage,version,ancestors"
PAGE_SIZE = 50
CREDENTIALS_HINT = (
    "check CONFLUENCE_USER and CONFLUENCE_API_TOKEN (Cloud: account e-mail and API token) "
    "or CONFLUENCE_TOKEN (Data Center: personal access token), and that they may read the space"
)


@dataclass(frozen=True)
class SpacePages:
    """The current pages of a space as the API gave them, and the site URL their web links hang from."""

    pages: list[dict[str, Any]]
    site: str


def confluence_client(
    base_url: str,
    *,
    user: str = "",
    api_token: str = "",
    token: str = "",
    timeout: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> RestClient:
    """A client for ``base_url`` (e.g. ``https://acme.atlassian.net/wiki``) with the given credentials."""
    if bool(user) != bool(api_token):
        raise RestError("CONFLUENCE_USER and CONFLUENCE_API_TOKEN go together: set both, or neither")
    auth = httpx.BasicAuth(user, api_token) if user else None
    headers = {"Authorization": f"Bearer {token}"} if token and not user else {}
    return RestClient(
        base_url, auth=auth, headers=headers, timeout=timeout, sleep=sleep, credentials_hint=CREDENTIALS_HINT,
        not_found_hint="check --base-url (the site, with /wiki on Cloud) and --space",
    )  # fmt: skip


def fetch_space(client: RestClient, space: str, page_size: int = PAGE_SIZE) -> SpacePages:
    """Every current page of ``space``, following the pagination to its end."""
    url = CONTENT_PATH
    params: dict[str, str | int] | None = {
        "spaceKey": space, "type": "page", "status": "current", "expand": EXPAND,
        "limit": page_size, "start": 0,
    }  # fmt: skip
    pages: dict[str, dict[str, Any]] = {}
    site = client.base_url
    while True:
        data = client.get_json(url, params)
        results = data.get("results")
        if not isinstance(results, list):
            raise RestError(f"{client.base_url}{CONTENT_PATH}: the answer has no results list")
        links = json_object(data.get("_links"))
        site = str(links.get("base") or site).rstrip("/")
        new = {str(page.get("id")): page for page in results if isinstance(page, dict)}
        fresh = new.keys() - pages.keys()
        pages.update(new)
        logger.info("confluence pages fetched", extra={"space": space, "pages": len(pages)})
        next_link = links.get("next")
        if not next_link or not fresh:
            return SpacePages(pages=list(pages.values()), site=site)
        url, params = _absolute(str(next_link), site, str(links.get("context") or "")), None


def page_to_article(
    page: dict[str, Any], *, article_id: str, site: str, lang: str, product: str, module: str
) -> Article:
    """One API page as an :class:`Article` (url from its web link, updated from its version)."""
    source = f"page {page.get('id', '(no id)')}"
    xhtml = json_object(json_object(page.get("body")).get("storage")).get("value")
    if not isinstance(xhtml, str):
        raise ArticleError(f"{source}: no body.storage.value (was expand=body.storage sent?)")
    title = page.get("title")
    if not isinstance(title, str):
        raise ArticleError(f"{source}: no title")
    webui = json_object(page.get("_links")).get("webui")
    ancestors = page.get("ancestors")
    breadcrumb = tuple(
        crumb
        for ancestor in (ancestors if isinstance(ancestors, list) else [])
        if isinstance(crumb := json_object(ancestor).get("title"), str)
    )
    return load_confluence_storage(
        xhtml,
        article_id=article_id,
        title=title,
        lang=lang,
        product=product,
        module=module,
        url=_absolute(webui, site, "") if isinstance(webui, str) else site,
        breadcrumb=breadcrumb,
        updated=_date(json_object(page.get("version")).get("when"), source),
    )


def _absolute(link: str, site: str, context: str) -> str:
    if link.startswith(("http://", "https://")):
        return link
    if context and link.startswith(f"{context}/") and site.endswith(context):
        site = site[: -len(context)]  # a link that repeats the context path must not get it twice
    return f"{site}{link}"


def _date(value: object, source: str) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError as exc:
        raise ArticleError(f"{source}: version.when {value!r} is not an ISO timestamp") from exc
