"""Actions of the ticket dialog. Rules (validation, priority, SLA, duplicates) live in the API."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answer_kwargs, api_language
from actions.api_client import SupportApi, SupportApiError
from actions.insights import channel_of, report
from actions.labels import (
    country_name,
    field_label,
    lang,
    local_time,
    priority_label,
    status_texts,
    value_label,
)

log = logging.getLogger(__name__)

FIELDS = (
    "contact_name", "contact_email", "company_code", "product", "module", "version", "environment",
    "summary", "description", "since_when", "impact", "urgency", "attachments",
)  # fmt: skip
# Fields a knowledge question could never be an answer to: a failed answer there may be a question.
SHORT_FIELDS = ("contact_email", "company_code", "version", "environment", "impact", "urgency", "attachments")
# Free-text fields: their answers may mention other fields ("o módulo financeiro…") without correcting them.
FREE_TEXT_FIELDS = ("summary", "description", "since_when")
# A message needs this many words, or a recognisable detail, to describe a problem worth searching.
PROBLEM_MIN_WORDS = 6
CONTACT_FIELDS = ("contact_name", "contact_email", "company_code")
WORK_SLOTS = ("error_message", "problem_text", "kb_shown", "similar_ticket", "deflected", "ticket_stage")
MASK = "[•••]"


def language_of(tracker: Tracker) -> str:
    return lang(tracker.get_slot("language"))


def remind_privacy(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The channel masked a secret in this message: remind that support never asks for passwords."""
    if MASK in (tracker.latest_message.get("text") or ""):
        dispatcher.utter_message(response="utter_privacy_reminder")


def is_payload(text: str) -> bool:
    return text.startswith("/")


def reset_ticket(keep_contact: bool = True) -> List[EventType]:
    cleared = [f for f in FIELDS if not (keep_contact and f in CONTACT_FIELDS)]
    return [SlotSet(name, None) for name in (*cleared, *WORK_SLOTS)] + [SlotSet("requested_slot", None)]


async def show_best_answer(dispatcher: CollectingDispatcher, found: Dict[str, Any]) -> Dict[str, Any]:
    best = found["results"][0]
    dispatcher.utter_message(
        response="utter_kb_answer", **answer_kwargs(best["title"], best["section"], best["text"], best["url"])
    )
    return {
        "article_id": best["article_id"],
        "title": best["title"],
        "url": best["url"],
        "outcome": "not_solved",
    }


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
                result = await api.search(problem, k=1, lang=api_language(language))
                if result["confident"] and result["results"]:
                    dispatcher.utter_message(response="utter_ticket_deflect")
                    shown = await show_best_answer(dispatcher, result)
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
        for notice in await api.notices(product, api_language(language) or "pt-BR"):
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
                check = await api.check_field(field, str(value), api_language(language) or "pt-BR")
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
        if field in FREE_TEXT_FIELDS:
            return None
        found = await api.extract(text)
        named = found.get("field_named")
        value = found["fields"].get(named) if named else None
        if named not in FIELDS or named == field or value is None:
            return None
        check = await api.check_field(named, str(value), api_language(language) or "pt-BR")
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
                tracker.latest_message.get("text") or "", k=1, lang=api_language(language)
            )
        except SupportApiError:
            return False
        if not found["confident"] or not found["results"]:
            return False
        await show_best_answer(dispatcher, found)
        dispatcher.utter_message(response="utter_back_to_ticket")
        return True


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
        api = SupportApi()
        buttons = []
        events: List[EventType] = []
        try:
            preview = await api.priority(slots["impact"], slots["urgency"], api_language(language) or "pt-BR")
            similar = await api.similar(
                slots["company_code"], slots["product"], f"{slots['summary']} {slots['description']}"
            )
        except SupportApiError as exc:
            dispatcher.utter_message(response="utter_ticket_failed", reason=str(exc)[:120])
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
        return events


def channel_phone(tracker: Tracker) -> Optional[str]:
    """The phone number a messaging channel (WhatsApp) sent with the user's messages, if any."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (event.get("metadata") or {}).get("phone"):
            return str(event["metadata"]["phone"])
    return None


def transcript(tracker: Tracker) -> List[Dict[str, str]]:
    lines = []
    for event in tracker.events:
        if event.get("event") == "user" and event.get("text") and not str(event["text"]).startswith("/"):
            lines.append({"role": "user", "text": str(event["text"])[:5000]})
        elif event.get("event") == "bot" and event.get("text"):
            lines.append({"role": "bot", "text": str(event["text"])[:5000]})
    return lines[-400:]


class ActionCreateTicket(Action):
    """Open the ticket; the idempotency key makes a retried confirmation return the same ticket."""

    def name(self) -> Text:
        return "action_create_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = language_of(tracker)
        body: Dict[str, Any] = {field: tracker.get_slot(field) for field in FIELDS}
        body.update(
            language=api_language(language) or "pt-BR",
            channel=channel_of(tracker),
            contact_phone=channel_phone(tracker),
            error_message=tracker.get_slot("error_message"),
            articles_shown=tracker.get_slot("kb_shown") or [],
        )
        key = hashlib.sha256(f"{tracker.sender_id}|{json.dumps(body, sort_keys=True)}".encode()).hexdigest()
        body["transcript"] = transcript(tracker)
        try:
            ticket = await SupportApi().create_ticket(body, idempotency_key=key)
        except SupportApiError as exc:
            log.error("ticket creation failed: %s", exc)
            dispatcher.utter_message(response="utter_ticket_failed", reason=f"HTTP {exc.status or '-'}")
            return []
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


class ActionExplainField(Action):
    def name(self) -> Text:
        return "action_explain_field"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        field = tracker.get_slot("requested_slot") or "description"
        dispatcher.utter_message(response=f"utter_why_{field}")
        return []


def field_buttons(language: str) -> List[Dict[str, str]]:
    return [
        {"title": field_label(field, language), "payload": f'/edit_field{{"field": "{field}"}}'}
        for field in FIELDS
    ]


class ActionCorrectField(Action):
    """ "na verdade a urgência é alta": update the fields the message names, checked by the API."""

    def name(self) -> Text:
        return "action_correct_field"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        remind_privacy(dispatcher, tracker)
        language = language_of(tracker)
        api = SupportApi()
        text = tracker.latest_message.get("text") or ""
        try:
            found = await api.extract(text)
        except SupportApiError:
            found = {"fields": {}, "field_named": None}
        events: List[EventType] = []
        changes = []
        for field, value in found["fields"].items():
            if field not in FIELDS:
                continue
            check = await api.check_field(field, str(value), api_language(language) or "pt-BR")
            if check["valid"]:
                events.append(SlotSet(field, check["value"]))
                changes.append(f"{field_label(field, language)}: {value_label(check['value'], language)}")
        in_form = tracker.active_loop_name == "ticket_form"
        if changes:
            dispatcher.utter_message(response="utter_field_updated", changes="; ".join(changes))
            return events if in_form else [*events, FollowupAction("action_ticket_summary")]
        named = found.get("field_named")
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
        details = "\n".join(
            f"{field_label(field, language)}: {value_label(tracker.get_slot(field), language)}"
            for field in FIELDS
            if tracker.get_slot(field) is not None
        )
        try:
            ticket = await SupportApi().add_comment(int(number), details)
        except SupportApiError as exc:
            dispatcher.utter_message(response="utter_ticket_failed", reason=f"HTTP {exc.status or '-'}")
            return []
        status = status_texts(ticket["status"], language)["name"]
        dispatcher.utter_message(response="utter_added_to_ticket", number=ticket["number"], status=status)
        return reset_ticket()


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
            info = await SupportApi().contacts(api_language(language) or "pt-BR")
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
