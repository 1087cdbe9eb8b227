"""Validation of the ticket form's answers: checked by the API, corrections and questions recognised."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_messages import show_best_answer
from actions.conversation import language_of, remind_privacy
from actions.labels import field_label, value_label
from actions.ticket_fields import FIELDS, FIELDS_THAT_MENTION_OTHERS, SHORT_FIELDS
from shared.languages import API_LANGUAGE
from shared.support_api import SupportApi, SupportApiError

log = logging.getLogger(__name__)


class ValidateTicketForm(Action):
    """Check each new answer with the API; re-ask saying why, keep the valid ones."""

    def name(self) -> Text:
        return "validate_ticket_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        remind_privacy(dispatcher, tracker)
        language = language_of(tracker)
        api = SupportApi()
        events: List[EventType] = []
        for field, value in tracker.slots_to_validate().items():
            if field not in FIELDS or value is None:
                continue
            if isinstance(value, list):  # already normalised (attachments)
                continue
            try:
                correction = await self._correction(api, field, str(value), language)
                if correction:
                    dispatcher.utter_message(response="utter_field_updated", changes=correction[1])
                    events += [*correction[0], SlotSet(field, None)]
                    continue
                check = await api.check_field(field, str(value), API_LANGUAGE[language])
            except SupportApiError as exc:
                log.warning("could not check %s, keeping the answer: %s", field, exc)
                continue
            if check["valid"]:
                events.append(SlotSet(field, check["value"]))
                continue
            if not await self._answered_a_question(api, dispatcher, tracker, field, language):
                dispatcher.utter_message(
                    response="utter_invalid_answer",
                    field=field_label(field, language),
                    reason=check["message"],
                )
            events.append(SlotSet(field, None))
        return events

    @staticmethod
    async def _correction(
        api: SupportApi, field: str, text: str, language: str
    ) -> Optional[Tuple[List[EventType], str]]:
        """ "na verdade a urgência é alta" given as the answer to another question: apply it there."""
        if field in FIELDS_THAT_MENTION_OTHERS:
            return None
        found = await api.extract(text)
        named = found.get("field_named")
        value = found["fields"].get(named) if named else None
        if named not in FIELDS or named == field or value is None:
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
