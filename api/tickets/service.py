"""Ticket business rules: creation with priority and SLA, access, lifecycle, surveys, follow-ups.

Routers translate HTTP to these calls; the exceptions below become 403/404/409 responses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth import Principal
from api.identity.end_users import EndUser
from api.identity.known_contacts import remember_ticket_contact
from api.masking import mask_sensitive
from api.tickets.business_calendar import BusinessCalendar, CalendarBook, load_calendars
from api.tickets.lifecycle import (
    CUSTOMER_DEADLINE_HOURS,
    MOVES,
    OPEN_STATUSES,
    Action,
    InvalidTransition,
    Status,
    ThirdPartyType,
    next_status,
)
from api.tickets.models import CsatResponse, IdempotencyRecord, Ticket, TicketEvent
from api.tickets.priority import PriorityRules, load_priority_rules
from api.tickets.schemas import TicketCreate
from search.text import document_terms

# Share of the shorter text's informative stems found in the other (overlap coefficient) that
# counts as "the same problem"; the coefficient lets a short question match a long ticket.
SIMILARITY_THRESHOLD = 0.5
SIMILAR_CANDIDATES = 50  # most recently updated open tickets compared; keeps creates O(1) per company
SUPPORT_FIRST_RESPONSES = frozenset(
    {Action.OPEN, Action.REQUEST_INFO, Action.RESOLVE, Action.WAIT_THIRD_PARTY}
)


class NotFound(Exception):
    """No such ticket for this caller (HTTP 404; other companies' tickets are "not found" too)."""


class Forbidden(Exception):
    """The caller may not do this (HTTP 403)."""


class IdentityRequired(Forbidden):
    """A service key asked for a ticket without the verified customer who owns it (HTTP 403)."""


class Conflict(Exception):
    """The request clashes with the ticket's state or an earlier request (HTTP 409)."""


@dataclass(frozen=True)
class Rules:
    """What the service needs besides the database: priority matrix, calendars, time."""

    priority: PriorityRules
    calendars: CalendarBook

    @classmethod
    def load(cls) -> Rules:
        """The rules from the packaged priority matrix and business calendars."""
        return cls(priority=load_priority_rules(), calendars=load_calendars())

    def calendar_for(self, ticket: Ticket) -> BusinessCalendar:
        return self.calendars.calendars[ticket.calendar]


def _event(ticket: Ticket, at: datetime, kind: str, actor: str, body: str | None = None,
           from_status: str | None = None, to_status: str | None = None) -> None:  # fmt: skip
    ticket.events.append(
        TicketEvent(at=at, kind=kind, actor=actor, body=body, from_status=from_status, to_status=to_status)
    )


FREE_TEXT_FIELDS = ("summary", "description", "error_message", "steps_to_reproduce", "since_when")


def masked_request(data: TicketCreate) -> TicketCreate:
    """The request with secrets masked in every free-text field, before anything is stored."""
    update: dict[str, object] = {
        name: mask_sensitive(value).text
        for name in FREE_TEXT_FIELDS
        if isinstance(value := getattr(data, name), str)
    }
    update["transcript"] = [
        line.model_copy(update={"text": mask_sensitive(line.text).text}) for line in data.transcript
    ]
    return data.model_copy(update=update)


# The conversation around a request grows while it is retried (a lost reply, "confirm" said again):
# it is context, not the ticket's content, so a retry with a longer transcript is the same request.
CONVERSATION_CONTEXT = {"transcript", "articles_shown"}


def _request_hash(data: TicketCreate) -> str:
    content = data.model_dump(mode="json", exclude=CONVERSATION_CONTEXT)
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _informative_terms(text: str, language: str) -> set[str]:
    return {term for term in document_terms(text, language) if len(term) >= 4}


def similar_open_tickets(
    session: Session, company_code: str, product: str, text: str, language: str = "pt-BR",
    exclude: int | None = None, owner: EndUser | None = None,
) -> list[Ticket]:  # fmt: skip
    """Open tickets of the same company and product whose text overlaps this one's (and, given an
    owner, only theirs)."""
    terms = _informative_terms(text, language)
    if not terms:
        return []
    candidates = session.scalars(
        select(Ticket)
        .where(
            Ticket.company_code == company_code,
            func.lower(Ticket.product) == product.lower(),
            Ticket.status.in_([status.value for status in OPEN_STATUSES]),
        )
        .order_by(Ticket.updated_at.desc())
        .limit(SIMILAR_CANDIDATES)
    )
    scored = []
    for ticket in candidates:
        if ticket.number == exclude or (owner is not None and not owner.owns(ticket)):
            continue
        other = _informative_terms(f"{ticket.summary} {ticket.description}", ticket.language)
        overlap = len(terms & other) / min(len(terms), len(other)) if other else 0.0
        if overlap >= SIMILARITY_THRESHOLD:
            scored.append((overlap, ticket))
    return [ticket for _, ticket in sorted(scored, key=lambda pair: -pair[0])]


def with_identity(data: TicketCreate, user: EndUser) -> TicketCreate:
    """The request with the verified customer's contact and company, whatever the dialog typed."""
    update: dict[str, object] = {
        "contact_name": user.name, "contact_email": user.email, "company_code": user.company_code,
    }  # fmt: skip
    if user.country:
        update["country"] = user.country
    if user.phone:
        update["contact_phone"] = f"+{user.phone}"
    if user.proof == "whatsapp":
        update["channel"] = "whatsapp"
    return data.model_copy(update=update)


def create_ticket(
    session: Session, rules: Rules, principal: Principal, data: TicketCreate, now: datetime,
    idempotency_key: str | None = None, end_user: EndUser | None = None,
) -> tuple[Ticket, bool]:  # fmt: skip
    """Create a ticket, or return the one an earlier request with the same idempotency key made.

    A service key's ticket is verified only with the verified customer, whose contact and company
    it then carries; without one it is marked unverified. Returns the ticket and whether it was
    replayed from an earlier request.
    """
    if not principal.may_act_for(data.company_code):
        raise Forbidden(f"this API key acts only for company {principal.company_code}")
    verified = not principal.is_service or end_user is not None
    if principal.is_service and end_user is not None:
        data = with_identity(data, end_user)
    data = masked_request(data)
    request_hash = _request_hash(data)
    if idempotency_key:
        replay = _replayed(session, principal, idempotency_key, request_hash)
        if replay is not None:
            return replay, True
    calendar = rules.calendars.for_customer(data.country, data.language)
    priority = rules.priority.priority(data.impact, data.urgency)
    sla = rules.priority.sla(priority)
    fields = data.model_dump(exclude={"transcript", "articles_shown", "attachments", "country"})
    ticket = Ticket(
        **fields,
        country=data.country.upper() if data.country else None,
        priority=priority,
        status=Status.NEW.value,
        calendar=calendar.name,
        first_response_due=calendar.add_business_hours(now, sla.first_response),
        resolution_due=calendar.add_business_hours(now, sla.resolution),
        transcript=[line.model_dump(mode="json") for line in data.transcript],
        articles_shown=[article.model_dump(mode="json") for article in data.articles_shown],
        attachments=list(data.attachments),
        created_by_key=principal.key_id,
        verified=verified,
        created_at=now,
        updated_at=now,
    )
    _event(ticket, now, "created", principal.name, to_status=Status.NEW.value)
    session.add(ticket)
    try:
        session.flush()
        if idempotency_key:
            session.add(
                IdempotencyRecord(
                    api_key_id=principal.key_id, key=idempotency_key, request_hash=request_hash,
                    ticket_number=ticket.number, created_at=now,
                )
            )  # fmt: skip
        session.commit()
    except IntegrityError:
        # A concurrent request with the same idempotency key won the race: return its ticket.
        session.rollback()
        replay = _replayed(session, principal, idempotency_key or "", request_hash)
        if replay is None:
            raise
        return replay, True
    remember_ticket_contact(session, ticket, now)
    return ticket, False


def _replayed(session: Session, principal: Principal, key: str, request_hash: str) -> Ticket | None:
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.api_key_id == principal.key_id, IdempotencyRecord.key == key
        )
    )
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise Conflict("this Idempotency-Key was already used for a different request; use a new key")
    return session.get_one(Ticket, record.ticket_number)


def require_end_user(principal: Principal, end_user: EndUser | None) -> None:
    if principal.is_service and end_user is None:
        raise IdentityRequired(
            "a service key reads and changes tickets only for their verified customer: send the "
            "X-End-User-Token from /identity/portal or /identity/phone"
        )


def get_ticket(
    session: Session, principal: Principal, number: int, end_user: EndUser | None = None
) -> Ticket:
    """The ticket, if this caller may see it (another company's or customer's is "not found")."""
    require_end_user(principal, end_user)
    ticket = session.get(Ticket, number)
    if ticket is None or (principal.company_code and ticket.company_code != principal.company_code):
        raise NotFound(f"ticket {number} not found")
    if principal.is_service and end_user is not None and not end_user.owns(ticket):
        raise NotFound(f"ticket {number} not found among this customer's tickets")
    return ticket


def list_tickets(
    session: Session, principal: Principal, *, company_code: str | None, contact_email: str | None,
    status: Status | None, product: str | None, page: int, page_size: int, end_user: EndUser | None = None,
) -> tuple[list[Ticket], int]:  # fmt: skip
    if principal.company_code:
        if company_code and company_code != principal.company_code:
            raise Forbidden(f"this API key sees only company {principal.company_code}")
        company_code = principal.company_code
    elif principal.is_service:
        require_end_user(principal, end_user)
        assert end_user is not None
        company_code, contact_email = end_user.company_code, end_user.email
    query = select(Ticket)
    if company_code:
        query = query.where(Ticket.company_code == company_code)
    if contact_email:
        query = query.where(Ticket.contact_email == contact_email.lower())
    if status:
        query = query.where(Ticket.status == status.value)
    if product:
        query = query.where(func.lower(Ticket.product) == product.lower())
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(Ticket.number.desc()).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return list(items), total


def transition(
    session: Session, rules: Rules, principal: Principal, ticket: Ticket, action: Action, now: datetime,
    note: str | None = None, third_party_type: ThirdPartyType | None = None,
) -> Ticket:  # fmt: skip
    """Move a ticket through the lifecycle, recording the event and any customer deadline."""
    if not principal.is_admin and not MOVES[action].by_customer:
        raise Forbidden(f"only support staff (an admin key) may {action.value} a ticket")
    if action is Action.WAIT_THIRD_PARTY and third_party_type is None:
        raise InvalidTransition(
            "wait_third_party needs third_party_type: bug_fix, legislation or support_documentation"
        )
    current = Status(ticket.status)
    target = next_status(current, action)
    ticket.status = target.value
    ticket.updated_at = now
    ticket.third_party_type = (
        third_party_type.value if target is Status.WAITING_THIRD_PARTY and third_party_type else None
    )
    hours = CUSTOMER_DEADLINE_HOURS.get(target)
    ticket.status_deadline = rules.calendar_for(ticket).add_business_hours(now, hours) if hours else None
    if action in SUPPORT_FIRST_RESPONSES and ticket.first_response_at is None:
        ticket.first_response_at = now
    if target is Status.RESOLVED:
        ticket.resolved_at = now
    if target is Status.CLOSED:
        ticket.closed_at = now
    _event(ticket, now, action.value, principal.name, mask_sensitive(note).text if note else None,
           current.value, target.value)  # fmt: skip
    session.commit()
    return ticket


def add_comment(
    session: Session, rules: Rules, principal: Principal, ticket: Ticket, body: str, attachments: list[str],
    now: datetime,
) -> Ticket:  # fmt: skip
    """A message on the ticket; a customer's answer to a pending ticket reopens it."""
    if ticket.status == Status.CLOSED.value:
        raise Conflict(f"ticket {ticket.number} is closed; create a follow-up to continue")
    ticket.attachments = [*ticket.attachments, *attachments]
    author = "support" if principal.is_admin else "customer"
    _event(ticket, now, "comment", f"{author}:{principal.name}", mask_sensitive(body).text)
    if author == "customer" and ticket.status == Status.PENDING_CUSTOMER.value:
        return transition(session, rules, principal, ticket, Action.CUSTOMER_REPLY, now)
    ticket.updated_at = now
    session.commit()
    return ticket


def submit_csat(
    session: Session, principal: Principal, ticket: Ticket, score: int, comment: str | None, now: datetime
) -> Ticket:
    """One satisfaction survey per ticket, once support has resolved it."""
    if ticket.resolved_at is None:
        raise Conflict(f"ticket {ticket.number} has not been resolved yet; the survey comes after resolution")
    if ticket.csat is not None:
        raise Conflict(f"ticket {ticket.number} already has a satisfaction survey")
    ticket.csat = CsatResponse(score=score, comment=mask_sensitive(comment).text if comment else None, at=now)
    ticket.updated_at = now  # a change of the ticket: a concurrent second survey loses the version race
    _event(ticket, now, "csat", principal.name, f"score {score}")
    session.commit()
    return ticket


def follow_up(
    session: Session, rules: Rules, principal: Principal, ticket: Ticket, description: str, now: datetime,
    end_user: EndUser | None = None,
) -> Ticket:  # fmt: skip
    """A new ticket that continues a closed one and carries its history."""
    if ticket.status != Status.CLOSED.value:
        raise Conflict(
            f"ticket {ticket.number} is {ticket.status}; only closed tickets get a follow-up "
            "(add a comment to an open one)"
        )
    data = TicketCreate(
        contact_name=ticket.contact_name, contact_email=ticket.contact_email,
        contact_phone=ticket.contact_phone, company_code=ticket.company_code, product=ticket.product,
        module=ticket.module, version=ticket.version, environment=ticket.environment,
        summary=f"Follow-up of #{ticket.number}: {ticket.summary}"[:200], description=description,
        error_message=ticket.error_message, steps_to_reproduce=ticket.steps_to_reproduce,
        since_when=ticket.since_when, impact=ticket.impact, urgency=ticket.urgency,
        channel=ticket.channel, language=ticket.language, country=ticket.country,
        attachments=ticket.attachments,
    )  # fmt: skip
    new, _ = create_ticket(session, rules, principal, data, now, end_user=end_user)
    new.follow_up_of = ticket.number
    for old in ticket.events:
        _event(new, old.at, "history", old.actor, f"#{ticket.number} {old.kind}: {old.body or ''}".strip(),
               old.from_status, old.to_status)  # fmt: skip
    _event(ticket, now, "follow_up", principal.name, f"continued in #{new.number}")
    session.commit()
    return new


def expire_overdue(session: Session, rules: Rules, now: datetime) -> list[int]:
    """Close tickets whose customer deadline passed (pending 60 h, resolved 84 h). Safe to rerun."""
    overdue = session.scalars(
        select(Ticket).where(
            Ticket.status.in_([Status.PENDING_CUSTOMER.value, Status.RESOLVED.value]),
            Ticket.status_deadline <= now,
        )
    ).all()
    scheduler = Principal(key_id=0, name="scheduler", company_code=None, is_admin=True)
    closed = []
    for ticket in overdue:
        reason = (
            "no answer from the customer within 60 business hours"
            if ticket.status == Status.PENDING_CUSTOMER.value
            else "solution not rejected within 84 business hours"
        )
        transition(session, rules, scheduler, ticket, Action.EXPIRE, now, note=reason)
        closed.append(ticket.number)
    return closed
