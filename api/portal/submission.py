"""A ticket from the portal's form: every field checked with the chat's rules, all problems at once.

The form sends what the customer typed; each value goes through the same check as the chat's answer
to that question (``api.dialog.rules.check_field``, which applies the ticket schema's limits), in
the customer's language, and the normalised value ("alta" → "high", "protheus" → "Protheus") is the
one the ticket gets. Problems are gathered, never stopped at the first, so the form can show each
one beside its field without the customer losing anything typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth import ApiKey, Principal, create_key
from api.dialog.rules import DIALOG_FIELDS, FieldCheck, check_field, rules_data
from api.files.service import attach_conversation_files
from api.identity.end_users import EndUser
from api.portal.deflection import record_ticket_opened
from api.portal.options import CONTACT_FIELDS, FORM_FIELDS, message
from api.portal.schemas import FormTicketIn
from api.tickets.models import Ticket
from api.tickets.schemas import Phone, TicketCreate
from api.tickets.service import Forbidden, Rules, create_ticket
from core.languages import SUPPORTED_LANGUAGES, Language
from search.text import fold

FORM_KEY_NAME = "portal-form"
NEXT_STEPS_PATH = Path(__file__).with_name("next_steps.yaml")
COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_PHONE: TypeAdapter[str] = TypeAdapter(Phone)


@dataclass(frozen=True)
class Problem:
    field: str
    msg: str
    type: str

    def as_detail(self) -> dict[str, Any]:
        return {"loc": ["body", self.field], "msg": self.msg, "type": self.type}


class FormRefused(Exception):
    """The form has problems (HTTP 422 listing each of them)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} fields to correct")
        self.problems = problems


def form_principal(session: Session) -> Principal:
    """The caller tickets from the form are created by: a service key of the API's own that nobody holds.

    A browser cannot keep a key secret, so the form gets no key; its tickets are opened under this
    one, which, like the bot's, may open tickets (unverified unless a verified identity is given)
    and read none. It is a real row of ``api_keys`` because tickets and idempotency records point at
    their creator's key; its key is random and never kept, so nobody can call the API with it.
    Revoking it (``python -m api keys revoke portal-form``) switches ticket creation from the form off.
    """
    row = session.scalar(select(ApiKey).where(ApiKey.name == FORM_KEY_NAME))
    if row is None:
        try:
            create_key(session, FORM_KEY_NAME)  # the key itself is dropped on purpose
        except (IntegrityError, ValueError):  # a concurrent first submission made the row
            session.rollback()
        row = session.scalars(select(ApiKey).where(ApiKey.name == FORM_KEY_NAME)).one()
    if row.revoked_at is not None:
        raise Forbidden(f"tickets from the portal form are switched off (the {FORM_KEY_NAME} key is revoked)")
    return Principal(row.id, row.name, row.company_code, row.is_admin)


def _schema_check(field: str, text: str, language: str) -> FieldCheck:
    """The phone and the error message, which the chat does not ask for: the ticket schema's rules."""
    if field == "contact_phone":
        try:
            return FieldCheck(field, True, _PHONE.validate_python(text))
        except ValidationError:
            return FieldCheck(field, False, rule="phone", message=message("phone", language))
    limit = next(
        rule.max_length for rule in TicketCreate.model_fields[field].metadata if hasattr(rule, "max_length")
    )
    if len(text) > limit:
        texts = rules_data()["messages"]["too_long"]
        return FieldCheck(
            field, False, rule="too_long", message=(texts.get(language) or texts["en"]).format(max=limit)
        )
    return FieldCheck(field, True, text)


def _canonical(value: str, names: list[str], table: dict[str, list[str]]) -> str:
    """A product or module as the knowledge base writes it, when the customer typed one it knows."""
    folded = fold(value)
    for name in [*names, *table]:
        if fold(name) == folded or folded in {fold(str(word)) for word in table.get(name, [])}:
            return name
    return value


def checked_request(
    body: FormTicketIn, fallback_language: Language, end_user: EndUser | None, products: list[str]
) -> TicketCreate:
    """The ticket request the form's values make, or ``FormRefused`` with every problem found."""
    problems: list[Problem] = []
    language: Language
    if body.language in SUPPORTED_LANGUAGES:
        language = body.language
    else:
        language = fallback_language
        if body.language is not None:
            problems.append(Problem("language", message("language", language), "language"))
    values: dict[str, Any] = {}
    for field in FORM_FIELDS:
        if end_user is not None and field in CONTACT_FIELDS:
            continue  # the verified identity's, whatever the form says
        text = (getattr(body, field) or "").strip()
        if not text:
            if TicketCreate.model_fields[field].is_required():
                problems.append(Problem(field, message("required", language), "required"))
            continue
        check = (check_field if field in DIALOG_FIELDS else _schema_check)(field, text, language)
        if check.valid:
            values[field] = check.value
        else:
            problems.append(Problem(field, check.message or "", check.rule or "invalid"))
    country = (body.country or "").strip()
    if country and not COUNTRY.match(country):
        problems.append(Problem("country", message("country", language), "country"))
    if problems:
        raise FormRefused(problems)
    if end_user is not None:  # the ticket service then adds the identity's phone, when it has one
        values.update(
            contact_name=end_user.name, contact_email=end_user.email, company_code=end_user.company_code
        )
    values["product"] = _canonical(values["product"], products, rules_data()["products"])
    values["module"] = _canonical(values["module"], [], rules_data()["modules"])
    return TicketCreate(
        **values, channel="form", language=language, country=country.upper() or None,
        articles_shown=body.articles_shown,
    )  # fmt: skip


def open_ticket(
    session: Session, rules: Rules, data: TicketCreate, now: datetime, conversation: str,
    idempotency_key: str | None, end_user: EndUser | None,
) -> tuple[Ticket, bool]:  # fmt: skip
    """Create the ticket (or return the one this submission already made) with the session's files.

    Every form ticket has the same creator, so the idempotency key is scoped by the session: a key
    sent from another form can never return this customer's ticket.
    """
    scoped_key = f"{conversation}:{idempotency_key}" if idempotency_key else None
    principal = form_principal(session)
    ticket, replayed = create_ticket(session, rules, principal, data, now, scoped_key, end_user)
    if not replayed:
        attach_conversation_files(session, ticket, conversation, now)
        record_ticket_opened(session, conversation, ticket, now)
    return ticket, replayed


@lru_cache(maxsize=1)
def _next_steps() -> dict[str, str]:
    texts: dict[str, str] = yaml.safe_load(NEXT_STEPS_PATH.read_text(encoding="utf-8"))
    return texts


def _local(moment: datetime, time_zone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(time_zone)):%d/%m/%Y %H:%M} ({time_zone})"


def next_steps(ticket: Ticket, time_zone: str) -> str:
    """What happens now, in the ticket's language, with its number and due times."""
    texts = _next_steps()
    return (texts.get(ticket.language) or texts["en"]).format(
        number=ticket.number, contact_email=ticket.contact_email,
        first_response_due=_local(ticket.first_response_due, time_zone),
        resolution_due=_local(ticket.resolution_due, time_zone),
    )  # fmt: skip
