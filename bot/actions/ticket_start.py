"""Starting a ticket: deflect once with the best article, then pre-fill what the user already said."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_messages import show_best_answer
from actions.conversation import is_payload, language_of, remind_privacy
from actions.customer_identity import support_api
from actions.labels import field_label, value_label
from actions.pending_replies import waiting_for_confirmation
from actions.ticket_fields import FIELDS
from shared.languages import API_LANGUAGE
from shared.support_api import SupportApi, SupportApiError

log = logging.getLogger(__name__)

MIN_DESCRIPTION_CHARS = 10  # the API's minimum: a shorter problem is asked for instead


class ActionStartTicket(Action):
    """Deflect once with the best article; then pre-fill what the user already said and start the form."""

    def name(self) -> Text:
        return "action_start_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if waiting_for_confirmation(tracker):  # "sim, pode abrir" at the summary: open this ticket
            return [FollowupAction("action_create_ticket")]
        if tracker.active_loop_name == "ticket_form":  # an answer of the form read as a new request
            return [FollowupAction("ticket_form")]
        remind_privacy(dispatcher, tracker)
        language = language_of(tracker)
        text = (tracker.latest_message.get("text") or "").strip()
        if (tracker.latest_message.get("intent") or {}).get("name") in ("deny", "affirm"):
            text = ""  # "não resolveu" to the article is feedback, not the problem: keep the one told
        events: List[EventType] = []
        problem = tracker.get_slot("problem_text")  # a problem told earlier, e.g. a question left unanswered
        stated: Dict[str, Any] = {"fields": {}, "summary": None, "description": None}
        api = support_api(tracker)
        try:
            found = await api.extract(text) if text and not is_payload(text) else stated
            if found["description"] or found["fields"]:
                stated = found
                problem = found["description"] or problem
                events.append(SlotSet("problem_text", problem))
            elif problem:  # "open a ticket" (or "no" to the article) after the problem was told
                stated = await api.extract(problem)
            await self._announce_maintenance(api, dispatcher, stated["fields"].get("product"), language)
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
        events += self._prefill(dispatcher, tracker, stated, language)
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
        dispatcher: CollectingDispatcher, tracker: Tracker, stated: Dict[str, Any], language: str
    ) -> List[EventType]:
        """Every detail the customer already gave; the title is written from the problem, never from
        the request ("quero abrir um chamado"), and is asked when the message holds no problem."""
        found = dict(stated["fields"])
        if stated.get("summary"):
            found["summary"] = stated["summary"]
        if stated.get("description") and len(stated["description"]) >= MIN_DESCRIPTION_CHARS:
            found["description"] = stated["description"]
        events: List[EventType] = []
        noted = []
        for field, value in found.items():
            if field == "error_message":
                events.append(SlotSet("error_message", value))
            elif field in FIELDS and not tracker.get_slot(field):
                events.append(SlotSet(field, value))
                noted.append(f"{field_label(field, language)}: {value_label(value, language)}")
        if noted:
            dispatcher.utter_message(response="utter_ticket_prefilled", fields="; ".join(noted))
        return events
