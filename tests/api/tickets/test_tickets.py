"""The ticket API as its callers (the bot, channels, support staff) use it, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth import RateLimiter
from api.clock import ManualClock
from api.jobs import expire_once
from api.tickets.business_calendar import load_calendars
from tests.api.tickets.conftest import MONDAY
from tests.support.tickets import customer_headers, ticket_body

MX = load_calendars().calendars["MX"]


def ana(app: FastAPI, keys: dict[str, str], **claims: Any) -> dict[str, str]:
    """The bot's headers for Ana of ACME (ticket_body's contact), verified now by the portal."""
    return customer_headers(app, keys["bot"], **claims)


def as_(key: str | dict[str, str]) -> dict[str, str]:
    return key if isinstance(key, dict) else {"X-API-Key": key}


def create(client: TestClient, key: str | dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/tickets", json=ticket_body(**overrides), headers=as_(key))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def move(client: TestClient, key: str | dict[str, str], number: int, action: str, **extra: Any) -> Any:
    return client.post(
        f"/api/v1/tickets/{number}/transitions", json={"action": action, **extra}, headers=as_(key)
    )


def test_a_complete_ticket_gets_a_number_priority_and_business_hour_due_times(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    ticket = create(client, keys["bot"])
    assert ticket["status"] == "new"
    assert ticket["priority"] == "high"  # impact high x urgency medium
    assert ticket["calendar"] == "MX"
    assert ticket["contact_email"] == "ana@acme.com"
    assert datetime.fromisoformat(ticket["first_response_due"]) == MX.add_business_hours(MONDAY, 4)
    assert datetime.fromisoformat(ticket["resolution_due"]) == MX.add_business_hours(MONDAY, 36)
    assert [event["kind"] for event in ticket["events"]] == ["created"]
    fetched = client.get(f"/api/v1/tickets/{ticket['number']}", headers=ana(app, keys)).json()
    assert fetched["description"] == ticket_body()["description"]


def test_a_brazilian_customer_is_served_on_the_brazil_calendar(
    client: TestClient, keys: dict[str, str]
) -> None:
    ticket = create(client, keys["bot"], language="pt-BR", country="BR", impact="low", urgency="low")
    assert ticket["calendar"] == "BR" and ticket["priority"] == "low"


def test_every_bad_field_is_named_with_its_rule(client: TestClient, keys: dict[str, str]) -> None:
    body = ticket_body(contact_email="ana-at-acme", impact="urgent", summary="x", environment="staging")
    del body["product"]
    response = client.post("/api/v1/tickets", json=body, headers=as_(keys["bot"]))
    assert response.status_code == 422
    problems = {error["loc"][-1]: error["msg"] for error in response.json()["detail"]}
    assert "e-mail address" in problems["contact_email"]
    assert set(problems) == {"contact_email", "impact", "summary", "environment", "product"}


def test_a_retried_create_with_the_same_idempotency_key_returns_the_same_ticket(
    client: TestClient, keys: dict[str, str]
) -> None:
    headers = {**as_(keys["bot"]), "Idempotency-Key": str(uuid.uuid4())}
    first = client.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    again = client.post("/api/v1/tickets", json=ticket_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"]
    assert again.headers["Idempotent-Replayed"] == "true"
    different = client.post("/api/v1/tickets", json=ticket_body(summary="Outro problema"), headers=headers)
    assert different.status_code == 409
    assert "Idempotency-Key" in different.json()["detail"]


def test_a_confirmation_retried_later_in_the_chat_returns_the_ticket_already_created(
    client: TestClient, keys: dict[str, str]
) -> None:
    """The reply to "confirm" was lost and the customer confirmed again: the transcript is longer now."""
    headers = {**as_(keys["bot"]), "Idempotency-Key": str(uuid.uuid4())}
    said = [{"role": "user", "text": "confirmar"}]
    first = client.post("/api/v1/tickets", json=ticket_body(transcript=said), headers=headers)
    retried = ticket_body(transcript=[*said, {"role": "bot", "text": "..."}, {"role": "user", "text": "sim"}])
    again = client.post("/api/v1/tickets", json=retried, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"]


def test_keys_are_required_and_checked(client: TestClient) -> None:
    assert client.post("/api/v1/tickets", json=ticket_body()).status_code == 401
    assert client.get("/api/v1/tickets/1", headers=as_("sk_wrong")).status_code == 401


def test_a_company_key_sees_only_its_company(client: TestClient, keys: dict[str, str]) -> None:
    mine = create(client, keys["acme"])
    assert client.get(f"/api/v1/tickets/{mine['number']}", headers=as_(keys["other"])).status_code == 404
    refused = client.post(
        "/api/v1/tickets", json=ticket_body(company_code="OTHER"), headers=as_(keys["acme"])
    )
    assert refused.status_code == 403
    listed = client.get("/api/v1/tickets", headers=as_(keys["acme"])).json()
    assert {item["company_code"] for item in listed["items"]} == {"ACME"}
    assert client.get("/api/v1/tickets?company_code=OTHER", headers=as_(keys["acme"])).status_code == 403


def test_the_service_key_lists_only_for_a_verified_customer(client: TestClient, keys: dict[str, str]) -> None:
    refused = client.get("/api/v1/tickets", params={"company_code": "ACME"}, headers=as_(keys["bot"]))
    assert refused.status_code == 403 and "X-End-User-Token" in refused.json()["detail"]


def test_lists_filter_and_paginate(app: FastAPI, client: TestClient, keys: dict[str, str]) -> None:
    company = f"C{uuid.uuid4().hex[:8]}"
    numbers = [create(client, keys["bot"], company_code=company)["number"] for _ in range(3)]
    move(client, keys["admin"], numbers[0], "open")
    page = client.get(
        "/api/v1/tickets",
        params={"company_code": company, "page_size": 2},
        headers=ana(app, keys, company_code=company),
    ).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    assert [item["number"] for item in page["items"]] == sorted(numbers, reverse=True)[:2]
    opened = client.get(
        "/api/v1/tickets",
        params={"company_code": company, "status": "open"},
        headers=ana(app, keys, company_code=company),
    ).json()
    assert [item["number"] for item in opened["items"]] == [numbers[0]]


def test_pending_customer_waits_60_business_hours_and_a_reply_reopens_it(
    app: FastAPI, client: TestClient, keys: dict[str, str], clock: ManualClock
) -> None:
    number = create(client, keys["bot"])["number"]
    pending = move(client, keys["admin"], number, "request_info", note="Envie o XML da nota").json()
    assert pending["status"] == "pending_customer"
    assert datetime.fromisoformat(pending["status_deadline"]) == MX.add_business_hours(MONDAY, 60)
    assert pending["first_response_at"] is not None
    clock.advance(hours=2)
    reply = client.post(
        f"/api/v1/tickets/{number}/comments",
        json={"body": "Segue o XML", "attachments": ["https://files.acme.com/nfe.xml"]},
        headers=ana(app, keys),
    ).json()
    assert reply["status"] == "open"
    assert reply["attachments"] == ["https://files.acme.com/nfe.xml"]
    assert [e["kind"] for e in reply["events"]][-2:] == ["comment", "customer_reply"]


def test_resolved_then_rejected_reopens_and_accepted_closes(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    number = create(client, keys["bot"])["number"]
    move(client, keys["admin"], number, "open")
    resolved = move(client, keys["admin"], number, "resolve").json()
    assert datetime.fromisoformat(resolved["status_deadline"]) == MX.add_business_hours(MONDAY, 84)
    assert move(client, ana(app, keys), number, "reject", note="Continua o erro").json()["status"] == "open"
    move(client, keys["admin"], number, "resolve")
    closed = move(client, ana(app, keys), number, "accept").json()
    assert closed["status"] == "closed" and closed["closed_at"] is not None


def test_waiting_on_a_development_issue_records_its_type(client: TestClient, keys: dict[str, str]) -> None:
    number = create(client, keys["bot"])["number"]
    move(client, keys["admin"], number, "open")
    missing = move(client, keys["admin"], number, "wait_third_party")
    assert missing.status_code == 409 and "third_party_type" in missing.json()["detail"]
    waiting = move(client, keys["admin"], number, "wait_third_party", third_party_type="legislation").json()
    assert (waiting["status"], waiting["third_party_type"]) == ("waiting_third_party", "legislation")
    assert move(client, keys["admin"], number, "third_party_done").json()["status"] == "open"


def test_an_invalid_transition_is_a_409_that_says_why(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    number = create(client, keys["bot"])["number"]
    response = move(client, ana(app, keys), number, "accept")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "cannot accept a ticket whose status is new; accept applies only to tickets in: resolved"
    )


def test_customers_cannot_do_support_actions(client: TestClient, keys: dict[str, str]) -> None:
    number = create(client, keys["acme"])["number"]
    assert move(client, keys["acme"], number, "resolve").status_code == 403


def test_deadlines_close_tickets_only_once_they_pass(
    app: FastAPI, client: TestClient, keys: dict[str, str], clock: ManualClock
) -> None:
    pending = create(client, keys["bot"])["number"]
    move(client, keys["admin"], pending, "request_info")
    resolved = create(client, keys["bot"])["number"]
    move(client, keys["admin"], resolved, "resolve")
    clock.set(MX.add_business_hours(MONDAY, 60) - timedelta(seconds=1))
    assert pending not in expire_once(app)
    clock.set(MX.add_business_hours(MONDAY, 60))
    assert pending in expire_once(app)
    assert pending not in expire_once(app)  # a second run does not close it again
    clock.set(MX.add_business_hours(MONDAY, 84))
    assert resolved in expire_once(app)
    ticket = client.get(f"/api/v1/tickets/{pending}", headers=ana(app, keys)).json()
    assert ticket["status"] == "closed"
    assert ticket["events"][-1]["body"] == "no answer from the customer within 60 business hours"


def test_one_satisfaction_survey_per_resolved_ticket(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    number = create(client, keys["bot"])["number"]
    survey = {"score": 5, "comment": "Rápido e claro"}
    early = client.post(f"/api/v1/tickets/{number}/csat", json=survey, headers=ana(app, keys))
    assert early.status_code == 409
    move(client, keys["admin"], number, "resolve")
    done = client.post(f"/api/v1/tickets/{number}/csat", json=survey, headers=ana(app, keys))
    assert done.json()["csat"]["score"] == 5
    again = client.post(f"/api/v1/tickets/{number}/csat", json=survey, headers=ana(app, keys))
    assert again.status_code == 409
    out_of_range = client.post(f"/api/v1/tickets/{number}/csat", json={"score": 6}, headers=ana(app, keys))
    assert out_of_range.status_code == 422


def test_a_follow_up_of_a_closed_ticket_is_a_new_linked_ticket_with_the_history(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    number = create(client, keys["bot"])["number"]
    body = {"description": "O erro voltou depois da atualização de ontem."}
    assert (
        client.post(f"/api/v1/tickets/{number}/follow-up", json=body, headers=ana(app, keys)).status_code
        == 409
    )
    move(client, keys["admin"], number, "resolve")
    move(client, ana(app, keys), number, "accept")
    response = client.post(f"/api/v1/tickets/{number}/follow-up", json=body, headers=ana(app, keys))
    assert response.status_code == 201
    follow = response.json()
    assert follow["follow_up_of"] == number and follow["number"] != number
    assert follow["status"] == "new"
    history = [event["body"] for event in follow["events"] if event["kind"] == "history"]
    assert any(f"#{number} accept" in (line or "") for line in history)


def test_a_similar_open_ticket_of_the_same_company_and_product_is_pointed_out(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    company = f"S{uuid.uuid4().hex[:8]}"
    customer = ana(app, keys, company_code=company)
    first = create(client, customer)
    second = create(client, customer, summary="NF-e com rejeição 539 ao transmitir")
    assert first["number"] in [ref["number"] for ref in second["similar_open_tickets"]]
    other_product = create(client, customer, product="RM")
    assert other_product["similar_open_tickets"] == []
    found = client.get(
        "/api/v1/tickets/similar",
        params={"company_code": company, "product": "protheus", "text": "rejeição 539 ao transmitir a NF-e"},
        headers=ana(app, keys, company_code=company),
    ).json()
    assert {ref["number"] for ref in found} >= {first["number"], second["number"]}
    unrelated = client.get(
        "/api/v1/tickets/similar",
        params={"company_code": company, "product": "protheus", "text": "relatório de estoque lento"},
        headers=ana(app, keys, company_code=company),
    ).json()
    assert unrelated == []


def test_the_priority_preview_gives_priority_due_times_and_definitions(client: TestClient) -> None:
    preview = client.get(
        "/api/v1/priority", params={"impact": "high", "urgency": "high", "language": "es"}
    ).json()
    assert preview["priority"] == "critical"
    assert datetime.fromisoformat(preview["resolution_due"]) == MX.add_business_hours(MONDAY, 12)
    assert preview["impact_definition"].startswith("Alto:")
    bad = client.get("/api/v1/priority", params={"impact": "huge", "urgency": "high"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "impact"]


def test_a_key_over_its_rate_limit_gets_429_with_retry_after(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    original = app.state.rate_limiter
    app.state.rate_limiter = RateLimiter(per_minute=2)
    try:
        statuses = [client.get("/api/v1/tickets/1", headers=as_(keys["admin"])).status_code for _ in range(3)]
    finally:
        app.state.rate_limiter = original
    assert statuses[-1] == 429
    assert 429 not in statuses[:2]


def test_the_impact_and_urgency_levels_are_explained_in_the_customer_language(client: TestClient) -> None:
    definitions = client.get("/api/v1/priority/definitions", params={"language": "en"}).json()
    assert set(definitions) == {"impact", "urgency"}
    assert set(definitions["urgency"]) == {"high", "medium", "low"}
    assert definitions["impact"]["high"].startswith("High:")


def test_an_unexpected_error_answers_500_without_a_stack_trace(app: FastAPI) -> None:
    def explode() -> None:
        raise RuntimeError("database password is hunter2")

    app.add_api_route("/test-explode", explode)
    response = TestClient(app, raise_server_exceptions=False).get("/test-explode")
    assert response.status_code == 500
    assert "reference" in response.json()["detail"]
    assert "hunter2" not in response.text and "Traceback" not in response.text


def test_secrets_typed_into_a_ticket_are_masked_before_storage(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    ticket = create(
        client,
        keys["bot"],
        description="Não consigo entrar no sistema. Minha senha: Segredo123 e CPF 123.456.789-09",
        transcript=[{"role": "user", "text": "a senha do banco é Segredo123"}],
    )
    stored = client.get(f"/api/v1/tickets/{ticket['number']}", headers=ana(app, keys)).text
    assert "Segredo123" not in stored and "123.456.789-09" not in stored
