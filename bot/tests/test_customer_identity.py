"""The verified customer in the actions: what fills and locks the contact, and what an anonymous
visitor is refused (the API refuses it too; these are the customer-facing answers)."""

from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_language import ValidateSlotMappings
from actions.customer_identity import IDENTITY_SLOT, identity_of, locked_fields, support_api
from actions.status_and_handoff import ActionTicketStatus
from actions.ticket_edit import ActionAddToTicket, ActionEditField

SOON = (datetime.now(timezone.utc) + timedelta(minutes=30)).isoformat()
ANA = {
    "token": "api-signed-identity",
    "expires_at": SOON,
    "name": "Ana Souza",
    "email": "ana@acme.com",
    "company_code": "ACME",
    "proof": "portal",
    "country": "BR",
    "language": "pt-BR",
    "phone": None,
}


def tracker(text="oi", metadata=None, slots=None, entities=None):
    latest = {"text": text, "intent": {"name": "ask_status", "confidence": 1.0}, "entities": entities or []}
    if metadata is not None:
        latest["metadata"] = metadata
    return Tracker(
        "visitor-1", {"language": "pt", **(slots or {})}, latest, [], False, None, {}, "action_listen"
    )


@pytest.fixture(autouse=True)
def api_down(monkeypatch):
    monkeypatch.setenv("SUPPORT_API_URL", "http://127.0.0.1:9")


@pytest.mark.asyncio
async def test_the_channels_identity_fills_and_locks_name_email_and_company():
    extract = ValidateSlotMappings().extract_verified_identity
    found = await extract(CollectingDispatcher(), tracker(metadata={"identity": ANA}), {})
    assert found[IDENTITY_SLOT]["token"] == "api-signed-identity"
    assert (found["contact_name"], found["contact_email"], found["company_code"]) == (
        "Ana Souza",
        "ana@acme.com",
        "ACME",
    )
    kept = tracker(slots={IDENTITY_SLOT: found[IDENTITY_SLOT]})
    assert set(locked_fields(kept)) == {"contact_name", "contact_email", "company_code"}
    assert support_api(kept).headers["X-End-User-Token"] == "api-signed-identity"
    assert support_api(kept).headers["X-End-User"] == "visitor-1"


def test_an_expired_or_malformed_identity_is_nobody():
    expired = {**ANA, "expires_at": (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()}
    assert identity_of(tracker(metadata={"identity": expired})) is None
    assert identity_of(tracker(metadata={"identity": "forged"})) is None
    assert "X-End-User-Token" not in support_api(tracker(metadata={"identity": expired})).headers


@pytest.mark.asyncio
async def test_an_anonymous_status_question_gets_the_portal_never_a_ticket():
    dispatcher = CollectingDispatcher()
    await ActionTicketStatus().run(dispatcher, tracker("qual o status do chamado 24?"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_status_needs_identity"


@pytest.mark.asyncio
async def test_an_anonymous_visitor_cannot_add_to_a_ticket_by_its_number():
    dispatcher = CollectingDispatcher()
    forged = tracker(
        "/add_to_ticket",
        entities=[{"entity": "ticket_number", "value": "32"}],
        slots={"summary": "Erro na NF-e"},
    )
    events = await ActionAddToTicket().run(dispatcher, forged, {})
    assert dispatcher.messages[0]["response"] == "utter_add_needs_identity"
    assert {"event": "followup", "name": "action_ticket_summary"}.items() <= events[-1].items()


@pytest.mark.asyncio
async def test_a_verified_customer_cannot_retype_the_company_of_their_login():
    dispatcher = CollectingDispatcher()
    verified = tracker(
        "/edit_field",
        entities=[{"entity": "field", "value": "company_code"}],
        slots={IDENTITY_SLOT: ANA, "company_code": "ACME"},
    )
    events = await ActionEditField().run(dispatcher, verified, {})
    assert dispatcher.messages[0]["response"] == "utter_identity_field_locked"
    assert not any(event.get("name") == "company_code" for event in events)
