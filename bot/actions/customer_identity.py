"""The customer the channel verified (portal login, known WhatsApp number), as the actions see it.

Only the channels put ``identity`` in a message's metadata (they drop it from what a client sends);
its ``token`` is the API's signed identity, which the API checks on every ticket call. A verified
customer's name, e-mail and company are filled from it and locked: the dialog neither asks nor
changes them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Optional

from rasa_sdk import Tracker

from shared.languages import API_LANGUAGE
from shared.support_api import SupportApi, SupportApiError

IDENTITY_SLOT = "verified_identity"
# Ticket field → identity claim. The API puts these on a verified customer's tickets whatever is sent.
LOCKED_FIELDS = {"contact_name": "name", "contact_email": "email", "company_code": "company_code"}
CLAIMS = ("token", "expires_at", "name", "email", "company_code", "proof", "country", "language", "phone")


def _valid(identity: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(identity, dict) or not identity.get("token"):
        return None
    try:
        expires = datetime.fromisoformat(str(identity.get("expires_at")).replace("Z", "+00:00"))
    except ValueError:
        return None
    if expires.tzinfo is None or expires <= datetime.now(timezone.utc):
        return None
    return {claim: identity.get(claim) for claim in CLAIMS}


def identity_of(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The verified customer of this conversation, if the channel proved one that has not expired."""
    latest = _valid((tracker.latest_message.get("metadata") or {}).get("identity"))
    return latest or _valid(tracker.get_slot(IDENTITY_SLOT))


def identity_slots(tracker: Tracker) -> Dict[str, Any]:
    """Slots to set from the latest message's identity: the identity itself and the locked fields."""
    identity = _valid((tracker.latest_message.get("metadata") or {}).get("identity"))
    if identity is None:
        return {}
    wanted: Dict[str, Any] = {IDENTITY_SLOT: identity}
    wanted.update({field: identity[claim] for field, claim in LOCKED_FIELDS.items() if identity.get(claim)})
    return {slot: value for slot, value in wanted.items() if tracker.get_slot(slot) != value}


def locked_fields(tracker: Tracker) -> Dict[str, Any]:
    """The ticket fields the verified identity fixes, with their values (empty when anonymous)."""
    identity = identity_of(tracker)
    if identity is None:
        return {}
    return {field: identity[claim] for field, claim in LOCKED_FIELDS.items() if identity.get(claim)}


def support_api(tracker: Tracker) -> SupportApi:
    """The API client for this conversation: its end user, and their verified identity if any."""
    identity = identity_of(tracker)
    return SupportApi(end_user=tracker.sender_id, identity_token=identity["token"] if identity else None)


async def portal_link(language: str) -> str:
    """The customer portal's address, where a customer signs in to be verified ("—" if the API is down)."""
    try:
        return str((await SupportApi().contacts(API_LANGUAGE[language]))["portal"])
    except SupportApiError:
        return "—"
