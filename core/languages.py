"""The languages the assistant speaks, and language identification restricted to them."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal, get_args

from lingua import Language as LinguaLanguage
from lingua import LanguageDetector, LanguageDetectorBuilder

Language = Literal["pt-BR", "es", "en"]
SUPPORTED_LANGUAGES: tuple[Language, ...] = get_args(Language)

_CODES: dict[LinguaLanguage, Language] = {
    LinguaLanguage.PORTUGUESE: "pt-BR",
    LinguaLanguage.SPANISH: "es",
    LinguaLanguage.ENGLISH: "en",
}


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    # A small relative distance makes lingua answer "unknown" instead of guessing on one word.
    return LanguageDetectorBuilder.from_languages(*_CODES).with_minimum_relative_distance(0.1).build()


def detect_language(text: str) -> Language | None:
    """``"pt-BR"``, ``"es"``, ``"en"`` or ``None`` when the text is too short or ambiguous."""
    language = _detector().detect_language_of(text)
    return _CODES.get(language) if language is not None else None
