"""Files customers send in a chat (screenshots, logs): stored by the API, linked to the conversation
and, once one is opened there, to its ticket."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UtcDateTime


class ChatFile(Base):
    __tablename__ = "chat_files"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, never guessable from another
    conversation: Mapped[str] = mapped_column(String(200), index=True)  # the channel's X-End-User
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_key: Mapped[int] = mapped_column(Integer)
    ticket_number: Mapped[int | None] = mapped_column(ForeignKey("tickets.number"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
