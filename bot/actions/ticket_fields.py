"""The ticket's fields, read from the form in ``domain/ticket.yml`` so the bot has one list of them.

The API keeps its own list of dialog fields; a test outside the bot checks the two agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import yaml
from rasa_sdk.events import EventType, SlotSet

from actions.labels import field_label

TICKET_DOMAIN = Path(__file__).resolve().parent.parent / "domain" / "ticket.yml"
FORM = "ticket_form"


def form_fields(domain_path: Path = TICKET_DOMAIN, form: str = FORM) -> Tuple[str, ...]:
    """The slots a form asks for, in the order it asks."""
    domain = yaml.safe_load(domain_path.read_text(encoding="utf-8"))
    return tuple(str(slot) for slot in domain["forms"][form]["required_slots"])


FIELDS = form_fields()
# Fields a knowledge question could never be an answer to: a failed answer there may be a question.
SHORT_FIELDS = ("contact_email", "company_code", "version", "environment", "impact", "urgency", "attachments")
# Free-text answers may mention other fields ("o módulo financeiro…") without meaning to correct them.
FIELDS_THAT_MENTION_OTHERS = ("summary", "description", "since_when")
# Kept when a ticket is done or dropped, so the next one need not ask who the user is again.
CONTACT_FIELDS = ("contact_name", "contact_email", "company_code")
# Slots the dialog uses while a ticket is under way, besides the fields.
WORK_SLOTS = (
    "error_message", "problem_text", "kb_shown", "similar_ticket", "deflected", "ticket_stage", "reasks",
    "unverified",
)  # fmt: skip


def reset_ticket(keep_contact: bool = True) -> List[EventType]:
    """Forget the ticket under way (its fields, work slots and the form's question)."""
    cleared = [f for f in FIELDS if not (keep_contact and f in CONTACT_FIELDS)]
    return [SlotSet(name, None) for name in (*cleared, *WORK_SLOTS)] + [SlotSet("requested_slot", None)]


def field_buttons(language: str) -> List[Dict[str, str]]:
    """One button per field, to pick the one to change."""
    return [
        {"title": field_label(field, language), "payload": f'/edit_field{{"field": "{field}"}}'}
        for field in FIELDS
    ]
