"""Reports what happens in a conversation to the API's insights (questions, feedback, tickets, handoffs).

The API masks personal data and pseudonymises the sender; a failure to report is logged and never
reaches the user.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa_sdk import Tracker

from actions.answers import api_language
from actions.api_client import SupportApi

CHANNELS = {"rest": "web", "socketio": "web", "whatsapp": "whatsapp"}


def channel_of(tracker: Tracker) -> str:
    """The ticket/insights channel name of the channel the user writes from."""
    return CHANNELS.get(tracker.get_latest_input_channel() or "", "api")


async def report(tracker: Tracker, kind: str, product: Optional[str] = None, **fields: Any) -> None:
    body: Dict[str, Any] = {
        "kind": kind,
        "conversation": tracker.sender_id,
        "channel": channel_of(tracker),
        "lang": api_language(tracker.get_slot("language")) or "pt-BR",
        "product": product or tracker.get_slot("product"),
        **fields,
    }
    await SupportApi().record_event(body)


def last_article_shown(tracker: Tracker) -> Optional[str]:
    shown = tracker.get_slot("kb_shown") or []
    return shown[-1]["article_id"] if shown else None
