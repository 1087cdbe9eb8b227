from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from api.deps import NowDep, PrincipalDep, RulesDep, ServiceMetricsDep, SessionDep
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
    401: {"description": "Missing or unknown X-API-Key"},
    403: {"description": "The key may not act for this company or do this action"},
    404: {"description": "No such ticket for this key"},
    409: {"description": "Not allowed in the ticket's current status"},
    429: {"description": "Rate limit of this key reached"},
}


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
    rules: RulesDep,
    now: NowDep,
    idempotency_key: Annotated[
        str | None, Header(max_length=200, description="Retries with the same key return the same ticket.")
    ] = None,
) -> TicketOut:
    """Open a ticket. Its priority comes from impact x urgency; due times from the support calendar."""
    ticket, replayed = service.create_ticket(session, rules, principal, data, now, idempotency_key)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    else:
        service_metrics.ticket_created(ticket.channel)
    similar = service.similar_open_tickets(
        session, ticket.company_code, ticket.product, f"{ticket.summary} {ticket.description}",
        ticket.language, exclude=ticket.number,
    )  # fmt: skip
    return to_out(ticket, similar)


@router.get("", response_model=TicketPage, responses=ERRORS)
def list_tickets(
    session: SessionDep,
    principal: PrincipalDep,
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
        product=product, page=page, page_size=page_size,
    )  # fmt: skip
    return TicketPage(items=[to_out(t) for t in items], total=total, page=page, page_size=page_size)


@router.get("/similar", response_model=list[TicketRef], responses=ERRORS)
def similar_tickets(
    query: Annotated[SimilarQuery, Query()], session: SessionDep, principal: PrincipalDep
) -> list[TicketRef]:
    """Open tickets of the company and product that look like this text ("you already have #123 open")."""
    if not principal.may_act_for(query.company_code):
        raise service.Forbidden(f"this API key acts only for company {principal.company_code}")
    found = service.similar_open_tickets(session, query.company_code, query.product, query.text)
    return [TicketRef(number=t.number, summary=t.summary, status=t.status) for t in found]


@router.get("/{number}", response_model=TicketOut, responses=ERRORS)
def get_ticket(number: int, session: SessionDep, principal: PrincipalDep) -> TicketOut:
    return to_out(service.get_ticket(session, principal, number))


@router.post("/{number}/comments", response_model=TicketOut, responses=ERRORS)
def add_comment(
    number: int,
    comment: CommentIn,
    session: SessionDep,
    principal: PrincipalDep,
    rules: RulesDep,
    now: NowDep,
) -> TicketOut:
    """Add a message or requested information; a customer's answer reopens a pending ticket."""
    ticket = service.get_ticket(session, principal, number)
    return to_out(
        service.add_comment(session, rules, principal, ticket, comment.body, comment.attachments, now)
    )


@router.post("/{number}/transitions", response_model=TicketOut, responses=ERRORS)
def transition(
    number: int,
    move: TransitionIn,
    session: SessionDep,
    principal: PrincipalDep,
    rules: RulesDep,
    now: NowDep,
) -> TicketOut:
    """Move the ticket: open, request_info, wait_third_party, third_party_done, resolve, accept, reject."""
    ticket = service.get_ticket(session, principal, number)
    return to_out(
        service.transition(
            session, rules, principal, ticket, move.action, now, move.note, move.third_party_type
        )
    )


@router.post("/{number}/csat", response_model=TicketOut, responses=ERRORS)
def submit_csat(
    number: int, survey: CsatIn, session: SessionDep, principal: PrincipalDep, now: NowDep
) -> TicketOut:
    """The customer's satisfaction survey (1-5 and a comment), once per resolved ticket."""
    ticket = service.get_ticket(session, principal, number)
    return to_out(service.submit_csat(session, principal, ticket, survey.score, survey.comment, now))


@router.post("/{number}/follow-up", status_code=201, response_model=TicketOut, responses=ERRORS)
def follow_up(
    number: int, body: FollowUpIn, session: SessionDep, principal: PrincipalDep, rules: RulesDep, now: NowDep
) -> TicketOut:
    """Continue a closed ticket in a new one that carries its history."""
    ticket = service.get_ticket(session, principal, number)
    return to_out(service.follow_up(session, rules, principal, ticket, body.description, now))
