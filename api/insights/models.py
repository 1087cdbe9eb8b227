"""What happened in support conversations, one row per event, with personal data already masked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UtcDateTime


class ConversationEvent(Base):
    """A question asked, articles shown, feedback given, a ticket opened or a human asked for."""

    __tablename__ = "conversation_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    conversation: Mapped[str] = mapped_column(String(32), index=True)  # hash of the channel's sender id
    channel: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(5))
    product: Mapped[str | None] = mapped_column(String(80))
    question: Mapped[str | None] = mapped_column(Text)  # masked
    articles: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    confident: Mapped[bool | None] = mapped_column(Boolean)
    article_id: Mapped[str | None] = mapped_column(String(200))
    solved: Mapped[bool | None] = mapped_column(Boolean)
    ticket_number: Mapped[int | None] = mapped_column(Integer)
    ticket_completeness: Mapped[float | None] = mapped_column()
