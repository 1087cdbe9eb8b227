"""What every message decides before the dialog answers: the conversation's language and the
verified customer.

Rasa runs ``action_validate_slot_mappings`` after each message for slots with a custom mapping;
``extract_language`` fills the ``language`` slot, so every reply of that turn is already worded in it;
``extract_verified_identity`` takes the identity the channel verified, with the contact it locks.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.customer_identity import identity_slots
from shared.language_choice import CHANNEL, Evidence, choose_language, ordinary_words
from shared.languages import channel_language

# Answers to these questions are names, addresses and codes: they never move the language.
IDENTITY_QUESTIONS = ("contact_name", "contact_email", "company_code", "version", "attachments")


def message_evidence(tracker: Tracker) -> Optional[Evidence]:
    """The evidence the language detector found in the latest message, if any.

    A payload ("/greet", a button) skips the NLU pipeline, detector included: its only evidence is
    the language the channel declared (a widget opening with an initial payload on a Spanish page).
    """
    latest = tracker.latest_message
    if (latest.get("text") or "").startswith("/"):
        hint = channel_language(latest.get("metadata"))
        return Evidence(hint, CHANNEL, 0.5, 0) if hint else None
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "language" and entity.get("role"):
            words = len(ordinary_words(tracker.latest_message.get("text") or ""))
            return Evidence(
                str(entity["value"]), str(entity["role"]), float(entity.get("confidence_entity") or 0), words
            )
    return None


class ValidateSlotMappings(ValidationAction):
    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        current = tracker.get_slot("language")
        in_form = tracker.active_loop.get("name") is not None
        answering_identity = in_form and tracker.get_slot("requested_slot") in IDENTITY_QUESTIONS
        chosen = choose_language(current, message_evidence(tracker), answering_identity)
        return {"language": chosen} if chosen != current else {}

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        # The validation step of ValidationAction drops the form's own slots, so the contact the
        # identity locks (name, e-mail, company) is set here, next to the identity itself.
        from_identity = identity_slots(tracker)
        events = await super().run(dispatcher, tracker, domain)
        already = {event.get("name") for event in events if event.get("event") == "slot"}
        return [
            *events,
            *(SlotSet(slot, value) for slot, value in from_identity.items() if slot not in already),
        ]
