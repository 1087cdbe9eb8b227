"""Turn an HTML page body into :class:`~core.articles.Section` objects with Markdown text.

Shared by the loaders whose sources are HTML (Confluence, Zendesk Help Center). Loaders first
rewrite their source-specific markup into plain HTML; this module then cuts the page into
sections and converts each one with markdownify.

The rules:

- ``<h1>`` and ``<h2>`` start a section, wherever they are nested (Confluence layouts wrap them
  in several ``<div>``), except inside tables, lists, quotes and ``<pre>``, which stay whole.
  Empty headings are ignored. ``<h3>`` to ``<h6>`` stay inside their section as ``###`` … lines.
- A ``<details>`` element with a ``<summary>`` (what loaders turn Confluence's expand macro into,
  see :func:`make_expand`) is a section of its own, headed by the summary. The text after it
  returns to the section it interrupted: it belongs to that heading, not to the expand.
- Text before the first heading is a section headed by the page title.
- Sections whose Markdown is empty are dropped; ids come from :func:`unique_slugs`.
- Images, scripts, styles, embedded media and forms are dropped; links keep their Markdown form
  only when absolute (``http(s):``/``mailto:``) because relative ones (exported page files,
  ``/hc/…`` paths) lead nowhere outside the source; otherwise their text is kept.

Usage::

    soup = BeautifulSoup("<p>Intro</p><h2>Solução</h2><p>Reinicie.</p>", "lxml")
    sections = split_sections(soup, title="Erro ao emitir nota")
    # [Section(id="erro-ao-emitir-nota", …, text="Intro"), Section(id="solucao", …, text="Reinicie.")]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from bs4.element import PageElement, Tag
from markdownify import ATX, MarkdownConverter

from core.articles import Section
from knowledge.sections import unique_slugs

SECTION_HEADINGS = frozenset({"h1", "h2"})
# Containers whose Markdown form breaks if a heading inside them is pulled out.
ATOMIC = frozenset({"table", "ul", "ol", "dl", "blockquote", "pre", "code"})
# No text worth indexing: document head, images, media, scripts, forms.
DROPPED = [
    *("head", "script", "style", "noscript", "template"),
    *("img", "picture", "svg", "video", "audio", "iframe", "object", "embed"),
    *("form", "input", "button", "select", "textarea"),
]
ABSOLUTE_LINK = ("http://", "https://", "mailto:")

# Markdown post-processing (on the converted text, never on HTML).
_INVISIBLE = str.maketrans({"\u00a0": " ", "\u200b": None, "\ufeff": None})
_WHITESPACE_ONLY_LINE = re.compile(r"^[ \t]+$", re.MULTILINE)
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")


def _code_language(element: Tag) -> str | None:
    """Fence language: ``data-language`` (set by loaders) or a ``language-*`` class on ``pre``/``code``."""
    language = element.get("data-language")
    if isinstance(language, str) and language:
        return language
    code = element.find("code")
    for tag in (element, code):
        if isinstance(tag, Tag):
            for name in tag.get_attribute_list("class"):
                if name and name.startswith("language-"):
                    return name.removeprefix("language-")
    return None


_converter = MarkdownConverter(
    heading_style=ATX,
    bullets="-",
    # ERP identifiers (MV_ESTADO, A1_COD) are full of underscores; escaping them hurts search and reading.
    escape_underscores=False,
    # Confluence tables usually have no <th> row; without a header row they would not be Markdown tables.
    table_infer_header=True,
    code_language_callback=_code_language,
)


def text_of(element: PageElement | None) -> str:
    """The element's text on one line, whitespace (including no-break spaces) collapsed."""
    if element is None:
        return ""
    return " ".join(element.get_text().split())


def make_expand(soup: BeautifulSoup, title: str, body: Iterable[PageElement]) -> Tag:
    """``<details><summary>title</summary>…body…</details>``: how loaders mark an expandable block."""
    details = soup.new_tag("details")
    summary = soup.new_tag("summary")
    summary.string = title
    details.append(summary)
    for node in list(body):
        details.append(node.extract())
    return details


def split_sections(root: Tag, *, title: str) -> list[Section]:
    """Cut ``root`` (consumed: its nodes move into the sections) into Markdown sections, in reading order."""
    _clean(root)
    first = _Part(title)
    parts = [first]
    _distribute(root, parts, first)
    converted = [(part.heading, to_markdown(part.nodes)) for part in parts]
    converted = [(heading, text) for heading, text in converted if text]
    slugs = unique_slugs([heading for heading, _ in converted])
    return [
        Section(id=slug, heading=heading, text=text)
        for slug, (heading, text) in zip(slugs, converted, strict=True)
    ]


def to_markdown(nodes: Iterable[PageElement]) -> str:
    """Markdown for a run of sibling-like nodes (consumed), blank lines collapsed, stripped."""
    document = BeautifulSoup("", "html.parser")
    for node in list(nodes):
        document.append(node.extract())
    # Removed macros leave neighbouring text nodes ("fale com ", " ", "."); merged, their spaces collapse.
    document.smooth()
    # A <details> left inside a table or list is not a section: show its summary as a bold line.
    for summary in document.find_all("summary"):
        strong = document.new_tag("strong")
        strong.extend(list(summary.contents))
        paragraph = document.new_tag("p")
        paragraph.append(strong)
        summary.replace_with(paragraph)
    markdown = _converter.convert_soup(document).translate(_INVISIBLE)
    markdown = _WHITESPACE_ONLY_LINE.sub("", markdown)
    return _EXTRA_BLANK_LINES.sub("\n\n", markdown).strip()


@dataclass
class _Part:
    heading: str
    nodes: list[PageElement] = field(default_factory=list)


def _clean(root: Tag) -> None:
    for element in root.find_all(DROPPED):
        element.decompose()
    for link in root.find_all("a"):
        href = link.get("href")
        if not (isinstance(href, str) and href.strip().lower().startswith(ABSOLUTE_LINK)):
            link.unwrap()


def _distribute(container: Tag, parts: list[_Part], current: _Part) -> _Part:
    """Add ``container``'s children to the open part, opening new parts at headings; return the open part."""
    for child in list(container.children):
        if isinstance(child, Tag):
            if child.name in SECTION_HEADINGS:
                heading = text_of(child)
                if heading:
                    current = _Part(heading)
                    parts.append(current)
                continue
            if child.name == "details":
                summary = child.find("summary", recursive=False)
                heading = text_of(summary)
                if summary is not None and heading:
                    summary.decompose()
                    expand = _Part(heading)
                    parts.append(expand)
                    # Whatever the expand's body opens ends with it; `current` resumes afterwards.
                    _distribute(child, parts, expand)
                    continue
            if child.name not in ATOMIC and child.find([*SECTION_HEADINGS, "details"]) is not None:
                # A wrapper (layout cell, <div>, <section>) around headings: its children are the blocks.
                current = _distribute(child, parts, current)
                continue
        current.nodes.append(child)
    return current
