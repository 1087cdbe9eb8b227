"""The customer portal's ticket form: session, options, suggestions while typing, files, submit.

Open without an API key (the form runs in the customer's browser, which cannot keep one) and limited
per client address. What makes that safe: the session is signed by the API and names a conversation
the API made; suggestion tokens are signed and bound to their session; files need a session; and a
ticket from the form is unverified unless it carries an identity token the API signed after checking
the portal's own signed token.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request, Response
from sqlalchemy import func, select

from api.deps import (
    EndUserDep,
    IdentitySignerDep,
    NowDep,
    RulesDep,
    SearcherDep,
    ServiceMetricsDep,
    SessionDep,
    SettingsDep,
)
from api.files.models import ChatFile
from api.files.service import FileRefused, store_file
from api.identity.end_users import IdentityRejected
from api.identity.portal_tokens import PortalKeys
from api.portal.deflection import record_solved, record_viewed
from api.portal.options import MAX_FILES, form_options, products
from api.portal.schemas import (
    FormFileOut,
    FormIdentity,
    FormOptions,
    FormTicketIn,
    FormTicketOut,
    SessionIn,
    SessionOut,
    SuggestionOut,
    SuggestionsOut,
    TokenIn,
)
from api.portal.sessions import FormSession
from api.portal.signing import TokenRejected
from api.portal.state import PortalDep, PortalState
from api.portal.submission import FormRefused, checked_request, form_principal, next_steps, open_ticket
from api.portal.suggestions import SuggestionClaim
from api.routers.files import limits_of, read_capped
from api.routers.tickets import to_out
from api.tickets.service import similar_open_tickets
from core.languages import Language

router = APIRouter(prefix="/portal", tags=["portal"])
SESSION_HEADER = ["header", "x-form-session"]
ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "A value to correct, or a missing, forged or expired form session or token"},
    429: {"description": "Too many requests from this address"},
}


def _refused(loc: list[str], message: str, rule: str) -> HTTPException:
    return HTTPException(422, [{"loc": loc, "msg": message, "type": rule}])


def _session(portal: PortalState, token: str | None, now: datetime, loc: list[str]) -> FormSession:
    if not token:
        raise _refused(loc, "the form session from POST /api/v1/portal/sessions is required", "form_session")
    try:
        return portal.sessions.read(token, now)
    except TokenRejected as exc:
        raise _refused(loc, f"{exc}; open a new form session", "form_session") from exc


def form_session(
    portal: PortalDep,
    now: NowDep,
    x_form_session: Annotated[
        str | None, Header(max_length=4096, description="The session from POST /portal/sessions.")
    ] = None,
) -> FormSession:
    return _session(portal, x_form_session, now, SESSION_HEADER)


FormSessionDep = Annotated[FormSession, Depends(form_session)]


@router.post("/sessions", status_code=201, response_model=SessionOut, responses={401: {}, **ERRORS})
def open_session(
    body: SessionIn, request: Request, portal: PortalDep, signer: IdentitySignerDep, now: NowDep
) -> SessionOut:
    """A new form session; with the portal's signed token, also the verified customer (else 401 saying
    why, and the form goes on anonymous).

    No key is needed to exchange the portal's token here: it already proves who the customer is, and
    the identity given back only fills the form and marks its ticket verified (reading tickets with it
    still takes a channel's key)."""
    identity = None
    if body.portal_token:
        keys: PortalKeys = request.app.state.portal_keys
        try:
            user = keys.verify(body.portal_token, now)
        except IdentityRejected as exc:
            raise HTTPException(401, str(exc)) from exc
        token, expires = signer.sign(user, now)
        identity = FormIdentity(
            token=token, expires_at=expires, name=user.name, email=user.email, company_code=user.company_code,
            phone=f"+{user.phone}" if user.phone else None, country=user.country,
        )  # fmt: skip
    session_token, session = portal.sessions.open(body.language, now)
    return SessionOut(session=session_token, expires_at=session.expires_at, identity=identity)


@router.get("/form", response_model=FormOptions)
def form(
    searcher: SearcherDep, rules: RulesDep, settings: SettingsDep, now: NowDep, language: Language = "pt-BR"
) -> dict[str, Any]:
    """What the form offers (products, environments, levels with their meaning) and each field's limits."""
    return form_options(searcher, rules, settings, now, language)


@router.get("/suggestions", response_model=SuggestionsOut, responses=ERRORS)
def suggestions(
    response: Response,
    portal: PortalDep,
    searcher: SearcherDep,
    service_metrics: ServiceMetricsDep,
    now: NowDep,
    session: Annotated[str, Query(max_length=4096, description="The form session.")],
    q: Annotated[str, Query(max_length=2000, description="The subject and description as typed.")] = "",
    language: Language = "pt-BR",
    product: Annotated[str | None, Query(max_length=80)] = None,
) -> SuggestionsOut:
    """The articles most likely to answer what is typed (at most 3, none when unsure), each with a token
    for "viewed" and "this solved it". A text already answered is not searched again."""
    form = _session(portal, session, now, ["query", "session"])
    product = (product or "").strip() or None
    found = portal.suggester.suggest(searcher, q, language, product, service_metrics.search_timer)
    response.headers["Cache-Control"] = "private, max-age=60"
    return SuggestionsOut(
        query=q,
        suggestions=[
            SuggestionOut(**asdict(s), token=portal.tokens.sign(form, s, q, language, product)) for s in found
        ],
    )


def suggestion_claim(
    body: TokenIn,
    portal: PortalDep,
    now: NowDep,
    x_form_session: Annotated[
        str | None, Header(max_length=4096, description="When sent, the token must be of this session.")
    ] = None,
) -> SuggestionClaim:
    try:
        claim = portal.tokens.read(body.token, now)
    except TokenRejected as exc:
        raise _refused(["body", "token"], str(exc), "suggestion_token") from exc
    if (
        x_form_session
        and _session(portal, x_form_session, now, SESSION_HEADER).conversation != claim.conversation
    ):
        raise _refused(
            ["body", "token"], "the suggestion was made in another form session", "suggestion_token"
        )
    return claim


ClaimDep = Annotated[SuggestionClaim, Depends(suggestion_claim)]


@router.post("/suggestions/viewed", status_code=204, responses=ERRORS)
def suggestion_viewed(claim: ClaimDep, session: SessionDep, now: NowDep) -> Response:
    """The customer opened a suggested article: counted in the insights' article report."""
    record_viewed(session, claim, now)
    return Response(status_code=204)


@router.post("/suggestions/solved", status_code=204, responses=ERRORS)
def suggestion_solved(claim: ClaimDep, session: SessionDep, now: NowDep) -> Response:
    """ "This solved it": a deflection by the form (channel ``form`` in the insights)."""
    record_solved(session, claim, now)
    return Response(status_code=204)


@router.post("/files", status_code=201, response_model=FormFileOut, responses={413: {}, 415: {}, **ERRORS})
async def upload_file(
    request: Request,
    form: FormSessionDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    content_type: Annotated[str, Header(max_length=200)] = "",
    x_file_name: Annotated[
        str, Header(max_length=1000, description="The file's name, percent-encoded.")
    ] = "",
    x_file_sha256: Annotated[str | None, Header(max_length=64, description="Checked when sent.")] = None,
) -> FormFileOut:
    """A file for the ticket (the raw body, its type in Content-Type): it joins the ticket the same
    session submits. Same limits and rules as the chat's files."""
    count = session.scalar(select(func.count()).where(ChatFile.conversation == form.conversation)) or 0
    if count >= MAX_FILES:
        raise FileRefused(422, "body", "too_many_files", f"a form takes at most {MAX_FILES} files")
    limits = limits_of(settings)
    content = await read_capped(request, limits.max_bytes)
    row = store_file(
        session, request.app.state.file_store, limits, form_principal(session), form.conversation,
        unquote(x_file_name), content_type, content, x_file_sha256, now,
    )  # fmt: skip
    return FormFileOut.model_validate(row, from_attributes=True)


@router.delete("/files/{file_id}", status_code=204, responses={404: {}, **ERRORS})
def remove_file(
    file_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")], form: FormSessionDep, session: SessionDep,
    request: Request,
) -> Response:  # fmt: skip
    """A file the customer took back before submitting: it no longer joins the ticket. Only the
    session that sent it may, and only until its ticket is opened (then it belongs to the ticket)."""
    row = session.get(ChatFile, file_id)
    if row is None or row.conversation != form.conversation or row.ticket_number is not None:
        raise HTTPException(404, "no such file waiting in this form session")
    session.delete(row)
    session.commit()
    request.app.state.file_store.delete(file_id)  # after the row: a row never points at nothing
    return Response(status_code=204)


@router.post(
    "/tickets", status_code=201, response_model=FormTicketOut, responses={401: {}, 409: {}, **ERRORS}
)
def submit_ticket(
    body: FormTicketIn,
    response: Response,
    form: FormSessionDep,
    session: SessionDep,
    rules: RulesDep,
    now: NowDep,
    end_user: EndUserDep,
    searcher: SearcherDep,
    service_metrics: ServiceMetricsDep,
    idempotency_key: Annotated[
        str | None, Header(max_length=160, description="One per submission: a retry returns the same ticket.")
    ] = None,
) -> FormTicketOut:
    """Open the ticket. Every field is checked with the chat's rules and all problems come back at once
    (422, in the body's language). With X-End-User-Token the contact comes from the verified identity and
    the ticket is verified; without it, the ticket is unverified."""
    try:
        data = checked_request(body, form.language, end_user, products(searcher, now))
    except FormRefused as exc:
        raise HTTPException(422, [problem.as_detail() for problem in exc.problems]) from exc
    ticket, replayed = open_ticket(session, rules, data, now, form.conversation, idempotency_key, end_user)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    else:
        service_metrics.ticket_created(ticket.channel)
    similar = []
    if end_user is not None:
        similar = similar_open_tickets(
            session, ticket.company_code, ticket.product, f"{ticket.summary} {ticket.description}",
            ticket.language, exclude=ticket.number, owner=end_user,
        )  # fmt: skip
    out = to_out(ticket, similar)
    return FormTicketOut(**out.model_dump(), next_steps=next_steps(ticket, out.time_zone))
