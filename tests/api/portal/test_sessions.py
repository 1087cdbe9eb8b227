"""Opening the ticket form: a signed session for everyone, and the verified customer when the portal
says who is logged in."""

from __future__ import annotations

from datetime import datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from api.clock import ManualClock
from tests.api.portal.form_client import NOW, filled_form, open_session, portal_token, submit, suggestions


def test_an_anonymous_visitor_gets_a_session_for_a_day_and_no_identity(client: TestClient) -> None:
    opened = open_session(client)
    assert opened["identity"] is None
    assert datetime.fromisoformat(opened["expires_at"]) == NOW + timedelta(hours=24)


def test_a_logged_in_customer_gets_her_contact_to_fill_and_lock(client: TestClient) -> None:
    identity = open_session(client, portal_token=portal_token(phone="+55 11 98888-7777"))["identity"]
    assert (identity["name"], identity["email"], identity["company_code"]) == (
        "Ana Souza",
        "ana@acme.com",
        "ACME",
    )
    assert (identity["phone"], identity["country"]) == ("+5511988887777", "BR")
    assert datetime.fromisoformat(identity["expires_at"]) == NOW + timedelta(minutes=60)


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (portal_token(expires=NOW - timedelta(seconds=1)), "expired"),
        (jwt.encode({"name": "Ana", "exp": NOW + timedelta(hours=1)}, "another-secret-of-at-least-32-bytes!"),
         "not valid"),
    ],
    ids=["expired", "not-signed-by-the-portal"],
)  # fmt: skip
def test_a_portal_token_that_proves_nothing_is_refused_with_the_reason(
    client: TestClient, token: str, reason: str
) -> None:
    response = client.post("/api/v1/portal/sessions", json={"language": "es", "portal_token": token})
    assert response.status_code == 401 and reason in response.json()["detail"]


def test_a_session_the_api_did_not_sign_is_refused_everywhere(client: TestClient) -> None:
    session = open_session(client)["session"]
    body, _, mac = session.partition(".")
    forged = f"{body}.{mac[::-1]}"
    refused = submit(client, forged, filled_form())
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert (problem["loc"], problem["type"]) == (["header", "x-form-session"], "form_session")
    assert submit(client, "", filled_form()).status_code == 422
    upload = client.post("/api/v1/portal/files", content=b"x", headers={"X-Form-Session": "nonsense"})
    assert upload.status_code == 422
    searched = suggestions(client, forged, "¿cuál es el teléfono de soporte en Argentina?")
    assert searched.status_code == 422 and searched.json()["detail"][0]["loc"] == ["query", "session"]


def test_a_session_ends_after_a_day(client: TestClient, clock: ManualClock) -> None:
    session = open_session(client)["session"]
    clock.advance(hours=24, seconds=1)
    refused = submit(client, session, filled_form())
    assert refused.status_code == 422 and "expired" in refused.json()["detail"][0]["msg"]
