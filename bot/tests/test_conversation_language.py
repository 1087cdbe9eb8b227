"""The conversation's language as each message decides it, before the bot answers."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_language import ValidateSlotMappings


def after(text, metadata=None, language=None):
    latest = {"text": text, "intent": {"name": "greet"}, "entities": [], "metadata": metadata or {}}
    return Tracker("visitor", {"language": language}, latest, [], False, None, {}, "action_listen")


async def language_after(tracker):
    return await ValidateSlotMappings().extract_language(CollectingDispatcher(), tracker, {})


@pytest.mark.asyncio
async def test_a_widget_opening_with_a_payload_on_a_spanish_page_is_greeted_in_spanish():
    """ "/greet" skips the NLU pipeline, so the page's declared language is the only evidence."""
    assert await language_after(after("/greet", {"language": "es-AR"})) == {"language": "es"}


@pytest.mark.asyncio
async def test_a_payload_with_no_declared_language_decides_nothing():
    assert await language_after(after("/greet")) == {}


@pytest.mark.asyncio
async def test_a_button_pressed_later_does_not_move_a_conversation_already_in_portuguese():
    assert await language_after(after("/affirm", {"language": "es"}, language="pt")) == {}
