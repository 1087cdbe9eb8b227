"""A customer (or an attacker) pasting a huge blob of text still gets their e-mail found, at once.

The e-mail finder used to try a match from every character of a long word, rescanning the rest of
the word each time: a 200 000-character word took minutes. Each case below is such a word, built so
that the old pattern is quadratic on it, followed by the address the customer actually wrote.
"""

from __future__ import annotations

import pytest

from api.dialog.extraction import EMAIL, extract_fields

SIZE = 200_000
ADDRESS = "Ana.Souza@Acme.com.br"
HOSTILE_WORDS = {
    "one long word": "a" * SIZE,
    "a long word after an @": "x@" + "a" * SIZE,
    "dots and commas after an @": "x@" + ".," * (SIZE // 2),
    "a long dotted word": "a." * (SIZE // 2),
    "many @ then a long word": "a@" * 1000 + "a" * SIZE,
}


@pytest.mark.parametrize("word", HOSTILE_WORDS.values(), ids=HOSTILE_WORDS.keys())
def test_the_address_after_a_huge_word_is_found(word: str) -> None:
    fields = extract_fields(f"{word} meu e-mail é {ADDRESS}, obrigado")
    assert fields["contact_email"] == ADDRESS.lower()


@pytest.mark.parametrize("word", HOSTILE_WORDS.values(), ids=HOSTILE_WORDS.keys())
def test_a_huge_word_alone_is_no_address(word: str) -> None:
    assert "contact_email" not in extract_fields(word)


def test_the_address_is_found_where_it_starts_and_ends() -> None:
    text = "a" * SIZE + f" escreva para {ADDRESS}; ou ligue"
    found = EMAIL.search(text)
    assert found is not None and found.group() == ADDRESS
    assert text[found.start() - 1] == " " and text[found.end()] == ";"


def test_an_address_glued_to_the_end_of_a_long_word_is_taken_whole() -> None:
    """The word before the @ belongs to the address, as before: the finder only stopped rescanning."""
    found = EMAIL.search("a" * SIZE + "@acme.com")
    assert found is not None and found.group() == "a" * SIZE + "@acme.com"
