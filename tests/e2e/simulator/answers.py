"""The customer's words: each asked detail answered from the persona, then the persona's style."""

from __future__ import annotations

import random
import re

from tests.e2e.simulator import phrases as P
from tests.e2e.simulator.personas import Persona
from tests.e2e.simulator.text import strip_accents

FREE_TEXT = ("summary", "description", "since_when")
PROTECTED = re.compile(r"\S+@\S+|https?://\S+")


class Voice:
    """How one persona writes: same words every run (seeded by the conversation id)."""

    def __init__(self, persona: Persona, seed: str) -> None:
        self.persona = persona
        self.language = persona.language
        self.rng = random.Random(seed)

    def phrase(self, key: str, **values: str) -> str:
        text = self.rng.choice(P.PHRASES[key][self.language]).format(**values)
        return self.style(text, free_text=True)

    def level(self, field: str, level: str) -> str:
        masculine, feminine, number = P.LEVELS[level][self.language]
        if "numbers" in self.persona.style:
            return number
        return masculine if field == "impact" else feminine

    def value_words(self, field: str, value: str) -> str:
        """A field's value as the customer would write it (levels and environments in words)."""
        if field in ("impact", "urgency"):
            return self.level(field, value)
        if field == "environment":
            return P.ENVIRONMENTS[value][self.language]
        return value

    def answer_one(self, field: str, value: str | None) -> str:
        if field == "attachments" and not value:
            return P.PHRASES["no_attachments"][self.language][0]
        words = self.value_words(field, value or "")
        if "verbose" in self.persona.style and field in P.VERBOSE:
            return P.VERBOSE[field][self.language].format(words)
        return words

    def answer(self, fields: list[str], values: dict[str, str | None]) -> str:
        parts = [self.answer_one(field, values[field]) for field in fields]
        text = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {P.AND[self.language]} {parts[-1]}"
        return self.style(text, free_text=any(field in FREE_TEXT for field in fields))

    def plain(self, fields: list[str], values: dict[str, str | None]) -> str:
        """The bare values, no style: what a person sends when the bot did not take the first try."""
        parts = [self._again(f, values[f]) for f in fields]
        return ", ".join(parts)

    def _again(self, field: str, value: str | None) -> str:
        if field == "since_when":  # another wording
            return self.rng.choice(P.SINCE_AGAIN[self.language])
        return self.value_words(field, value) if value else self.answer_one(field, None)

    def correction(self, field: str, value: str) -> str:
        label = P.LABELS[field][self.language]
        return self.phrase("correction", label=label, value=self.value_words(field, value))

    def change(self, field: str) -> str:
        return self.phrase("change", label=P.LABELS[field][self.language])

    def bad_email(self) -> str:
        user, _, domain = self.persona.email.partition("@")
        return P.BAD_EMAIL[self.language].format(user=user, domain=domain.split(".")[0])

    def bad_company(self) -> str:
        return P.BAD_COMPANY[self.language]

    def style(self, text: str, free_text: bool = False) -> str:
        style = self.persona.style
        if "slang" in style:
            text = self._slang(text, free_text)
        if "typos" in style and free_text:
            text = self._typo(text)
        if "no_accents" in style:
            text = strip_accents(text)
        if "lower" in style:
            text = PROTECTED.sub(lambda m: m.group(), text.lower())
        return text

    def _slang(self, text: str, free_text: bool) -> str:
        for formal, slang in P.SLANG[self.language].items():
            text = re.sub(rf"(?<![\w@.]){re.escape(formal)}(?![\w@])", slang, text, flags=re.IGNORECASE)
        if free_text and len(text.split()) >= 3:
            text = self.rng.choice(P.SLANG_OPENERS[self.language]) + text
            text += self.rng.choice(P.SLANG_CLOSERS[self.language])
        return text

    def _typo(self, text: str) -> str:
        """Swap two letters inside one long plain word, as fast typing does."""
        candidates = [m for m in re.finditer(r"\b[^\W\d_]{7,}\b", text) if not m.group()[0].isupper()]
        if not candidates:
            return text
        word = self.rng.choice(candidates)
        i = self.rng.randrange(1, len(word.group()) - 2)
        letters = list(word.group())
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
        return text[: word.start()] + "".join(letters) + text[word.end() :]
