"""How often a question was asked again, and what happens when an answer still does not fit.

No question is asked more than twice in a row after an answer that did not fit: the first re-ask
says why, the second adds an example and the offer of a person, and after that the answer is taken
as given (marked for support to check) or, where the ticket cannot hold it, a person is offered.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.labels import example_answer, field_label

EXPLAINED = "why:"  # key prefix: the field's "why is this needed" was shown for the current question
# What a field holds when its answer is taken as given; None: the ticket cannot hold a guess.
_TAKEN_AS_GIVEN: Dict[str, Callable[[str], Any]] = {
    "impact": lambda text: "medium",
    "urgency": lambda text: "medium",
    "attachments": lambda text: [],
    "company_code": lambda text: re.sub(r"[^A-Za-z0-9._-]", "", text)[:40] or None,
    "contact_name": lambda text: text.strip()[:200] if len(text.strip()) >= 2 else None,
    "product": lambda text: text.strip()[:80] if len(text.strip()) >= 2 else None,
    "module": lambda text: text.strip()[:80] if len(text.strip()) >= 2 else None,
    "version": lambda text: text.strip()[:40] or None,
    "since_when": lambda text: text.strip()[:200] or None,
}


def reask_counts(tracker: Tracker) -> Dict[str, int]:
    return dict(tracker.get_slot("reasks") or {})


def answered(counts: Dict[str, int], field: str) -> Dict[str, int]:
    """The counts once ``field`` has a valid answer: its question starts afresh next time."""
    return {key: n for key, n in counts.items() if key not in (field, EXPLAINED + field)}


def reask(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    counts: Dict[str, int],
    field: str,
    reason: str,
    language: str,
) -> Tuple[List[EventType], Dict[str, int]]:
    """Say why ``field``'s answer does not fit; on the third time, take it as given or offer a person.

    Returns the events and the new counts (for the ``reasks`` slot).
    """
    times = counts.get(field, 0) + 1
    label = field_label(field, language)
    if times < 3:
        dispatcher.utter_message(response="utter_invalid_answer", field=label, reason=reason)
        if times == 2:
            dispatcher.utter_message(response="utter_reask_help", example=example_answer(field, language))
        return [SlotSet(field, None)], {**counts, field: times}
    said = (tracker.latest_message.get("text") or "").strip()
    value = _taken_as_given(field, said)
    if value is None:
        dispatcher.utter_message(response="utter_reask_offer_person", field=label)
        return [SlotSet(field, None)], {**counts, field: 0}
    dispatcher.utter_message(response="utter_accepted_for_review", field=label)
    unverified = {**(tracker.get_slot("unverified") or {}), field: said[:500]}
    return [SlotSet(field, value), SlotSet("unverified", unverified)], answered(counts, field)


def _taken_as_given(field: str, said: str) -> Optional[Any]:
    taker = _TAKEN_AS_GIVEN.get(field)
    return taker(said) if taker and said else None
