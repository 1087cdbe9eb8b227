"""Load Confluence page exports saved as plain text (the "compare versions" view).

Such exports carry page-history chrome around the content: the page tree,
the version-comparison legend, image change markers, anchor macros with their
names printed twice, expand macros printed as ``Expandir`` + ``title…``, and
tip labels. :func:`clean_lines` drops that noise; :func:`load_text_export`
keeps expand titles and upper-case lines as section headings.

Usage::

    article = load_text_export(Path("page.txt"), article_id="pms-maintenance", lang="pt-BR",
                               product="PMS", module="Infra", url="https://…")
"""

from __future__ import annotations

import re
from pathlib import Path

from core.articles import Article, ArticleError, Section
from knowledge.sections import unique_slugs

# Whole lines that are page chrome, never content (after stripping bullets).
CHROME_LINES = frozenset(
    {
        "Árvore de páginas",
        "Versões comparadas",
        "Chave",
        "Esta linha foi adicionada.",
        "Esta linha foi removida.",
        "A formatação mudou.",
        "Expandir",
        "Dica",
        "Índice",
        "Ícones",
    }
)
# Markers that appear inside content lines.
INLINE_NOISE = re.compile(
    r"Image (?:Removed|Added|Modified)|\(estrela\)|[\w-]+\.(?:png|jpe?g|gif)|\bExpandir\b"
)
# An anchor macro prints "Âncora" and then its name twice, on one line or on several.
ANCHOR = re.compile(r"Âncora\s*(?P<name>\S[^\n]*?)\s*(?P=name)")
# An expand macro's title is printed as "title" glued to the title text.
EXPAND_TITLE = re.compile(r"^title(?=[A-ZÁÉÍÓÚÂÊÔÃÕÇ¿¡])")
BULLET = re.compile(r"^[•·]\s*")
MAX_HEADING_LENGTH = 90


def clean_lines(text: str) -> list[str]:
    """Content lines of an export with the chrome and anchor names removed."""
    text = ANCHOR.sub(" ", text.replace("\u00a0", " "))
    lines: list[str] = []
    for raw in text.splitlines():
        line = INLINE_NOISE.sub(" ", raw)
        line = re.sub(r"\s+", " ", line).strip()
        if not line or BULLET.sub("", line) in CHROME_LINES or line.startswith("Âncora"):
            continue
        if lines and line == lines[-1]:
            # A name printed twice in a row is an anchor whose macro label was lost.
            lines.pop()
            continue
        lines.append(line)
    return lines


def is_heading(line: str) -> bool:
    """Expand-macro titles and short all-capitals lines are headings in these exports."""
    if EXPAND_TITLE.match(line):
        return True
    letters = [char for char in line if char.isalpha()]
    return (
        line[0].isalpha()
        and len(letters) >= 3
        and len(line) <= MAX_HEADING_LENGTH
        and all(char.isupper() for char in letters)
    )


def split_sections(lines: list[str]) -> list[tuple[str, str]]:
    """(heading, text) pairs; consecutive headings merge, text before any heading is ''-headed."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in lines:
        if is_heading(line):
            heading = EXPAND_TITLE.sub("", line).strip()
            current_heading, body = sections[-1]
            if not body and current_heading:
                sections[-1] = (f"{current_heading} · {heading}", body)
            else:
                sections.append((heading, []))
        else:
            sections[-1][1].append(BULLET.sub("- ", line))
    return [(heading, "\n".join(body)) for heading, body in sections if body]


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
) -> Article:
    """Read one exported page as an :class:`Article` whose sections follow the page headings."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ArticleError(f"{path}: cannot read the export ({exc})") from exc
    parts = split_sections(clean_lines(text))
    if not parts:
        raise ArticleError(f"{path}: the export has no content left after removing page chrome")
    page_title = title or next((heading for heading, _ in parts if heading), path.stem)
    headings = [heading or page_title for heading, _ in parts]
    sections = tuple(
        Section(id=slug, heading=heading, text=body)
        for slug, heading, (_, body) in zip(unique_slugs(headings), headings, parts, strict=True)
    )
    return Article(
        id=article_id,
        title=page_title,
        lang=lang,
        product=product,
        module=module,
        url=url,
        tags=tags,
        sections=sections,
    )
