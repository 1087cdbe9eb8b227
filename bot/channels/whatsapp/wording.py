"""The channel's own words (from ``wording.yml``) in the sender's language, and how text is fitted to
Meta's limits."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import yaml

from channels.whatsapp.message_kinds import is_phone_number
from shared.languages import CODES

WORDING_PATH = Path(__file__).with_name("wording.yml")

# Meta's limits, in characters unless said otherwise.
TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024
REPLY_BUTTONS_MAX = 3
BUTTON_TITLE_LIMIT = 20
BUTTON_ID_LIMIT = 256
LIST_BUTTON_LIMIT = 20
SECTION_TITLE_LIMIT = 24
LIST_ROWS_MAX = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
ROW_ID_LIMIT = 200

PORTUGUESE_CALLING_CODES = ("55", "351", "244", "258")
SPANISH_CALLING_CODES = (
    "34", "51", "52", "53", "54", "56", "57", "58", "591", "593", "595", "598",
    "502", "503", "504", "505", "506", "507",
)  # fmt: skip
# The same countries by ISO 3166 code, the prefix of a business-scoped user id ("BR.1502576394655843").
PORTUGUESE_COUNTRIES = ("BR", "PT", "AO", "MZ")
SPANISH_COUNTRIES = (
    "ES", "PE", "MX", "CU", "AR", "CL", "CO", "VE", "BO", "EC", "PY", "UY",
    "GT", "SV", "HN", "NI", "CR", "PA", "DO", "PR", "GQ",
)  # fmt: skip


def load_wording(path: Path = WORDING_PATH) -> Dict[str, Dict[str, str]]:
    """The texts of ``wording.yml`` by language: ``{"pt": {"options": …}, …}``."""
    by_text: Dict[str, Dict[str, str]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {code: {key: texts[code] for key, texts in by_text.items()} for code in CODES}


WORDING = load_wording()


def language_of_number(wa_id: str) -> str:
    """The language of a number's country: Portuguese, Spanish, else English."""
    if wa_id.startswith(PORTUGUESE_CALLING_CODES):
        return "pt"
    if wa_id.startswith(SPANISH_CALLING_CODES):
        return "es"
    return "en"


def language_of_country(country: str) -> str:
    """The language of a country given by its two-letter code: Portuguese, Spanish, else English."""
    code = country.upper()
    if code in PORTUGUESE_COUNTRIES:
        return "pt"
    if code in SPANISH_COUNTRIES:
        return "es"
    return "en"


def language_of_sender(sender_id: str) -> str:
    """The language of the sender's country: a number's calling code, or a user id's country prefix."""
    if is_phone_number(sender_id):
        return language_of_number(sender_id)
    return language_of_country(sender_id.partition(".")[0])


def wording(sender_id: str) -> Dict[str, str]:
    """The channel's own words for a contact, in the language of their country."""
    return WORDING[language_of_sender(sender_id)]


def one_line(text: str, limit: int) -> str:
    """``text`` on one line and at most ``limit`` characters, marked with "…" when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int = TEXT_LIMIT) -> List[str]:
    """Pieces of at most ``limit`` characters, cut at a line break, else at a space, else anywhere."""
    pieces = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
