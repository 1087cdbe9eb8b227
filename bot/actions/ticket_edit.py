"""Changing the ticket under way: why a field is asked, corrections, picking a field to redo, and
adding the details to a similar open ticket instead."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of, remind_privacy
from actions.customer_identity import identity_of, locked_fields, portal_link, support_api
from actions.labels import field_label, status_texts, value_label
from actions.reasks import EXPLAINED, reask_counts
from actions.ticket_fields import FIELDS, field_buttons, reset_ticket
from shared.languages import API_LANGUAGE
from shared.support_api import SupportApiError


def say_locked(dispatcher: CollectingDispatcher, field: str, language: str) -> None:
    """The verified identity fixes this field: say so instead of changing it."""
    dispatcher.utter_message(response="utter_identity_field_locked", field=field_label(field, language))


class ActionExplainField(Action):
    """Why a question is asked; asked "why" again for the same question, the message is the answer."""

    def name(self) -> Text:
        return "action_explain_field"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        field = tracker.get_slot("requested_slot") or "description"
        counts = reask_counts(tracker)
        said = (tracker.latest_message.get("text") or "").strip()
        if counts.get(EXPLAINED + field) and said:
            # Explained already and the customer answers again: this is the answer, not a question.
            return [SlotSet(field, said)]
        dispatcher.utter_message(response=f"utter_why_{field}")
        return [SlotSet("reasks", {**counts, EXPLAINED + field: 1})]


class ActionCorrectField(Action):
    """ "na verdade a urgência é alta": update the fields the message names, checked by the API."""

    def name(self) -> Text:
        return "action_correct_field"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if tracker.active_loop_name is None and tracker.get_slot("ticket_stage") is None:
            # No ticket under way: a message naming details is a problem report, not a correction.
            return [FollowupAction("action_search_knowledge")]
        remind_privacy(dispatcher, tracker)
        language = language_of(tracker)
        api = support_api(tracker)
        text = tracker.latest_message.get("text") or ""
        try:
            found = await api.extract(text)
        except SupportApiError:
            found = {"fields": {}, "field_named": None}
        events: List[EventType] = []
        changes = []
        locked = locked_fields(tracker)
        for field, value in found["fields"].items():
            if field not in FIELDS:
                continue
            if field in locked:
                say_locked(dispatcher, field, language)
                continue
            check = await api.check_field(field, str(value), API_LANGUAGE[language])
            if check["valid"]:
                events.append(SlotSet(field, check["value"]))
                changes.append(f"{field_label(field, language)}: {value_label(check['value'], language)}")
        in_form = tracker.active_loop_name == "ticket_form"
        if changes:
            dispatcher.utter_message(response="utter_field_updated", changes="; ".join(changes))
            return events if in_form else [*events, FollowupAction("action_ticket_summary")]
        named = found.get("field_named")
        if named in locked:
            say_locked(dispatcher, named, language)
            return [] if in_form else [FollowupAction("action_ticket_summary")]
        if named in FIELDS:  # the field is named but its new value is not in the message: ask for it
            return (
                [SlotSet(named, None), FollowupAction("ticket_form")]
                if not in_form
                else [SlotSet(named, None)]
            )
        dispatcher.utter_message(response="utter_field_not_understood", buttons=field_buttons(language))
        return []


class ActionAskFieldToEdit(Action):
    def name(self) -> Text:
        return "action_ask_field_to_edit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(
            response="utter_ask_field_to_edit", buttons=field_buttons(language_of(tracker))
        )
        return []


class ActionEditField(Action):
    """Forget one answer and let the form ask for it again (then the summary comes back)."""

    def name(self) -> Text:
        return "action_edit_field"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        field = next(tracker.get_latest_entity_values("field"), None)
        if isinstance(field, str) and field in locked_fields(tracker):
            say_locked(dispatcher, field, language_of(tracker))
            return [FollowupAction("action_ticket_summary")]
        if field not in FIELDS:
            dispatcher.utter_message(
                response="utter_ask_field_to_edit", buttons=field_buttons(language_of(tracker))
            )
            return []
        return [SlotSet(field, None)]


class ActionAddToTicket(Action):
    """One event per ticket: the new details go to the similar open ticket instead of a new one."""

    def name(self) -> Text:
        return "action_add_to_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        number = next(tracker.get_latest_entity_values("ticket_number"), None) or tracker.get_slot(
            "similar_ticket"
        )
        if not number:
            return [FollowupAction("action_ticket_summary")]
        language = language_of(tracker)
        if identity_of(tracker) is None:  # only a verified customer may add to (their own) ticket
            dispatcher.utter_message(response="utter_add_needs_identity", portal=await portal_link(language))
            return [SlotSet("similar_ticket", None), FollowupAction("action_ticket_summary")]
        details = "\n".join(
            f"{field_label(field, language)}: {value_label(tracker.get_slot(field), language)}"
            for field in FIELDS
            if tracker.get_slot(field) is not None
        )
        try:
            ticket = await support_api(tracker).add_comment(int(number), details)
        except SupportApiError as exc:
            if exc.status in (401, 403, 404):  # not this customer's ticket (or the identity expired)
                dispatcher.utter_message(response="utter_ticket_not_yours", number=number)
                return [SlotSet("similar_ticket", None), FollowupAction("action_ticket_summary")]
            dispatcher.utter_message(response="utter_ticket_failed", reason=f"HTTP {exc.status or '-'}")
            return []
        status = status_texts(ticket["status"], language)["name"]
        dispatcher.utter_message(response="utter_added_to_ticket", number=ticket["number"], status=status)
        return reset_ticket()
