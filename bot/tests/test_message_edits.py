"""A customer who edits an answer they sent during the ticket form changes that answer; the question
asked now is asked again."""

from typing import Any, Dict, List

import pytest
import pytest_asyncio
from aiohttp import web
from channel_harness import free_socket
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.message_edits import edited_answer
from actions.ticket_form_validation import ValidateTicketForm


def form_tracker(events: List[Dict[str, Any]], slots: Dict[str, Any]) -> Tracker:
    latest = next(event for event in reversed(events) if event["event"] == "user")
    return Tracker(
        "5511988887777",
        {"language": "pt", **slots},
        {**latest, "intent": {"name": "nlu_fallback", "confidence": 0.5}, "entities": []},
        events,
        False,
        None,
        {"name": "ticket_form"},
        "action_listen",
    )


def asked(field: str) -> Dict[str, Any]:
    return {"event": "slot", "name": "requested_slot", "value": field}


def said(text: str, message_id: str, **metadata: Any) -> Dict[str, Any]:
    return {"event": "user", "text": text, "message_id": message_id, "metadata": metadata}


def filled(field: str, value: str) -> Dict[str, Any]:
    return {"event": "slot", "name": field, "value": value}


# The e-mail was answered with a typo, the product was asked next, and the customer edited the e-mail.
EDITED_EMAIL = [
    asked("contact_email"),
    said("ana@acme.con", "wamid.1"),
    filled("contact_email", "ana@acme.con"),
    asked("product"),
    said("ana@acme.com", "wamid.2", edits="wamid.1"),
    filled("product", "ana@acme.com"),
]


@pytest_asyncio.fixture
async def dialog_api(monkeypatch):
    """The support API's dialog routes: every answer is read as valid for the field asked."""
    asked_to_read: List[Dict[str, Any]] = []

    async def answer(request: web.Request) -> web.Response:
        body = await request.json()
        asked_to_read.append(body)
        return web.json_response({"values": {body["field"]: body["value"]}, "problem": None})

    async def extract(request: web.Request) -> web.Response:
        return web.json_response({"fields": {}, "field_named": None})

    app = web.Application()
    app.router.add_post("/api/v1/dialog/answer", answer)
    app.router.add_post("/api/v1/dialog/extract", extract)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = free_socket()
    await web.SockSite(runner, sock).start()
    monkeypatch.setenv("SUPPORT_API_URL", f"http://127.0.0.1:{sock.getsockname()[1]}")
    yield asked_to_read
    await runner.cleanup()


def test_an_edit_is_known_as_the_answer_to_the_field_its_original_answered():
    tracker = form_tracker(EDITED_EMAIL, {"requested_slot": "product"})
    assert edited_answer(tracker) == ("contact_email", "ana@acme.com")


def test_an_edit_of_a_message_sent_before_the_form_answers_no_earlier_field():
    events = [said("oi", "wamid.0"), asked("product"), said("Protheus", "wamid.3", edits="wamid.0")]
    assert edited_answer(form_tracker(events, {"requested_slot": "product"})) is None


def test_a_message_that_edits_nothing_is_an_ordinary_answer():
    events = [asked("product"), said("Protheus", "wamid.3")]
    assert edited_answer(form_tracker(events, {"requested_slot": "product"})) is None


@pytest.mark.asyncio
async def test_editing_the_email_replaces_it_and_the_product_is_asked_again(dialog_api):
    tracker = form_tracker(
        EDITED_EMAIL,
        {"requested_slot": "product", "contact_email": "ana@acme.con", "product": "ana@acme.com"},
    )
    dispatcher = CollectingDispatcher()

    events = await ValidateTicketForm().run(dispatcher, tracker, {})

    assert [(read["field"], read["value"]) for read in dialog_api] == [("contact_email", "ana@acme.com")]
    slots = {event["name"]: event["value"] for event in events if event["event"] == "slot"}
    assert slots["contact_email"] == "ana@acme.com"
    assert slots["product"] is None  # the edit was no answer to the product: asked again
    updated = [m for m in dispatcher.messages if m["response"] == "utter_field_updated"]
    assert updated and "ana@acme.com" in updated[0]["changes"]
