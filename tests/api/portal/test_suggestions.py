"""Articles suggested while the customer types: the likely answers only, in plain words, searched once."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.portal.suggestions import plain_text, shortened
from search.searcher import Searcher
from tests.api.portal.form_client import open_session, suggestions

PHONE_QUESTION = "¿Cuál es el teléfono de soporte en Argentina?"


@pytest.fixture
def session(client: TestClient) -> str:
    token: str = open_session(client)["session"]
    return token


def searches(app: FastAPI) -> float:
    """How many times the search engine was asked, as /metrics counts it."""
    count = app.state.service_metrics.registry.get_sample_value("search_duration_seconds_count")
    return float(count or 0)


def test_a_question_with_an_answer_gets_the_article_with_the_lines_that_answer(
    client: TestClient, session: str
) -> None:
    response = suggestions(client, session, PHONE_QUESTION)
    assert response.status_code == 200, response.text
    first = response.json()["suggestions"][0]
    assert first["article_id"] == "es-soporte-contacto-telefonos"
    assert "Argentina: +54 11 5295 9300" in first["lines"].splitlines()  # a list item without its "- "
    assert first["url"].startswith("https://") and first["title"] and first["section"] and first["token"]
    assert len(response.json()["suggestions"]) <= 3


def test_a_spanish_description_may_get_a_portuguese_article(client: TestClient, session: str) -> None:
    found = suggestions(client, session, "rechazo 539 al transmitir la NF-e").json()["suggestions"]
    assert found[0]["article_id"] == "pt-nfe-rejeicao-204-539-duplicidade" and found[0]["lang"] == "pt-BR"


def test_nothing_is_suggested_when_the_search_is_unsure(client: TestClient, session: str) -> None:
    assert suggestions(client, session, "quiero cambiar el color del logotipo").json()["suggestions"] == []


def test_a_few_words_are_not_searched_yet(app: FastAPI, client: TestClient, session: str) -> None:
    before = searches(app)
    for typed in ("nota fiscal", "a b c d", "   "):
        response = suggestions(client, session, typed)
        assert response.status_code == 200 and response.json()["suggestions"] == []
    assert searches(app) == before


def test_the_form_of_one_product_shows_its_articles_and_the_support_process_ones(
    client: TestClient, session: str
) -> None:
    support = suggestions(client, session, PHONE_QUESTION, product="Protheus").json()["suggestions"]
    assert support[0]["article_id"] == "es-soporte-contacto-telefonos"
    other_product = suggestions(client, session, "rejeição 539 ao transmitir NF-e", product="PMS")
    assert other_product.json()["suggestions"] == []


def test_a_text_already_answered_is_not_searched_again(
    app: FastAPI, client: TestClient, session: str
) -> None:
    text = "como aplicar um patch no RPO do Protheus"
    first = suggestions(client, session, text, language="pt-BR")
    before = searches(app)
    again = suggestions(
        client,
        open_session(client)["session"],
        "  COMO aplicar um   patch no rpo do protheus ",
        language="pt-BR",
    )
    assert searches(app) == before
    assert [s["article_id"] for s in again.json()["suggestions"]] == [
        s["article_id"] for s in first.json()["suggestions"]
    ]
    assert first.headers["cache-control"] == "private, max-age=60"


def test_a_new_index_answers_afresh(app: FastAPI, client: TestClient, session: str) -> None:
    text = "quanto tempo tenho para responder um chamado pendente"
    suggestions(client, session, text, language="pt-BR")
    before = searches(app)
    current: Searcher = app.state.searcher
    # What the index watcher does after `pipelines ingest`: a new searcher over the new index.
    app.state.searcher = Searcher(current.index, current.fusion, current.confidence, current.answers)
    try:
        suggestions(client, session, text, language="pt-BR")
    finally:
        app.state.searcher = current
    assert searches(app) == before + 1


def test_a_question_longer_than_the_form_allows_is_refused(client: TestClient, session: str) -> None:
    response = suggestions(client, session, "palavra " * 300)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "q"]


def test_suggested_lines_read_as_plain_text() -> None:
    markdown = "\n".join(
        [
            "## Solução",
            "**Atenção:** use `MV_ESTADO` e *não* o \\*.",
            "- Abra o [Configurador](https://x.y/z)",
            "\\# 1",
        ]
    )
    assert plain_text(markdown) == "Solução\nAtenção: use MV_ESTADO e não o *.\nAbra o Configurador\n# 1"


def test_long_answers_are_cut_at_a_word() -> None:
    cut = shortened("palavra " * 100)
    assert len(cut) <= 400 and cut.endswith("palavra…")
