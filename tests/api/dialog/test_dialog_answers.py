"""One answer of the ticket dialog keeps every detail it states, so nothing is asked twice."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def answer(
    client: TestClient, field: str, value: str, language: str = "pt-BR", **more: Any
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/dialog/answer", json={"field": field, "value": value, "language": language, **more}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_name_and_email_given_together_are_split_and_each_checked(client: TestClient) -> None:
    reading = answer(client, "contact_name", "soy João Carvalho, mi correo es Joao@Empresa.mx", "es")
    assert reading["values"] == {"contact_name": "João Carvalho", "contact_email": "joao@empresa.mx"}
    assert reading["problem"] is None


def test_names_from_other_languages_keep_their_particles_and_apostrophes(client: TestClient) -> None:
    assert answer(client, "contact_name", "Siobhán O'Brien siobhan@ob.ie")["values"]["contact_name"] == (
        "Siobhán O'Brien"
    )
    assert answer(client, "contact_name", "Maria da Silva")["values"] == {"contact_name": "Maria da Silva"}


def test_a_bad_email_next_to_the_name_keeps_the_name_and_says_what_is_wrong(client: TestClient) -> None:
    reading = answer(client, "contact_name", "Ana Souza ana@acme", "pt-BR")
    assert reading["values"] == {"contact_name": "Ana Souza"}
    assert reading["problem"]["field"] == "contact_email"
    assert "e-mail" in reading["problem"]["message"]


def test_product_module_and_version_in_one_answer(client: TestClient) -> None:
    reading = answer(client, "product", "protheus 12.1.2310, faturamento")
    assert reading["values"] == {"product": "Protheus", "module": "Faturamento", "version": "12.1.2310"}


def test_only_the_module_and_version_leave_the_product_to_ask_again_without_an_error(
    client: TestClient,
) -> None:
    reading = answer(client, "product", "faturamento 12.1.2310")
    assert reading["values"] == {"module": "Faturamento", "version": "12.1.2310"}
    assert reading["problem"] is None


def test_a_product_not_in_the_rules_is_taken_as_written(client: TestClient) -> None:
    assert answer(client, "product", "Logix")["values"] == {"product": "Logix"}


def test_a_description_fills_the_title_and_the_details_it_states(client: TestClient) -> None:
    reading = answer(
        client,
        "description",
        "O Protheus não transmite NF-e em produção, ninguém consegue faturar",
        filled=[],
    )
    values = reading["values"]
    assert values["summary"] == "O Protheus não transmite NF-e em produção, ninguém consegue faturar"
    assert values["product"] == "Protheus" and values["environment"] == "production"
    assert values["impact"] == "high"


def test_details_already_given_are_not_overwritten_by_a_description(client: TestClient) -> None:
    reading = answer(
        client, "description", "O Protheus não transmite NF-e em produção", filled=["product", "summary"]
    )
    assert "product" not in reading["values"] and "summary" not in reading["values"]


def test_an_invalid_answer_says_why_in_the_customers_language(client: TestClient) -> None:
    reading = answer(client, "company_code", "T 123", "es")
    assert reading["values"] == {}
    assert reading["problem"]["rule"] == "company_code"
    assert "solo letras" in reading["problem"]["message"]


def test_an_unknown_field_is_refused_with_the_list_of_fields(client: TestClient) -> None:
    response = client.post("/api/v1/dialog/answer", json={"field": "colour", "value": "blue"})
    assert response.status_code == 422
    assert "contact_name" in response.json()["detail"]


def test_extract_says_a_rich_opening_asks_for_a_ticket_and_gives_its_title(client: TestClient) -> None:
    body = {
        "text": "Hola, el timbrado CFDI falla desde ayer y nadie puede facturar. Necesito abrir un ticket."
    }
    found = client.post("/api/v1/dialog/extract", json=body).json()
    assert found["wants_ticket"] is True
    assert found["summary"] == "El timbrado CFDI falla desde ayer y nadie puede facturar"
    assert found["fields"]["impact"] == "high" and found["fields"]["since_when"].startswith("desde ayer")


def test_no_to_the_article_is_not_taken_for_the_customers_name(client: TestClient) -> None:
    reading = answer(client, "contact_name", "não resolveu")
    assert reading["values"] == {} and reading["problem"]["rule"] == "name"


@pytest.mark.parametrize(
    ("text", "since"),
    [
        ("Desde ontem o Faturamento do Protheus 12.1.2310 não transmite", "Desde ontem"),
        ("el timbrado falla desde hoy por la mañana", "desde hoy por la mañana"),
        ("há 3 dias não consigo emitir", "há 3 dias"),
        ("it stopped two days ago", "two days ago"),
        ("desde a atualização de sexta o relatório não abre", "desde a atualização de sexta"),
    ],
)
def test_since_when_is_the_moment_not_the_rest_of_the_sentence(
    client: TestClient, text: str, since: str
) -> None:
    found = client.post("/api/v1/dialog/extract", json={"text": text}).json()
    assert found["fields"]["since_when"] == since


def test_short_answers_written_as_sentences_keep_only_the_value(client: TestClient) -> None:
    assert answer(client, "company_code", "o código é T40922")["values"] == {"company_code": "T40922"}
    assert answer(client, "contact_email", "mi correo es x@y.mx", "es")["values"] == {
        "contact_email": "x@y.mx"
    }
    assert answer(client, "version", "versão 12.1.2310")["values"] == {"version": "12.1.2310"}


def test_a_sentence_with_product_module_and_version_fills_all_three(client: TestClient) -> None:
    reading = answer(client, "product", "uso PMS, en el módulo de Reservas y versión 11.8", "es")
    assert reading["values"] == {"product": "PMS", "module": "Check-in", "version": "11.8"}


def test_a_short_release_right_after_the_product_is_its_version(client: TestClient) -> None:
    text = "desde hoje de manhã o check-in do PMS 11.8 em produção não associa a UH"
    found = client.post("/api/v1/dialog/extract", json={"text": text}).json()["fields"]
    assert (found["product"], found["version"]) == ("PMS", "11.8")
