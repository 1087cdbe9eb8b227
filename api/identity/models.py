"""Known contacts: the phone numbers (WhatsApp) the API recognises as a company's customer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UtcDateTime


class CustomerContact(Base):
    """A customer reachable by phone; managed with admin keys and filled from verified tickets."""

    __tablename__ = "customer_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)  # digits only, with country code
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    company_code: Mapped[str] = mapped_column(String(40))
    country: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str | None] = mapped_column(String(5))
    source: Mapped[str] = mapped_column(String(20))  # "admin" or "ticket"
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
