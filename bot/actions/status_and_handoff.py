"""Outside the ticket dialog: an existing ticket's status, and how to reach a person."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of
from actions.event_reporting import report
from actions.labels import country_name, local_time, status_texts
from shared.languages import API_LANGUAGE
from shared.support_api import SupportApi, SupportApiError


class ActionTicketStatus(Action):
    """Status of a ticket, what it means, and the customer's deadline when there is one."""

    def name(self) -> Text:
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = language_of(tracker)
        match = re.search(r"\d{1,9}", tracker.latest_message.get("text") or "")
        if not match:
            dispatcher.utter_message(response="utter_ask_ticket_number")
            return []
        number = int(match.group())
        try:
            ticket = await SupportApi().ticket(number)
        except SupportApiError as exc:
            if exc.status == 404:
                dispatcher.utter_message(response="utter_ticket_not_found", number=number)
            else:
                dispatcher.utter_message(response="utter_kb_unavailable")
            return []
        texts = status_texts(ticket["status"], language)
        dispatcher.utter_message(
            response="utter_ticket_status",
            number=number,
            summary=ticket["summary"],
            status=texts["name"],
            meaning=texts["meaning"],
        )
        if ticket.get("status_deadline"):
            dispatcher.utter_message(
                response="utter_status_deadline",
                deadline=local_time(ticket["status_deadline"], ticket["time_zone"]),
            )
        return []


class ActionHumanHandoff(Action):
    """Phones, e-mail, portal and service hours, and the offer to open the ticket now."""

    def name(self) -> Text:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = language_of(tracker)
        await report(tracker, "handoff")
        try:
            info = await SupportApi().contacts(API_LANGUAGE[language])
        except SupportApiError:
            dispatcher.utter_message(response="utter_kb_unavailable")
            return []
        phones = "\n".join(
            f"- {country_name(code, language)}: {number}" for code, number in info["phones"].items()
        )
        dispatcher.utter_message(
            response="utter_human_contacts",
            phones=phones,
            email=info["email"],
            portal=info["portal"],
            hours=info["hours"],
        )
        return []
