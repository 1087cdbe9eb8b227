"""The channel's own words and how text is fitted to Meta's limits (channels/whatsapp/wording.py)."""

import string

import yaml

from channels.whatsapp.wording import (
    TEXT_LIMIT,
    WORDING,
    WORDING_PATH,
    language_of_sender,
    split_text,
    wording,
)
from shared.languages import CODES


def test_splitting_prefers_line_breaks() -> None:
    text = "a" * 3000 + "\n" + "b " * 1000
    parts = split_text(text)
    assert parts[0] == "a" * 3000
    assert all(len(part) <= TEXT_LIMIT for part in parts)


def test_every_text_is_worded_in_each_language() -> None:
    by_text = yaml.safe_load(WORDING_PATH.read_text(encoding="utf-8"))
    assert by_text and all(set(texts) == set(CODES) for texts in by_text.values())
    assert set(WORDING) == set(CODES)


def test_the_words_follow_the_country_code_of_the_number() -> None:
    assert wording("5511987654321")["options"] == "Opções"
    assert wording("5491155556666")["options"] == "Opciones"
    assert wording("14155550100")["options"] == "Options"


def test_every_language_fills_in_the_same_placeholders() -> None:
    by_text = yaml.safe_load(WORDING_PATH.read_text(encoding="utf-8"))
    for key, texts in by_text.items():
        fields = [
            {name for _, name, _, _ in string.Formatter().parse(text) if name} for text in texts.values()
        ]
        assert all(found == fields[0] for found in fields), key


def test_a_user_ids_country_prefix_gives_the_language() -> None:
    assert language_of_sender("BR.1502576394655843") == "pt"
    assert language_of_sender("AR.13491208655302741918") == "es"
    assert language_of_sender("US.13491208655302741918") == "en"
    assert wording("MX.87214519930461")["options"] == "Opciones"
