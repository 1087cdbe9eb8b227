"""The verified customer behind a message, as the support API vouches for them.

A web client proves who is chatting with the portal's signed token (metadata ``portal_token``); a
WhatsApp sender with the number Meta verified. The API exchanges either proof for its own signed
identity, which the channel puts in the message's metadata as ``identity``: the actions read it from
there only, so no client can state it. Answers are cached (until shortly before the identity
expires; a phone's for a few minutes) so that a conversation does not cost an API call per message.
When the API refuses the proof or cannot be reached the customer goes on unverified: they still get
answers and may open an unverified ticket.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Optional, Tuple

from channels.inbound_limits import ClientMetadata
from shared.support_api import SupportApi, SupportApiError

log = logging.getLogger(__name__)

Identity = Dict[str, Any]
ApiFactory = Callable[[], SupportApi]

# The fields of the API's answer kept in the metadata; ``token`` is what the actions send on.
IDENTITY_FIELDS = (
    "token", "expires_at", "name", "email", "company_code", "proof", "country", "language", "phone",
)  # fmt: skip
# A cached identity is dropped this long before it expires, so no message carries a stale one.
EXPIRY_MARGIN_SECONDS = 60.0
PORTAL_IDENTITIES = 10_000
PHONE_IDENTITIES = 10_000
# How long a number's answer (known contact or not) is trusted: support staff may add or remove one.
PHONE_CACHE_SECONDS = 300.0


class ExpiringCache:
    """Identities by key, each until its own time, forgetting the least recent beyond ``size``."""

    def __init__(self, size: int, clock: Callable[[], float]) -> None:
        self.size = size
        self.clock = clock
        self._items: OrderedDict[str, Tuple[float, Identity]] = OrderedDict()

    def get(self, key: str) -> Optional[Identity]:
        """A copy of what is cached (``{}`` for "known to have none"), or None when nothing is."""
        found = self._items.get(key)
        if found is None:
            return None
        until, identity = found
        if self.clock() >= until:
            del self._items[key]
            return None
        return dict(identity)

    def put(self, key: str, identity: Identity, until: float) -> None:
        if until <= self.clock():
            return
        self._items[key] = (until, dict(identity))
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def expiry(value: Any) -> Optional[float]:
    """The epoch seconds of an ISO 8601 time (``...Z`` included, which Python 3.10 cannot read)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def identity_from(answer: Any) -> Optional[Identity]:
    """The identity fields of the API's answer; None when it holds no identity token."""
    if not isinstance(answer, dict) or not isinstance(answer.get("token"), str) or not answer["token"]:
        log.error("the support API's identity answer holds no token; the customer goes on unverified")
        return None
    return {field: answer.get(field) for field in IDENTITY_FIELDS}


def _usable_until(identity: Identity, longest: Optional[float], now: float) -> float:
    expires = expiry(identity.get("expires_at"))
    until = expires - EXPIRY_MARGIN_SECONDS if expires is not None else now  # unreadable: not cached
    return min(until, now + longest) if longest is not None else until


def _log_refusal(proof: str, exc: SupportApiError) -> None:
    """Says why a proof gave no identity, without the proof itself (a token, a phone number)."""
    if exc.status is None or exc.status >= 500:
        log.warning("%s not verified (support API unreachable, request id %s)", proof, exc.request_id)
    elif exc.status in (401, 422):
        log.warning("%s refused by the support API (%s); the customer goes on unverified", proof, exc.status)
    else:  # 403: the bot's service key may not verify (SUPPORT_API_KEY)
        log.error("%s not verified: the API answered %s (request id %s)", proof, exc.status, exc.request_id)


class PortalIdentities:
    """Portal tokens exchanged for the API's identities, cached per token (by its hash)."""

    def __init__(
        self,
        api: ApiFactory = SupportApi,
        clock: Callable[[], float] = time.time,
        size: int = PORTAL_IDENTITIES,
    ) -> None:
        self.api = api
        self.clock = clock
        self.cache = ExpiringCache(size, clock)

    async def verify(self, token: str) -> Optional[Identity]:
        """The identity the portal token proves, or None (refused, or the API unreachable)."""
        key = hashlib.sha256(token.encode("utf-8")).hexdigest()
        cached = self.cache.get(key)
        if cached:
            return cached
        try:
            identity = identity_from(await self.api().verify_portal_user(token))
        except SupportApiError as exc:
            _log_refusal("a portal token", exc)
            return None
        if identity is not None:
            now = self.clock()
            self.cache.put(key, identity, _usable_until(identity, None, now))
        return identity


class PhoneIdentities:
    """WhatsApp numbers looked up as the API's known contacts, cached per number for a few minutes."""

    def __init__(
        self,
        api: ApiFactory = SupportApi,
        clock: Callable[[], float] = time.time,
        size: int = PHONE_IDENTITIES,
        seconds: float = PHONE_CACHE_SECONDS,
    ) -> None:
        self.api = api
        self.clock = clock
        self.seconds = seconds
        self.cache = ExpiringCache(size, clock)

    async def lookup(self, phone: str) -> Optional[Identity]:
        """The known contact's identity behind ``phone`` ("+<digits>"), or None (unknown, API down)."""
        cached = self.cache.get(phone)
        if cached is not None:
            return cached or None
        try:
            identity = identity_from(await self.api().verify_phone_user(phone))
        except SupportApiError as exc:
            if exc.status == 404:  # not a known contact: remembered too, so each message is not a call
                self.cache.put(phone, {}, self.clock() + self.seconds)
            else:
                _log_refusal("a WhatsApp number", exc)
            return None
        if identity is not None:
            now = self.clock()
            self.cache.put(phone, identity, _usable_until(identity, self.seconds, now))
        return identity


async def end_user_metadata(client: ClientMetadata, portal: PortalIdentities) -> Dict[str, Any]:
    """The metadata a web channel hands to Rasa: the client's allowed keys and the verified identity."""
    metadata = client.public()
    if client.portal_token:
        identity = await portal.verify(client.portal_token)
        if identity is not None:
            metadata["identity"] = identity
    return metadata
