"""The verified customer in the actions: what fills and locks the contact, and what an anonymous
visitor is refused (the API refuses it too; these are the customer-facing answers)."""

from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import web
from channel_harness import free_socket
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_language import ValidateSlotMappings
from actions.customer_identity import IDENTITY_SLOT, identity_of, locked_fields, support_api
from actions.status_and_handoff import ActionTicketStatus
from actions.ticket_edit import ActionAddToTicket, ActionEditField
from actions.ticket_form_validation import ValidateTicketForm

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


DOMAIN = {
    "slots": {
        IDENTITY_SLOT: {"type": "any", "mappings": [{"type": "custom"}]},
        "language": {"type": "categorical", "mappings": [{"type": "custom"}]},
        # The form's slots: ValidationAction's own validation step would drop them.
        **{
            field: {
                "type": "any",
                "mappings": [{"type": "from_text", "conditions": [{"active_loop": "ticket_form"}]}],
            }
            for field in ("contact_name", "contact_email", "company_code")
        },
    },
    "forms": {"ticket_form": {"required_slots": ["contact_name", "contact_email", "company_code"]}},
}


@pytest.mark.asyncio
async def test_the_channels_identity_fills_and_locks_name_email_and_company():
    events = await ValidateSlotMappings().run(
        CollectingDispatcher(), tracker(metadata={"identity": ANA}), DOMAIN
    )
    found = {event["name"]: event["value"] for event in events if event["event"] == "slot"}
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


@pytest.mark.asyncio
async def test_the_form_keeps_the_verified_contact_it_was_given(monkeypatch):
    """Starting the form validates what is filled: the identity's contact is kept, never re-read."""

    async def nothing_read(request):  # the API finds no value in the answer
        return web.json_response({"values": {}, "problem": None, "fields": {}, "field_named": None})

    app = web.Application()
    app.router.add_post("/{path:.*}", nothing_read)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = free_socket()
    await web.SockSite(runner, sock).start()
    monkeypatch.setenv("SUPPORT_API_URL", f"http://127.0.0.1:{sock.getsockname()[1]}")
    contact = {"contact_name": "Ana Souza", "contact_email": "ana@acme.com", "company_code": "ACME"}
    events = [{"event": "user", "text": "quero abrir um chamado"}] + [
        {"event": "slot", "name": name, "value": value} for name, value in contact.items()
    ]
    latest = {"text": "quero abrir um chamado", "intent": {"name": "open_ticket"}, "entities": []}
    form = Tracker(
        "ana",
        {IDENTITY_SLOT: ANA, **contact},
        latest,
        events,
        False,
        None,
        {"name": "ticket_form"},
        "action_listen",
    )
    try:
        validated = await ValidateTicketForm().run(CollectingDispatcher(), form, {})
    finally:
        await runner.cleanup()
    assert not [event for event in validated if event.get("name") in contact]
