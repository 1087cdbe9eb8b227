"""Validation of the ticket form's answers: read by the API, corrections and questions recognised.

An answer is taken as the answer: the API reads the field asked and every other detail the answer
states (name and e-mail together, product with module and version, a description's product and
impact), so the form asks only what is still missing. An answer that does not fit is asked again
saying why, at most twice (``actions/reasks.py``).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Set, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_messages import show_best_answer
from actions.conversation import language_of, remind_privacy
from actions.customer_identity import locked_fields, support_api
from actions.labels import field_label, value_label
from actions.message_edits import edited_answer
from actions.reasks import answered, reask, reask_counts
from actions.ticket_fields import FIELDS, FIELDS_THAT_MENTION_OTHERS, SHORT_FIELDS
from shared.languages import API_LANGUAGE
from shared.support_api import SupportApi, SupportApiError

log = logging.getLogger(__name__)
# Besides the fields, what an answer may fill: the error message quoted in a description.
EXTRA_SLOTS = ("error_message",)
# Fields one question asks for together: naming one of them in the answer is no correction.
ASKED_TOGETHER = {
    "contact_name": ("contact_name", "contact_email"),
    "product": ("product", "module", "version"),
}


class ValidateTicketForm(Action):
    """Read each new answer with the API; keep every valid detail; re-ask saying why."""

    def name(self) -> Text:
        return "validate_ticket_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        remind_privacy(dispatcher, tracker)
        language = language_of(tracker)
        api = support_api(tracker)
        # A verified customer's contact comes from their identity: never re-read, whatever is said.
        locked = locked_fields(tracker)
        candidates = {
            field: str(value)
            for field, value in tracker.slots_to_validate().items()
            if field in FIELDS and field not in locked and value is not None and not isinstance(value, list)
        }
        edit = edited_answer(tracker)
        events: List[EventType] = []
        if edit and edit[0] in FIELDS and edit[0] not in locked:
            # An edited message changes the answer it gave; the question asked now is asked again.
            events = [SlotSet(name, None) for name in candidates if name != edit[0]]
            candidates = {edit[0]: edit[1]}
        if not candidates:
            # Nothing answered ("cancelar", "why?"): the form must reject the turn so the
            # interruption's rule runs, so this action sets no slot at all.
            return []
        counts = reask_counts(tracker)
        filled = [f for f in FIELDS if tracker.get_slot(f) is not None and f not in candidates]
        for field, text in candidates.items():
            try:
                # "na verdade a urgência é alta" given for the customer code corrects another field.
                correction = await self._correction(api, field, text, language, set(locked))
                if correction:
                    dispatcher.utter_message(response="utter_field_updated", changes=correction[1])
                    events += [*correction[0], SlotSet(field, None)]
                    continue
                reading = await api.answer(field, text, API_LANGUAGE[language], filled)
            except SupportApiError as exc:
                log.warning("could not read the answer to %s, keeping it as given: %s", field, exc)
                continue
            values: Dict[str, Any] = {k: v for k, v in reading["values"].items() if k not in locked}
            events += [SlotSet(k, v) for k, v in values.items() if k in FIELDS or k in EXTRA_SLOTS]
            for done in values:
                counts = answered(counts, done)
            if edit and field in values:
                change = f"{field_label(field, language)}: {value_label(values[field], language)}"
                dispatcher.utter_message(response="utter_field_updated", changes=change)
            problem = reading.get("problem")
            if field not in values and problem is None:
                events.append(SlotSet(field, None))  # part of a joint question: the rest is asked next
            if problem is None:
                continue
            detour = field not in values and await self._answered_a_question(
                api, dispatcher, tracker, field, language
            )
            if detour:
                events.append(SlotSet(field, None))
                continue
            asked_again, counts = reask(
                dispatcher, tracker, counts, problem["field"], problem["message"], language
            )
            events += asked_again
        if counts != reask_counts(tracker):
            events.append(SlotSet("reasks", counts))
        return events

    @staticmethod
    async def _correction(
        api: SupportApi, field: str, text: str, language: str, locked: Set[str]
    ) -> Optional[Tuple[List[EventType], str]]:
        """ "na verdade a urgência é alta" given as the answer to another question: apply it there."""
        if field in FIELDS_THAT_MENTION_OTHERS:
            return None
        found = await api.extract(text)
        named = found.get("field_named")
        value = found["fields"].get(named) if named else None
        if (
            named not in FIELDS
            or named in locked
            or named in ASKED_TOGETHER.get(field, (field,))
            or value is None
        ):
            return None
        check = await api.check_field(named, str(value), API_LANGUAGE[language])
        if not check["valid"]:
            return None
        change = f"{field_label(named, language)}: {value_label(check['value'], language)}"
        return [SlotSet(named, check["value"])], change

    @staticmethod
    async def _answered_a_question(
        api: SupportApi, dispatcher: CollectingDispatcher, tracker: Tracker, field: str, language: str
    ) -> bool:
        """A knowledge question asked mid-form: answer it, then the form asks its question again."""
        intent = tracker.latest_message.get("intent") or {}
        if (
            field not in SHORT_FIELDS
            or intent.get("name") != "ask_support"
            or intent.get("confidence", 0) < 0.7
        ):
            return False
        try:
            found = await api.search(
                tracker.latest_message.get("text") or "", k=1, lang=API_LANGUAGE[language]
            )
        except SupportApiError:
            return False
        if not found["confident"] or not found["results"]:
            return False
        show_best_answer(dispatcher, found)
        dispatcher.utter_message(response="utter_back_to_ticket")
        return True
