"""A customer who edits a message they sent (WhatsApp's "edit") during the ticket form means to
change the answer that message gave, not to answer the question asked now.

The channel marks the edit's metadata with ``edits`` (the original's message id); the original is
found in the tracker by its message id, and the field asked just before it is the field it answered.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from rasa_sdk import Tracker


def _message_id(event: Dict[str, Any]) -> Optional[str]:
    metadata = event.get("metadata") or {}
    return event.get("message_id") or metadata.get("wa_message_id")


def edited_answer(tracker: Tracker) -> Optional[Tuple[str, str]]:
    """(the field the edited message had answered, the new text), or None for any other message."""
    latest = tracker.latest_message or {}
    original = (latest.get("metadata") or {}).get("edits")
    text = (latest.get("text") or "").strip()
    if not original or not text:
        return None
    asked: Optional[str] = None
    for event in tracker.events:
        if event.get("event") == "slot" and event.get("name") == "requested_slot":
            asked = event.get("value")
        elif event.get("event") == "active_loop" and event.get("name") is None:
            asked = None  # the form ended: what follows answers no field
        elif event.get("event") == "user" and _message_id(event) == original:
            return (asked, text) if asked else None
    return None
