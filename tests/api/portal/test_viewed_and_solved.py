"""What the form tells support's insights: articles opened, and "this solved it" as a deflection by the
form."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.clock import ManualClock
from api.insights.events import conversation_key
from api.insights.models import ConversationEvent
from api.masking import MASK
from tests.api.portal.form_client import open_session, suggestions

PHONE_QUESTION = "¿Cuál es el teléfono de soporte en Argentina?"


def suggested(client: TestClient, q: str = PHONE_QUESTION) -> tuple[str, dict[str, Any]]:
    """A new form's session and the first article suggested for ``q``."""
    session = open_session(client)["session"]
    found = suggestions(client, session, q).json()["suggestions"]
    assert found, f"nothing suggested for {q!r}"
    return session, found[0]


def report(client: TestClient, keys: dict[str, str], name: str, **params: str) -> Any:
    response = client.get(f"/api/v1/insights/{name}", params=params, headers={"X-API-Key": keys["admin"]})
    assert response.status_code == 200, response.text
    return response.json()


def form_channel(client: TestClient, keys: dict[str, str]) -> dict[str, Any]:
    groups = report(client, keys, "summary", group_by="channel")["groups"]
    return next((g for g in groups if g["key"] == "form"), {"conversations": 0, "deflected": 0})


def viewed(client: TestClient, keys: dict[str, str], article_id: str) -> int:
    rows = report(client, keys, "articles")["articles"]
    return next((row["viewed"] for row in rows if row["article_id"] == article_id), 0)


def payload(token: str) -> bytes:
    """What a session or suggestion token carries: readable by anyone, only its signature is secret."""
    body = token.split(".")[0]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def stored(app: FastAPI, session: str) -> list[ConversationEvent]:
    """The insights events of the form session's conversation."""
    conversation = json.loads(payload(session))["c"]
    with app.state.session_factory() as db:
        query = select(ConversationEvent).where(
            ConversationEvent.conversation == conversation_key(conversation)
        )
        return list(db.scalars(query))


def stored_kinds(app: FastAPI, session: str) -> list[str]:
    return [event.kind for event in stored(app, session)]


def post(client: TestClient, what: str, token: str, **headers: str) -> Any:
    return client.post(f"/api/v1/portal/suggestions/{what}", json={"token": token}, headers=headers)


def test_this_solved_it_is_a_deflection_of_the_form_channel(client: TestClient, keys: dict[str, str]) -> None:
    before = form_channel(client, keys)
    session, article = suggested(client)
    assert post(client, "solved", article["token"], **{"X-Form-Session": session}).status_code == 204
    after = form_channel(client, keys)
    assert after["conversations"] == before["conversations"] + 1
    assert after["deflected"] == before["deflected"] + 1
    rows = report(client, keys, "articles")["articles"]
    row = next(row for row in rows if row["article_id"] == article["article_id"])
    assert row["solved"] >= 1 and row["shown"] >= 1


def test_saying_it_solved_it_twice_is_one_deflection(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    before = form_channel(client, keys)["deflected"]
    session, article = suggested(client)
    for _ in range(2):
        assert post(client, "solved", article["token"]).status_code == 204
    assert form_channel(client, keys)["deflected"] == before + 1
    assert sorted(stored_kinds(app, session)) == ["feedback", "question"]


def test_opening_a_suggested_article_counts_once_per_form(client: TestClient, keys: dict[str, str]) -> None:
    _, article = suggested(client)
    before = viewed(client, keys, article["article_id"])
    for _ in range(2):
        assert post(client, "viewed", article["token"]).status_code == 204
    assert viewed(client, keys, article["article_id"]) == before + 1
    _, again = suggested(client)  # another customer's form
    post(client, "viewed", again["token"])
    assert viewed(client, keys, article["article_id"]) == before + 2


def test_what_the_customer_typed_is_stored_without_her_secrets(app: FastAPI, client: TestClient) -> None:
    typed = "mi contraseña es Secreta123 y mi correo ana@acme.com, ¿el teléfono de soporte en Argentina?"
    session, article = suggested(client, typed)
    assert b"Secreta123" not in payload(article["token"])  # masked before it travels back
    assert post(client, "solved", article["token"]).status_code == 204
    [question] = [event.question for event in stored(app, session) if event.kind == "question"]
    assert question is not None and MASK in question
    assert "Secreta123" not in question and "ana@acme.com" not in question


@pytest.mark.parametrize("what", ["viewed", "solved"])
def test_a_token_the_api_did_not_give_this_form_is_refused(
    client: TestClient, clock: ManualClock, what: str
) -> None:
    _, article = suggested(client)
    body, _, mac = article["token"].partition(".")
    forged = post(client, what, f"{body[:-2]}xx.{mac}")
    assert forged.status_code == 422 and forged.json()["detail"][0]["loc"] == ["body", "token"]
    other_form = open_session(client)["session"]
    assert post(client, what, article["token"], **{"X-Form-Session": other_form}).status_code == 422
    clock.advance(hours=25)
    expired = post(client, what, article["token"])
    assert expired.status_code == 422 and "expired" in expired.json()["detail"][0]["msg"]
