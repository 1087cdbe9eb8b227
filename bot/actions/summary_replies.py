"""What a customer means by a free-typed reply to the ticket summary.

The summary asks to confirm or change; customers answer in their own words ("si, confirmo",
"sim, pode abrir", "quero mudar o impacto"), which the classifier may read as a new request or a
knowledge question. While a summary waits, those replies confirm or change this ticket.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction

WORDS_PATH = Path(__file__).with_name("summary_words.yml")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _patterns() -> Dict[str, "re.Pattern[str]"]:
    data: Dict[str, List[str]] = yaml.safe_load(WORDS_PATH.read_text(encoding="utf-8"))
    return {
        key: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(_fold(w)) for w in words) + r")(?!\w)")
        for key, words in data.items()
    }


def waiting_for_confirmation(tracker: Tracker) -> bool:
    return tracker.active_loop_name is None and tracker.get_slot("ticket_stage") == "confirming"


def summary_reply(tracker: Tracker) -> Optional[List[EventType]]:
    """The next action for a typed reply to the summary, or None when it is something else."""
    if not waiting_for_confirmation(tracker):
        return None
    text = _fold(tracker.latest_message.get("text") or "")
    if _patterns()["change"].search(text):
        return [FollowupAction("action_correct_field")]
    if _patterns()["confirm"].search(text):
        return [FollowupAction("action_create_ticket")]
    return None
