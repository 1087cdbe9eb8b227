"""Verifying who is chatting (channels, with a service key) and the known contacts (admin keys)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from api.auth import Principal
from api.deps import IdentitySignerDep, NowDep, PrincipalDep, SessionDep
from api.identity.end_users import EndUser, IdentityRejected
from api.identity.known_contacts import delete_contact, end_user_for_phone, list_contacts, save_contact
from api.identity.portal_tokens import PortalKeys
from api.identity.schemas import ContactIn, ContactOut, ContactPage, IdentityOut, PhoneIn, PortalTokenIn
from api.tickets.service import Forbidden

router = APIRouter(tags=["identity"])
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or unknown X-API-Key, or a token that proves no identity"},
    403: {"description": "Only the bot's service key (or an admin key) may verify end users"},
    404: {"description": "The phone number is not a known contact"},
}
PhoneNumber = Annotated[str, Path(pattern=r"^\+?[0-9]{7,20}$", description="Digits, with country code.")]


def _channel_key(principal: Principal) -> None:
    if not (principal.is_service or principal.is_admin):
        raise Forbidden("only the channels' service key verifies end users")


def _identity(user: EndUser, signer: IdentitySignerDep, now: NowDep) -> IdentityOut:
    token, expires = signer.sign(user, now)
    return IdentityOut(token=token, expires_at=expires, **asdict(user))


@router.post("/identity/portal", response_model=IdentityOut, responses=ERRORS)
def verify_portal_user(
    body: PortalTokenIn, request: Request, principal: PrincipalDep, signer: IdentitySignerDep, now: NowDep
) -> IdentityOut:
    """The portal's signed token (HS256 or RS256 JWT) exchanged for the API's end-user identity."""
    _channel_key(principal)
    keys: PortalKeys = request.app.state.portal_keys
    try:
        user = keys.verify(body.token, now)
    except IdentityRejected as exc:
        raise HTTPException(401, str(exc)) from exc
    return _identity(user, signer, now)


@router.post("/identity/phone", response_model=IdentityOut, responses=ERRORS)
def verify_phone_user(
    body: PhoneIn, principal: PrincipalDep, session: SessionDep, signer: IdentitySignerDep, now: NowDep
) -> IdentityOut:
    """A number the messaging platform verified (WhatsApp), as the known contact it belongs to."""
    _channel_key(principal)
    user = end_user_for_phone(session, body.phone)
    if user is None:
        raise HTTPException(404, "not a known contact's number; it may open unverified tickets only")
    return _identity(user, signer, now)


def _admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("only support staff (an admin key) manage known contacts")


@router.get("/customer-contacts", response_model=ContactPage, responses=ERRORS)
def contacts_page(
    principal: PrincipalDep,
    session: SessionDep,
    company_code: str | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 50,
) -> ContactPage:
    """Known contacts (phone → company and person), optionally of one company."""
    _admin(principal)
    rows, total = list_contacts(session, company_code, page, page_size)
    items = [ContactOut.model_validate(row, from_attributes=True) for row in rows]
    return ContactPage(items=items, total=total, page=page, page_size=page_size)


@router.put("/customer-contacts/{phone}", response_model=ContactOut, responses=ERRORS)
def put_contact(
    phone: PhoneNumber, body: ContactIn, principal: PrincipalDep, session: SessionDep, now: NowDep
) -> ContactOut:
    """Create or replace the contact a phone number belongs to."""
    _admin(principal)
    contact = save_contact(session, phone, **body.model_dump(), source="admin", now=now)
    return ContactOut.model_validate(contact, from_attributes=True)


@router.delete("/customer-contacts/{phone}", status_code=204, responses=ERRORS)
def remove_contact(phone: PhoneNumber, principal: PrincipalDep, session: SessionDep) -> Response:
    """Forget a phone number: its messages become an unknown sender's."""
    _admin(principal)
    if not delete_contact(session, phone):
        raise HTTPException(404, f"{phone} is not a known contact")
    return Response(status_code=204)
