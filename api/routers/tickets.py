from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response

from api.deps import EndUserDep, EndUserHeader, NowDep, PrincipalDep, RulesDep, ServiceMetricsDep, SessionDep
from api.files.service import attach_conversation_files
from api.tickets import service
from api.tickets.business_calendar import load_calendars
from api.tickets.lifecycle import Status
from api.tickets.models import Ticket
from api.tickets.schemas import (
    CommentIn,
    CsatIn,
    FollowUpIn,
    SimilarQuery,
    TicketCreate,
    TicketOut,
    TicketPage,
    TicketRef,
    TransitionIn,
)

router = APIRouter(prefix="/tickets", tags=["tickets"])
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, unknown or revoked X-API-Key, or an expired X-End-User-Token"},
    403: {
        "description": "The key may not act for this company, do this action, or read tickets without "
        "the verified customer"
    },
    404: {"description": "No such ticket for this key and customer"},
    409: {"description": "Not allowed in the ticket's current status, or changed by a concurrent request"},
    429: {"description": "Rate limit of this key, end user or address reached"},
}


# Ticket numbers are database integers: a larger one is a 422, never an overflow in the database.
TicketNumber = Annotated[int, Path(ge=1, le=2**31 - 1)]


def to_out(ticket: Ticket, similar: list[Ticket] | None = None) -> TicketOut:
    out = TicketOut.model_validate(ticket, from_attributes=True)
    out.time_zone = load_calendars().calendars[ticket.calendar].timezone
    out.similar_open_tickets = [
        TicketRef(number=t.number, summary=t.summary, status=t.status) for t in similar or []
    ]
    return out


@router.post("", status_code=201, response_model=TicketOut, responses=ERRORS)
def create_ticket(
    data: TicketCreate,
    response: Response,
    service_metrics: ServiceMetricsDep,
    session: SessionDep,
    principal: PrincipalDep,
    end_user: EndUserDep,
    rules: RulesDep,
    now: NowDep,
    idempotency_key: Annotated[
        str | None, Header(max_length=200, description="Retries with the same key return the same ticket.")
    ] = None,
    x_end_user: EndUserHeader = None,
) -> TicketOut:
    """Open a ticket. Its priority comes from impact x urgency; due times from the support calendar.

    With a service key, the ticket is verified (and carries the customer's contact and company) only
    when X-End-User-Token is sent; similar open tickets are then the customer's own. Files the
    channel stored for the conversation named by X-End-User join the ticket."""
    ticket, replayed = service.create_ticket(session, rules, principal, data, now, idempotency_key, end_user)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    else:
        service_metrics.ticket_created(ticket.channel)
        if principal.is_service and x_end_user:
            attach_conversation_files(session, ticket, x_end_user, now)
    if principal.is_service and end_user is None:
        return to_out(ticket)
    similar = service.similar_open_tickets(
        session, ticket.company_code, ticket.product, f"{ticket.summary} {ticket.description}",
        ticket.language, exclude=ticket.number, owner=end_user if principal.is_service else None,
    )  # fmt: skip
    return to_out(ticket, similar)


@router.get("", response_model=TicketPage, responses=ERRORS)
def list_tickets(
    session: SessionDep,
    principal: PrincipalDep,
    end_user: EndUserDep,
    company_code: str | None = None,
    contact_email: str | None = None,
    status: Status | None = None,
    product: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> TicketPage:
    """Tickets of a company or a contact, newest first."""
    items, total = service.list_tickets(
        session, principal, company_code=company_code, contact_email=contact_email, status=status,
        product=product, page=page, page_size=page_size, end_user=end_user,
    )  # fmt: skip
    return TicketPage(items=[to_out(t) for t in items], total=total, page=page, page_size=page_size)


@router.get("/similar", response_model=list[TicketRef], responses=ERRORS)
def similar_tickets(
    query: Annotated[SimilarQuery, Query()],
    session: SessionDep,
    principal: PrincipalDep,
    end_user: EndUserDep,
) -> list[TicketRef]:
    """Open tickets of the company and product that look like this text ("you already have #123 open").

    A service key gets only the verified customer's own tickets, whatever company_code says."""
    if not principal.may_act_for(query.company_code):
        raise service.Forbidden(f"this API key acts only for company {principal.company_code}")
    service.require_end_user(principal, end_user)
    owner = end_user if principal.is_service else None
    company = owner.company_code if owner else query.company_code
    found = service.similar_open_tickets(session, company, query.product, query.text, owner=owner)
    return [TicketRef(number=t.number, summary=t.summary, status=t.status) for t in found]


@router.get("/{number}", response_model=TicketOut, responses=ERRORS)
def get_ticket(
    number: TicketNumber, session: SessionDep, principal: PrincipalDep, end_user: EndUserDep
) -> TicketOut:
    """One ticket; a service key sees it only for the verified customer who owns it."""
    return to_out(service.get_ticket(session, principal, number, end_user))


@router.post("/{number}/comments", response_model=TicketOut, responses=ERRORS)
def add_comment(
    number: TicketNumber,
    comment: CommentIn,
    session: SessionDep,
    principal: PrincipalDep,
    end_user: EndUserDep,
    rules: RulesDep,
    now: NowDep,
) -> TicketOut:
    """Add a message or requested information; a customer's answer reopens a pending ticket."""
    ticket = service.get_ticket(session, principal, number, end_user)
    return to_out(
        service.add_comment(session, rules, principal, ticket, comment.body, comment.attachments, now)
    )


@router.post("/{number}/transitions", response_model=TicketOut, responses=ERRORS)
def transition(
    number: TicketNumber,
    move: TransitionIn,
    session: SessionDep,
    principal: PrincipalDep,
    end_user: EndUserDep,
    rules: RulesDep,
    now: NowDep,
) -> TicketOut:
    """Move the ticket: open, request_info, wait_third_party, third_party_done, resolve, accept, reject."""
    ticket = service.get_ticket(session, principal, number, end_user)
    return to_out(
        service.transition(
            session, rules, principal, ticket, move.action, now, move.note, move.third_party_type
        )
    )


@router.post("/{number}/csat", response_model=TicketOut, responses=ERRORS)
def submit_csat(
    number: TicketNumber, survey: CsatIn, session: SessionDep, principal: PrincipalDep, end_user: EndUserDep,
    now: NowDep,
) -> TicketOut:  # fmt: skip
    """The customer's satisfaction survey (1-5 and a comment), once per resolved ticket."""
    ticket = service.get_ticket(session, principal, number, end_user)
    return to_out(service.submit_csat(session, principal, ticket, survey.score, survey.comment, now))


@router.post("/{number}/follow-up", status_code=201, response_model=TicketOut, responses=ERRORS)
def follow_up(
    number: TicketNumber, body: FollowUpIn, session: SessionDep, principal: PrincipalDep,
    end_user: EndUserDep, rules: RulesDep, now: NowDep,
) -> TicketOut:  # fmt: skip
    """Continue a closed ticket in a new one that carries its history."""
    ticket = service.get_ticket(session, principal, number, end_user)
    return to_out(service.follow_up(session, rules, principal, ticket, body.description, now, end_user))
