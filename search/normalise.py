"""Word tokens and case/accent folding shared by the lexical ranker, the glossary and snippets."""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``"Prévia Ação"`` → ``"previa acao"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """Lower-case word tokens, accents kept (stemmers need them)."""
    return _TOKEN.findall(text.casefold())


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Each word token of ``text`` (lower-cased) with its character span in ``text``."""
    return [(match.group().casefold(), match.start(), match.end()) for match in _TOKEN.finditer(text)]
