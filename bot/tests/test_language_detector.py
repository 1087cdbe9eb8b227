"""The NLU component that decides which language the bot answers in."""

import pytest

from components.language_detector import LanguageDetector


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector(LanguageDetector.get_default_config())


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿Cuál es el teléfono de soporte en Argentina?", "es"),
        ("Quanto tempo tenho para responder um chamado pendente?", "pt"),
        ("What is the official e-mail of the support team?", "en"),
        ("muchas gracias", "es"),
        ("muito obrigado", "pt"),
    ],
)
def test_sentences_are_recognised(detector, text, language):
    assert detector.detect(text) == language


@pytest.mark.parametrize("text", ["ok", "no", "hello", "/affirm", ""])
def test_single_words_and_button_payloads_keep_the_current_language(detector, text):
    assert detector.detect(text) is None


def test_a_language_declared_by_the_channel_is_used_when_the_text_is_too_short(detector):
    assert detector.detect("hola", {"language": "es-MX"}) == "es"
    assert detector.detect("oi", {"language": "fr-FR"}) is None


def test_what_the_user_writes_wins_over_the_declared_language(detector):
    assert detector.detect("Quanto tempo tenho para responder?", {"language": "en-US"}) == "pt"
