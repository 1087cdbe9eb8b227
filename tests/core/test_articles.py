"""The article model survives the trip to the index's JSON files and back."""

from __future__ import annotations

import json
from datetime import date

from core.articles import Article, Section, article_from_dict, article_to_dict


def test_an_article_is_stored_and_read_back_unchanged() -> None:
    article = Article(
        id="es-horario",
        title="Horario de atención",
        lang="es",
        product="Suporte",
        module="Atendimento",
        url="https://example.com/horario",
        tags=("horario", "soporte"),
        updated=date(2026, 11, 30),
        sections=(Section("lunes", "Lunes a viernes", "De 8 a 20 h."),),
        version="12.1.2410",
        breadcrumb=("Soporte", "Contacto"),
    )
    stored = json.loads(json.dumps(article_to_dict(article)))
    assert article_from_dict(stored) == article


def test_a_section_is_found_by_its_id() -> None:
    article = Article("a", "T", "pt-BR", "P", "M", "", sections=(Section("s1", "H", "texto"),))
    assert article.section("s1") == Section("s1", "H", "texto")
    assert article.section("missing") is None
