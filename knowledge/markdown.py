"""Load the project's own article format: Markdown with YAML front matter.

Usage::

    from knowledge.markdown import load_folder
    articles = load_folder(Path("knowledge/articles"))

Each ``## `` heading starts a section; text before the first one is the
article's summary section, headed by the article title.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt

from core.articles import Article, ArticleError, Section
from core.languages import SUPPORTED_LANGUAGES
from knowledge.sections import unique_slugs

REQUIRED_FIELDS = ("id", "title", "lang", "product", "module", "url", "tags", "updated")
# Optional: ``version`` (the product version/release the article applies to).
_markdown = MarkdownIt("commonmark")


def load_article(path: Path) -> Article:
    """Parse one article file; raise :class:`ArticleError` naming the file and the rule broken."""
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ArticleError(f"{path}: front matter is not valid YAML ({exc})") from exc
    meta: dict[str, Any] = dict(post.metadata)
    missing = [name for name in REQUIRED_FIELDS if meta.get(name) in (None, "")]
    if missing:
        raise ArticleError(f"{path}: front matter is missing {', '.join(missing)}")
    if meta["lang"] not in SUPPORTED_LANGUAGES:
        raise ArticleError(f"{path}: lang {meta['lang']!r} is not one of {', '.join(SUPPORTED_LANGUAGES)}")
    sections = split_sections(str(meta["title"]), post.content)
    if not sections:
        raise ArticleError(f"{path}: the article has no text")
    return Article(
        id=str(meta["id"]),
        title=str(meta["title"]),
        lang=str(meta["lang"]),
        product=str(meta["product"]),
        module=str(meta["module"]),
        url=str(meta["url"]),
        tags=tuple(str(tag) for tag in meta["tags"]),
        updated=_as_date(meta["updated"], path),
        sections=tuple(sections),
        version=str(meta["version"]) if meta.get("version") else None,
    )


def load_folder(folder: Path) -> list[Article]:
    """All ``*.md`` articles below ``folder``, sorted by id; duplicate ids are an error."""
    articles = [load_article(path) for path in sorted(folder.rglob("*.md"))]
    ids = [article.id for article in articles]
    duplicates = sorted({article_id for article_id in ids if ids.count(article_id) > 1})
    if duplicates:
        raise ArticleError(f"{folder}: duplicate article ids {', '.join(duplicates)}")
    return sorted(articles, key=lambda article: article.id)


def split_sections(title: str, body: str) -> list[Section]:
    """Cut Markdown at its level-2 headings, keeping each section's Markdown source."""
    lines = body.splitlines()
    tokens = _markdown.parse(body)
    cuts: list[tuple[int, int, str]] = []  # (heading line, first body line, heading text)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.map:
            cuts.append((token.map[0], token.map[1], tokens[index + 1].content.strip()))
    parts: list[tuple[str, str]] = []
    intro_end = cuts[0][0] if cuts else len(lines)
    parts.append((title, "\n".join(lines[:intro_end]).strip()))
    for position, (_, start, heading) in enumerate(cuts):
        end = cuts[position + 1][0] if position + 1 < len(cuts) else len(lines)
        parts.append((heading, "\n".join(lines[start:end]).strip()))
    parts = [(heading, text) for heading, text in parts if text]
    slugs = unique_slugs([heading for heading, _ in parts])
    return [Section(id=slug, heading=h, text=t) for slug, (h, t) in zip(slugs, parts, strict=True)]


def _as_date(value: object, path: Path) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ArticleError(f"{path}: updated {value!r} is not an ISO date (YYYY-MM-DD)") from exc
