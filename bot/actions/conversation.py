"""What the actions read from the conversation: its language, its channel, what was said."""

from __future__ import annotations

from typing import Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from shared.languages import language_code

# What the channels put in place of a secret they masked.
MASK = "[•••]"
# The ticket/insights channel name of each Rasa input channel.
CHANNELS = {"rest": "web", "socketio": "web", "whatsapp": "whatsapp"}


def language_of(tracker: Tracker) -> str:
    """The language code replies are worded in."""
    return language_code(tracker.get_slot("language"))


def channel_of(tracker: Tracker) -> str:
    """The ticket/insights channel name of the channel the user writes from."""
    return CHANNELS.get(tracker.get_latest_input_channel() or "", "api")


def remind_privacy(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The channel masked a secret in this message: remind that support never asks for passwords."""
    if MASK in (tracker.latest_message.get("text") or ""):
        dispatcher.utter_message(response="utter_privacy_reminder")


def is_payload(text: str) -> bool:
    """Whether the message is a button's payload (``/intent{…}``) rather than typed text."""
    return text.startswith("/")


def channel_phone(tracker: Tracker) -> Optional[str]:
    """The phone number a messaging channel (WhatsApp) sent with the user's messages, if any."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (event.get("metadata") or {}).get("phone"):
            return str(event["metadata"]["phone"])
    return None


def transcript(tracker: Tracker) -> List[Dict[str, str]]:
    """What the user typed and the bot said (button payloads left out), for the ticket."""
    lines = []
    for event in tracker.events:
        if event.get("event") == "user" and event.get("text") and not str(event["text"]).startswith("/"):
            lines.append({"role": "user", "text": str(event["text"])[:5000]})
        elif event.get("event") == "bot" and event.get("text"):
            lines.append({"role": "bot", "text": str(event["text"])[:5000]})
    return lines[-400:]


def last_article_shown(tracker: Tracker) -> Optional[str]:
    """The article the user's feedback ("it helped", "it did not") is about."""
    shown = tracker.get_slot("kb_shown") or []
    return shown[-1]["article_id"] if shown else None


def already_answered(tracker: Tracker) -> bool:
    """Whether the bot has already said something in reply to the customer's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            return True
    return False
