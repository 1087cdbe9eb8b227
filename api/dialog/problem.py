"""Reading a problem report: the problem itself, apart from greetings and the request for a ticket.

Usage::

    read_problem("Bom dia. O DbAccess caiu e ninguém consegue entrar. Preciso abrir um chamado.")
    # ProblemStatement(wants_ticket=True, description="O DbAccess caiu e ninguém consegue entrar.",
    #                  summary="O DbAccess caiu e ninguém consegue entrar")
    severity_words("ninguém consegue faturar, é urgente")   # {"impact": "high", "urgency": "high"}
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from api.dialog.moments import SINCE

WORDS_PATH = Path(__file__).with_name("problem_words.yaml")
SUMMARY_MAX = 120
MIN_PROBLEM_WORDS = 3
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_WORD = re.compile(r"[^\W\d_][\w'-]*|\d[\w.-]*")
# Joining words left at the edges once the request is cut out ("abrir um chamado sobre o faturamento").
_EDGE_WORDS = {
    "porque", "pois", "que", "sobre", "para", "pra", "de", "do", "da", "com", "e",
    "because", "about", "for", "on", "with", "and", "to", "con", "y", "por",
}  # fmt: skip
# A problem needs more than these: "tenho um problema" says nothing support can act on.
_VAGUE_WORDS = {
    "tenho", "tengo", "estou", "estoy", "com", "con", "um", "uma", "un", "una", "o", "a", "el", "la",
    "problema", "problemas", "erro", "erros", "error", "errores", "problem", "problems", "issue", "issues",
    "i", "have", "an", "got", "there", "is", "no", "sistema", "system", "meu", "mi", "my", "ajuda", "ayuda",
    "help", "duvida", "duda", "question",
}  # fmt: skip


@dataclass(frozen=True)
class ProblemStatement:
    wants_ticket: bool  # the message asks for a ticket
    description: str | None  # the problem as the customer told it, without greetings or the request
    summary: str | None  # a title written from the problem; None when none can be made


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORDS_PATH.read_text(encoding="utf-8"))
    return data


def _fold_in_place(text: str) -> str:
    """Lower case without accents, one character for each character, so positions stay valid."""
    return "".join((unicodedata.normalize("NFKD", c)[:1] or c).lower()[:1] for c in text)


@lru_cache(maxsize=8)
def _pattern(key: str, level: str | None = None) -> re.Pattern[str]:
    phrases = _words()[key] if level is None else _words()[key].get(level, [])
    by_length = sorted((_fold_in_place(str(p)) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in by_length) + r")(?!\w)")


def _cut(text: str, pattern: re.Pattern[str]) -> tuple[str, bool]:
    """``text`` without the phrases ``pattern`` finds (accents ignored), and whether it found any."""
    spans = [m.span() for m in pattern.finditer(_fold_in_place(text))]
    for start, end in reversed(spans):
        text = f"{text[:start]} {text[end:]}"
    return text, bool(spans)


NOUN_LIKENESS = 0.8  # "chamdao" is "chamado" with two letters swapped


def _hurried_request(text: str) -> tuple[str, bool]:
    """A request with a typo: a request verb and a word close to a ticket noun, both taken out."""
    words = text.split()
    folded = [_fold_in_place(w.strip(",.;:!?")) for w in words]
    verbs = {str(v) for v in _words()["request_verbs"]}
    nouns = [str(n) for n in _words()["ticket_nouns"]]
    for noun_at, word in enumerate(folded):
        if not any(SequenceMatcher(None, word, noun).ratio() >= NOUN_LIKENESS for noun in nouns):
            continue
        verb_at = next((i for i in range(noun_at - 1, max(noun_at - 4, -1), -1) if folded[i] in verbs), None)
        if verb_at is not None:
            return " ".join(words[:verb_at] + words[noun_at + 1 :]), True
    return text, False


def _trim_edges(text: str) -> str:
    words = text.split()
    while words and _fold_in_place(words[0].strip(",:;-\u2013")) in _EDGE_WORDS | {""}:
        words.pop(0)
    while words and _fold_in_place(words[-1].strip(",:;-\u2013.!")) in _EDGE_WORDS | {""}:
        words.pop()
    return " ".join(words).strip(" ,:;-\u2013")


def _says_something(text: str) -> bool:
    words = [_fold_in_place(w) for w in _WORD.findall(text)]
    return len(words) >= MIN_PROBLEM_WORDS and any(w not in _VAGUE_WORDS for w in words)


def read_problem(text: str) -> ProblemStatement:
    """The problem a message reports, whether it asks for a ticket, and a title for the ticket."""
    wants_ticket = False
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        # "preciso abrir um chamado: o DbAccess caiu" holds the request and the problem in one sentence.
        for piece in sentence.split(":") if ":" in sentence else [sentence]:
            without_request, asked = _cut(piece, _pattern("ticket_requests"))
            if not asked:
                without_request, asked = _hurried_request(piece)
            wants_ticket = wants_ticket or asked
            remainder = _trim_edges(_cut(without_request, _pattern("fillers"))[0]) if asked else piece
            if not asked:
                remainder = _trim_edges(_strip_leading_fillers(piece))
            if _says_something(remainder):
                kept.append(remainder)
    # A question ("¿Cuál es el teléfono de soporte?") is neither the problem nor its title.
    statements = [s for s in kept if not s.rstrip().endswith("?")]
    description = " ".join(kept) if statements else None
    title = statements[0] if statements else None
    return ProblemStatement(wants_ticket, description, _as_title(title) if title else None)


def _strip_leading_fillers(sentence: str) -> str:
    """ "Bom dia, o faturamento parou" → "o faturamento parou": greetings only where they open it."""
    fillers, answers = _pattern("fillers"), _pattern("leading_answers")
    while match := fillers.match(_fold_in_place(sentence).lstrip(" ,.!")) or answers.match(
        _fold_in_place(sentence).lstrip(" ,.!")
    ):
        offset = len(sentence) - len(sentence.lstrip(" ,.!"))
        sentence = sentence[offset + match.end() :]
    return sentence


def _as_title(sentence: str) -> str:
    # "Desde ontem o faturamento parou": the time goes to "since when", the title starts at the problem.
    title = sentence.strip()
    if (since := SINCE.match(title)) is not None:
        title = title[since.end() :].lstrip(" ,")
    title = title.rstrip(".!;")
    if len(title) > SUMMARY_MAX:
        title = title[: SUMMARY_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return title[:1].upper() + title[1:]


def severity_words(text: str) -> dict[str, str]:
    """Impact and urgency the customer's own words state ("ninguém consegue faturar" → high impact)."""
    folded = _fold_in_place(text)
    found: dict[str, str] = {}
    for field in ("impact", "urgency"):
        matches = [
            (len(m.group()), level)
            for level in ("high", "medium", "low")
            for m in _pattern(field, level).finditer(folded)
            if _words()[field].get(level)
        ]
        if matches:
            found[field] = max(matches)[1]  # the longest phrase wins: "não é urgente" over "urgente"
    return found
