"""What the Confluence tests share: the fixture folder, small readers of a loaded article, and the
check that a loader left no markup behind."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from core.articles import Article
from knowledge.confluence_html import load_confluence_storage

FIXTURES = Path(__file__).parents[1] / "fixtures" / "confluence"
STORAGE_PAGES = sorted(FIXTURES.glob("*.storage.xhtml"))
EXPORT_PAGES = sorted((FIXTURES / "export").glob("*.html"))

# CommonMark with GFM tables: how a Markdown renderer reads what the loaders write.
MARKDOWN = MarkdownIt("commonmark").enable("table")
# A tag opener ("<div", "</p", "<ac:task") that no backslash turns into text.
RAW_TAG = re.compile(r"(?<!\\)</?[A-Za-z][\w-]*(?::[\w-]+)?(?=[\s/>])")
TASK_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def storage_article(xhtml: str, title: str = "Página de teste", lang: str = "pt-BR") -> Article:
    return load_confluence_storage(
        xhtml, article_id="tdn-1", title=title, lang=lang, product="Protheus", module="Fiscal", url="u"
    )


def all_text(article: Article) -> str:
    return "\n".join(f"{section.heading}\n{section.text}" for section in article.sections)


def text_of(article: Article, heading: str) -> str:
    section = next((s for s in article.sections if s.heading == heading), None)
    assert section is not None, f"no section {heading!r} in {[s.heading for s in article.sections]}"
    return section.text


def rendered(markdown: str) -> BeautifulSoup:
    """The HTML a Markdown renderer makes of ``markdown``, to read what the text means."""
    return BeautifulSoup(MARKDOWN.render(markdown), "html.parser")


def table_rows(markdown: str) -> list[list[str]]:
    """The cells of every rendered table row, as text."""
    return [[cell.get_text() for cell in row.find_all(["th", "td"])] for row in rendered(markdown)("tr")]


def raw_html(markdown: str) -> list[str]:
    """The HTML a renderer would pass through from ``markdown`` as it stands (blocks and inline)."""
    tokens = MARKDOWN.parse(markdown)
    every = [*tokens, *(child for token in tokens for child in token.children or [])]
    return [token.content for token in every if token.type in {"html_block", "html_inline"}]


def leftover_markup(article: Article) -> list[str]:
    """Markup a loader left in the text: raw HTML a renderer would pass through, tags not escaped as
    text (outside code), task uuids, and table rows broken or of another width than their table."""
    found: list[str] = []
    for section in article.sections:
        found += [f"raw HTML {html!r}" for html in raw_html(section.text)]
        for token in MARKDOWN.parse(section.text):
            if token.type == "inline":
                found += [f"tag {tag!r}" for tag in RAW_TAG.findall(CODE_SPAN.sub("", token.content))]
        found += [f"task uuid {uuid}" for uuid in TASK_UUID.findall(section.text)]
        found += [f"table row {row!r}" for row in _uneven_table_rows(section.text)]
    return found


def _uneven_table_rows(markdown: str) -> list[str]:
    """Rows of each table (a block whose first line starts with "|") that are not one line of its width."""
    uneven: list[str] = []
    for block in markdown.split("\n\n"):
        rows = [row.strip() for row in block.splitlines()]
        if rows and rows[0].startswith("|"):
            width = len(UNESCAPED_PIPE.findall(rows[0]))
            uneven += [
                row
                for row in rows
                if not (row.startswith("|") and row.endswith("|"))
                or len(UNESCAPED_PIPE.findall(row)) != width
            ]
    return uneven
