"""Endpoints the dialog relies on: answer checks, extraction, masking, notices, contacts."""

from __future__ import annotations

from fastapi.testclient import TestClient


def check(client: TestClient, field: str, value: str, language: str = "pt-BR") -> dict[str, object]:
    response = client.post(
        "/api/v1/dialog/check", json={"field": field, "value": value, "language": language}
    )
    assert response.status_code == 200
    result: dict[str, object] = response.json()
    return result


def test_levels_are_understood_as_words_or_numbers_in_three_languages(client: TestClient) -> None:
    assert check(client, "urgency", "alta")["value"] == "high"
    assert check(client, "impact", "Médio")["value"] == "medium"
    assert check(client, "impact", "bajo", "es")["value"] == "low"
    assert check(client, "urgency", "3", "en")["value"] == "low"


def test_an_invalid_answer_says_why_in_the_user_language(client: TestClient) -> None:
    email = check(client, "contact_email", "ana.acme.com", "es")
    assert email["valid"] is False and "e-mail" in str(email["message"])
    level = check(client, "urgency", "amanhã", "pt-BR")
    assert level["valid"] is False and level["message"] == "responda alto, médio ou baixo (ou 1, 2 ou 3)"
    short = check(client, "summary", "erro", "en")
    assert short["message"] == "must have at least 5 characters"


def test_answers_are_normalised(client: TestClient) -> None:
    assert check(client, "contact_email", " Ana@Acme.COM ")["value"] == "ana@acme.com"
    assert check(client, "environment", "em produção")["value"] == "production"
    assert check(client, "environment", "homologación", "es")["value"] == "test"
    assert check(client, "attachments", "não tenho")["value"] == []
    assert check(client, "attachments", "no", "es")["value"] == []  # a bare "no" is a word, not YAML false
    assert check(client, "attachments", "veja https://files.acme.com/log.txt")["value"] == [
        "https://files.acme.com/log.txt"
    ]


def test_an_unknown_field_is_refused(client: TestClient) -> None:
    response = client.post("/api/v1/dialog/check", json={"field": "password", "value": "x"})
    assert response.status_code == 422


def test_fields_stated_in_a_first_message_are_found(client: TestClient) -> None:
    found = client.post(
        "/api/v1/dialog/extract", json={"text": "o faturamento parou em produção desde ontem"}
    ).json()
    assert found["fields"] == {
        "module": "Faturamento",
        "environment": "production",
        "since_when": "desde ontem",
    }
    correction = client.post("/api/v1/dialog/extract", json={"text": "na verdade a urgência é alta"}).json()
    assert (correction["fields"], correction["field_named"]) == ({"urgency": "high"}, "urgency")


def test_secrets_are_masked(client: TestClient) -> None:
    masked = client.post(
        "/api/v1/privacy/mask", json={"text": "a senha do banco é s3cr3t e o cartão 4111 1111 1111 1111"}
    ).json()
    assert "s3cr3t" not in masked["text"] and "4111" not in masked["text"]
    assert masked["kinds"] == ["password", "card"]
    plain = client.post("/api/v1/privacy/mask", json={"text": "esqueci a senha do portal"}).json()
    assert plain == {"text": "esqueci a senha do portal", "kinds": []}


def test_the_pms_maintenance_is_announced_during_its_week_only(client: TestClient) -> None:
    during = client.get(
        "/api/v1/notices", params={"product": "PMS", "at": "2021-12-19T20:00:00-03:00", "language": "es"}
    ).json()
    assert len(during) == 1
    assert "22 h" in during[0]["summary"] and not during[0]["ongoing"]
    assert any("PMS/Consultas/Lista Interativa/Check-in" in step for step in during[0]["contingency"])
    after = client.get("/api/v1/notices", params={"product": "PMS", "at": "2021-12-21T10:00:00-03:00"}).json()
    assert after == []
    other = client.get("/api/v1/notices", params={"product": "RM", "at": "2021-12-19T20:00:00-03:00"}).json()
    assert other == []


def test_contacts_give_the_country_line_or_every_line(client: TestClient) -> None:
    argentina = client.get("/api/v1/contacts", params={"country": "ar", "language": "es"}).json()
    assert argentina["phones"] == {"AR": "+54 11 5295 9300"}
    assert argentina["email"] == "soporteprotheusmi@totvs.com.br"
    assert argentina["hours"] == "lunes a viernes, en horario hábil de México"
    anywhere = client.get("/api/v1/contacts").json()
    assert set(anywhere["phones"]) == {"AR", "CO", "MX", "PE"}
