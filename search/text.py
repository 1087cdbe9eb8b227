"""Text normalisation for the lexical ranker: tokens, accent folding and stemming for pt/es/en."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

# Snowball stemmers by article language; queries are stemmed with all of them so a
# Spanish question still meets the stems of a Portuguese article.
STEMMER_NAMES = {"pt-BR": "portuguese", "es": "spanish", "en": "english"}
_TOKEN = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``"Prévia Ação"`` → ``"previa acao"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """Lower-case word tokens, accents kept (stemmers need them)."""
    return _TOKEN.findall(text.casefold())


@lru_cache(maxsize=len(STEMMER_NAMES))
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMER_NAMES[lang])


def stem(word: str, lang: str) -> str:
    """Folded Snowball stem of one word in one of the supported languages."""
    return fold(_stemmer(lang).stemWord(word))


def document_terms(text: str, lang: str) -> list[str]:
    """Index terms of a document written in ``lang``."""
    stemmer_lang = lang if lang in STEMMER_NAMES else "en"
    return [stem(word, stemmer_lang) for word in words(text)]


def query_term_groups(text: str) -> list[set[str]]:
    """For each query word, the set of its stems in every supported language."""
    return [{stem(word, lang) for lang in STEMMER_NAMES} for word in words(text)]
