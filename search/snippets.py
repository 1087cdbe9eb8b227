"""Snippets: the part of a passage around the question's words, with those words marked.

Usage::

    highlight("O prazo é de 5 dias úteis para resposta.", "qual o prazo de resposta?")
    # 'O <mark>prazo</mark> é de 5 dias úteis para <mark>resposta</mark>.'
"""

from __future__ import annotations

import html
import re

from search.normalise import word_spans
from search.text import STOP_STEMS, stem_variants

SNIPPET_CHARS = 240


def highlight(text: str, query: str, width: int = SNIPPET_CHARS) -> str:
    """HTML-escaped window of ``text`` with the densest matches of ``query``, matches in ``<mark>``."""
    wanted = {variant for word, _, _ in word_spans(query) for variant in stem_variants(word)} - STOP_STEMS
    spans = [(start, end) for word, start, end in word_spans(text) if stem_variants(word) & wanted]
    begin = _best_window(spans, len(text), width)
    end = min(len(text), begin + width)
    begin, end = _on_word_boundaries(text, begin, end)
    pieces: list[str] = ["…" if begin > 0 else ""]
    cursor = begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        pieces += [html.escape(text[cursor:start]), "<mark>", html.escape(text[start:stop]), "</mark>"]
        cursor = stop
    pieces += [html.escape(text[cursor:end]), "…" if end < len(text) else ""]
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


def _best_window(spans: list[tuple[int, int]], length: int, width: int) -> int:
    """Start of the ``width``-character window holding the most matches (0 when none)."""
    best_start, best_count = 0, 0
    for index, (start, _) in enumerate(spans):
        count = sum(1 for other, _ in spans[index:] if other < start + width)
        if count > best_count:
            best_start, best_count = start, count
    return max(0, min(best_start - width // 4, length - width))


def _on_word_boundaries(text: str, begin: int, end: int) -> tuple[int, int]:
    if begin > 0:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < begin + 30 else begin
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > end - 30 else end
    return begin, end
