"""The project's article format: Markdown with YAML front matter, split at ## headings."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.articles import Article, ArticleError
from core.languages import SUPPORTED_LANGUAGES
from knowledge.markdown import load_article, load_folder, split_sections

VALID = """---
id: pt-exemplo
title: Exemplo de artigo
lang: pt-BR
product: Protheus
module: Faturamento
url: https://kb.example.com/pt/exemplo
tags: [exemplo, teste]
updated: 2026-11-01
---
Resumo do artigo.

## Dúvida
Como faço?

## Solução
Assim.
"""


def write(tmp_path: Path, text: str, name: str = "a.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_article_loads_with_metadata_and_sections(articles: list[Article]) -> None:
    assert len(articles) >= 40
    for article in articles:
        assert article.lang in SUPPORTED_LANGUAGES
        assert article.url.startswith("https://")
        assert article.sections, article.id
        assert all(section.text for section in article.sections)


def test_the_knowledge_base_speaks_portuguese_spanish_and_english(articles: list[Article]) -> None:
    assert {article.lang for article in articles} == set(SUPPORTED_LANGUAGES)


def test_an_article_is_split_into_summary_and_headed_sections(tmp_path: Path) -> None:
    article = load_article(write(tmp_path, VALID))
    assert [s.heading for s in article.sections] == ["Exemplo de artigo", "Dúvida", "Solução"]
    assert [s.id for s in article.sections] == ["exemplo-de-artigo", "duvida", "solucao"]
    assert article.sections[1].text == "Como faço?"
    assert article.tags == ("exemplo", "teste")
    assert str(article.updated) == "2026-11-01"


def test_repeated_headings_get_distinct_section_ids() -> None:
    sections = split_sections("T", "## Passo\num\n\n## Passo\ndois")
    assert [s.id for s in sections] == ["passo", "passo-2"]


def test_a_missing_field_is_reported_with_the_file_and_the_field(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("module: Faturamento\n", ""))
    with pytest.raises(ArticleError, match=r"a\.md: front matter is missing module"):
        load_article(path)


def test_an_unknown_language_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("lang: pt-BR", "lang: fr"))
    with pytest.raises(ArticleError, match="lang 'fr' is not one of pt-BR, es, en"):
        load_article(path)


def test_duplicate_ids_in_a_folder_are_refused(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a.md")
    write(tmp_path, VALID, "b.md")
    with pytest.raises(ArticleError, match="duplicate article ids pt-exemplo"):
        load_folder(tmp_path)
