"""Markup an export left in an article's text: what each loader is meant to remove.

An ingest checks every article it loads against the patterns of ``data/leftover_markup.yaml`` (raw
HTML and Confluence tags, task ids, macro parameters, emoticon names, page chrome) and the shape of
its Markdown (table rows of unequal width, an unclosed code fence), so a new kind of export that
leaks markup is seen in the report instead of in the answers customers read. Code (fenced blocks
and inline spans) is skipped: an article may well show ``<div>`` as code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from core.articles import Article

PATTERNS_FILE = Path(__file__).resolve().parent / "data" / "leftover_markup.yaml"
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
EXCERPT_CHARS = 80


@dataclass(frozen=True)
class Leftover:
    """One place where ``pattern`` was found: the article, its section and the text around it."""

    pattern: str
    article_id: str
    section_id: str
    excerpt: str


@dataclass(frozen=True)
class LeftoverRules:
    patterns: dict[str, re.Pattern[str]]
    chrome_lines: frozenset[str]


@lru_cache(maxsize=1)
def rules() -> LeftoverRules:
    data = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    patterns = {name: re.compile(pattern) for name, pattern in data["patterns"].items()}
    return LeftoverRules(patterns, frozenset(data["chrome_lines"]))


def _prose_lines(text: str) -> list[str]:
    """The lines outside fenced code, with inline code spans blanked; an unclosed fence ends it all."""
    lines: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        opened = FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)
        elif fence is not None:
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = None
        else:
            lines.append(INLINE_CODE.sub(" ", line))
    if fence is not None:
        lines.append("\x00unclosed fence")
    return lines


def _table_widths(lines: list[str]) -> list[tuple[int, str]]:
    """(cell count, row) of each row in each run of Markdown table rows whose width differs from its first."""
    uneven: list[tuple[int, str]] = []
    run: list[tuple[int, str]] = []
    for line in [*lines, ""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = len(UNESCAPED_PIPE.split(stripped.strip("|")))
            run.append((cells, stripped))
            continue
        uneven += [row for row in run if row[0] != run[0][0]]
        run = []
    return uneven


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - (EXCERPT_CHARS - (end - start)) // 2)
    return " ".join(text[left : left + max(EXCERPT_CHARS, end - start)].split())


def find_leftovers(article: Article) -> list[Leftover]:
    """Every leftover of markup in the article's title and sections, in reading order."""
    checks = rules()
    found: list[Leftover] = []
    texts = [("", article.title), *((section.id, section.text) for section in article.sections)]
    for section_id, text in texts:
        lines = _prose_lines(text)
        if lines and lines[-1] == "\x00unclosed fence":
            found.append(Leftover("unclosed_code_fence", article.id, section_id, ""))
            lines = lines[:-1]
        for line in lines:
            if line.strip() in checks.chrome_lines:
                found.append(Leftover("page_chrome", article.id, section_id, line.strip()))
            matches = sorted(
                (m.start(), m.end(), name)
                for name, pattern in checks.patterns.items()
                for m in pattern.finditer(line)
            )
            found += [
                Leftover(name, article.id, section_id, _excerpt(line, start, end))
                for start, end, name in matches
            ]
        found += [
            Leftover("uneven_table_row", article.id, section_id, row[:EXCERPT_CHARS])
            for _, row in _table_widths(lines)
        ]
    return found
