"""Who may read and change a ticket: the attacks a chat user could try, refused by the API itself.

The bot's service key alone may search, open (unverified) tickets and report events; reading or
changing a ticket needs the verified customer who owns it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from api.auth import Principal, RateLimiter
from api.identity.models import CustomerContact
from api.tickets import service
from api.tickets.lifecycle import Action
from api.tickets.models import Ticket
from tests.support.tickets import customer_headers, ticket_body


def company() -> str:
    return f"C{uuid.uuid4().hex[:8]}"


def open_ticket(client: TestClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/tickets", json=ticket_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@pytest.fixture
def two_companies(app: FastAPI, client: TestClient, keys: dict[str, str]) -> dict[str, Any]:
    """Ana of company A and Bruno of company B, each with a ticket opened through the portal."""
    a, b = company(), company()
    ana = customer_headers(app, keys["bot"], company_code=a)
    bruno = customer_headers(app, keys["bot"], company_code=b, email="bruno@beta.com", name="Bruno Lima")
    return {
        "ana": ana,
        "bruno": bruno,
        "a": a,
        "b": b,
        "ticket_a": open_ticket(client, ana)["number"],
        "ticket_b": open_ticket(client, bruno)["number"],
    }


def test_the_service_key_alone_reads_no_ticket(
    client: TestClient, keys: dict[str, str], two_companies: Any
) -> None:
    bot = {"X-API-Key": keys["bot"]}
    number = two_companies["ticket_b"]
    calls = [
        client.get(f"/api/v1/tickets/{number}", headers=bot),
        client.post(f"/api/v1/tickets/{number}/comments", json={"body": "oi"}, headers=bot),
        client.post(f"/api/v1/tickets/{number}/transitions", json={"action": "accept"}, headers=bot),
        client.post(f"/api/v1/tickets/{number}/csat", json={"score": 1}, headers=bot),
        client.get(
            "/api/v1/tickets/similar",
            params={"company_code": two_companies["b"], "product": "Protheus", "text": "rejeição 539 NF-e"},
            headers=bot,
        ),
        client.get("/api/v1/tickets", params={"company_code": two_companies["b"]}, headers=bot),
    ]
    assert [call.status_code for call in calls] == [403] * len(calls)
    assert all("verified customer" in call.json()["detail"] for call in calls)


def test_a_verified_customer_reads_their_ticket_and_never_another_companys(
    client: TestClient, two_companies: Any
) -> None:
    ana, mine, theirs = two_companies["ana"], two_companies["ticket_a"], two_companies["ticket_b"]
    assert client.get(f"/api/v1/tickets/{mine}", headers=ana).json()["number"] == mine
    assert client.get(f"/api/v1/tickets/{theirs}", headers=ana).status_code == 404
    comment = client.post(f"/api/v1/tickets/{theirs}/comments", json={"body": "segue o log"}, headers=ana)
    assert comment.status_code == 404
    survey = client.post(f"/api/v1/tickets/{theirs}/csat", json={"score": 1}, headers=ana)
    assert survey.status_code == 404
    listed = client.get("/api/v1/tickets", params={"company_code": two_companies["b"]}, headers=ana).json()
    assert [item["number"] for item in listed["items"]] == [mine]


def test_a_comment_on_another_companys_pending_ticket_changes_nothing(
    client: TestClient, keys: dict[str, str], two_companies: Any
) -> None:
    theirs = two_companies["ticket_b"]
    admin = {"X-API-Key": keys["admin"]}
    client.post(f"/api/v1/tickets/{theirs}/transitions", json={"action": "request_info"}, headers=admin)
    client.post(
        f"/api/v1/tickets/{theirs}/comments", json={"body": "resolvido"}, headers=two_companies["ana"]
    )
    ticket = client.get(f"/api/v1/tickets/{theirs}", headers=admin).json()
    assert ticket["status"] == "pending_customer"
    assert [event["kind"] for event in ticket["events"]] == ["created", "request_info"]


def test_similar_ticket_hints_come_only_from_the_customers_own_tickets(
    client: TestClient, two_companies: Any
) -> None:
    ana, bruno = two_companies["ana"], two_companies["bruno"]
    again = open_ticket(client, ana, summary="NF-e com rejeição 539 ao transmitir")
    assert [ref["number"] for ref in again["similar_open_tickets"]] == [two_companies["ticket_a"]]
    # Asking about company B's code with Ana's identity still searches Ana's own tickets only.
    found = client.get(
        "/api/v1/tickets/similar",
        params={
            "company_code": two_companies["b"],
            "product": "Protheus",
            "text": "rejeição 539 ao transmitir",
        },
        headers=ana,
    ).json()
    assert two_companies["ticket_b"] not in [ref["number"] for ref in found]
    assert all(
        ref["number"] != two_companies["ticket_a"]
        for ref in open_ticket(client, bruno)["similar_open_tickets"]
    )


def test_an_anonymous_ticket_is_unverified_and_shows_no_similar_tickets(
    client: TestClient, keys: dict[str, str], two_companies: Any
) -> None:
    # A visitor typing company B's code gets a ticket, marked unverified, and learns nothing about B.
    forged = open_ticket(
        client, {"X-API-Key": keys["bot"]}, company_code=two_companies["b"], contact_email="bruno@beta.com"
    )
    assert forged["verified"] is False
    assert forged["similar_open_tickets"] == []


def test_a_verified_ticket_carries_the_identity_whatever_the_dialog_typed(
    client: TestClient, two_companies: Any
) -> None:
    typed = open_ticket(
        client,
        two_companies["ana"],
        company_code="EVIL",
        contact_email="x@evil.example",
        contact_name="Someone Else",
    )
    assert typed["verified"] is True
    assert (typed["company_code"], typed["contact_email"], typed["contact_name"]) == (
        two_companies["a"],
        "ana@acme.com",
        "Ana Souza",
    )


def test_an_expired_or_forged_identity_is_refused(
    app: FastAPI, client: TestClient, keys: dict[str, str], two_companies: Any
) -> None:
    number = two_companies["ticket_a"]
    headers = customer_headers(app, keys["bot"], company_code=two_companies["a"])
    app.state.clock.advance(minutes=61)
    expired = client.get(f"/api/v1/tickets/{number}", headers=headers)
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    token = headers["X-End-User-Token"]
    tampered = {**headers, "X-End-User-Token": token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")}
    assert client.get(f"/api/v1/tickets/{number}", headers=tampered).status_code == 401


def test_verified_tickets_teach_the_api_their_phone_and_unverified_ones_do_not(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    verified_phone, claimed_phone = (
        "+55 11 9" + uuid.uuid4().hex[:7].translate(str.maketrans("abcdef", "123456")),
        "+55 11 98888-0000",
    )
    code = company()
    open_ticket(client, customer_headers(app, keys["bot"], company_code=code), contact_phone=verified_phone)
    open_ticket(client, {"X-API-Key": keys["bot"]}, company_code=code, contact_phone=claimed_phone)
    with app.state.session_factory() as session:
        phones = set(
            session.scalars(select(CustomerContact.phone).where(CustomerContact.company_code == code))
        )
    assert phones == {"".join(filter(str.isdigit, verified_phone))}


def test_transition_notes_and_survey_comments_are_masked_before_storage(
    app: FastAPI, client: TestClient, keys: dict[str, str], two_companies: Any
) -> None:
    number, ana = two_companies["ticket_a"], two_companies["ana"]
    admin = {"X-API-Key": keys["admin"]}
    client.post(f"/api/v1/tickets/{number}/transitions", json={"action": "resolve"}, headers=admin)
    client.post(
        f"/api/v1/tickets/{number}/transitions",
        json={"action": "reject", "note": "minha senha: Tr0ub4dor"},
        headers=ana,
    )
    client.post(f"/api/v1/tickets/{number}/transitions", json={"action": "resolve"}, headers=admin)
    client.post(
        f"/api/v1/tickets/{number}/csat",
        json={"score": 2, "comment": "o CPF 123.456.789-09 vazou"},
        headers=ana,
    )
    stored = client.get(f"/api/v1/tickets/{number}", headers=admin).text
    assert "Tr0ub4dor" not in stored and "123.456.789-09" not in stored


def test_a_change_made_from_a_stale_copy_loses_instead_of_overwriting(
    app: FastAPI, client: TestClient, keys: dict[str, str], two_companies: Any
) -> None:
    number = two_companies["ticket_a"]
    rules, now = app.state.rules, app.state.clock.now()
    support = Principal(key_id=0, name="agent", company_code=None, is_admin=True)
    with app.state.session_factory() as first, app.state.session_factory() as second:
        stale = first.get_one(Ticket, number)
        stale.status  # noqa: B018 - loaded now, before the other request changes it
        service.transition(second, rules, support, second.get_one(Ticket, number), Action.OPEN, now)
        with pytest.raises(StaleDataError):
            service.transition(first, rules, support, stale, Action.RESOLVE, now)
    ticket = client.get(f"/api/v1/tickets/{number}", headers={"X-API-Key": keys["admin"]}).json()
    assert ticket["status"] == "open" and [e["kind"] for e in ticket["events"]] == ["created", "open"]


def test_a_lost_race_is_a_409_that_says_why(app: FastAPI) -> None:
    def lose() -> None:
        raise StaleDataError(
            "UPDATE statement on table 'tickets' expected to update 1 row(s); 0 were matched."
        )

    app.add_api_route("/test-lost-race", lose)
    response = TestClient(app).get("/test-lost-race")
    assert response.status_code == 409 and "changed by another request" in response.json()["detail"]


def test_each_end_user_has_their_own_rate_limit(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    original = app.state.end_user_limiter
    app.state.end_user_limiter = RateLimiter(per_minute=2)
    try:
        noisy = [
            client.get(
                "/api/v1/search",
                params={"q": "nota fiscal"},
                headers={"X-API-Key": keys["bot"], "X-End-User": "noisy"},
            ).status_code
            for _ in range(3)
        ]
        calm = client.get(
            "/api/v1/search",
            params={"q": "nota fiscal"},
            headers={"X-API-Key": keys["bot"], "X-End-User": "calm"},
        ).status_code
    finally:
        app.state.end_user_limiter = original
    assert noisy == [200, 200, 429] and calm == 200


def test_a_channels_key_is_limited_per_customer_not_for_all_of_them(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    original = app.state.rate_limiter
    app.state.rate_limiter = RateLimiter(per_minute=2)
    try:
        customers = [
            client.get(
                "/api/v1/search",
                params={"q": "nota fiscal"},
                headers={"X-API-Key": keys["bot"], "X-End-User": f"c{i}"},
            ).status_code
            for i in range(4)
        ]
        unnamed = [
            client.get("/api/v1/search", params={"q": "nota"}, headers={"X-API-Key": keys["bot"]}).status_code
            for _ in range(3)
        ]
    finally:
        app.state.rate_limiter = original
    assert customers == [200] * 4 and unnamed == [200, 200, 429]


def test_open_endpoints_are_limited_per_client_address(app: FastAPI, client: TestClient) -> None:
    original = app.state.client_limiter
    app.state.client_limiter = RateLimiter(per_minute=2)
    try:
        calls = [
            client.post("/api/v1/dialog/extract", json={"text": "erro na NF-e"}),
            client.post("/api/v1/privacy/mask", json={"text": "senha: x123"}),
            client.post("/api/v1/dialog/check", json={"field": "version", "value": "12.1.2410"}),
        ]
    finally:
        app.state.client_limiter = original
    assert [call.status_code for call in calls] == [200, 200, 429]
    assert "Retry-After" in calls[-1].headers
