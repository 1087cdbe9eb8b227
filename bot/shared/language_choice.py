"""Which language the conversation is in: decided once, kept, and changed only on clear evidence.

Evidence comes from each message (see ``evidence_of``): a greeting ("hola", "oi", "hello") is
decisive; a whole sentence counts with lingua's confidence; a channel's hint (the browser's or the
phone's country) counts only while nothing else has decided. Names, e-mails, codes, numbers and
single words are not evidence, so "João Carvalho" in a Spanish chat keeps it Spanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import yaml

from shared.phrases import fold

GREETINGS_PATH = Path(__file__).with_name("greetings.yml")
GREETING, SENTENCE, CHANNEL = "greeting", "sentence", "channel"
SENTENCE_WORDS = 2  # ordinary words a message needs to be evidence ("muito obrigado")
SWITCH_WORDS = 4  # ... and to move a conversation that already has a language
SWITCH_CONFIDENCE = 0.85
_TOKEN = re.compile(r"\S+")
_PLAIN_WORD = re.compile(r"^[^\W\d_]+(?:['-][^\W\d_]+)*[.,;:!?¿¡]*$")


@dataclass(frozen=True)
class Evidence:
    code: str  # pt, es or en
    kind: str  # GREETING, SENTENCE or CHANNEL
    confidence: float
    words: int  # ordinary words the message had


@lru_cache(maxsize=1)
def _greetings() -> List[Tuple[str, str]]:
    data: Dict[str, List[str]] = yaml.safe_load(GREETINGS_PATH.read_text(encoding="utf-8"))
    pairs = [(fold(word), code) for code, words in data.items() for word in words]
    return sorted(pairs, key=lambda pair: -len(pair[0]))  # "buenos dias" before "buenas"


def greeting_language(text: str) -> Optional[str]:
    """The language of a greeting that opens the message, if it opens with one."""
    words = re.sub(r"[^\w\s]", " ", fold(text)).split()
    opening = " ".join(words[:3])
    for greeting, code in _greetings():
        if opening == greeting or opening.startswith(greeting + " "):
            return code
    return None


def ordinary_words(text: str) -> List[str]:
    """Words that say something about the language: not names, e-mails, codes or numbers.

    A capitalised word after the first one is taken for a name ("Ana Souza", "Nguyen Van An").
    """
    tokens = _TOKEN.findall(text)
    kept = []
    for position, token in enumerate(tokens):
        if not _PLAIN_WORD.match(token):
            continue
        if position > 0 and token[:1].isupper():
            continue
        kept.append(token)
    return kept


def evidence_of(
    text: str, channel_hint: Optional[str], confidence_of: Callable[[str], Tuple[Optional[str], float]]
) -> Optional[Evidence]:
    """What one message says about the language; ``confidence_of`` is lingua's best guess and score."""
    if text.startswith("/"):  # a button's payload
        return None
    greeting = greeting_language(text)
    words = ordinary_words(text)
    sentence: Optional[Evidence] = None
    if len(words) >= SENTENCE_WORDS:
        code, confidence = confidence_of(" ".join(words))
        if code is not None:
            sentence = Evidence(code, SENTENCE, confidence, len(words))
    # "opa, quero abrir um chamado blz": the greeting says more than lingua's guess on slang,
    # unless the sentence after it clearly is in another language ("hola, I need help with…").
    if greeting is not None and (sentence is None or sentence.confidence < SWITCH_CONFIDENCE):
        return Evidence(greeting, GREETING, 1.0, len(words))
    if sentence is not None:
        return sentence
    if channel_hint is not None:
        return Evidence(channel_hint, CHANNEL, 0.5, len(words))
    return None


def choose_language(
    current: Optional[str], evidence: Optional[Evidence], answering_identity: bool
) -> Optional[str]:
    """The conversation's language after a message with this evidence.

    ``answering_identity``: the message answers a question about a name, e-mail, code or version,
    which says nothing about the language it is written in.
    """
    if evidence is None:
        return current
    if current is None:
        return evidence.code
    if answering_identity or evidence.code == current:
        return current
    if evidence.kind == GREETING:
        return evidence.code
    if (
        evidence.kind == SENTENCE
        and evidence.confidence >= SWITCH_CONFIDENCE
        and evidence.words >= SWITCH_WORDS
    ):
        return evidence.code
    return current
