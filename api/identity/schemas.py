"""Request and response bodies of the identity endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.tickets.schemas import Email, Phone
from core.languages import Language


class PortalTokenIn(BaseModel):
    token: str = Field(min_length=10, max_length=4096, description="The JWT the portal signed for its user.")


class PhoneIn(BaseModel):
    phone: Phone = Field(description="The sender's number as the messaging platform verified it.")


class IdentityOut(BaseModel):
    """The verified customer, and the identity to send as X-End-User-Token until it expires."""

    token: str
    expires_at: datetime
    name: str
    email: str
    company_code: str
    proof: str
    country: str | None
    language: str | None
    phone: str | None


class ContactIn(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    email: Email
    company_code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    language: Language | None = None


class ContactOut(ContactIn):
    phone: str
    source: str
    updated_at: datetime


class ContactPage(BaseModel):
    items: list[ContactOut]
    total: int
    page: int
    page_size: int
