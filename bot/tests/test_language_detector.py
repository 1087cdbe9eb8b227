"""The NLU component reports what each message says about the language, and how strongly."""

import pytest

from components.language_detector import LanguageDetector
from shared.language_choice import CHANNEL, GREETING, SENTENCE


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector({})


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
def test_sentences_are_evidence_of_their_language(detector, text, language):
    found = detector.evidence(text)
    assert (found.code, found.kind) == (language, SENTENCE)


@pytest.mark.parametrize(
    ("text", "language"), [("hola", "es"), ("oi", "pt"), ("Hello!", "en"), ("buenas", "es")]
)
def test_a_greeting_alone_is_decisive(detector, text, language):
    found = detector.evidence(text)
    assert (found.code, found.kind) == (language, GREETING)


@pytest.mark.parametrize(
    "text", ["ok", "João Carvalho", "Nguyen Van An", "ana@acme.com", "T12345", "/affirm", ""]
)
def test_names_emails_codes_single_words_and_buttons_are_no_evidence(detector, text):
    assert detector.evidence(text) is None


def test_a_language_declared_by_the_channel_is_a_hint_when_the_text_says_nothing(detector):
    found = detector.evidence("ok", {"language": "es-MX"})
    assert (found.code, found.kind) == ("es", CHANNEL)
    assert detector.evidence("ok", {"language": "fr-FR"}) is None


def test_what_the_user_writes_wins_over_the_declared_language(detector):
    assert detector.evidence("Quanto tempo tenho para responder?", {"language": "en-US"}).code == "pt"
