"""Load Zendesk Help Center articles from the API's JSON responses.

Input is what ``GET /api/v2/help_center/{locale}/articles.json`` returns, one file per page in the order
given (``page-1.json``, ``page-2.json`` …), or what ``GET /api/v2/help_center/articles/{id}.json`` returns
(``{"article": {…}}``, one article per file), plus optionally ``GET /api/v2/help_center/sections.json`` for
breadcrumbs. Both paginations of the listing are understood: offset (``next_page``, ``page``,
``page_count``) and cursor (``meta.has_more``, ``links.next``); the last file given must be the last page.

- drafts are skipped; outdated articles are kept with the tag ``outdated``;
- locale → language: ``pt-br`` → ``pt-BR``, ``es``/``es-*`` → ``es``, ``en``/``en-*`` → ``en``;
- id ``zendesk-<id>-<lang>``, url ``html_url``, tags ``label_names``, updated = date of ``updated_at``,
  breadcrumb = (section name,) when the section is known;
- the HTML body is split like Confluence pages (see :mod:`knowledge.html_convert`); relative links
  are resolved against ``html_url``.

A bad article or a bad file is reported in the problems list and skipped; the rest still loads. So are a
last page that says more pages exist and a file that holds only drafts.

Usage::

    articles, problems = load_zendesk_pages(
        sorted(Path("export/zendesk").glob("page-*.json")), product="Protheus", module="Faturamento",
        sections_path=Path("export/zendesk/sections.json"),
    )
    for problem in problems:
        print(problem)  # "page-2.json: article 360052111114: unknown language 'fr'"
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from core.articles import Article, ArticleError
from knowledge.html_convert import split_sections

OUTDATED_TAG = "outdated"


def locale_to_lang(locale: str) -> str | None:
    """``pt-BR``/``es``/``en`` for a Help Center locale, None when the assistant does not support it."""
    locale = locale.strip().lower()
    if locale == "pt-br":
        return "pt-BR"
    for lang in ("es", "en"):
        if locale == lang or locale.startswith(f"{lang}-"):
            return lang
    return None


def parse_article(
    data: dict[str, Any],
    *,
    product: str,
    module: str,
    sections: Mapping[int, str] | None = None,
) -> Article | None:
    """One API article as an :class:`Article`; None for drafts. Errors name the article id."""
    article_id = data.get("id")
    source = f"article {article_id if article_id is not None else '(no id)'}"
    if not isinstance(article_id, int) or isinstance(article_id, bool):
        raise ArticleError(f"{source}: id is missing or not a number")
    if data.get("draft") is True:
        return None
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ArticleError(f"{source}: missing title")
    locale = data.get("locale")
    lang = locale_to_lang(locale) if isinstance(locale, str) else None
    if lang is None:
        raise ArticleError(f"{source}: unknown language {locale!r}")
    url = data.get("html_url")
    if not isinstance(url, str) or not url:
        raise ArticleError(f"{source}: missing html_url")
    labels = data.get("label_names") or []
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise ArticleError(f"{source}: label_names is not a list of strings")
    tags = tuple(labels)
    if data.get("outdated") is True and OUTDATED_TAG not in tags:
        # Kept because an outdated translation still answers; the tag lets search rank or flag it.
        tags += (OUTDATED_TAG,)
    body = data.get("body") or ""
    if not isinstance(body, str):
        raise ArticleError(f"{source}: body is not HTML text")
    soup = BeautifulSoup(body, "lxml")
    for link in soup.find_all("a", href=True):
        href = str(link["href"]).strip()
        if href and not href.startswith("#"):
            # Help Center bodies link to other articles as "/hc/pt-br/articles/…"; keep those usable.
            link["href"] = urljoin(url, href)
    found = split_sections(soup.body or soup, title=title.strip())
    if not found:
        raise ArticleError(f"{source}: the body has no text")
    section_id = data.get("section_id")
    section_name = sections.get(section_id) if sections and isinstance(section_id, int) else None
    return Article(
        id=f"zendesk-{article_id}-{lang}",
        title=title.strip(),
        lang=lang,
        product=product,
        module=module,
        url=url,
        tags=tags,
        updated=_date(data.get("updated_at"), source),
        sections=tuple(found),
        breadcrumb=(section_name,) if section_name else (),
    )


def load_sections(path: Path) -> dict[int, str]:
    """Section id → name from a ``sections.json`` (``{"sections": [{"id", "name", "locale"}, …]}``)."""
    data = _read_json(path)
    items = data.get("sections")
    if not isinstance(items, list):
        raise ArticleError(f'{path}: no "sections" list')
    names: dict[int, str] = {}
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("id"), int) and isinstance(item.get("name"), str):
            names.setdefault(item["id"], item["name"].strip())
    return names


def load_zendesk_pages(
    paths: list[Path],
    *,
    product: str,
    module: str,
    sections_path: Path | None = None,
) -> tuple[list[Article], list[str]]:
    """Articles from API responses read in the order given, and one problem line per item or file skipped.

    Besides items that cannot be loaded, the problems name a last file whose pagination says more pages
    exist and a file whose articles were all drafts.
    """
    problems: list[str] = []
    sections: dict[int, str] = {}
    if sections_path is not None:
        try:
            sections = load_sections(sections_path)
        except ArticleError as exc:
            problems.append(f"{exc} (breadcrumbs left empty)")
    articles: list[Article] = []
    seen: set[str] = set()
    for position, path in enumerate(paths):
        try:
            page = _read_json(path)
        except ArticleError as exc:
            problems.append(str(exc))
            continue
        items = _page_items(page)
        if items is None:
            problems.append(f'{path}: no "articles" list or "article" object')
            continue
        loaded_before, drafts = len(articles), 0
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append(f"{path}: item {index}: not a JSON object")
                continue
            try:
                article = parse_article(item, product=product, module=module, sections=sections)
            except ArticleError as exc:
                problems.append(f"{path}: {exc}")
                continue
            if article is None:
                drafts += 1
                continue
            if article.id in seen:
                # Pages fetched while articles were edited can repeat an article; the first copy wins.
                problems.append(f"{path}: article {item['id']}: duplicate of an article on an earlier page")
                continue
            seen.add(article.id)
            articles.append(article)
        if drafts and len(articles) == loaded_before:
            # Drafts beside published articles are routine; a file of drafts only would vanish unexplained.
            plural = "s" if drafts > 1 else ""
            problems.append(f"{path}: {drafts} draft{plural} skipped, no article loaded from this file")
        more = _more_pages(page)
        if position == len(paths) - 1 and more:
            problems.append(f"{path}: {more} but no later page file was given")
    return articles, problems


def _page_items(page: dict[str, Any]) -> list[Any] | None:
    """The articles of a List Articles page, or the one article of a Show Article response."""
    items = page.get("articles")
    if isinstance(items, list):
        return items
    article = page.get("article")
    return [article] if isinstance(article, dict) else None


def _more_pages(page: dict[str, Any]) -> str | None:
    """Where the listing goes on after this page, in offset or cursor pagination; None on the last page."""
    if page.get("next_page"):
        return f"next_page is {page['next_page']!r}"
    meta, links = page.get("meta"), page.get("links")
    if isinstance(meta, dict) and meta.get("has_more") is True:
        # Zendesk says to page on while has_more is true; links.next is where the next page is.
        where = links.get("next") if isinstance(links, dict) else None
        return f"meta.has_more is true: more pages exist at links.next {where!r}"
    return None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read the file ({exc})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArticleError(f"{path}: invalid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ArticleError(f"{path}: invalid JSON (expected an object, got {type(data).__name__})")
    return data


def _date(value: object, source: str) -> date | None:
    if value is None:
        return None
    try:
        # "2024-05-14T18:22:03Z": fromisoformat reads the "Z" suffix since Python 3.11.
        return datetime.fromisoformat(str(value)).date()
    except ValueError as exc:
        raise ArticleError(f"{source}: updated_at {value!r} is not an ISO timestamp") from exc
