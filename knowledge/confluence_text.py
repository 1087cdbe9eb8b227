"""Load TDN (Confluence) pages exported as plain text from the compare-versions view.

Such exports print Confluence's interface around the content, in the exporting user's language
(Portuguese, Spanish or English): the page tree, the compare-view legend, macro names with each
parameter glued to its value (``Deck of Cards`` / ``id001`` / ``tabLocationleft``), anchor names
printed twice, emoticon names and image change markers. ``knowledge/data/tdn_chrome.yaml`` lists
them and :func:`read_lines` drops them.

Headings are expand titles and card labels (``titleOtros medios…``, ``labelAcessos``) and short
all-capitals lines. The compare view prints a part the new version rewrote or moved twice under the
same heading, the removed copy and the added copy; :func:`current_parts` drops the copy whose images
are marked removed and exact repeats, and reports copies nothing tells apart. Old and new wording
inside one paragraph carries no mark in the text and stays.

Usage::

    article, warnings = load_text_export(Path("page.txt"), article_id="pms-maintenance", lang="pt-BR",
                                         product="PMS", module="Infra", url="https://…")
    for warning in warnings:
        print(warning)  # "page.txt: compare view: 'Prazo de resposta' is printed 2 times with …"
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.articles import Article, ArticleError, Section
from knowledge.sections import unique_slugs

VOCABULARY_FILE = Path(__file__).parent / "data" / "tdn_chrome.yaml"
BULLET = re.compile(r"^[•·]\s*")
IMAGE_FILE = re.compile(r"[\w-]+\.(?:png|jpe?g|gif)")
SEPARATORS = r"[\s|·•]*"
MAX_HEADING_LENGTH = 90


@dataclass(frozen=True)
class Vocabulary:
    """The export's chrome from the YAML file, compiled for matching lines."""

    chrome_line: re.Pattern[str]
    parameter_line: re.Pattern[str]
    anchor: re.Pattern[str]
    emoticon: re.Pattern[str]
    image_marker: re.Pattern[str]  # groups "removed" and "added" say which change a marker reports
    heading_parameters: tuple[str, ...]


@dataclass(frozen=True)
class ExportLine:
    """A line of content, or (empty text) one compare-view image marker: +1 added, -1 removed."""

    text: str
    image_change: int = 0


@dataclass(eq=False)
class Part:
    """A heading and the lines under it, with the sum of its image markers; equal only to itself."""

    heading: str
    body: list[str] = field(default_factory=list)
    image_changes: int = 0


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Read ``tdn_chrome.yaml`` once; every language's strings apply to every export."""
    data: dict[str, Any] = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    chrome = _alternatives([*_values(data["chrome"]), *_values(data["macros"]), *data["anchors"]])
    parameters = "|".join(f"{re.escape(name)}(?:{values})" for name, values in data["parameters"].items())
    images = data["images"]
    return Vocabulary(
        chrome_line=re.compile(rf"(?:{SEPARATORS}(?:{chrome}))+{SEPARATORS}"),
        parameter_line=re.compile(parameters),
        anchor=re.compile(rf"(?:{_alternatives(data['anchors'])})\s*(?P<name>\S[^\n]*?)\s*(?P=name)"),
        emoticon=re.compile(rf"(?<!\S)(?:{_alternatives(_values(data['emoticons']))})(?=[\s.,;:!?]|$)"),
        image_marker=re.compile(
            rf"(?P<removed>{_alternatives(images['removed'])})|(?P<added>{_alternatives(images['added'])})"
            rf"|{_alternatives(images['modified'])}"
        ),
        heading_parameters=tuple(data["heading_parameters"]),
    )


def _values(groups: dict[str, list[str]]) -> list[str]:
    return [value for values in groups.values() for value in values]


def _alternatives(words: Iterable[str]) -> str:
    # Longest first, so "Expand all" is tried before "Expand".
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


def read_lines(text: str) -> list[ExportLine]:
    """Content lines and image markers of an export, without chrome, macro parameters or anchor names."""
    words = vocabulary()
    text = words.anchor.sub(" ", text.replace("\u00a0", " "))
    lines: list[ExportLine] = []
    for raw in text.splitlines():
        markers = list(words.image_marker.finditer(raw))
        lines += [ExportLine("", 1 if m["added"] else -1) for m in markers if m["added"] or m["removed"]]
        line = words.image_marker.sub(" ", raw)
        line = " ".join(words.emoticon.sub(" ", IMAGE_FILE.sub(" ", line)).split())
        if not line or words.chrome_line.fullmatch(line) or words.parameter_line.fullmatch(line):
            continue
        if lines and lines[-1].text == line:
            # A name printed twice in a row is an anchor whose macro label was lost.
            lines.pop()
            continue
        lines.append(ExportLine(line))
    return lines


def heading_of(line: str) -> str | None:
    """The heading a line gives: an expand's title, a card's label, or the line if short and all capitals."""
    for name in vocabulary().heading_parameters:
        value = line.removeprefix(name)
        # "titleOtros medios" is a title; "titled", a word that starts with the parameter's name, is not.
        if value != line and _opens_a_title(value):
            return value.strip()
    letters = [char for char in line if char.isalpha()]
    is_capitals = len(letters) >= 3 and all(char.isupper() for char in letters)
    return line if line[0].isalpha() and len(line) <= MAX_HEADING_LENGTH and is_capitals else None


def _opens_a_title(value: str) -> bool:
    return bool(value) and (value[0].isupper() or value[0].isdigit() or value[0] in "¿¡")


def split_parts(lines: list[ExportLine]) -> list[Part]:
    """One part per heading, in page order; lines before any heading go to a part headed ''."""
    parts = [Part("")]
    for line in lines:
        heading = heading_of(line.text) if line.text else None
        if heading is not None:
            parts.append(Part(heading))
        elif line.text:
            parts[-1].body.append(BULLET.sub("- ", line.text))
        else:
            parts[-1].image_changes += line.image_change
    return parts


def current_parts(parts: list[Part]) -> tuple[list[Part], list[str]]:
    """The parts of the current version, and a warning per heading whose copies cannot be told apart.

    A copy whose images are marked removed more than added, when another copy of the heading has a
    better balance, is the old version's. Of copies with the same text the last is kept, as the compare
    view prints the removed copy before the added one.
    """
    copies: dict[str, list[Part]] = {}
    for part in parts:
        if part.heading:
            copies.setdefault(part.heading, []).append(part)
    dropped: set[Part] = set()
    warnings: list[str] = []
    for heading, same in copies.items():
        best = max(part.image_changes for part in same)
        old = {part for part in same if part.image_changes < min(best, 0)}
        texts: set[tuple[str, ...]] = set()
        for part in reversed([part for part in same if part not in old]):
            if tuple(part.body) in texts:
                old.add(part)
            texts.add(tuple(part.body))
        dropped |= old
        if len(texts) > 1:
            warnings.append(
                f"compare view: {heading!r} is printed {len(texts)} times with different text and no image "
                "marker shows which copy is current; all copies kept"
            )
    return [part for part in parts if part not in dropped], warnings


def sections_of(parts: list[Part]) -> list[tuple[str, str]]:
    """(heading, text) pairs; a heading with nothing under it joins the next one, empty parts go."""
    merged: list[Part] = []
    for part in parts:
        previous = merged[-1] if merged else None
        if previous is not None and previous.heading and not previous.body and part.heading:
            previous.heading = f"{previous.heading} · {part.heading}"
            previous.body = list(part.body)
        else:
            merged.append(Part(part.heading, list(part.body)))
    return [(part.heading, "\n".join(part.body)) for part in merged if part.body]


def load_text_export(
    path: Path,
    *,
    article_id: str,
    lang: str,
    product: str,
    module: str,
    url: str,
    title: str | None = None,
    tags: tuple[str, ...] = (),
) -> tuple[Article, list[str]]:
    """One exported page as an :class:`Article` whose sections follow the page headings, and warnings.

    Each warning is a line naming the file; an unreadable or empty export raises :class:`ArticleError`.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ArticleError(f"{path}: cannot read the export ({exc})") from exc
    parts, warnings = current_parts(split_parts(read_lines(text)))
    found = sections_of(parts)
    if not found:
        raise ArticleError(f"{path}: the export has no content left after removing page chrome")
    page_title = title or next((heading for heading, _ in found if heading), path.stem)
    headings = [heading or page_title for heading, _ in found]
    sections = tuple(
        Section(id=slug, heading=heading, text=body)
        for slug, heading, (_, body) in zip(unique_slugs(headings), headings, found, strict=True)
    )
    article = Article(
        id=article_id,
        title=page_title,
        lang=lang,
        product=product,
        module=module,
        url=url,
        tags=tags,
        sections=sections,
    )
    return article, [f"{path}: {warning}" for warning in warnings]
