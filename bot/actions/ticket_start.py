"""Starting a ticket: deflect once with the best article, then pre-fill what the user already said."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_messages import show_best_answer
from actions.conversation import is_payload, language_of, remind_privacy
from actions.labels import field_label, value_label
from actions.ticket_fields import FIELDS
from shared.languages import API_LANGUAGE
from shared.support_api import SupportApi, SupportApiError

log = logging.getLogger(__name__)

# A message needs this many words, or a recognisable detail, to describe a problem worth searching.
PROBLEM_MIN_WORDS = 6


class ActionStartTicket(Action):
    """Deflect once with the best article; then pre-fill what the user already said and start the form."""

    def name(self) -> Text:
        return "action_start_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        remind_privacy(dispatcher, tracker)
        language = language_of(tracker)
        text = (tracker.latest_message.get("text") or "").strip()
        events: List[EventType] = []
        problem = tracker.get_slot("problem_text")
        api = SupportApi()
        try:
            if not is_payload(text):
                stated = await api.extract(text)
                if len(text.split()) >= PROBLEM_MIN_WORDS or stated["fields"]:
                    problem = text
                    events.append(SlotSet("problem_text", text))
            found = await api.extract(problem) if problem else {"fields": {}}
            await self._announce_maintenance(api, dispatcher, found["fields"].get("product"), language)
            if problem and not tracker.get_slot("deflected"):
                result = await api.search(problem, k=1, lang=API_LANGUAGE[language])
                if result["confident"] and result["results"]:
                    dispatcher.utter_message(response="utter_ticket_deflect")
                    shown = show_best_answer(dispatcher, result)
                    dispatcher.utter_message(response="utter_ask_solved_or_ticket")
                    kb_shown = [*(tracker.get_slot("kb_shown") or []), shown]
                    return [
                        *events,
                        SlotSet("deflected", True),
                        SlotSet("kb_shown", kb_shown),
                        SlotSet("ticket_stage", "deflecting"),
                    ]
        except SupportApiError as exc:
            log.warning("ticket start without deflection or pre-fill: %s", exc)
            found = {"fields": {}}
        events += self._prefill(dispatcher, tracker, found["fields"], problem, language)
        dispatcher.utter_message(response="utter_ticket_intro")
        return [*events, SlotSet("deflected", True), SlotSet("ticket_stage", "collecting")]

    @staticmethod
    async def _announce_maintenance(
        api: SupportApi, dispatcher: CollectingDispatcher, product: Optional[str], language: str
    ) -> None:
        for notice in await api.notices(product, API_LANGUAGE[language]):
            dispatcher.utter_message(
                response="utter_maintenance_notice",
                title=notice["title"],
                summary=notice["summary"],
                contingency="\n".join(f"- {step}" for step in notice["contingency"]),
            )

    @staticmethod
    def _prefill(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        fields: Dict[str, Any],
        problem: Optional[str],
        language: str,
    ) -> List[EventType]:
        events: List[EventType] = []
        noted = []
        for field, value in fields.items():
            if field == "error_message":
                events.append(SlotSet("error_message", value))
            elif field in FIELDS and not tracker.get_slot(field):
                events.append(SlotSet(field, value))
                noted.append(f"{field_label(field, language)}: {value_label(value, language)}")
        # A problem statement makes a good title; a question ("qual o telefone…?") does not.
        if (
            problem
            and 5 <= len(problem) <= 200
            and not problem.rstrip().endswith("?")
            and not tracker.get_slot("summary")
        ):
            events.append(SlotSet("summary", problem))
            noted.append(f"{field_label('summary', language)}: {problem}")
        if noted:
            dispatcher.utter_message(response="utter_ticket_prefilled", fields="; ".join(noted))
        return events
