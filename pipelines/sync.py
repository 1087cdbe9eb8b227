"""Pull a Confluence space or a Zendesk Help Center into the knowledge base: ``python -m pipelines sync``.

A sync fetches everything first (nothing is written while pages come in), converts it to articles,
puts the source's mirror in place (:mod:`pipelines.mirror`) and runs the same ingest as
``python -m pipelines ingest`` over the whole knowledge base (:func:`knowledge_sources`): only new and
changed articles are embedded, and a run that would delete more than 20 % of the index is refused
unless forced. Whatever fails (the API for good, the ingest refused) leaves the previous mirror and
the index as they were and raises :class:`SyncFailed`.

- Confluence: every current page of the space, each time; id ``confluence-<space>-<page id>``.
- Zendesk: a full listing per locale the first time, with ``full``, when locales, product or module
  change, and every ``ZENDESK_FULL_SYNC_DAYS``; in between, the incremental export from the saved
  ``end_time``, merged into the previous mirror. Drafts and other locales are skipped (a draft takes
  its published copy out); archived and deleted articles leave at the next full listing (the export
  of changes is not relied on to report them).

Usage::

    report = sync_confluence(settings, embedder, base_url="https://tdn.totvs.com", space="PROT")
    report = sync_zendesk(settings, embedder, subdomain="acme", locales=["pt-br", "es"])
    print(report.summary())
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.articles import Article, ArticleError
from core.settings import Settings
from knowledge.confluence_api import confluence_client, fetch_space, page_to_article
from knowledge.rest_client import RestError
from knowledge.sections import slugify
from knowledge.zendesk import locale_to_lang, parse_article
from knowledge.zendesk_api import export_changes, list_articles, list_sections, zendesk_client
from pipelines.ingestion import (
    IngestRefused,
    IngestReport,
    SourceDefaults,
    ingest,
    knowledge_sources,
    with_language,
)
from pipelines.mirror import Mirror, read_mirror, replaced
from search.embeddings import Embedder

DAY_SECONDS = 86_400
_PAGE_ID = re.compile(r"^[0-9A-Za-z_-]+$")
UNTOUCHED = "the mirror and the index were left as they were"


class SyncFailed(Exception):
    """Nothing was changed; the message says why and what to check."""


@dataclass(frozen=True)
class SyncOptions:
    product: str = "General"
    module: str = "General"
    lang: str | None = None  # Confluence pages' language; None: detected per page
    force: bool = False  # allow the ingest to delete more than 20 % of the index
    full: bool = False  # Zendesk: list every article even when an incremental export would do
    progress: bool = True


@dataclass
class SyncReport:
    source: str
    mode: str  # "full" (everything listed) or "incremental" (Zendesk's export of changes)
    requests: int
    fetched: int
    written: int
    problems: list[str]
    ingest: IngestReport

    def summary(self) -> dict[str, object]:
        return {
            "source": self.source,
            "mode": self.mode,
            "requests": self.requests,
            "fetched": self.fetched,
            "written": self.written,
            "failed": len(self.problems),
            "ingest": {**self.ingest.summary(), "index_written": self.ingest.written},
        }


def sync_confluence(
    settings: Settings,
    embedder: Embedder,
    *,
    base_url: str,
    space: str,
    options: SyncOptions = SyncOptions(),
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> SyncReport:
    source = f"confluence-{slugify(space)}"
    try:
        with confluence_client(
            base_url, user=settings.confluence_user, api_token=settings.confluence_api_token,
            token=settings.confluence_token, timeout=settings.sync_timeout_seconds, sleep=sleep,
        ) as client:  # fmt: skip
            fetched = fetch_space(client, space)
            requests = client.requests
    except RestError as exc:
        raise SyncFailed(f"{exc}; {UNTOUCHED}") from exc
    defaults = SourceDefaults(options.product, options.module, options.lang)
    articles: dict[str, Article] = {}
    problems: list[str] = []
    for page in fetched.pages:
        try:
            page_id = str(page.get("id", ""))
            if not _PAGE_ID.match(page_id):
                raise ArticleError(f"page id {page_id!r} is not a Confluence page id")
            article = page_to_article(
                page, article_id=f"{source}-{page_id}", site=fetched.site, lang=options.lang or "pt-BR",
                product=options.product, module=options.module,
            )  # fmt: skip
        except ArticleError as exc:
            problems.append(f"{source}: {exc}")
            continue
        articles[article.id] = with_language(article, defaults)
    state = {"source": "confluence", "base_url": base_url, "space": space, "synced_at": _iso(clock())}
    report = _publish(settings, embedder, source, articles, state, options)
    return SyncReport(source, "full", requests, len(fetched.pages), len(articles), problems, report)


def sync_zendesk(
    settings: Settings,
    embedder: Embedder,
    *,
    subdomain: str,
    locales: list[str],
    base_url: str = "",
    options: SyncOptions = SyncOptions(),
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> SyncReport:
    source = f"zendesk-{subdomain}"
    locales = list(dict.fromkeys(locale.strip().lower() for locale in locales if locale.strip()))
    unsupported = [locale for locale in locales if locale_to_lang(locale) is None]
    if not locales or unsupported:
        raise SyncFailed(
            f"--locale needs Help Center locales of pt-BR, es or en (got {unsupported or 'none'})"
        )
    previous = read_mirror(settings.synced_dir, source)
    now = int(clock())
    wanted: dict[str, Any] = {"locales": locales, "product": options.product, "module": options.module}
    full = options.full or _listing_due(previous, wanted, now, settings.zendesk_full_sync_days)
    try:
        with zendesk_client(
            subdomain, email=settings.zendesk_email, api_token=settings.zendesk_api_token,
            base_url=base_url or settings.zendesk_base_url, timeout=settings.sync_timeout_seconds,
            sleep=sleep,
        ) as client:  # fmt: skip
            sections = {locale: list_sections(client, locale) for locale in locales}
            if full:
                items = [item for locale in locales for item in list_articles(client, locale)]
                end_time, current = now, {}
            else:
                changes = export_changes(client, previous.state["end_time"])
                items, end_time, current = changes.articles, changes.end_time, dict(previous.articles)
            requests = client.requests
    except RestError as exc:
        raise SyncFailed(f"{exc}; {UNTOUCHED}") from exc
    problems: list[str] = []
    for item in items:
        locale = str(item.get("locale", "")).lower()
        if locale not in sections:
            continue  # an article in a locale not synced
        try:
            article = parse_article(
                item, product=options.product, module=options.module, sections=sections[locale]
            )
        except ArticleError as exc:
            problems.append(f"{source}: {exc}")
            continue
        if article is None:  # a draft: not published, or not any more
            current.pop(f"zendesk-{item['id']}-{locale_to_lang(locale)}", None)
        else:
            current[article.id] = article
    state = {
        **wanted, "source": "zendesk", "subdomain": subdomain, "end_time": end_time,
        "listed_at": now if full else previous.state["listed_at"], "synced_at": _iso(now),
    }  # fmt: skip
    report = _publish(settings, embedder, source, current, state, options)
    mode = "full" if full else "incremental"
    return SyncReport(source, mode, requests, len(items), len(current), problems, report)


def _listing_due(previous: Mirror, wanted: dict[str, Any], now: int, days: int) -> bool:
    """Whether this Zendesk sync must list everything instead of reading the export of changes."""
    state = previous.state
    if previous.problems or not all(isinstance(state.get(key), int) for key in ("end_time", "listed_at")):
        return True  # never synced, or the mirror cannot be trusted to merge into
    if any(state.get(key) != value for key, value in wanted.items()):
        return True
    return days == 0 or now - state["listed_at"] >= days * DAY_SECONDS


def _publish(
    settings: Settings,
    embedder: Embedder,
    source: str,
    articles: dict[str, Article],
    state: dict[str, Any],
    options: SyncOptions,
) -> IngestReport:
    try:
        with replaced(settings.synced_dir, source, articles.values(), state):
            return ingest(
                knowledge_sources(settings), settings.index_dir, embedder, SourceDefaults(),
                options.force, options.progress,
            )  # fmt: skip
    except IngestRefused as exc:
        raise SyncFailed(f"refused: {exc}; {UNTOUCHED}") from exc


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")
