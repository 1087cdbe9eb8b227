"""What the Confluence tests share: the fixture folder and small readers of a loaded article."""

from __future__ import annotations

from pathlib import Path

from core.articles import Article
from knowledge.confluence_html import load_confluence_storage

FIXTURES = Path(__file__).parents[1] / "fixtures" / "confluence"


def storage_article(xhtml: str, title: str = "Página de teste") -> Article:
    return load_confluence_storage(
        xhtml, article_id="tdn-1", title=title, lang="pt-BR", product="Protheus", module="Fiscal", url="u"
    )


def all_text(article: Article) -> str:
    return "\n".join(f"{section.heading}\n{section.text}" for section in article.sections)


def text_of(article: Article, heading: str) -> str:
    section = next((s for s in article.sections if s.heading == heading), None)
    assert section is not None, f"no section {heading!r} in {[s.heading for s in article.sections]}"
    return section.text
