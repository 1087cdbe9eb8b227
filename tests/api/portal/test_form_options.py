"""What the form offers comes from what the API knows (products, levels, limits), in the customer's
language."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.tickets.schemas import TicketCreate


def options(client: TestClient, language: str) -> Any:
    response = client.get("/api/v1/portal/form", params={"language": language})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_products_are_the_knowledge_bases_and_not_the_support_process(client: TestClient) -> None:
    products = options(client, "es")["products"]
    assert {"Protheus", "RM", "Datasul", "PMS"} <= set(products)
    assert not {"Suporte", "Soporte", "Support"} & set(products)
    assert products == sorted(products, key=str.casefold)


def test_environments_and_levels_are_labelled_in_the_customers_language(client: TestClient) -> None:
    spanish = options(client, "es")
    assert spanish["environments"] == [
        {"value": "production", "label": "Producción"},
        {"value": "test", "label": "Pruebas / homologación"},
    ]
    assert spanish["levels"] == ["high", "medium", "low"]
    assert spanish["level_labels"] == {"high": "Alto", "medium": "Medio", "low": "Bajo"}
    assert options(client, "pt-BR")["level_labels"]["medium"] == "Médio"


def test_each_level_is_explained_as_in_the_priority_definitions(client: TestClient) -> None:
    definitions = client.get("/api/v1/priority/definitions", params={"language": "en"}).json()
    assert options(client, "en")["definitions"] == definitions


def test_the_fields_are_the_ticket_apis_with_its_limits(client: TestClient) -> None:
    offered = options(client, "en")
    fields = offered["fields"]
    assert set(fields) <= set(TicketCreate.model_fields)
    assert fields["summary"] == {"required": True, "min_length": 5, "max_length": 200}
    assert fields["since_when"]["required"] is False and fields["contact_phone"]["required"] is False
    assert offered["max_file_bytes"] == 16 * 1024 * 1024 and "image/png" in offered["file_types"]
    assert offered["max_files"] == 10
    assert set(offered["identity_fields"]) == {
        "contact_name",
        "contact_email",
        "company_code",
        "contact_phone",
    }
