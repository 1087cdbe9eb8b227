"""Finding ticket fields in free text: a rich first message, a correction given as an answer.

Usage::

    extract_fields("o faturamento parou em produção desde ontem")
    # {"module": "Faturamento", "environment": "production", "since_when": "desde ontem"}
    field_named("quero corrigir o e-mail")          # "contact_email"
"""

from __future__ import annotations

import re
from typing import Any

from api.dialog.moments import SINCE
from api.dialog.problem import severity_words
from api.dialog.rules import folded_words, match_table, parse_environment, parse_level, rules_data
from search.text import fold

# An address found in free text. The look-behind lets a match start only where a run of non-blank,
# non-@ characters starts: the leftmost match always starts there anyway, and without it `.search`
# rescans the rest of a long run from each of its characters (quadratic on a 10 000-letter word).
EMAIL = re.compile(r"(?<![^@\s])[^@\s]+@[^@\s]+\.[^@\s.,;]+")
VERSION = re.compile(
    r"\b(?:vers[aã]o|versi[oó]n|version|release|v)\s*(\d{1,2}(?:\.\d{1,4})+)\b"
    r"|\b(?:\d{1,2}\.\d{1,2}(?:\.\d{2,4})+|release\s+\d{2,4}|r\d{2,4})\b",
    re.IGNORECASE,
)
_QUOTED_ERROR = re.compile(r"[\"“«']([^\"”»']{6,300})[\"”»']")


def extract_fields(text: str) -> dict[str, Any]:
    """Ticket fields a free-text message already states (first message, corrections)."""
    found: dict[str, Any] = {}
    rules = rules_data()
    if products := match_table(text, rules["products"]):
        found["product"] = products[0]
    if modules := match_table(text, rules["modules"]):
        found["module"] = modules[0]
    if environment := parse_environment(text):
        found["environment"] = environment
    if since := SINCE.search(text):
        found["since_when"] = since.group().strip()
    if email := EMAIL.search(text):
        found["contact_email"] = email.group().lower()
    if version := VERSION.search(text):
        found["version"] = version.group(1) or version.group()
    elif "product" in found and (short := _version_after_product(text, found["product"])):
        found["version"] = short  # "PMS 11.8": a short release right after the product's name
    if quoted := _QUOTED_ERROR.search(text):
        found["error_message"] = quoted.group(1).strip()
    found.update(severity_words(text))  # "ninguém consegue faturar": high impact
    found.update(_levels_named(text))  # "a urgência é alta" names the level outright
    return found


def _levels_named(text: str) -> dict[str, str]:
    """ "a urgência é alta", "impacto bajo": a level word within three words after the field's name."""
    words = folded_words(text)
    named: dict[str, str] = {}
    for field in ("impact", "urgency"):
        names = {fold(str(w)) for w in rules_data()["field_words"][field]}
        for index, word in enumerate(words):
            if word in names:
                level = parse_level(" ".join(words[index + 1 : index + 4]))
                if level:
                    named[field] = level
    return named


def field_named(text: str) -> str | None:
    """Which dialog field a message talks about ("quero corrigir o e-mail" → contact_email)."""
    found = match_table(text, rules_data()["field_words"])
    return found[0] if found else None


def _version_after_product(text: str, product: str) -> str | None:
    names = "|".join(re.escape(str(word)) for word in rules_data()["products"][product])
    found = re.search(rf"\b(?:{names})\s+v?(\d{{1,2}}(?:\.\d{{1,4}})+)\b", text, re.IGNORECASE)
    return found.group(1) if found else None
