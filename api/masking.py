"""Masking of secrets customers type into chats: passwords, tokens and keys, cards, CPF/CNPJ.

Support never asks for passwords (the seeds' security rule), so anything that looks like one is
replaced before it is stored or logged. Ordinary support talk ("esqueci a senha do portal", "erro
403 na MATA410", version 12.1.2310, +55 11 4003-0015) must stay readable, so each rule needs either
a label with a separator, a fixed shape (JWT, our ``sk_`` keys) or a checksum (Luhn, CPF/CNPJ).

Every pattern is linear-time: no nested quantifiers over overlapping classes, and patterns that
could start anywhere inside a long word are anchored by a look-behind, so a hostile 100 kB message
costs one pass per rule.

Usage::

    masked = mask_sensitive("minha senha é abc123 e o CPF 123.456.789-09")
    masked.text   # "minha senha é [•••] e o CPF [•••]"
    masked.kinds  # ("password", "document")
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MASK = "[•••]"  # language-neutral: the transcript is read in pt-BR, es and en

_NOT_MASKED = r"(?!\[•••\])"  # a value an earlier rule already masked is not masked (nor counted) again
# A quoted value, straight, curly (U+201C/D, U+2018/9) or «»; closed on the same line, may hold spaces.
_QUOTED = r"[\"'\u201c\u2018«][^\"'\u201c\u201d\u2018\u2019«»\n]{1,200}[\"'\u201d\u2019»]"
# A password word, also at the end of a config name ("DB_PASSWORD"), but not inside a word.
_PASSWORD_WORD = r"(?<![^\W_])(?:senha|password|passwd|pwd|contrase(?:ñ|n)a|clave)\b[\"']?"
_PASSWORD_SEPARATOR = r"\s*(?:[:=]|\s(?:é|e|es|era|is|was)\s)\s*"
_URL_SAFE = r"[A-Za-z0-9_-]"


@dataclass(frozen=True)
class Masked:
    text: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class _Rule:
    """Replace the ``secret`` group of each match (the rest of the match, e.g. a label, is kept)."""

    kind: str
    pattern: re.Pattern[str]
    # Where in the secret the checksum holds (None: nowhere), when the shape alone is not enough.
    pick: Callable[[str], tuple[int, int] | None] | None = None


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _check_digit(digits: str, weights: list[int]) -> int:
    rest = sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    return 0 if rest < 2 else 11 - rest


def _cpf_valid(digits: str) -> bool:
    if len(digits) != 11 or len(set(digits)) == 1:
        return False
    first = _check_digit(digits, list(range(10, 1, -1)))
    return first == int(digits[9]) and _check_digit(digits, list(range(11, 1, -1))) == int(digits[10])


def _cnpj_valid(digits: str) -> bool:
    if len(digits) != 14 or len(set(digits)) == 1:
        return False
    weights = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    first = _check_digit(digits, weights)
    return first == int(digits[12]) and _check_digit(digits, [6, *weights]) == int(digits[13])


def _card(secret: str) -> tuple[int, int] | None:
    """The longest run of whole digit groups that is Luhn-valid and not a CNPJ (the document rule
    names that one): "4111 1111 1111 1111 12/27" and "nº 1 4111 ..." hold a card the whole run hides."""
    groups = [group.span() for group in re.finditer(r"\d+", secret)]
    best, best_length = None, 0
    for first, (start, _) in enumerate(groups):
        length = 0
        for group_start, end in groups[first:]:
            length += end - group_start
            if length > 19:
                break
            digits = _digits(secret[start:end]) if length >= max(13, best_length + 1) else ""
            if digits and _luhn(digits) and not _cnpj_valid(digits):
                best, best_length = (start, end), length
    return best


def _document(checksum: Callable[[str], bool]) -> Callable[[str], tuple[int, int] | None]:
    """Dots and dashes are the documents' own format; digits split by spaces only count with valid
    check digits, since ordinary numbers are often written in groups."""
    return lambda secret: (0, len(secret)) if " " not in secret or checksum(_digits(secret)) else None


# Applied in order: shapes first (a URL or a JWT may contain a "password" word or card-like digits).
_RULES = (
    # Credentials in a URL (https://, ftp://, postgresql://, jdbc:mysql://): scheme and host stay
    # visible for support, user:password goes. The look-behind starts a scheme only at a word start.
    _Rule(
        "url_credentials",
        re.compile(
            r"(?<![a-z0-9+.:-])[a-z][a-z0-9+.-]*(?::[a-z][a-z0-9+.-]*)*://"
            r"(?P<secret>[^\s/?#@:]*:[^\s/?#]*)(?=@[^\s@/])",
            re.IGNORECASE,
        ),
    ),
    # A JWT anywhere (portal sessions, Protheus REST): three base64url segments, the header "eyJ".
    _Rule("token", re.compile(rf"(?<!{_URL_SAFE})(?P<secret>eyJ{_URL_SAFE}+\.{_URL_SAFE}+\.{_URL_SAFE}*)")),
    # Our own API keys anywhere, labelled or not: "sk_" + secrets.token_urlsafe(32) (43 characters).
    _Rule("api_key", re.compile(rf"(?<!{_URL_SAFE})(?P<secret>sk_{_URL_SAFE}{{43}})(?!{_URL_SAFE})")),
    # "Authorization: Basic|Bearer|Token x" always; a bare "bearer x" only if x looks like a token
    # (a digit or 20+ characters), so "the bearer authentication" stays readable. The scheme is
    # possessive ("?+", Python 3.11) so an already masked token does not make the scheme the value.
    _Rule(
        "token",
        re.compile(
            r"(?:\bauthorization[\"']?[ \t]*[:=][ \t]*(?:(?:basic|bearer|token|digest)[ \t]+)?+"
            r"|\bbearer[ \t]+(?=[\w.~+/-]*\d|[\w.~+/-]{20}))"
            rf"{_NOT_MASKED}(?P<secret>[\w.~+/-]+=*)",
            re.IGNORECASE,
        ),
    ),
    # "token: x", "api_key=x", "x-api-key: x", "access_token=x", "client_secret: x", "secret=x", in
    # JSON and query strings too (the value stops at "&"). The label is kept.
    _Rule(
        "token",
        re.compile(
            r"(?<![\w-])(?:[a-z0-9]+[_-])?(?:(?:access|refresh|auth|id|api|session)[_-]?)?"
            r"(?:token|api[_-]?key|apikey|(?:client[_-]?)?secret(?:[_-]?key)?)[\"']?[ \t]*[:=][ \t]*"
            rf"(?:(?:basic|bearer)[ \t]+)?+{_NOT_MASKED}(?P<secret>{_QUOTED}|[^\s&#,;\"'<>]+)",
            re.IGNORECASE,
        ),
    ),
    # A quoted password, which may contain spaces: 'senha é "abc 123"', "password: 'a b'", and
    # without separator 'contraseña “hola mundo”' (the quote right after the word).
    _Rule(
        "password",
        re.compile(
            rf"{_PASSWORD_WORD}(?:(?:\s+[\w.-]+){{0,4}}?{_PASSWORD_SEPARATOR}|[ \t]*)(?P<secret>{_QUOTED})",
            re.IGNORECASE,
        ),
    ),
    # "senha: x", "a senha do banco é x", "mi contraseña es x", "password = x": a password word, up to
    # four words, a separator, then the secret. Without a separator ("esqueci a senha do portal")
    # nothing is masked, so ordinary talk about passwords stays readable.
    _Rule(
        "password",
        re.compile(
            rf"{_PASSWORD_WORD}(?:\s+[\w.-]+){{0,4}}?{_PASSWORD_SEPARATOR}{_NOT_MASKED}(?P<secret>[^\s,;]{{3,}})",
            re.IGNORECASE,
        ),
    ),
    # Card numbers, 13-19 digits, grouped by spaces, dashes or dots, Luhn-valid. It ends on a digit
    # (the space after the number stays) and never starts after "+" (phone numbers).
    _Rule("card", re.compile(r"(?<![+\d])\b(?P<secret>\d(?:[ .-]?\d){12,18})\b"), _card),
    # CNPJ 12.345.678/0001-95, bare, or grouped by spaces (then with valid check digits).
    _Rule(
        "document",
        re.compile(r"\b(?P<secret>\d{2}[. ]?\d{3}[. ]?\d{3}[/ ]?\d{4}[- ]?\d{2})\b"),
        _document(_cnpj_valid),
    ),
    # CPF 123.456.789-09, bare, or grouped by spaces (then with valid check digits).
    _Rule(
        "document", re.compile(r"\b(?P<secret>\d{3}[. ]?\d{3}[. ]?\d{3}[- ]?\d{2})\b"), _document(_cpf_valid)
    ),
)


def mask_sensitive(text: str) -> Masked:
    """The text with each secret replaced by MASK, and the kinds found (in rule order, once each)."""
    kinds: list[str] = []
    for rule in _RULES:

        def replace(match: re.Match[str], rule: _Rule = rule) -> str:
            secret = match.group("secret")
            span = (0, len(secret)) if rule.pick is None else rule.pick(secret)
            if span is None:
                return match.group()
            kinds.append(rule.kind)
            whole, offset = match.group(), match.start("secret") - match.start()
            return whole[: offset + span[0]] + MASK + whole[offset + span[1] :]

        text = rule.pattern.sub(replace, text)
    return Masked(text, tuple(dict.fromkeys(kinds)))
