"""Terms for the lexical ranker: folded Snowball stems for pt/es/en plus ERP glossary concepts."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import Stemmer

from search.glossary import load_glossary
from search.normalise import fold, word_spans, words

# Snowball stemmers by article language; queries are stemmed with all of them so a
# Spanish question still meets the stems of a Portuguese article.
STEMMER_NAMES = {"pt-BR": "portuguese", "es": "spanish", "en": "english"}
STOPWORDS_FILE = Path(__file__).parent / "data" / "stopwords.txt"

__all__ = [
    "STOP_STEMS",
    "document_terms",
    "fold",
    "language_neutral",
    "query_term_groups",
    "stem",
    "stem_variants",
    "words",
]


@lru_cache(maxsize=len(STEMMER_NAMES))
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMER_NAMES[lang])


def stem(word: str, lang: str) -> str:
    """Folded Snowball stem of one word in one of the supported languages."""
    return fold(_stemmer(lang).stemWord(word))


@lru_cache(maxsize=65536)
def stem_variants(word: str) -> frozenset[str]:
    """The word's stems in every supported language: how a query word is matched."""
    return frozenset(stem(word, lang) for lang in STEMMER_NAMES)


def _stop_stems() -> frozenset[str]:
    """Function words of pt/es/en; only used to choose what to highlight, never to drop terms."""
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    listed = [word for line in lines if not line.startswith("#") for word in line.split()]
    return frozenset(variant for word in listed for variant in stem_variants(word))


STOP_STEMS = _stop_stems()


def document_terms(text: str, lang: str) -> list[str]:
    """Index terms of a document written in ``lang``: stems, then glossary concepts found in it."""
    stemmer_lang = lang if lang in STEMMER_NAMES else "en"
    tokens = words(text)
    concepts = [concept for _, _, concept in load_glossary().matches([fold(token) for token in tokens])]
    return [stem(token, stemmer_lang) for token in tokens] + concepts


def language_neutral(text: str) -> list[bool]:
    """For each query word (as in ``query_term_groups``): does it mean the same in every language?

    Codes and identifiers (``MATA410``, ``MV_ESTADO``, ``UPDDISTR``, ``2299``: a digit, an underscore
    or written in capitals) and glossary terms (which carry their translations) are; ordinary words
    are not, so a match on them across languages is weaker evidence.
    """
    tokens = word_spans(text)
    folded = [fold(word) for word, _, _ in tokens]
    in_glossary = {i for start, end, _ in load_glossary().matches(folded) for i in range(start, end)}
    return [i in in_glossary or _looks_like_code(text[start:end]) for i, (_, start, end) in enumerate(tokens)]


def _looks_like_code(word: str) -> bool:
    return any(char.isdigit() or char == "_" for char in word) or (len(word) >= 2 and word.isupper())


def query_term_groups(text: str) -> list[set[str]]:
    """For each query word, its stems in every language and the concepts of glossary terms it is in."""
    tokens = words(text)
    groups = [set(stem_variants(token)) for token in tokens]
    for start, end, concept in load_glossary().matches([fold(token) for token in tokens]):
        for group in groups[start:end]:
            group.add(concept)
    return groups
