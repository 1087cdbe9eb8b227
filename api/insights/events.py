"""Recording conversation events: personal data masked and the sender reduced to a hash."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from sqlalchemy.orm import Session

from api.insights.models import ConversationEvent
from api.insights.schemas import EventIn
from api.masking import MASK, mask_sensitive
from api.tickets.models import Ticket

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ().-]{7,}\d")

# The details support needs, required or not: a ticket's completeness is the share of them filled.
TICKET_DETAILS = (
    "contact_name", "contact_email", "contact_phone", "company_code", "product", "module", "version",
    "environment", "summary", "description", "error_message", "steps_to_reproduce", "since_when",
    "country", "impact", "urgency",
)  # fmt: skip


def mask_personal(text: str) -> str:
    """Secrets as the dialog masks them, plus e-mail addresses and phone numbers."""
    return _PHONE.sub(MASK, _EMAIL.sub(MASK, mask_sensitive(text).text))


def conversation_key(sender: str) -> str:
    """A stable pseudonym for the sender (a WhatsApp sender id is a phone number)."""
    return hashlib.sha256(sender.encode("utf-8")).hexdigest()[:32]


def ticket_completeness(ticket: Ticket) -> float:
    filled = sum(1 for name in TICKET_DETAILS if getattr(ticket, name) not in (None, "", []))
    return filled / len(TICKET_DETAILS)


def record_event(session: Session, data: EventIn, now: datetime) -> ConversationEvent:
    completeness = None
    if data.kind == "ticket_opened" and data.ticket_number is not None:
        ticket = session.get(Ticket, data.ticket_number)
        completeness = ticket_completeness(ticket) if ticket else None
    event = ConversationEvent(
        at=now,
        kind=data.kind,
        conversation=conversation_key(data.conversation),
        channel=data.channel,
        lang=data.lang,
        product=data.product,
        question=mask_personal(data.question) if data.question else None,
        articles=[article.model_dump() for article in data.articles],
        confident=data.confident,
        article_id=data.article_id,
        solved=data.solved,
        ticket_number=data.ticket_number,
        ticket_completeness=completeness,
    )
    session.add(event)
    session.commit()
    return event
