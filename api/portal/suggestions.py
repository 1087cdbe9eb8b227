"""Articles suggested beside the form while the customer types, answered within the typing budget.

A customer pausing in the subject or description sends what is typed so far; the knowledge base is
searched once per text (an LRU cache answers a text already searched, so deleting back to a prefix
or a second form with the same words costs nothing), and articles are shown only when the search is
confident or finds a likely answer, of the product chosen (or about the support process). Each
suggestion carries a token, signed and bound to the form session, that "viewed" and "this solved it"
hand back, so those events name an article really suggested there.

Usage::

    suggester = Suggester()
    found = suggester.suggest(searcher, "nota fiscal rejeição 539", "pt-BR", None, timer)
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from api.insights.events import mask_personal
from api.portal.options import form_data
from api.portal.sessions import FormSession
from api.portal.signing import SignedTokens
from core.languages import Language
from search.searcher import Searcher, SearchHit

MAX_SUGGESTIONS = 3
MAX_LINES_CHARS = 400
CACHE_ENTRIES = 2048
# Fewer words than this say too little to search on: the answer would change at every key.
MIN_WORDS, MIN_CHARS = 3, 12
MAX_QUESTION_CHARS = 2000  # as much of the text as an insights question keeps
TOKEN_PURPOSE = "form-suggestion"

_LEADING_MARK = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|>\s?)")
_LINK = re.compile(r"(?<!\\)\[([^\]\n]+)\]\([^)\s]+\)")
_EMPHASIS = re.compile(r"(?<!\\)(?:\*\*|__|`)")
_ITALIC = re.compile(r"(?<![\\\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")

CacheKey = tuple[str, str, str | None]


@dataclass(frozen=True)
class Suggestion:
    article_id: str
    title: str
    section: str
    lines: str  # the answering lines, plain text, one line per "\n"
    url: str
    lang: str
    score: float  # the search's, kept for the insights' record of what was shown


@dataclass(frozen=True)
class SuggestionClaim:
    """What a suggestion token says: this article was suggested for this text in this session."""

    conversation: str
    article_id: str
    question: str  # masked
    language: Language
    product: str | None
    score: float


def worth_searching(text: str) -> bool:
    return len(text.split()) >= MIN_WORDS and len(text.strip()) >= MIN_CHARS


def cache_key(text: str, language: str, product: str | None) -> CacheKey:
    return " ".join(text.casefold().split()), language, product.casefold() if product else None


def plain_text(markdown: str) -> str:
    """Lines as a customer reads them: no heading, list or emphasis markers, escapes undone."""
    lines = []
    for line in markdown.splitlines():
        line = _LEADING_MARK.sub("", line)
        line = _ITALIC.sub(r"\1", _EMPHASIS.sub("", _LINK.sub(r"\1", line)))
        if line := _ESCAPE.sub(r"\1", line).strip():
            lines.append(line)
    return "\n".join(lines)


def shortened(text: str, limit: int = MAX_LINES_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(None, 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def of_the_product(hits: list[SearchHit], product: str | None) -> list[SearchHit]:
    """The hits a form for ``product`` shows: that product's articles and the support process's.

    The search itself is not filtered: its confidence is calibrated on the whole knowledge base, and a
    search narrowed to one product calls its best article likely even when it is about something else.
    That confidence is about the first hit, so when that one is another product's, nothing is shown.
    """
    if product is None:
        return hits
    shown = {product.casefold(), *(name.casefold() for name in form_data()["process_products"])}
    if not hits or hits[0].passage.product.casefold() not in shown:
        return []
    return [hit for hit in hits if hit.passage.product.casefold() in shown]


def _suggestion(hit: SearchHit) -> Suggestion:
    passage = hit.passage
    lines = shortened(plain_text(hit.answer_lead or hit.answer or passage.text))
    return Suggestion(
        passage.article_id,
        passage.title,
        passage.section,
        lines,
        passage.url,
        passage.lang,
        round(hit.score, 4),
    )


class Suggester:
    """Searches with the app's searcher and remembers the answers, until the index is swapped."""

    def __init__(self, entries: int = CACHE_ENTRIES) -> None:
        self._entries: OrderedDict[CacheKey, tuple[Suggestion, ...]] = OrderedDict()
        self._size = entries
        self._lock = threading.Lock()
        self._searcher: Searcher | None = None  # the searcher the entries came from

    def suggest(
        self, searcher: Searcher, text: str, language: str, product: str | None,
        timer: Callable[[], AbstractContextManager[None]],
    ) -> tuple[Suggestion, ...]:  # fmt: skip
        """The best articles for ``text`` (none when it is too short or nothing is likely to answer)."""
        if not worth_searching(text):
            return ()
        key = cache_key(text, language, product)
        with self._lock:
            if searcher is not self._searcher:  # a new index: earlier answers may point at old articles
                self._entries.clear()
                self._searcher = searcher
            if (found := self._entries.get(key)) is not None:
                self._entries.move_to_end(key)
                return found
        with timer():
            outcome = searcher.search(" ".join(text.split()), k=MAX_SUGGESTIONS, per_article=1)
        hits = of_the_product(outcome.hits, product) if outcome.suggested else []
        found = tuple(_suggestion(hit) for hit in hits)
        with self._lock:
            if searcher is self._searcher:
                self._entries[key] = found
                if len(self._entries) > self._size:
                    self._entries.popitem(last=False)
        return found


class SuggestionTokens:
    """Signed claims that an article was suggested in a form session; they expire with the session."""

    def __init__(self, secret: str) -> None:
        self._tokens = SignedTokens(secret, TOKEN_PURPOSE)

    def sign(
        self, session: FormSession, suggestion: Suggestion, text: str, language: str, product: str | None
    ) -> str:
        question = mask_personal(" ".join(text.split()))[:MAX_QUESTION_CHARS]  # masked whole, then cut
        claim = {
            "c": session.conversation, "a": suggestion.article_id, "s": suggestion.score, "q": question,
            "l": language, "p": product,
        }  # fmt: skip
        return self._tokens.sign(claim, session.expires_at)

    def read(self, token: str, now: datetime) -> SuggestionClaim:
        """The claim; ``TokenRejected`` when forged or expired."""
        claim = self._tokens.read(token, now)  # signed by this API: its fields are as it wrote them
        return SuggestionClaim(
            claim["c"], claim["a"], claim["q"], cast(Language, claim["l"]), claim["p"], claim["s"]
        )
