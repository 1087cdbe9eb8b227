"""The assistant's languages: one list, and detection that only answers when the text is clear."""

from __future__ import annotations

from core.languages import SUPPORTED_LANGUAGES, detect_language


def test_the_assistant_speaks_brazilian_portuguese_spanish_and_english() -> None:
    assert SUPPORTED_LANGUAGES == ("pt-BR", "es", "en")


def test_whole_sentences_are_recognised_in_each_language() -> None:
    assert detect_language("Qual é o horário de atendimento do suporte?") == "pt-BR"
    assert detect_language("¿Cuál es el horario de atención del soporte?") == "es"
    assert detect_language("What are the support opening hours?") == "en"


def test_a_code_or_an_empty_text_gives_no_language() -> None:
    assert detect_language("MATA410") is None
    assert detect_language("") is None
