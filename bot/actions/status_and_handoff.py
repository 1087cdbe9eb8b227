"""Outside the ticket dialog: an existing ticket's status, and how to reach a person."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of
from actions.customer_identity import identity_of, portal_link, support_api
from actions.event_reporting import report
from actions.labels import country_name, local_time, status_texts
from shared.languages import API_LANGUAGE
from shared.support_api import SupportApiError

# A ticket number on its own: "#24", "24", never a version ("11.8", "12.1.2310").
TICKET_NUMBER = re.compile(r"(?<![\d.])\d{1,9}(?![\d.]*\d)")


class ActionTicketStatus(Action):
    """Status of a ticket, what it means, and the customer's deadline when there is one.

    Only for the verified customer who owns the ticket (the API checks it): anonymous visitors get
    the portal, where they can sign in and see their tickets."""

    def name(self) -> Text:
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = language_of(tracker)
        text = tracker.latest_message.get("text") or ""
        try:
            if not text.startswith("/") and (await support_api(tracker).extract(text))["wants_ticket"]:
                # "… no entran al PMS 11.8 … Quiero abrir un ticket": a new ticket, not a status.
                return [FollowupAction("action_start_ticket")]
        except SupportApiError:
            pass  # the status lookup below says the system is unavailable if it still is
        match = TICKET_NUMBER.search(text)
        if not match:
            dispatcher.utter_message(response="utter_ask_ticket_number")
            return []
        number = int(match.group())
        if identity_of(tracker) is None:
            dispatcher.utter_message(
                response="utter_status_needs_identity", portal=await portal_link(language)
            )
            return []
        try:
            ticket = await support_api(tracker).ticket(number)
        except SupportApiError as exc:
            if exc.status == 404:
                dispatcher.utter_message(response="utter_ticket_not_yours", number=number)
            elif exc.status in (401, 403):  # the identity expired meanwhile
                dispatcher.utter_message(
                    response="utter_status_needs_identity", portal=await portal_link(language)
                )
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
            info = await support_api(tracker).contacts(API_LANGUAGE[language])
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
