"""Database tables of the ticket service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, UtcDateTime
from api.files.models import ChatFile


class Ticket(Base):
    __tablename__ = "tickets"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_code: Mapped[str] = mapped_column(String(40), index=True)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320), index=True)
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))
    country: Mapped[str | None] = mapped_column(String(2))
    product: Mapped[str] = mapped_column(String(80), index=True)
    module: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    environment: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    error_message: Mapped[str | None] = mapped_column(Text)
    steps_to_reproduce: Mapped[str | None] = mapped_column(Text)
    since_when: Mapped[str | None] = mapped_column(String(200))
    impact: Mapped[str] = mapped_column(String(10))
    urgency: Mapped[str] = mapped_column(String(10))
    priority: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(30), index=True)
    third_party_type: Mapped[str | None] = mapped_column(String(40))
    calendar: Mapped[str] = mapped_column(String(10))
    first_response_due: Mapped[datetime] = mapped_column(UtcDateTime)
    resolution_due: Mapped[datetime] = mapped_column(UtcDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    articles_shown: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    attachments: Mapped[list[str]] = mapped_column(JSON, default=list)
    follow_up_of: Mapped[int | None] = mapped_column(ForeignKey("tickets.number"))
    created_by_key: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    # Whether the contact and company were verified (portal token, known phone, company or admin key).
    verified: Mapped[bool] = mapped_column(default=False)
    # Bumped by every change: a change made from a stale copy fails instead of overwriting another.
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012

    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )
    csat: Mapped[CsatResponse | None] = relationship(back_populates="ticket", cascade="all, delete-orphan")
    # Files the customer sent in the chat the ticket was opened from (api/files).
    files: Mapped[list[ChatFile]] = relationship(order_by="ChatFile.created_at", viewonly=True)


class TicketEvent(Base):
    """One entry of a ticket's history: creation, status change, comment, survey."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_number: Mapped[int] = mapped_column(ForeignKey("tickets.number"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str | None] = mapped_column(String(30))
    body: Mapped[str | None] = mapped_column(Text)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class CsatResponse(Base):
    __tablename__ = "csat_responses"

    ticket_number: Mapped[int] = mapped_column(ForeignKey("tickets.number"), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)

    ticket: Mapped[Ticket] = relationship(back_populates="csat")


class IdempotencyRecord(Base):
    """The ticket a create request made, so a retry with the same key returns it again."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("api_key_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    ticket_number: Mapped[int] = mapped_column(ForeignKey("tickets.number"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
