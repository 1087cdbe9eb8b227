"""The summary and the creation when the support API cannot be reached: a plain reply, nothing lost."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.ticket_confirm import ActionCreateTicket, ActionTicketSummary
from actions.ticket_fields import FIELDS

ANSWERS = {field: "x" for field in FIELDS}
ANSWERS.update(impact="high", urgency="high", environment="production", attachments=[])


def tracker_with_every_answer():
    latest = {"text": "sim", "intent": {"name": "affirm", "confidence": 1.0}, "entities": []}
    return Tracker("s1", {"language": "es", **ANSWERS}, latest, [], False, None, {}, "action_listen")


@pytest.fixture(autouse=True)
def api_down(monkeypatch):
    monkeypatch.setenv("SUPPORT_API_URL", "http://127.0.0.1:9")


@pytest.mark.asyncio
async def test_a_summary_without_the_api_says_so_without_internal_details():
    dispatcher = CollectingDispatcher()
    await ActionTicketSummary().run(dispatcher, tracker_with_every_answer(), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_ticket_failed" and message["reason"] == "HTTP -"


@pytest.mark.asyncio
async def test_a_failed_creation_keeps_the_summary_open_for_a_retry():
    dispatcher = CollectingDispatcher()
    events = await ActionCreateTicket().run(dispatcher, tracker_with_every_answer(), {})
    assert dispatcher.messages[0]["response"] == "utter_ticket_failed"
    assert {"event": "slot", "name": "ticket_stage", "value": "confirming"}.items() <= events[0].items()
