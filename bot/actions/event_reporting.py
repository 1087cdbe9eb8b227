"""Reports what happens in a conversation to the API's insights (questions, feedback, tickets, handoffs).

The API masks personal data and pseudonymises the sender; a failure to report is logged and never
reaches the user.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa_sdk import Tracker

from actions.conversation import channel_of, language_of
from actions.customer_identity import support_api
from shared.languages import API_LANGUAGE


async def report(tracker: Tracker, kind: str, product: Optional[str] = None, **fields: Any) -> None:
    body: Dict[str, Any] = {
        "kind": kind,
        "conversation": tracker.sender_id,
        "channel": channel_of(tracker),
        "lang": API_LANGUAGE[language_of(tracker)],
        "product": product or tracker.get_slot("product"),
        **fields,
    }
    await support_api(tracker).record_event(body)
