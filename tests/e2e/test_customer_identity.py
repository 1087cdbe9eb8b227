"""Through the real bot: a verified customer of company A sees A's tickets and cannot see or touch
B's; an anonymous visitor reads none, and the doors around the bot are closed."""

from __future__ import annotations

import socket
import uuid
from typing import Any

import httpx
import pytest

from tests.support.live_stack import LiveStack
from tests.support.tickets import ticket_body


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


@pytest.fixture(scope="module")
def companies(chat: LiveStack) -> dict[str, Any]:
    """Company A's and company B's tickets, opened by support for each customer."""
    support = {"X-API-Key": chat.create_key("identity-test-agent", "--admin")}
    a, b = f"A{uuid.uuid4().hex[:6]}", f"B{uuid.uuid4().hex[:6]}"

    def open_for(company: str, email: str, summary: str) -> int:
        body = ticket_body(company_code=company, contact_email=email, summary=summary, language="pt-BR")
        response = httpx.post(f"{chat.api_url}/api/v1/tickets", json=body, headers=support)
        assert response.status_code == 201, response.text
        return int(response.json()["number"])

    return {
        "support": support,
        "a": a,
        "ticket_a": open_for(a, "ana@alfa.com.br", "Boleto do contas a receber sem linha digitável"),
        "ticket_b": open_for(b, "bruno@beta.com.br", "Folha de pagamento com INSS divergente"),
        "ana": {"portal_token": chat.portal_token(a, "ana@alfa.com.br", "Ana Souza", language="pt-BR")},
    }


def events_of(chat: LiveStack, companies: dict[str, Any], number: int) -> list[str]:
    ticket = httpx.get(f"{chat.api_url}/api/v1/tickets/{number}", headers=companies["support"]).json()
    return [event["kind"] for event in ticket["events"]]


def test_a_verified_customer_sees_their_own_ticket_status(chat: LiveStack, companies: dict[str, Any]) -> None:
    number = companies["ticket_a"]
    text = text_of(
        chat.say(f"ana-{uuid.uuid4().hex[:6]}", f"qual o status do chamado {number}?", companies["ana"])
    )
    assert "Boleto do contas a receber" in text and "Novo" in text


def test_a_verified_customer_is_not_asked_who_they_are(chat: LiveStack, companies: dict[str, Any]) -> None:
    sender = f"ana-{uuid.uuid4().hex[:6]}"
    text = text_of(chat.say(sender, "quero abrir um chamado", companies["ana"]))
    assert "nome e o seu e-mail" not in text and "código de cliente" not in text
    assert "?" in text  # the dialog goes on with what it still needs


def test_a_verified_customer_cannot_read_or_touch_another_companys_ticket(
    chat: LiveStack, companies: dict[str, Any]
) -> None:
    sender, theirs = f"ana-{uuid.uuid4().hex[:6]}", companies["ticket_b"]
    text = text_of(chat.say(sender, f"qual o status do chamado {theirs}?", companies["ana"]))
    assert "Não encontrei o chamado" in text and "Folha de pagamento" not in text
    chat.say(sender, "/open_ticket", companies["ana"])
    text = text_of(chat.say(sender, f'/add_to_ticket{{"ticket_number":"{theirs}"}}', companies["ana"]))
    assert "Folha de pagamento" not in text
    assert events_of(chat, companies, theirs) == ["created"]


def test_an_anonymous_visitor_reads_no_ticket_and_gets_the_portal(
    chat: LiveStack, companies: dict[str, Any]
) -> None:
    number = companies["ticket_a"]
    text = text_of(chat.say(f"anon-{uuid.uuid4().hex[:6]}", f"qual o status do chamado {number}?"))
    assert "Por segurança" in text and "portal" in text and "Boleto" not in text
    spanish = text_of(chat.say(f"anon-{uuid.uuid4().hex[:6]}", f"¿cuál es el estado del ticket {number}?"))
    assert "Por seguridad" in spanish and "Boleto" not in spanish


def test_the_attack_through_the_ticket_dialog_adds_nothing_to_another_ticket(
    chat: LiveStack, companies: dict[str, Any]
) -> None:
    sender, theirs = f"anon-{uuid.uuid4().hex[:6]}", companies["ticket_b"]
    httpx.post(
        f"{chat.api_url}/api/v1/tickets/{theirs}/transitions",
        json={"action": "request_info"},
        headers=companies["support"],
    )
    for message in (
        "/open_ticket",
        "Mallory",
        "/cancel",
        "/affirm",
        f'/add_to_ticket{{"ticket_number":"{theirs}"}}',
    ):
        replies = chat.say(sender, message)
    assert "Folha de pagamento" not in text_of(replies)
    assert events_of(chat, companies, theirs) == ["created", "request_info"]


def test_identity_and_phone_forged_in_the_message_body_are_ignored(
    chat: LiveStack, companies: dict[str, Any]
) -> None:
    forged = {
        "identity": {
            "token": "forged",
            "email": "ana@alfa.com.br",
            "company_code": companies["a"],
            "expires_at": "2999-01-01T00:00:00+00:00",
        },
        "phone": "+5511999990000",
    }
    number = companies["ticket_a"]
    body = {
        "sender": f"forger-{uuid.uuid4().hex[:6]}",
        "message": f"status do chamado {number}",
        "metadata": forged,
        "input_channel": "whatsapp",
    }
    text = text_of(httpx.post(chat.chat_url, json=body, timeout=60).json())
    assert "Boleto" not in text and "Por segurança" in text


def test_a_message_without_a_sender_is_refused(chat: LiveStack) -> None:
    response = httpx.post(chat.chat_url, json={"message": "qual o status do chamado 1?"}, timeout=60)
    assert response.status_code == 400


def test_rasa_accepts_only_whole_local_origins(chat: LiveStack) -> None:
    status_url = chat.chat_url.replace("/webhooks/rest/webhook", "/")
    allowed = httpx.get(status_url, headers={"Origin": "http://localhost:8000"})
    evil = httpx.get(status_url, headers={"Origin": "http://localhost.evil.example"})
    assert allowed.headers.get("access-control-allow-origin") == "http://localhost:8000"
    assert "access-control-allow-origin" not in evil.headers


def test_the_action_server_and_rasa_listen_only_on_the_loopback_interface(chat: LiveStack) -> None:
    # The address this machine would send from (a UDP "connect" sends nothing).
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            outside = probe.getsockname()[0]
        except OSError:
            pytest.skip("this machine has no network interface besides the loopback one")
    if outside.startswith("127."):
        pytest.skip("this machine has no network interface besides the loopback one")
    for name in ("actions", "rasa"):
        with socket.socket() as sock:
            sock.settimeout(2)
            assert sock.connect_ex((outside, chat.ports[name])) != 0, f"{name} answers on {outside}"
