"""The bot's languages: its codes (pt, es, en), the API's names for them, and the lingua detector.

The ``language`` slot holds a code; the support API and the articles use ``pt-BR``, ``es``, ``en``.
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Tuple

from lingua import Language, LanguageDetectorBuilder

CODES: Tuple[str, ...] = ("pt", "es", "en")
DEFAULT = "pt"
API_LANGUAGE: Dict[str, str] = {"pt": "pt-BR", "es": "es", "en": "en"}
LINGUA_CODES: Dict[Language, str] = {
    Language.PORTUGUESE: "pt",
    Language.SPANISH: "es",
    Language.ENGLISH: "en",
}


def language_code(slot_value: Optional[str]) -> str:
    """The code a reply is worded in: the slot's, or Portuguese when it holds none of ours."""
    return slot_value if slot_value in CODES else DEFAULT


def api_language(slot_value: Optional[str]) -> Optional[str]:
    """The API's name for a code; None (no language filter) when the slot holds none of ours."""
    return API_LANGUAGE.get(slot_value or "")


def lingua_detector(minimum_relative_distance: float = 0.0) -> Callable[[str], Optional[str]]:
    """A function giving the code of a text's language, or None when lingua cannot tell.

    ``minimum_relative_distance`` is how far ahead the best language must be (lingua's default 0.0
    always picks one).
    """
    detector = (
        LanguageDetectorBuilder.from_languages(*LINGUA_CODES)
        .with_minimum_relative_distance(minimum_relative_distance)
        .build()
    )

    def detect(text: str) -> Optional[str]:
        language = detector.detect_language_of(text)
        return LINGUA_CODES[language] if language is not None else None

    return detect


def lingua_confidence() -> Callable[[str], Tuple[Optional[str], float]]:
    """A function giving the most likely code of a text's language and lingua's confidence in it."""
    detector = LanguageDetectorBuilder.from_languages(*LINGUA_CODES).build()

    def best(text: str) -> Tuple[Optional[str], float]:
        values = detector.compute_language_confidence_values(text)
        if not values:
            return None, 0.0
        return LINGUA_CODES.get(values[0].language), float(values[0].value)

    return best


def channel_language(metadata: Optional[Dict[str, object]]) -> Optional[str]:
    """The code a channel declared in a message's metadata (``{"language": "es-MX"}``), if ours."""
    declared = str((metadata or {}).get("language") or "")[:2].lower()
    return declared if declared in CODES else None
