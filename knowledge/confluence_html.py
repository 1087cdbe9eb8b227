"""Load Confluence pages from the storage format (REST API) or from an "Export to HTML" file.

Both inputs go through the same steps: rewrite Confluence's macros into plain HTML, then let
:mod:`knowledge.html_convert` cut the page at its ``<h1>``/``<h2>`` headings (``<h3>`` and below stay
inside their section as ``###`` lines) and convert each section to Markdown.

Macros, as stored (``ac:structured-macro``) or as exported (``div`` with Confluence's classes):

- expand → a section of its own headed by the expand title (untitled: its body stays in place);
- anchor, table of contents, images, attachments and other body-less macros → removed;
- info / tip / note / warning / panel → their body, preceded by the title in bold when there is one;
- code / noformat → a fenced code block (with the language when given), title in bold above it;
- status → its title in brackets, e.g. ``[CONCLUÍDO]``;
- task lists → a checklist (``- [x] …`` when complete, ``- [ ] …`` otherwise) of the tasks' bodies;
- page links and user mentions → their text; unknown macros → their rich-text body, if any.

Usage::

    page = httpx.get(f"{base}/rest/api/content/{page_id}", params={"expand": "body.storage"}).json()
    article = load_confluence_storage(page["body"]["storage"]["value"], article_id=f"tdn-{page_id}",
                                      title=page["title"], lang="pt-BR", product="Protheus",
                                      module="Faturamento", url=f"{base}/pages/viewpage.action?pageId=…")
    article = load_confluence_html_export(Path("export/MV_ESTADO_235316523.html"), lang="pt-BR",
                                          product="Protheus", module="Livros Fiscais", url="https://…")
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import date
from html.entities import name2codepoint
from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, Tag
from lxml import etree

from core.articles import Article, ArticleError
from core.languages import SUPPORTED_LANGUAGES
from knowledge.html_convert import make_expand, split_sections, text_of
from knowledge.sections import slugify

logger = logging.getLogger(__name__)

NAMESPACES = {
    "ac": "http://atlassian.com/content",
    "ri": "http://atlassian.com/resource/identifier",
    "at": "http://atlassian.com/template",
}
PANEL_MACROS = frozenset({"panel", "info", "tip", "note", "warning"})
CODE_MACROS = frozenset({"code", "noformat"})
# Storage elements with nothing to read (an image's caption goes with the image).
SILENT_ELEMENTS = ("ac:image", "ac:emoticon", "ac:placeholder")
# Export markup that carries no readable text: anchors, images, icons, table of contents. (The attachments
# list, breadcrumbs and page metadata sit outside #main-content, the only part read.)
SILENT_EXPORT_CLASSES = (
    ".confluence-anchor-link",
    ".confluence-embedded-file-wrapper",
    ".toc-macro",
    ".expand-control-icon",
    ".aui-icon",
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# "Procedimento-de-Backup_12345678": the export names a page file after its title, plus its page id
# (only the id when the title has no usable characters).
_FILE_NAME_PAGE_ID = re.compile(r"(?:^|_)\d+$")

_ROOT = "ac:confluence"
# Storage format uses HTML entities (&nbsp;, &ccedil;) that XML does not know; declaring them lets lxml
# parse the page as XML. The five XML entities are predefined and must not be redeclared.
_ENTITY_DECLARATIONS = "".join(
    f'<!ENTITY {name} "&#{code};">'
    for name, code in sorted(name2codepoint.items())
    if name not in {"amp", "lt", "gt", "quot", "apos"}
)


def load_confluence_storage(
    xhtml: str,
    *,
    article_id: str,
    title: str,
    lang: str,
    product: str,
    module: str,
    url: str,
    breadcrumb: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    version: str | None = None,
    updated: date | None = None,
) -> Article:
    """Read a page body in storage format (``body.storage.value``) as an :class:`Article`."""
    if not title.strip():
        raise ArticleError(f"{article_id}: the page has no title")
    _check_lang(lang, article_id)
    soup, root, errors = _parse_storage(xhtml, article_id)
    _rewrite_storage(soup, root)
    sections = split_sections(root, title=title.strip())
    if not sections:
        if errors:
            raise _malformed(article_id, errors[0])
        raise ArticleError(f"{article_id}: the page has no content")
    if errors:
        # Recovered pages may have lost a few words; keep them, but say where the source is broken.
        logger.warning("%s: storage format recovered from malformed XML (%s)", article_id, errors[0])
    return Article(
        id=article_id,
        title=title.strip(),
        lang=lang,
        product=product,
        module=module,
        url=url,
        tags=tags,
        updated=updated,
        sections=tuple(sections),
        version=version,
        breadcrumb=breadcrumb,
    )


def load_confluence_html_export(
    path: Path,
    *,
    lang: str,
    product: str,
    module: str,
    url: str,
    article_id: str | None = None,
) -> Article:
    """Read a page saved with "Export to HTML"; title, breadcrumb and id come from the file."""
    _check_lang(lang, str(path))
    try:
        # Bytes, so that the parser honours the page's own <meta charset>.
        soup = BeautifulSoup(path.read_bytes(), "lxml")
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read the export ({exc})") from exc
    main = soup.find(id="main-content")
    if main is None:
        raise ArticleError(f"{path}: the export has no content (no main-content element)")
    title = _export_title(soup, main, path)
    if not title:
        raise ArticleError(f"{path}: the export has no title (no <title>, heading or titled file name)")
    breadcrumb = tuple(crumb for li in soup.select("ol#breadcrumbs > li") if (crumb := text_of(li)))
    _rewrite_export(soup, main)
    sections = split_sections(main, title=title)
    if not sections:
        raise ArticleError(f"{path}: the page has no content")
    return Article(
        id=article_id or slugify(path.stem),
        title=title,
        lang=lang,
        product=product,
        module=module,
        url=url,
        sections=tuple(sections),
        breadcrumb=breadcrumb,
    )


def _check_lang(lang: str, source: str) -> None:
    if lang not in SUPPORTED_LANGUAGES:
        raise ArticleError(f"{source}: lang {lang!r} is not one of {', '.join(SUPPORTED_LANGUAGES)}")


def _malformed(source: str, reason: object) -> ArticleError:
    return ArticleError(f"{source}: storage format is malformed XML that lxml cannot recover ({reason})")


# --- storage format -------------------------------------------------------------------------------------


def _parse_storage(xhtml: str, source: str) -> tuple[BeautifulSoup, Tag, list[str]]:
    """Parse with lxml in recovery mode; return the page as a BeautifulSoup tree and the parse errors."""
    declarations = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
    # The DTD and the root start tag fill line 1, so line N of the page is parser line N + 1.
    document = f"<!DOCTYPE {_ROOT} [{_ENTITY_DECLARATIONS}]><{_ROOT} {declarations}>\n{xhtml}\n</{_ROOT}>"
    parser = etree.XMLParser(recover=True, no_network=True)
    try:
        tree = etree.fromstring(document.encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise _malformed(source, exc) from exc
    errors = [f"line {max(error.line - 1, 1)}: {error.message.strip()}" for error in parser.error_log]
    if tree is None:
        raise _malformed(source, errors[0] if errors else "nothing parsed")
    # BeautifulSoup's tree is easier to rewrite than lxml's (no .tail bookkeeping); the XML is clean now.
    soup = BeautifulSoup(etree.tostring(tree, encoding="unicode"), "lxml-xml")
    root = soup.find(_ROOT)
    if root is None:  # pragma: no cover - lxml always serialises the root it returned
        raise ArticleError(f"{source}: storage format has no root element")
    return soup, root, errors


def _rewrite_storage(soup: BeautifulSoup, root: Tag) -> None:
    """Replace every ``ac:``/``ri:`` element by plain HTML (or nothing)."""
    for element in root.find_all(SILENT_ELEMENTS):
        element.decompose()
    # Links first, innermost macros before the macros around them (reverse document order), so each
    # rewrite sees already-plain content.
    for link in reversed(root.find_all("ac:link")):
        _rewrite_link(link)
    for macro in reversed(root.find_all(["ac:structured-macro", "ac:macro"])):
        _rewrite_macro(soup, macro)
    for task in reversed(root.find_all("ac:task")):
        _rewrite_task(soup, task)
    for task_list in root.find_all("ac:task-list"):
        task_list.name, task_list.prefix = "ul", None
    for time in root.find_all("time"):
        # <time datetime="2024-03-01"/> is how the editor stores a date picked in the text.
        moment = time.get("datetime")
        if not text_of(time) and isinstance(moment, str):
            time.string = moment
    for element in root.find_all(True):
        if element.decomposed:
            continue
        if element.prefix == "ri":  # resource identifiers: attributes only, no text
            element.decompose()
        elif element.prefix in {"ac", "at"}:  # layouts, task bodies, comment markers: keep the text
            element.unwrap()


def _rewrite_link(link: Tag) -> None:
    """A link becomes its body text; without one, the linked page's title or user's name, else nothing."""
    body = link.find(["ac:link-body", "ac:plain-text-link-body"], recursive=False)
    if body is not None and text_of(body):
        _replace(link, list(body.contents))
        return
    resource = link.find(["ri:page", "ri:blog-post", "ri:user"], recursive=False)
    name = ""
    if resource is not None:
        value = resource.get("ri:content-title") or resource.get("ri:username")
        name = value if isinstance(value, str) else ""
    # Attachment links and users known only by key have no text to show.
    _replace(link, [NavigableString(name)] if name else [])


def _rewrite_task(soup: BeautifulSoup, task: Tag) -> None:
    """A task becomes a list item holding its body only: its id, uuid and status are not text to read."""
    item = soup.new_tag("li")
    item.extend(_contents(task.find("ac:task-body", recursive=False)))
    done = text_of(task.find("ac:task-status", recursive=False)) == "complete"
    _replace(task, [_tick(item, done)] if text_of(item) else [])  # an empty task has nothing to do


def _rewrite_macro(soup: BeautifulSoup, macro: Tag) -> None:
    name = str(macro.get("ac:name") or "").lower()
    parameters = {
        str(parameter.get("ac:name") or ""): text_of(parameter)
        for parameter in macro.find_all("ac:parameter", recursive=False)
    }
    title = parameters.get("title", "")
    rich = macro.find("ac:rich-text-body", recursive=False)
    body = list(rich.contents) if rich is not None else []
    plain = macro.find("ac:plain-text-body", recursive=False)
    if name == "expand":
        _replace(macro, [make_expand(soup, title, body)] if title else body)
    elif name in PANEL_MACROS:
        _replace(macro, [_titled_block(soup, title, body)])
    elif name in CODE_MACROS:
        code = plain.get_text() if plain is not None else ""
        _replace(macro, [_code_block(soup, code, parameters.get("language"), title)] if code.strip() else [])
    elif name == "status":
        _replace(macro, [NavigableString(f"[{title}]")] if title else [])
    else:
        # anchor, toc, children, jira, attachments …: configuration only, rendered from data we lack.
        # Layout-like macros (section, column, excerpt, details) keep their rich-text body.
        _replace(macro, body)


# --- HTML export ----------------------------------------------------------------------------------------


def _export_title(soup: BeautifulSoup, main: Tag, path: Path) -> str:
    """<title>, else the page's first h1, else the content's first heading, else the file name.

    Pages saved by other tools (or trimmed by hand) lose the <title>; their headings and file name,
    which the export derives from the title, still say what the page is.
    """
    for titled in (soup.title, soup.find("h1", id="title-heading")):
        if title := _without_space_name(text_of(titled)):
            return title
    for heading in (soup.find("h1"), main.find(HEADINGS)):
        if title := text_of(heading):
            return title
    return " ".join(_FILE_NAME_PAGE_ID.sub("", path.stem).replace("-", " ").split())


def _without_space_name(page_title: str) -> str:
    """The export titles every page "Space name : Page title", in <title> and in its title heading."""
    return page_title.split(" : ", 1)[1].strip() if " : " in page_title else page_title


def _rewrite_export(soup: BeautifulSoup, main: Tag) -> None:
    """Replace the export's rendered macros by the same plain HTML the storage format gets."""
    for element in main.select(", ".join(SILENT_EXPORT_CLASSES)):
        if not element.decomposed:
            element.decompose()
    for link in main.select("a[data-linked-resource-type], a.confluence-userlink, a.user-mention"):
        alias = link.get("data-linked-resource-default-alias")
        if link.get("data-linked-resource-type") == "attachment" and text_of(link) == alias:
            link.decompose()  # a bare attachment link shows only the file name
        else:
            link.unwrap()
    for status in main.select(".status-macro"):
        label = text_of(status)
        _replace(status, [NavigableString(f"[{label}]")] if label else [])
    for task in main.select("ul.inline-task-list > li"):
        if text_of(task):
            _tick(task, "checked" in task.get_attribute_list("class"))
        else:
            task.decompose()  # an empty task has nothing to do
    for block in reversed(main.select(".expand-container, .confluence-information-macro, div.panel")):
        _rewrite_export_block(soup, block)


def _rewrite_export_block(soup: BeautifulSoup, block: Tag) -> None:
    classes = set(block.get_attribute_list("class"))
    if "expand-container" in classes:
        title = text_of(block.select_one(".expand-control-text"))
        content = block.select_one(".expand-content")
        body = list(content.contents) if content is not None else []
        _replace(block, [make_expand(soup, title, body)] if title else body)
    elif "confluence-information-macro" in classes:
        heading = block.select_one(".title, .confluence-information-macro-title")
        content = block.select_one(".confluence-information-macro-body")
        _replace(block, [_titled_block(soup, text_of(heading), _contents(content))])
    elif classes & {"code", "preformatted"}:
        pre = block.find("pre")
        header = block.select_one(".codeHeader, .preformattedHeader, .panelHeader")
        code = pre.get_text() if pre is not None else ""
        language = _brush(pre.get("data-syntaxhighlighter-params")) if pre is not None else None
        _replace(block, [_code_block(soup, code, language, text_of(header))] if code.strip() else [])
    else:  # panel
        header = block.select_one(".panelHeader")
        content = block.select_one(".panelContent")
        _replace(block, [_titled_block(soup, text_of(header), _contents(content))])


def _brush(params: object) -> str | None:
    """The language in ``data-syntaxhighlighter-params="brush: sql; gutter: false"``."""
    if not isinstance(params, str):
        return None
    for setting in params.split(";"):
        key, _, value = setting.partition(":")
        if key.strip() == "brush" and value.strip():
            return value.strip()
    return None


# --- shared -------------------------------------------------------------------------------------------


def _contents(element: Tag | None) -> list[PageElement]:
    return list(element.contents) if element is not None else []


def _tick(item: Tag, done: bool) -> Tag:
    """Start a task's list item with its checkbox, ticked when the task is done (a GFM task list item)."""
    first = item.contents[0] if item.contents else None
    if type(first) is NavigableString:  # text, not a comment
        first.replace_with(first.lstrip())  # "[x] " + "\n  Conferir" would break the line after the box
    item.insert(0, NavigableString("[x] " if done else "[ ] "))
    return item


def _titled_block(soup: BeautifulSoup, title: str, body: Iterable[PageElement]) -> Tag:
    """A ``<div>`` with the title as a bold line (when there is one) above the body."""
    block = soup.new_tag("div")
    if title:
        block.append(_bold_line(soup, title))
    for node in list(body):
        block.append(node.extract())
    return block


def _code_block(soup: BeautifulSoup, code: str, language: str | None, title: str) -> Tag:
    block = soup.new_tag("div")
    if title:
        block.append(_bold_line(soup, title))
    pre = soup.new_tag("pre")
    if language:
        pre["data-language"] = language
    pre.string = code
    block.append(pre)
    return block


def _bold_line(soup: BeautifulSoup, text: str) -> Tag:
    paragraph = soup.new_tag("p")
    strong = soup.new_tag("strong")
    strong.string = text
    paragraph.append(strong)
    return paragraph


def _replace(element: Tag, replacement: Sequence[PageElement]) -> None:
    """Put ``replacement`` (possibly nodes from inside ``element``) where ``element`` was; drop the rest."""
    for node in replacement:
        element.insert_before(node.extract())
    element.decompose()
