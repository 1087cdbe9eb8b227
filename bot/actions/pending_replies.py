"""What a customer means by a free-typed reply to a yes/no question the bot is waiting on.

The ticket summary asks to confirm or change, and "cancel the ticket?" asks yes or no; customers
answer in their own words ("si, confirmo", "sim, pode abrir", "quero mudar o impacto", "nao, vamos
continuar"), which the classifier may read as a new request, a knowledge question or even "cancel".
While such a question waits, those words answer it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction

from shared.phrases import fold, phrase_patterns

WORDS_PATH = Path(__file__).with_name("pending_words.yml")
CANCEL_QUESTION = "utter_ask_confirm_cancel"


@lru_cache(maxsize=1)
def _patterns() -> Dict[str, "re.Pattern[str]"]:
    return phrase_patterns(WORDS_PATH)


def waiting_for_confirmation(tracker: Tracker) -> bool:
    return tracker.active_loop_name is None and tracker.get_slot("ticket_stage") == "confirming"


def last_bot_action(tracker: Tracker) -> Optional[str]:
    """The last action the bot ran before the customer's latest message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return str(event.get("name"))
    return None


def pending_reply(tracker: Tracker) -> Optional[List[EventType]]:
    """The next action for a typed reply to the question the bot waits on, or None if there is none."""
    text = fold(tracker.latest_message.get("text") or "")
    if last_bot_action(tracker) == CANCEL_QUESTION:
        if _patterns()["keep_going"].search(text):
            return [FollowupAction("action_resume_ticket")]
        if _patterns()["drop"].search(text):
            return [FollowupAction("action_cancel_ticket")]
        return None
    if not waiting_for_confirmation(tracker):
        return None
    if _patterns()["change"].search(text):
        return [FollowupAction("action_correct_field")]
    if _patterns()["confirm"].search(text):
        return [FollowupAction("action_create_ticket")]
    return None
