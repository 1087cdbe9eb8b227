"""Opening a ticket from the form: the chat's rules for every field, every problem at once in the
customer's language, the verified contact locked, one ticket per submission."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth import create_key, revoke_key
from api.clock import ManualClock
from api.masking import MASK
from api.portal.submission import FORM_KEY_NAME
from tests.api.portal.form_client import filled_form, open_session, portal_token, submit
from tests.api.tickets.conftest import database_url  # noqa: F401  (SQLite and PostgreSQL)

BROKEN = {
    "contact_email": "lucia@hotel",
    "impact": "muy",
    "summary": "",
    "description": "no anda",
    "contact_phone": "llamar",
    "country": "MEX",
}
REQUIRED = {"pt-BR": "é obrigatório", "es": "es obligatorio", "en": "is required"}


def problems(response: Any) -> dict[str, tuple[str, str]]:
    assert response.status_code == 422, response.text
    return {problem["loc"][1]: (problem["type"], problem["msg"]) for problem in response.json()["detail"]}


@pytest.mark.parametrize("language", ["es", "pt-BR", "en"])
def test_every_problem_comes_back_at_once_in_the_customers_language(
    client: TestClient, language: str
) -> None:
    session = open_session(client, language)["session"]
    found = problems(submit(client, session, filled_form(language=language, **BROKEN)))
    assert {field: rule for field, (rule, _) in found.items()} == {
        "contact_email": "email",
        "impact": "level",
        "summary": "required",
        "description": "too_short",
        "contact_phone": "phone",
        "country": "country",
    }
    assert found["summary"][1] == REQUIRED[language]
    if language == "es":
        assert found["contact_email"][1] == "no parece un e-mail (ejemplo: nombre@empresa.com)"
        assert found["description"][1] == "debe tener al menos 10 caracteres"


def test_an_empty_form_names_each_required_field(client: TestClient) -> None:
    found = problems(submit(client, open_session(client)["session"], {"language": "es"}))
    assert set(found) == {
        "contact_name", "contact_email", "company_code", "product", "module", "version", "environment",
        "summary", "description", "impact", "urgency",
    }  # fmt: skip


def test_the_corrected_form_opens_the_ticket_with_the_values_as_the_chat_reads_them(
    client: TestClient,
) -> None:
    session = open_session(client)["session"]
    form = filled_form(impact="muy")
    assert set(problems(submit(client, session, form))) == {"impact"}
    created = submit(client, session, {**form, "impact": "alta"})
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert (ticket["impact"], ticket["urgency"], ticket["priority"]) == ("high", "medium", "high")
    assert (ticket["product"], ticket["module"], ticket["environment"]) == (
        "Protheus",
        "Faturamento",
        "production",
    )
    assert (ticket["channel"], ticket["verified"], ticket["country"]) == ("form", False, "MX")
    assert (ticket["contact_email"], ticket["since_when"]) == ("lucia@hotel.mx", "desde ayer")
    assert ticket["status"] == "new" and ticket["time_zone"] == "America/Mexico_City"
    assert f"#{ticket['number']}" in ticket["next_steps"] and "5 días hábiles" in ticket["next_steps"]
    assert "lucia@hotel.mx" in ticket["next_steps"]


def test_a_password_typed_in_the_description_is_not_kept(client: TestClient) -> None:
    description = "No puedo entrar al Protheus, mi contraseña: Hotel2026! y el sistema dice acceso denegado."
    ticket = submit(client, open_session(client)["session"], filled_form(description=description)).json()
    assert "Hotel2026!" not in ticket["description"] and MASK in ticket["description"]


def test_a_verified_customer_gets_her_contact_from_the_identity_and_a_verified_ticket(
    client: TestClient,
) -> None:
    opened = open_session(client, portal_token=portal_token())
    headers = {"X-End-User-Token": opened["identity"]["token"]}
    form = filled_form(contact_name="Someone Else", contact_email="", company_code="OTHER")
    created = submit(client, opened["session"], form, **headers)
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert (ticket["contact_name"], ticket["contact_email"], ticket["company_code"]) == (
        "Ana Souza",
        "ana@acme.com",
        "ACME",
    )
    assert ticket["verified"] is True and ticket["country"] == "BR"
    assert ticket["contact_phone"] is None  # a typed number never rides on a verified ticket


def test_a_verified_customers_phone_is_the_one_her_portal_vouches_for(client: TestClient) -> None:
    opened = open_session(client, portal_token=portal_token(phone="+55 11 98888-7777"))
    headers = {"X-End-User-Token": opened["identity"]["token"]}
    ticket = submit(
        client, opened["session"], filled_form(contact_phone="+52 55 0000 0000"), **headers
    ).json()
    assert ticket["contact_phone"] == "+5511988887777"


def test_an_identity_that_expired_is_refused_rather_than_ignored(
    client: TestClient, clock: ManualClock
) -> None:
    opened = open_session(client, portal_token=portal_token())
    clock.advance(minutes=61)
    refused = submit(
        client, opened["session"], filled_form(), **{"X-End-User-Token": opened["identity"]["token"]}
    )
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]


def test_a_submission_sent_twice_opens_one_ticket(client: TestClient) -> None:
    session = open_session(client)["session"]
    first = submit(client, session, filled_form(), **{"Idempotency-Key": "attempt-1"})
    again = submit(client, session, filled_form(), **{"Idempotency-Key": "attempt-1"})
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"] and again.headers["idempotent-replayed"] == "true"
    # The same key from another customer's form never returns this ticket.
    other = submit(client, open_session(client)["session"], filled_form(), **{"Idempotency-Key": "attempt-1"})
    assert other.status_code == 201 and other.json()["number"] != first.json()["number"]


def test_the_ticket_counts_in_the_insights_as_opened_from_the_form(
    client: TestClient, keys: dict[str, str]
) -> None:
    def form_tickets() -> int:
        groups = client.get(
            "/api/v1/insights/summary", params={"group_by": "channel"}, headers={"X-API-Key": keys["admin"]}
        ).json()["groups"]
        return next((g["tickets"] for g in groups if g["key"] == "form"), 0)

    before = form_tickets()
    assert submit(client, open_session(client)["session"], filled_form()).status_code == 201
    assert form_tickets() == before + 1


def test_support_can_switch_the_form_off_by_revoking_its_key(app: FastAPI, client: TestClient) -> None:
    session = open_session(client)["session"]
    assert submit(client, session, filled_form()).status_code == 201  # the form's key exists now
    with app.state.session_factory() as db:
        revoke_key(db, FORM_KEY_NAME)
    try:
        refused = submit(client, session, filled_form(summary="Otro error al timbrar"))
        assert refused.status_code == 403 and FORM_KEY_NAME in refused.json()["detail"]
    finally:
        with app.state.session_factory() as db:
            create_key(db, FORM_KEY_NAME, replace=True)
    assert submit(client, session, filled_form(summary="Otro error al timbrar")).status_code == 201
