"""Text helpers shared by the recogniser, the answer generator and the checks."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
URL = re.compile(r"https?://\S+")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.,;]+")


def fold(text: str) -> str:
    """Lower case without accents: "Urgência" -> "urgencia"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def contains_folded(haystack: str, needle: str) -> bool:
    return fold(needle).strip() in fold(haystack)


def content_words(text: str, minimum: int = 4) -> set[str]:
    """Words long enough to carry meaning (no "para", "que" …), folded."""
    return {word for word in words(text) if len(word) >= minimum and not word.isdigit()} - STOP_WORDS


STOP_WORDS = {
    "para", "porque", "quando", "desde", "esta", "estao", "isso", "esse", "essa", "como", "mais",
    "muito", "pelo", "pela", "sobre", "depois", "antes", "tambem", "sistema", "problema", "with",
    "that", "this", "from", "since", "when", "have", "does", "there", "then", "cuando", "pero",
    "tiene", "todo", "todos", "nada", "sempre", "siempre", "always", "error", "erro", "nosso",
    "nuestro", "nossa", "nuestra", "chamado", "ticket", "preciso", "necesito", "need", "please",
}  # fmt: skip
