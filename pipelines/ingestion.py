"""Keep the search index in sync with the knowledge sources: ``python -m pipelines ingest SOURCE…``.

The sources together are the knowledge base: articles new to the index are added, changed ones
re-embedded, unchanged ones keep their vectors, and articles no source has any more leave the index.
A run that would delete more than 20 % of the index is refused unless forced. A malformed file is
reported with its path and reason and skipped; it never stops the rest or touches the index.

Sources: a folder or ``.md`` file (the project's Markdown format), a Zendesk Help Center page
(``.json``) or a folder of them, a Confluence HTML export (``.html``) or storage-format page
(``.xhtml``), a TDN page saved as text (``.txt``), an article saved by ``python -m pipelines sync``
(``.article.json``). With no sources named, the knowledge base is :func:`knowledge_sources`: the
article folder and every synced mirror. Every run reports, per source, the pages loaded, their
sections, what was skipped and why, and any markup left in the text (:mod:`pipelines.ingest_quality`).

Usage::

    python -m pipelines ingest                      # KNOWLEDGE_DIR and every folder in SYNCED_DIR
    python -m pipelines ingest knowledge/articles exports/zendesk/ exports/confluence/
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from core.articles import Article, ArticleError, article_from_dict
from core.languages import detect_language
from core.settings import Settings
from knowledge.confluence_html import load_confluence_html_export, load_confluence_storage
from knowledge.confluence_text import load_text_export
from knowledge.markdown import load_article
from knowledge.sections import slugify
from knowledge.zendesk import load_zendesk_pages
from pipelines.ingest_quality import SourceQuality, source_quality
from search.embeddings import Embedder
from search.index import KnowledgeIndex, article_hash
from search.store import read_manifest

MAX_DELETE_SHARE = 0.2
# An article as `pipelines sync` keeps it (core.articles.article_to_dict), one file each.
ARTICLE_SUFFIX = ".article.json"
# Up to this many changed articles (or this share of the index) are applied to the index in place;
# more, or too many dead rows left behind by earlier updates, and the index is rebuilt.
INCREMENTAL_MAX_ARTICLES = 20
INCREMENTAL_MAX_SHARE = 0.05
MAX_DEAD_SHARE = 0.2


class IngestRefused(Exception):
    """The run would delete too much of the index; nothing was changed."""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    quality: list[SourceQuality] = field(default_factory=list)
    written: bool = False

    def summary(self) -> dict[str, object]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "deleted": len(self.deleted),
            "skipped": len(self.unchanged),
            "failed": len(self.problems),
            "sources": [source.summary() for source in self.quality],
        }


@dataclass(frozen=True)
class SourceDefaults:
    """Metadata for sources that do not carry it (Confluence pages, Zendesk articles)."""

    product: str = "General"
    module: str = "General"
    lang: str | None = None  # None: detect from the text


def with_language(article: Article, defaults: SourceDefaults) -> Article:
    if defaults.lang:
        return dataclasses.replace(article, lang=defaults.lang)
    text = " ".join([article.title, *(section.text for section in article.sections)])[:2000]
    return dataclasses.replace(article, lang=detect_language(text) or "pt-BR")


def knowledge_sources(settings: Settings) -> list[Path]:
    """The whole knowledge base: the article folder and every synced mirror (hidden folders are staging)."""
    synced = settings.synced_dir
    mirrors = (
        sorted(p for p in synced.iterdir() if p.is_dir() and not p.name.startswith("."))
        if synced.is_dir()
        else []
    )
    return [settings.knowledge_dir, *mirrors]


def _is_zendesk_page(path: Path) -> bool:
    if path.name.endswith(ARTICLE_SUFFIX):
        return False
    try:
        page = json.loads(path.read_text(encoding="utf-8"))
        return isinstance(page, dict) and ("articles" in page or "article" in page)
    except (OSError, ValueError):
        return True  # let the Zendesk loader report the broken file


class Loaded(NamedTuple):
    articles: list[Article]
    problems: list[str]
    quality: list[SourceQuality]


def load_sources(sources: list[Path], defaults: SourceDefaults) -> Loaded:
    """Every article the sources hold, one problem line per file or item that could not be read (or
    was read with a warning), and each source's quality report."""
    articles: list[Article] = []
    problems: list[str] = []
    quality: list[SourceQuality] = []
    for source in sources:
        found, issues = _load_source(source, defaults)
        articles += found
        problems += issues
        quality.append(source_quality(source, found, issues))
    unique: dict[str, Article] = {}
    for article in articles:
        if article.id in unique:
            problems.append(f"article id {article.id} appears twice; the first one is kept")
        else:
            unique[article.id] = article
    return Loaded(list(unique.values()), problems, quality)


def _load_source(source: Path, defaults: SourceDefaults) -> tuple[list[Article], list[str]]:
    if not source.exists():
        return [], [f"{source}: no such file or folder"]
    articles: list[Article] = []
    problems: list[str] = []
    files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
    pages = [p for p in files if p.suffix == ".json" and p.name != "sections.json" and _is_zendesk_page(p)]
    if pages:
        sections = next((p for p in files if p.name == "sections.json"), None)
        found, issues = load_zendesk_pages(
            pages, product=defaults.product, module=defaults.module, sections_path=sections
        )
        articles += found
        problems += issues
    for path in files:
        try:
            if path.suffix == ".md":
                articles.append(load_article(path))
            elif path.name.endswith(ARTICLE_SUFFIX):
                articles.append(_load_synced(path))
            elif path.suffix == ".html":
                page = load_confluence_html_export(
                    path, lang="pt-BR", product=defaults.product, module=defaults.module, url=""
                )
                articles.append(with_language(page, defaults))
            elif path.suffix == ".xhtml":
                page = load_confluence_storage(
                    path.read_text(encoding="utf-8"), article_id=slugify(path.stem), title=path.stem,
                    lang="pt-BR", product=defaults.product, module=defaults.module, url="",
                )  # fmt: skip
                articles.append(with_language(page, defaults))
            elif path.suffix == ".txt":  # a TDN page saved as text (the seeds' format)
                page, warnings = load_text_export(
                    path, article_id=slugify(path.stem), lang="pt-BR", product=defaults.product,
                    module=defaults.module, url="",
                )  # fmt: skip
                articles.append(with_language(page, defaults))
                problems += warnings
        except (ArticleError, OSError, UnicodeDecodeError) as exc:
            problems.append(str(exc) if str(path) in str(exc) else f"{path}: {exc}")
    return articles, problems


def _load_synced(path: Path) -> Article:
    try:
        return article_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ArticleError(f"{path}: not a synced article ({type(exc).__name__}: {exc})") from exc


def ingest(
    sources: list[Path], index_dir: Path, embedder: Embedder, defaults: SourceDefaults = SourceDefaults(),
    force: bool = False, progress: bool = True,
) -> IngestReport:  # fmt: skip
    articles, problems, quality = load_sources(sources, defaults)
    report = IngestReport(problems=problems, quality=quality)
    manifest = read_manifest(index_dir)
    previous = None
    if manifest and manifest.compatible(embedder.name):
        previous = KnowledgeIndex.load(index_dir, embedder, manifest)
    old = {aid: article_hash(article) for aid, article in previous.articles.items()} if previous else {}
    for article in articles:
        if article.id not in old:
            report.added.append(article.id)
        elif old[article.id] != article_hash(article):
            report.changed.append(article.id)
        else:
            report.unchanged.append(article.id)
    current = {article.id for article in articles}
    report.deleted = sorted(set(old) - current)
    if old and len(report.deleted) > MAX_DELETE_SHARE * len(old) and not force:
        raise IngestRefused(
            f"this run would delete {len(report.deleted)} of {len(old)} indexed articles "
            f"(more than {MAX_DELETE_SHARE:.0%}); check the sources or rerun with --force"
        )
    touched = len(report.added) + len(report.changed) + len(report.deleted)
    if previous is not None and 0 < touched <= max(
        INCREMENTAL_MAX_ARTICLES, INCREMENTAL_MAX_SHARE * len(old)
    ):
        # A few articles: update the loaded index in place instead of rebuilding every structure.
        for article_id in [*report.deleted, *report.changed]:
            previous.remove(article_id)
        by_id = {article.id: article for article in articles}
        for article_id in [*report.added, *report.changed]:
            previous.upsert(by_id[article_id])
        if previous.dead_share <= MAX_DEAD_SHARE:
            previous.save(index_dir)
            report.written = True
            return report
    if previous is None or touched:
        KnowledgeIndex.build(articles, embedder, previous=previous, progress=progress).save(index_dir)
        report.written = True
    return report


def open_index(index_dir: Path, embedder: Embedder, sources: Path | list[Path]) -> KnowledgeIndex:
    """The index on disk; built from ``sources`` (usually :func:`knowledge_sources`) when none is usable."""
    manifest = read_manifest(index_dir)
    if manifest is None or not manifest.compatible(embedder.name):
        ingest(
            [sources] if isinstance(sources, Path) else sources,
            index_dir,
            embedder,
            force=True,
            progress=False,
        )
        manifest = read_manifest(index_dir)
        assert manifest is not None
    return KnowledgeIndex.load(index_dir, embedder, manifest)
