"""The answer-selection set (tests/evalset/answers.jsonl) stays consistent with the knowledge base.

Each question names the article, the section and the exact fact that answers it; these checks fail as soon
as an article edit, a renamed heading or a careless new line breaks that link or the set's balance.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.articles import Article
from core.settings import ROOT

ANSWERS_FILE = ROOT / "tests" / "evalset" / "answers.jsonl"
FIELDS = {"_id", "text", "lang", "article_id", "section_id", "fact"}
LANGUAGES = ("pt-BR", "es", "en")
SUPPORT_PRODUCTS = {"Suporte", "Soporte", "Support"}  # exist in every language: no cross-lingual questions
FIRST_SHOWN = 600  # characters of the first section a naive answer would show
MIN_QUESTIONS = 100
MIN_LANGUAGE_SHARE = 0.25
MIN_CROSS_LINGUAL_SHARE = 0.20
MIN_ARTICLES = 40


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    lang: str
    article_id: str
    section_id: str
    fact: str


def load_items(path: Path) -> list[Item]:
    items: list[Item] = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        record = json.loads(line)
        assert isinstance(record, dict) and set(record) == FIELDS, f"line {line_no}: fields {sorted(record)}"
        assert all(isinstance(value, str) and value for value in record.values()), f"line {line_no}: empty"
        items.append(
            Item(
                id=record["_id"],
                text=record["text"],
                lang=record["lang"],
                article_id=record["article_id"],
                section_id=record["section_id"],
                fact=record["fact"],
            )
        )
    return items


@pytest.fixture(scope="module")
def items() -> list[Item]:
    return load_items(ANSWERS_FILE)


@pytest.fixture(scope="module")
def by_id(articles: list[Article]) -> dict[str, Article]:
    return {article.id: article for article in articles}


def test_ids_are_unique_and_well_formed(items: list[Item]) -> None:
    ids = [item.id for item in items]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert all(re.fullmatch(r"a\d{4}", item_id) for item_id in ids)
    texts = [item.text for item in items]
    assert len(texts) == len(set(texts)), [t for t, n in Counter(texts).items() if n > 1]


def test_every_article_and_section_exists(items: list[Item], by_id: dict[str, Article]) -> None:
    missing = [
        f"{item.id}: {item.article_id}#{item.section_id}"
        for item in items
        if item.article_id not in by_id or by_id[item.article_id].section(item.section_id) is None
    ]
    assert not missing, missing


def test_every_fact_is_short_and_in_its_section_only(items: list[Item], by_id: dict[str, Article]) -> None:
    problems: list[str] = []
    for item in items:
        article = by_id[item.article_id]
        section = article.section(item.section_id)
        assert section is not None, item.id
        if not 3 <= len(item.fact) <= 80:
            problems.append(f"{item.id}: fact has {len(item.fact)} characters")
        if item.fact not in section.text:
            problems.append(f"{item.id}: {item.fact!r} is not in {item.section_id}")
        elsewhere = [
            s.id for s in article.sections if s.id != section.id and item.fact.lower() in s.text.lower()
        ]
        if elsewhere:
            problems.append(f"{item.id}: {item.fact!r} is also in {elsewhere}")
        if item.fact.lower() in item.text.lower():
            problems.append(f"{item.id}: the question already contains its fact")
    assert not problems, "\n".join(problems)


def test_no_fact_shows_in_the_start_of_the_first_section(
    items: list[Item], by_id: dict[str, Article]
) -> None:
    """Every item is a case where showing the article's first section, cut as it is shown, misses the fact."""
    visible = [
        item.id for item in items if item.fact in by_id[item.article_id].sections[0].text[:FIRST_SHOWN]
    ]
    assert not visible, visible


def test_the_set_is_big_and_balanced_across_languages(items: list[Item]) -> None:
    assert len(items) >= MIN_QUESTIONS
    counts = Counter(item.lang for item in items)
    assert set(counts) <= set(LANGUAGES), counts
    for lang in LANGUAGES:
        assert counts[lang] / len(items) >= MIN_LANGUAGE_SHARE, (lang, counts)


def test_enough_questions_are_cross_lingual_and_only_for_single_language_topics(
    items: list[Item], by_id: dict[str, Article]
) -> None:
    cross = [item for item in items if item.lang != by_id[item.article_id].lang]
    assert len(cross) / len(items) >= MIN_CROSS_LINGUAL_SHARE, len(cross)
    support = [item.id for item in cross if by_id[item.article_id].product in SUPPORT_PRODUCTS]
    assert not support, f"support topics exist in every language, ask in the article's own: {support}"


def test_many_articles_are_covered(items: list[Item]) -> None:
    assert len({item.article_id for item in items}) >= MIN_ARTICLES
