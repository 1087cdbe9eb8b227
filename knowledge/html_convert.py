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
- The Markdown means the page's text and nothing more: text that would read as Markdown or HTML
  (a line starting with ``# ``, ``- ``, ``> ``, ``1. ``; a ``<div>`` written in a sentence) is
  backslash-escaped, code gets a fence longer than any backtick run in it, and tables are
  rectangular, one line per row, with ``|`` escaped in cells and spanned cells repeated.

Usage::

    soup = BeautifulSoup("<p>Intro</p><h2>Solução</h2><p>Reinicie.</p>", "lxml")
    sections = split_sections(soup, title="Erro ao emitir nota")
    # [Section(id="erro-ao-emitir-nota", …, text="Intro"), Section(id="solucao", …, text="Reinicie.")]
"""

from __future__ import annotations

import copy
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
# Spans are capped (HTML caps colspan at 1000), so that a broken value cannot blow a table up.
MAX_SPAN = 1000

# Text escaping. A "<" before a letter, "/", "!" or "?" may open an HTML tag or an autolink.
_TAG_OPENER = re.compile(r"<(?=[A-Za-z/!?])")
# What text would mean as Markdown at the start of a line: ATX heading, list item, quote, setext
# underline or thematic break, code fence. ("*" is escaped everywhere, so it needs no rule here.)
_LINE_MARKER = re.compile(
    r"^[ \t\u00a0\u200b\ufeff]*+"
    r"(?=(?:#{1,6}|[-+]|\d{1,9}[.)])(?:[ \t]|$)|>|[-=]++[ \t]*+$|_(?:[ \t]*+_){2,}[ \t]*+$|`{3}|~{3})",
    re.MULTILINE,
)
# Marks, in the text, where such a marker begins; only where the mark ends up starting a line of the
# Markdown (after any list or quote prefix) is it escaped. A private-use character: no page has it.
_MARK = "\ue000"
_MARKED_LINE_START = re.compile(
    rf"^((?:[ ]*+(?:>|[-+*]|\d{{1,9}}[.)])(?= |$))*+[ ]*+){_MARK}(\d*)", re.MULTILINE
)
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_BACKTICK_RUN = re.compile(r"`+")
_LEADING_BLANK_LINES = re.compile(r"^[ \n]*\n")

# Markdown post-processing (on the converted text, never on HTML).
_INVISIBLE = str.maketrans({"\u00a0": " ", "\u200b": None, "\ufeff": None})
_WHITESPACE_ONLY_LINE = re.compile(r"^[ \t]+$", re.MULTILINE)
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")


def _code_language(element: Tag) -> str:
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
    return ""


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)


def _code_span(code: str) -> str:
    """Inline code delimited by more backticks than it holds (spaced, so edge backticks stay code)."""
    longest = _longest_backtick_run(code)
    fence = "`" * (longest + 1)
    return f"{fence} {code} {fence}" if longest else f"{fence}{code}{fence}"


class _Converter(MarkdownConverter):
    """markdownify, made to write Markdown that means the page's text and nothing more."""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        """Escape what the text would otherwise mean as Markdown or HTML.

        Underscores stay: ERP identifiers (MV_ESTADO, A1_COD) are full of them, and inside words they
        mean nothing to CommonMark. Line-start markers are only marked here (see ``_MARK``).
        """
        text = _TAG_OPENER.sub(r"\\<", text.replace(_MARK, "").replace("*", r"\*"))
        return _LINE_MARKER.sub(lambda marker: marker[0] + _MARK, text)

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """Code fenced by more backticks than any run in it (CommonMark); inside a table cell, a code span."""
        code = _LEADING_BLANK_LINES.sub("", text).rstrip(" \n")
        if not code:
            return ""
        if "_inline" in parent_tags:
            return _code_span(" ".join(code.split()))
        fence = "`" * max(3, _longest_backtick_run(code) + 1)
        return f"\n\n{fence}{_code_language(el)}\n{code}\n{fence}\n\n"

    def convert_td(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A cell on one line (any line break would end the row) with its pipes escaped (GFM)."""
        return " " + _UNESCAPED_PIPE.sub(r"\\|", " ".join(text.split())) + " |"

    convert_th = convert_td


_converter = _Converter(
    heading_style=ATX,
    bullets="-",
    # Confluence tables usually have no <th> row; without a header row they would not be Markdown tables.
    table_infer_header=True,
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
    for table in document.find_all("table"):
        _square(document, table)
    markdown = _converter.convert_soup(document).translate(_INVISIBLE)
    markdown = _MARKED_LINE_START.sub(r"\1\2\\", markdown).replace(_MARK, "")
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


# --- tables ---------------------------------------------------------------------------------------------
# A cell spanning rows or columns is repeated in every slot it covers rather than leaving those empty:
# answers and snippets show single lines, and a row read alone ("| Filial 02 | MG | 12 % |") must still
# say what it is about. The first row stays the header row, header cells copied down stay header cells.


def _square(document: BeautifulSoup, table: Tag) -> None:
    """Give every row of ``table`` (not of tables nested in it) one cell per column."""
    rows = [row for row in table.find_all("tr") if row.find_parent("table") is table]
    grid = _grid(rows)
    width = max((len(cells) for cells in grid), default=0)
    for row, cells in zip(rows, grid, strict=True):
        header = bool(cells) and all(cell is not None and cell.name == "th" for cell in cells)
        for cell in row.find_all(["td", "th"], recursive=False):
            cell.extract()
        cells += [None] * (width - len(cells))
        row.extend(
            [cell if cell is not None else document.new_tag("th" if header else "td") for cell in cells]
        )


def _grid(rows: list[Tag]) -> list[list[Tag | None]]:
    """Each row's cells by column, spans expanded (HTML's table model); ``None`` where a row has no cell."""
    grid: list[list[Tag | None]] = []
    above: dict[int, tuple[Tag, int]] = {}  # column → (cell spanning down into the next rows, rows left)
    for row in rows:
        cells: list[Tag | None] = []
        for cell in row.find_all(["td", "th"], recursive=False):
            _take_from_above(cells, above)
            rowspan = _span(cell, "rowspan", default_zero=len(rows))
            colspan = _span(cell, "colspan", default_zero=1)
            for copy_index in range(colspan):
                slot = copy.copy(cell) if copy_index else cell
                if rowspan > 1:
                    above[len(cells)] = (slot, rowspan - 1)
                cells.append(slot)
        while above and max(above) >= len(cells):  # spans from above reaching past this row's own cells
            if len(cells) in above:
                _take_from_above(cells, above)
            else:
                cells.append(None)
        grid.append(cells)
    return grid


def _take_from_above(cells: list[Tag | None], above: dict[int, tuple[Tag, int]]) -> None:
    """Fill the next columns with copies of the cells spanning down into them."""
    while len(cells) in above:
        cell, rows_left = above.pop(len(cells))
        if rows_left > 1:
            above[len(cells)] = (cell, rows_left - 1)
        cells.append(copy.copy(cell))


def _span(cell: Tag, attribute: str, *, default_zero: int) -> int:
    """The cell's span, removed from it; 0 (rowspan: to the end of the table) becomes ``default_zero``."""
    value = str(cell.attrs.pop(attribute, "1")).strip()
    if not value.isdecimal():
        return 1
    return min(int(value) or default_zero, MAX_SPAN)
