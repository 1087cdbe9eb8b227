"""Small signed tokens the API hands to the browser and later reads back unchanged.

HMAC-SHA256 over a compact JSON payload, with a key derived from the API's identity secret for one
purpose, so a token made for one job (a form session) is never accepted for another (a suggestion)
nor as an end-user identity. Expiry is read against the API's clock, which tests move.

Usage::

    tokens = SignedTokens(secret, "form-session")
    token = tokens.sign({"c": "form-…"}, expires=now + timedelta(hours=24))
    tokens.read(token, now)     # {"c": "form-…", "exp": …}, or TokenRejected
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any


class TokenRejected(Exception):
    """A token this API did not sign for this purpose, or one that expired; the message says which."""


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SignedTokens:
    def __init__(self, secret: str, purpose: str) -> None:
        self._key = hmac.new(secret.encode("utf-8"), f"portal:{purpose}".encode(), hashlib.sha256).digest()
        self.purpose = purpose

    def sign(self, payload: dict[str, Any], expires: datetime) -> str:
        body = _encode(
            json.dumps({**payload, "exp": int(expires.timestamp())}, separators=(",", ":")).encode()
        )
        return f"{body}.{self._mac(body)}"

    def read(self, token: str, now: datetime) -> dict[str, Any]:
        body, _, mac = token.partition(".")
        if not body or not token.isascii() or not hmac.compare_digest(mac, self._mac(body)):
            raise TokenRejected(f"not a {self.purpose} token this API issued")
        try:
            payload: dict[str, Any] = json.loads(_decode(body))
        except (ValueError, binascii.Error) as exc:  # signed by us, so never expected
            raise TokenRejected(f"not a {self.purpose} token this API issued") from exc
        if datetime.fromtimestamp(payload["exp"], UTC) <= now:
            raise TokenRejected(f"the {self.purpose} token expired")
        return payload

    def _mac(self, body: str) -> str:
        return _encode(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())
