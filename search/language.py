"""Language identification of queries, restricted to the languages the knowledge base holds."""

from __future__ import annotations

from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

_CODES = {Language.PORTUGUESE: "pt-BR", Language.SPANISH: "es", Language.ENGLISH: "en"}


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    # A small relative distance makes lingua answer "unknown" instead of guessing on one word.
    return LanguageDetectorBuilder.from_languages(*_CODES).with_minimum_relative_distance(0.1).build()


def detect_language(text: str) -> str | None:
    """``"pt-BR"``, ``"es"``, ``"en"`` or ``None`` when the text is too short or ambiguous."""
    language = _detector().detect_language_of(text)
    return _CODES.get(language) if language is not None else None
