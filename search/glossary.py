"""The ERP glossary: terms that mean the same to a customer (chamado = ticket, NF-e = nota fiscal
eletrônica, UH = unidade habitacional), kept in ``search/data/glossary.yaml``.

Each entry becomes one *concept token*. Wherever a text contains any term of an entry, the concept
token is indexed (documents) or added to the words it covers (queries), so a question using one term
meets articles using another, in any of the three languages.

Usage::

    glossary = load_glossary()
    glossary.matches(["emitir", "nf", "e"])     # [(1, 3, "≡nf_e")]
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from search.normalise import fold, words

GLOSSARY_FILE = Path(__file__).parent / "data" / "glossary.yaml"
CONCEPT_MARK = "≡"  # never part of a word token, so concept tokens cannot collide with words


@dataclass(frozen=True)
class Glossary:
    phrases: dict[tuple[str, ...], str]  # folded words of a term → concept token of its entry
    longest: int

    @classmethod
    def from_entries(cls, entries: list[list[str]]) -> Glossary:
        phrases: dict[tuple[str, ...], str] = {}
        for entry in entries:
            terms = [tuple(fold(word) for word in words(term)) for term in entry]
            terms = [term for term in terms if term]
            if len(terms) < 2:
                continue
            concept = CONCEPT_MARK + "_".join(terms[0])
            for term in terms:
                phrases.setdefault(term, concept)
        return cls(phrases, max((len(p) for p in phrases), default=0))

    def matches(self, folded: list[str]) -> list[tuple[int, int, str]]:
        """``(start, end, concept)`` for every glossary term found in the folded word list."""
        found: list[tuple[int, int, str]] = []
        for start in range(len(folded)):
            for length in range(min(self.longest, len(folded) - start), 0, -1):
                concept = self.phrases.get(tuple(folded[start : start + length]))
                if concept:
                    found.append((start, start + length, concept))
                    break
        return found


@lru_cache(maxsize=1)
def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Glossary.from_entries(data.get("entries") or [])


def glossary_hash(path: Path = GLOSSARY_FILE) -> str:
    """Content hash of the glossary: an index built with another glossary must be rebuilt."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
