"""The verified end user, and the short-lived identity the API signs for the channels to pass on.

A channel proves who is chatting once (the portal's signed token, or a WhatsApp number Meta
verified) and gets back an identity token that every later call carries in ``X-End-User-Token``;
the ticket endpoints authorise against it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt

from api.tickets.models import Ticket

ISSUER = "erp-support-api"
AUDIENCE = "end-user"
ALGORITHM = "HS256"

Proof = Literal["portal", "whatsapp"]


class IdentityRejected(Exception):
    """A token that does not prove an identity (HTTP 401); the message says why."""


def phone_digits(phone: str | None) -> str | None:
    """A phone number as its digits, so "+55 (11) 4003-0015" and "551140030015" are one number."""
    digits = re.sub(r"\D", "", phone or "")
    return digits or None


@dataclass(frozen=True)
class EndUser:
    """A customer whose identity a channel proved."""

    name: str
    email: str
    company_code: str
    proof: Proof
    country: str | None = None
    language: str | None = None
    phone: str | None = None  # digits only

    def owns(self, ticket: Ticket) -> bool:
        """The ticket is this customer's: same company, and their e-mail or phone."""
        if ticket.company_code.lower() != self.company_code.lower():
            return False
        if ticket.contact_email.lower() == self.email.lower():
            return True
        return self.phone is not None and phone_digits(ticket.contact_phone) == self.phone


class IdentitySigner:
    """Signs and reads the API's end-user identity tokens (HS256 with the API's own secret)."""

    def __init__(self, secret: str, lifetime: timedelta) -> None:
        if len(secret) < 32:
            raise ValueError("the identity secret must be at least 32 characters")
        self._secret = secret
        self.lifetime = lifetime

    def sign(self, user: EndUser, now: datetime) -> tuple[str, datetime]:
        expires = now + self.lifetime
        claims: dict[str, Any] = {
            **{name: value for name, value in asdict(user).items() if value is not None},
            "iss": ISSUER, "aud": AUDIENCE, "sub": user.email, "iat": now, "exp": expires,
        }  # fmt: skip
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM), expires

    def read(self, token: str, now: datetime) -> EndUser:
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
                # Expiry is checked below against the API's clock, which tests can move.
                options={"require": ["exp", "iat", "sub"], "verify_exp": False, "verify_iat": False},
            )  # fmt: skip
        except jwt.PyJWTError as exc:
            raise IdentityRejected(f"X-End-User-Token is not an identity this API issued ({exc})") from exc
        if datetime.fromtimestamp(claims["exp"], UTC) <= now:
            raise IdentityRejected("the customer's identity expired; the channel must verify them again")
        return EndUser(
            name=claims["name"], email=claims["email"], company_code=claims["company_code"],
            proof=claims["proof"], country=claims.get("country"), language=claims.get("language"),
            phone=claims.get("phone"),
        )  # fmt: skip
