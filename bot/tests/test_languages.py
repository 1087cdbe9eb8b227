"""The bot's languages: slot codes, the API's names, the lingua detector."""

from shared.languages import api_language, language_code, lingua_detector


def test_the_bot_language_maps_to_the_article_language():
    assert api_language("pt") == "pt-BR"
    assert api_language("es") == "es"
    assert api_language(None) is None


def test_replies_are_worded_in_portuguese_when_the_slot_holds_no_language_of_ours():
    assert language_code("es") == "es"
    assert language_code(None) == "pt"
    assert language_code("fr") == "pt"


def test_the_detector_gives_the_bot_language_code():
    detect = lingua_detector()
    assert detect("¿Cuál es el teléfono de soporte en Argentina?") == "es"
    assert detect("What is the official e-mail of the support team?") == "en"
