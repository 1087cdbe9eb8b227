"""The end of the ticket dialog: the summary to confirm, then create, cancel, not needed, or resume."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import channel_of, channel_phone, language_of, transcript
from actions.customer_identity import identity_of, support_api
from actions.event_reporting import report
from actions.labels import (
    field_label,
    local_time,
    priority_label,
    status_texts,
    unverified_heading,
    value_label,
)
from actions.ticket_fields import FIELDS, reset_ticket
from shared.languages import API_LANGUAGE
from shared.support_api import SupportApiError

log = logging.getLogger(__name__)


class ActionTicketSummary(Action):
    """Everything collected, the priority and due times from the API, and a similar open ticket if any."""

    def name(self) -> Text:
        return "action_ticket_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = language_of(tracker)
        slots = {field: tracker.get_slot(field) for field in FIELDS}
        if any(value is None for value in slots.values()):  # something was un-set: ask for it first
            return [FollowupAction("ticket_form")]
        api = support_api(tracker)
        buttons = []
        events: List[EventType] = []
        try:
            preview = await api.priority(slots["impact"], slots["urgency"], API_LANGUAGE[language])
            # Only a verified customer's own open tickets are hinted at; anonymous chats get none.
            similar = (
                await api.similar(
                    slots["company_code"], slots["product"], f"{slots['summary']} {slots['description']}"
                )
                if identity_of(tracker)
                else []
            )
        except SupportApiError as exc:
            log.error("ticket summary without priority: %s", exc)
            dispatcher.utter_message(response="utter_ticket_failed", reason=f"HTTP {exc.status or '-'}")
            return []
        if similar:
            other = similar[0]
            status = status_texts(other["status"], language)["name"]
            dispatcher.utter_message(
                response="utter_similar_ticket",
                number=other["number"],
                summary=other["summary"],
                status=status,
            )
            buttons.append(
                {
                    "title": f"#{other['number']} +",
                    "payload": f'/add_to_ticket{{"ticket_number": "{other["number"]}"}}',
                }
            )
            events.append(SlotSet("similar_ticket", other["number"]))
        kwargs = {field: value_label(value, language) for field, value in slots.items()}
        kwargs.update(
            priority=priority_label(preview["priority"], language),
            first_response_due=local_time(preview["first_response_due"], preview["time_zone"]),
            resolution_due=local_time(preview["resolution_due"], preview["time_zone"]),
        )
        dispatcher.utter_message(response="utter_ticket_summary", buttons=buttons, **kwargs)
        return [*events, SlotSet("ticket_stage", "confirming")]


class ActionCreateTicket(Action):
    """Open the ticket; the idempotency key makes a retried confirmation return the same ticket."""

    def name(self) -> Text:
        return "action_create_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = language_of(tracker)
        body: Dict[str, Any] = {field: tracker.get_slot(field) for field in FIELDS}
        body["description"] = with_unverified_note(
            body["description"], tracker.get_slot("unverified"), language
        )
        body.update(
            language=API_LANGUAGE[language],
            channel=channel_of(tracker),
            contact_phone=channel_phone(tracker),
            error_message=tracker.get_slot("error_message"),
            articles_shown=tracker.get_slot("kb_shown") or [],
        )
        key = hashlib.sha256(f"{tracker.sender_id}|{json.dumps(body, sort_keys=True)}".encode()).hexdigest()
        body["transcript"] = transcript(tracker)
        try:
            ticket = await support_api(tracker).create_ticket(body, idempotency_key=key)
        except SupportApiError as exc:
            log.error("ticket creation failed: %s", exc)
            # The summary stays open: "yes" (or the button) tries again with the same idempotency key.
            dispatcher.utter_message(response="utter_ticket_failed", reason=f"HTTP {exc.status or '-'}")
            return [SlotSet("ticket_stage", "confirming")]
        await report(tracker, "ticket_opened", product=ticket["product"], ticket_number=ticket["number"])
        dispatcher.utter_message(
            response="utter_ticket_created",
            number=ticket["number"],
            priority=priority_label(ticket["priority"], language),
            first_response_due=local_time(ticket["first_response_due"], ticket["time_zone"]),
            resolution_due=local_time(ticket["resolution_due"], ticket["time_zone"]),
            contact_email=ticket["contact_email"],
        )
        return [*reset_ticket(), SlotSet("created_ticket", ticket["number"])]


def with_unverified_note(description: Any, unverified: Any, language: str) -> Any:
    """The description, followed by the answers taken as the customer wrote them, for support to check."""
    if not unverified or not isinstance(description, str):
        return description
    lines = "\n".join(f"- {field_label(field, language)}: {said}" for field, said in unverified.items())
    return f"{description}\n\n{unverified_heading(language)}\n{lines}"


class ActionCancelTicket(Action):
    def name(self) -> Text:
        return "action_cancel_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_ticket_cancelled")
        return [ActiveLoop(None), *reset_ticket()]


class ActionTicketNotNeeded(Action):
    """The article offered before opening the ticket solved it."""

    def name(self) -> Text:
        return "action_ticket_not_needed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_glad_solved")
        return reset_ticket()


class ActionResumeTicket(Action):
    """After "don't cancel": back to the summary if everything is filled, else to the next question."""

    def name(self) -> Text:
        return "action_resume_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        complete = all(tracker.get_slot(field) is not None for field in FIELDS)
        return [FollowupAction("action_ticket_summary" if complete else "ticket_form")]
