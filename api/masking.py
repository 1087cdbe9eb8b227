"""Masking of secrets customers type into chats: passwords, card numbers, CPF/CNPJ.

Support never asks for passwords (the seeds' security rule), so anything that looks like one is
replaced before it is stored or logged.

Usage::

    masked = mask_sensitive("minha senha é abc123 e o CPF 123.456.789-09")
    masked.text   # "minha senha é [•••] e o CPF [•••]"
    masked.kinds  # ("password", "document")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MASK = "[•••]"  # language-neutral: the transcript is read in pt-BR, es and en

# "senha: x", "a senha do banco é x", "mi contraseña es x", "password = x": a password word, up to
# four words, a separator, then the secret. Without a separator ("esqueci a senha do portal")
# nothing is masked, so ordinary talk about passwords stays readable.
_PASSWORD = re.compile(
    r"(?P<label>\b(?:senha|password|passwd|pwd|contrase(?:ñ|n)a|clave)\b(?:\s+[\w.-]+){0,4}?"
    r"\s*(?:[:=]|\s(?:é|e|es|era|is|was)\s)\s*)"
    r"(?P<secret>[^\s,;]{3,})",
    re.IGNORECASE,
)
_CARD = re.compile(r"\b(?:\d[ -]?){13,19}\b")
_CPF = re.compile(r"\b\d{3}\.?\d{3}\.?\d{3}-?\d{2}\b")
_CNPJ = re.compile(r"\b\d{2}\.?\d{3}\.?\d{3}/?\d{4}-?\d{2}\b")


@dataclass(frozen=True)
class Masked:
    text: str
    kinds: tuple[str, ...]


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def mask_sensitive(text: str) -> Masked:
    kinds: list[str] = []

    def password(match: re.Match[str]) -> str:
        kinds.append("password")
        return match.group("label") + MASK

    def card(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and _luhn(digits):
            kinds.append("card")
            return MASK
        return match.group()

    def document(match: re.Match[str]) -> str:
        kinds.append("document")
        return MASK

    masked = _PASSWORD.sub(password, text)
    masked = _CARD.sub(card, masked)
    masked = _CNPJ.sub(document, masked)
    masked = _CPF.sub(document, masked)
    return Masked(masked, tuple(dict.fromkeys(kinds)))
