"""Pull Help Center articles through the Zendesk API, each endpoint used for what it is documented for.

- :func:`list_articles`: every article of one locale, the full picture (what it no longer lists was
  archived or deleted). ``GET /api/v2/help_center/{locale}/articles?page[size]=100`` with cursor
  pagination: follow ``links.next`` while ``meta.has_more``.
- :func:`export_changes`: the articles of every locale whose metadata changed after a time.
  ``GET /api/v2/help_center/incremental/articles?start_time=UNIX`` (agents and admins only), up to
  1000 a page; ``next_page`` carries the next start time and ``end_time`` the time of the page's last
  change. The export ends at ``end_of_stream``, a null ``next_page``, an empty page or an ``end_time``
  that does not move; the last ``end_time`` is the next export's ``start_time``.
- :func:`list_sections`: section id → name in one locale, for breadcrumbs.

Credentials: an agent's e-mail and API token, sent as basic auth ``{email}/token:{api_token}``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from knowledge.rest_client import RestClient, RestError, json_object

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
INCREMENTAL_PATH = "/api/v2/help_center/incremental/articles"
_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Changes:
    """Articles changed since the export's start time, oldest change first, and where the export ended."""

    articles: list[dict[str, Any]]
    end_time: int


def zendesk_client(
    subdomain: str,
    *,
    email: str,
    api_token: str,
    base_url: str = "",
    timeout: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> RestClient:
    """A client for ``https://{subdomain}.zendesk.com`` (or ``base_url``) authenticated as an agent."""
    if not _SUBDOMAIN.match(subdomain):
        raise RestError(f"subdomain {subdomain!r} is not a Zendesk subdomain (the NAME of NAME.zendesk.com)")
    if not (email and api_token):
        raise RestError("set ZENDESK_EMAIL and ZENDESK_API_TOKEN (an agent's e-mail and an API token)")
    return RestClient(
        base_url or f"https://{subdomain}.zendesk.com",
        auth=httpx.BasicAuth(f"{email}/token", api_token),
        timeout=timeout,
        sleep=sleep,
        credentials_hint="check ZENDESK_EMAIL and ZENDESK_API_TOKEN (an agent's or admin's API token)",
        not_found_hint="check --subdomain (and --base-url or ZENDESK_BASE_URL) and --locale",
    )


def list_articles(client: RestClient, locale: str) -> list[dict[str, Any]]:
    """Every article of ``locale``, drafts included (the caller skips them)."""
    return _cursor_listing(client, f"/api/v2/help_center/{locale}/articles", "articles")


def list_sections(client: RestClient, locale: str) -> dict[int, str]:
    """Section id → name, as ``locale`` names it."""
    names: dict[int, str] = {}
    for item in _cursor_listing(client, f"/api/v2/help_center/{locale}/sections", "sections"):
        if isinstance(item.get("id"), int) and isinstance(item.get("name"), str):
            names[item["id"]] = item["name"].strip()
    return names


def export_changes(client: RestClient, start_time: int) -> Changes:
    """The incremental export from ``start_time`` (Unix seconds) to its end."""
    url = INCREMENTAL_PATH
    params: dict[str, str | int] | None = {"start_time": start_time}
    articles: list[dict[str, Any]] = []
    end_time = start_time
    while True:
        data = client.get_json(url, params)
        items = _items(data, "articles", url)
        articles += items
        page_end, moved = data.get("end_time"), False
        if isinstance(page_end, int) and page_end > end_time:
            end_time, moved = page_end, True
        logger.info("zendesk changes fetched", extra={"articles": len(articles), "end_time": end_time})
        next_page = data.get("next_page")
        if data.get("end_of_stream") is True or not next_page or not items or not moved:
            return Changes(articles=articles, end_time=end_time)
        url, params = str(next_page), None


def _cursor_listing(client: RestClient, path: str, key: str) -> list[dict[str, Any]]:
    url = path
    params: dict[str, str | int] | None = {"page[size]": PAGE_SIZE}
    found: list[dict[str, Any]] = []
    while True:
        data = client.get_json(url, params)
        found += _items(data, key, url)
        logger.info("zendesk listing fetched", extra={"path": path, key: len(found)})
        next_link = json_object(data.get("links")).get("next")
        if not json_object(data.get("meta")).get("has_more") or not next_link:
            return found
        url, params = str(next_link), None


def _items(data: dict[str, Any], key: str, url: str) -> list[dict[str, Any]]:
    items = data.get(key)
    if not isinstance(items, list):
        raise RestError(f"{url}: the answer has no {key!r} list")
    return [item for item in items if isinstance(item, dict)]
