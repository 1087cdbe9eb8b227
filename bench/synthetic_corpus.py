"""The synthetic knowledge base of ``bench.search_scale``: as many sections as asked, real words.

Articles of 5 sections, in pt-BR, es or en, with words drawn from the vocabulary and word
frequencies of the real articles under knowledge/articles, and ERP codes such as MATA410 or
MV_ESTADO in 30% of the sections. Every section fits one passage, so sections and
passages are the same count. Deterministic for one ``numpy`` generator seed.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from tqdm import tqdm

from core.articles import Article, Section

SECTIONS_PER_ARTICLE = 5
WORDS_PER_SECTION = (40, 90)  # inclusive range
MAX_SECTION_CHARS = 1400  # below search.chunking.MAX_PASSAGE_CHARS: one passage per section
CODE_SHARE = 0.3  # sections that mention an ERP code
ERP_CODES = (
    "MATA410", "MATA010", "MATA103", "FINA050", "CTBA102", "MV_ESTADO", "MV_PAR01", "MV_SPEDURL",
    "SX3", "SX2", "SX6", "SF2", "SD1", "NF-e", "CT-e", "NFS-e", "SIGAFAT", "SIGACOM", "SIGAFIN",
    "TSS", "DBAccess", "RPO", "AppServer", "FT0300", "CD0704",
)  # fmt: skip
LANGS = ("pt-BR", "es", "en")
PRODUCTS = ("Protheus", "RM", "Datasul", "PMS")
MODULES = ("Faturamento", "Financeiro", "Estoque", "Compras", "Fiscal", "Contabilidade", "Framework")

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class WordPool:
    """Words of one language with their cumulative sampling distribution."""

    words: list[str]
    cdf: np.ndarray

    @classmethod
    def of(cls, counts: Counter[str]) -> WordPool:
        words = sorted(counts)
        weights = np.array([counts[w] for w in words], dtype=np.float64)
        return cls(words, np.cumsum(weights / weights.sum()))

    def sample(self, rng: np.random.Generator, n: int) -> list[str]:
        picks = np.minimum(np.searchsorted(self.cdf, rng.random(n), side="right"), len(self.words) - 1)
        return [self.words[i] for i in picks]


def word_pools(articles: list[Article]) -> dict[str, WordPool]:
    """Vocabulary and word frequencies of the real articles, by language (all languages pooled
    for a language that has no article)."""
    counts: dict[str, Counter[str]] = {lang: Counter() for lang in LANGS}
    everything: Counter[str] = Counter()
    for article in articles:
        texts = [article.title, *(f"{s.heading} {s.text}" for s in article.sections)]
        found = [w for text in texts for w in _WORD.findall(text)]
        counts.setdefault(article.lang, Counter()).update(found)
        everything.update(found)
    return {lang: WordPool.of(counts[lang] or everything) for lang in LANGS}


def sentences(rng: np.random.Generator, words: list[str]) -> str:
    """Words cut into sentences of 6 to 16 words, capitalised and ended with a full stop."""
    out: list[str] = []
    start = 0
    while start < len(words):
        end = start + int(rng.integers(6, 17))
        chunk = words[start:end]
        out.append(chunk[0][:1].upper() + chunk[0][1:] + "".join(f" {w}" for w in chunk[1:]) + ".")
        start = end
    return " ".join(out)


def section_text(rng: np.random.Generator, pool: WordPool, extra: str | None = None) -> str:
    words = pool.sample(rng, int(rng.integers(WORDS_PER_SECTION[0], WORDS_PER_SECTION[1] + 1)))
    if rng.random() < CODE_SHARE:
        for _ in range(int(rng.integers(1, 3))):
            words.insert(int(rng.integers(0, len(words) + 1)), ERP_CODES[int(rng.integers(len(ERP_CODES)))])
    if extra is not None:
        words.insert(int(rng.integers(0, len(words) + 1)), extra)
    text = sentences(rng, words)
    while len(text) > MAX_SECTION_CHARS:  # very long words: drop some until it is one passage
        words = words[: len(words) - 5]
        text = sentences(rng, words)
    return text


def title_of(rng: np.random.Generator, pool: WordPool, low: int, high: int) -> str:
    words = pool.sample(rng, int(rng.integers(low, high + 1)))
    return words[0][:1].upper() + words[0][1:] + "".join(f" {w}" for w in words[1:])


def synthetic_article(
    rng: np.random.Generator, pools: dict[str, WordPool], number: int, unique_word: str | None = None
) -> Article:
    """Article ``number``: random language, product and module, 5 sections of sampled words;
    ``unique_word`` (if given) goes into its first section."""
    lang = LANGS[int(rng.integers(len(LANGS)))]
    product = PRODUCTS[int(rng.integers(len(PRODUCTS)))]
    module = MODULES[int(rng.integers(len(MODULES)))]
    pool = pools[lang]
    sections = tuple(
        Section(
            id=f"section-{j + 1}",
            heading=title_of(rng, pool, 2, 5),
            text=section_text(rng, pool, unique_word if j == 0 else None),
        )
        for j in range(SECTIONS_PER_ARTICLE)
    )
    article_id = f"synthetic-{number:06d}"
    return Article(
        id=article_id,
        title=title_of(rng, pool, 4, 9),
        lang=lang,
        product=product,
        module=module,
        url=f"https://kb.example.com/synthetic/{article_id}",
        tags=(product.casefold(), module.casefold()),
        sections=sections,
    )


def changed(
    rng: np.random.Generator, pools: dict[str, WordPool], article: Article, unique_word: str
) -> Article:
    """Same article id and metadata, new section texts, ``unique_word`` in the first one."""
    pool = pools[article.lang]
    sections = tuple(
        replace(section, text=section_text(rng, pool, unique_word if j == 0 else None))
        for j, section in enumerate(article.sections)
    )
    return replace(article, sections=sections)


def build_corpus(
    rng: np.random.Generator, pools: dict[str, WordPool], sections: int
) -> tuple[list[Article], dict[str, Any]]:
    count = max(1, -(-sections // SECTIONS_PER_ARTICLE))
    articles = [
        synthetic_article(rng, pools, i)
        for i in tqdm(range(count), desc="corpus", unit="article", file=sys.stderr)
    ]
    texts = [s.text for a in articles for s in a.sections]
    words = [len(_WORD.findall(t)) for t in texts]
    stats: dict[str, Any] = {
        "articles": len(articles),
        "sections": len(texts),
        "sections_per_article": SECTIONS_PER_ARTICLE,
        "words_per_section_mean": round(float(np.mean(words)), 1),
        "chars_per_section_mean": round(float(np.mean([len(t) for t in texts])), 1),
        "chars_per_section_max": max(len(t) for t in texts),
        "sections_mentioning_erp_code": sum(any(code in t for code in ERP_CODES) for t in texts),
        "langs": dict(Counter(a.lang for a in articles)),
        "products": dict(Counter(a.product for a in articles)),
        "vocabulary_by_lang": {lang: len(pool.words) for lang, pool in pools.items()},
    }
    return articles, stats
