"""The HTTP API as a client sees it."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_reports_the_loaded_index(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["articles"] >= 40 and body["passages"] > body["articles"]
    assert body["embedding_model"] == "use-multilingual-v3"


def test_search_answers_with_the_section_text_and_link(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "teléfono de soporte en Argentina", "k": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["confident"] is True
    assert body["query_lang"] == "es"
    best = body["results"][0]
    assert "+54 11 5295 9300" in best["text"]
    assert best["url"].startswith("https://")
    assert set(best) >= {"article_id", "title", "section", "url", "lang", "text", "score"}
    assert len(body["results"]) == 3
    # What to show leads with the lines that answer: the phone lines, Argentina's among them.
    lead = best["answer"].splitlines()[:6]
    assert "- Argentina: +54 11 5295 9300" in lead


def test_search_filters_by_language(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": "horario de atención", "lang": "en"}).json()
    assert {result["lang"] for result in body["results"]} == {"en"}


def errors(response_json: dict[str, list[dict[str, object]]]) -> dict[str, str]:
    return {str(error["loc"][-1]): str(error["msg"]) for error in response_json["detail"]}  # type: ignore[index]


def test_a_blank_question_is_refused_naming_the_field_and_rule(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "   "})
    assert response.status_code == 422
    assert "must not be empty or only whitespace" in errors(response.json())["q"]


def test_a_missing_question_is_refused(client: TestClient) -> None:
    response = client.get("/api/v1/search")
    assert response.status_code == 422
    assert "q" in errors(response.json())


def test_a_question_over_1000_characters_is_refused(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "a" * 1001})
    assert response.status_code == 422
    assert "at most 1000 characters" in errors(response.json())["q"]


def test_k_must_be_between_1_and_50(client: TestClient) -> None:
    for k in (0, 51):
        response = client.get("/api/v1/search", params={"q": "chamado", "k": k})
        assert response.status_code == 422
        assert "k" in errors(response.json())


def test_an_unknown_language_filter_is_refused(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "chamado", "lang": "fr"})
    assert response.status_code == 422
    assert "lang" in errors(response.json())


def test_an_article_is_returned_with_its_sections(client: TestClient) -> None:
    body = client.get("/api/v1/articles/es-soporte-contacto-telefonos").json()
    assert body["lang"] == "es"
    assert body["sections"] and all({"id", "heading", "text"} <= set(s) for s in body["sections"])


def test_an_unknown_article_is_a_404_with_a_json_message(client: TestClient) -> None:
    response = client.get("/api/v1/articles/no-such-article")
    assert response.status_code == 404
    assert "not found" in response.json()["detail"]


def test_openapi_docs_and_chat_page_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/api/v1/search" in client.get("/openapi.json").json()["paths"]
    page = client.get("/")
    assert page.status_code == 200 and "webhooks/rest/webhook" in page.text
    assert "__RASA_URL__" not in page.text


def test_browsers_on_localhost_may_call_the_api(client: TestClient) -> None:
    response = client.get("/health", headers={"Origin": "http://localhost:5173"})
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    other = client.get("/health", headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers


def test_search_results_carry_a_highlighted_snippet_and_a_calibrated_confidence(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": "prazo do chamado pendente", "lang": "pt-BR"}).json()
    assert "<mark>" in body["results"][0]["snippet"]
    assert 0.0 <= body["confidence"] <= 1.0 and body["confident"] is True


def test_search_filters_by_module_and_groups_by_article_unless_asked(client: TestClient) -> None:
    params: dict[str, str | int] = {
        "q": "parâmetro MV_ do Protheus",
        "module": "Configurador (SIGACFG)",
        "k": 10,
    }
    results = client.get("/api/v1/search", params=params).json()["results"]
    assert results and {r["module"] for r in results} == {"Configurador (SIGACFG)"}
    assert len({r["article_id"] for r in results}) == len(results)
    several = client.get("/api/v1/search", params={**params, "per_article": 3}).json()["results"]
    assert len(several) > len({r["article_id"] for r in several})


def test_per_article_out_of_range_is_a_422_naming_the_field(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "chamado", "per_article": 0})
    assert response.status_code == 422
    assert "per_article" in response.text
