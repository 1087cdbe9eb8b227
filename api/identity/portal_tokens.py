"""The customer portal's identity token: a JWT the portal signs for the logged-in user.

HS256 with a secret shared with the portal, or RS256 with the portal's key pair (the API holds
only the public key). Only the algorithms configured are accepted, each with its own key, so a
token cannot choose "none" or pass an RSA public key off as an HMAC secret.

Claims: ``name``, ``email``, ``company_code``, ``exp`` (required); ``country``, ``language``,
``phone`` (optional); ``aud`` when PORTAL_TOKEN_AUDIENCE is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.identity.end_users import EndUser, IdentityRejected, phone_digits
from api.tickets.schemas import Email
from core.languages import Language
from core.settings import Settings

REQUIRED_CLAIMS = ["exp", "name", "email", "company_code"]


class PortalClaims(BaseModel):
    """What the portal must say about its user, with the ticket API's own rules."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=2, max_length=200)
    email: Email
    company_code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    language: Language | None = None
    phone: str | None = Field(None, max_length=40)


def _read_key_file(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as exc:
        raise ValueError(
            f"PORTAL_TOKEN_PUBLIC_KEY names {path}, which cannot be read ({exc.strerror}); "
            "give the portal's public key as PEM text or the path of a readable PEM file"
        ) from exc


@dataclass(frozen=True)
class PortalKeys:
    """The keys portal tokens may be signed with, by algorithm."""

    keys: dict[str, Any]
    audience: str | None

    @classmethod
    def from_settings(cls, settings: Settings) -> PortalKeys:
        keys: dict[str, Any] = {}
        if settings.portal_token_secret:
            keys["HS256"] = settings.portal_token_secret
        if public := settings.portal_token_public_key.strip():
            keys["RS256"] = public if public.startswith("-----BEGIN") else _read_key_file(Path(public))
        return cls(keys, settings.portal_token_audience or None)

    def verify(self, token: str, now: datetime) -> EndUser:
        if not self.keys:
            raise IdentityRejected("portal tokens are not configured (PORTAL_TOKEN_SECRET or _PUBLIC_KEY)")
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
            if algorithm not in self.keys:
                raise IdentityRejected(f"portal tokens signed with {algorithm!r} are not accepted")
            claims = jwt.decode(
                token, self.keys[algorithm], algorithms=[algorithm], audience=self.audience,
                options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False},
            )  # fmt: skip
        except jwt.PyJWTError as exc:
            raise IdentityRejected(f"the portal token is not valid ({exc})") from exc
        if datetime.fromtimestamp(float(claims["exp"]), UTC) <= now:
            raise IdentityRejected("the portal token expired; the portal must issue a new one")
        try:
            valid = PortalClaims.model_validate(claims)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise IdentityRejected(f"the portal token's claims are not valid: {problems}") from exc
        return EndUser(
            name=valid.name, email=valid.email, company_code=valid.company_code, proof="portal",
            country=valid.country.upper() if valid.country else None, language=valid.language,
            phone=phone_digits(valid.phone),
        )  # fmt: skip
