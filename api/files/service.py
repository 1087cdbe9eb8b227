"""The rules for chat files: who may store and read them, what is accepted, and how they join a ticket."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import Principal
from api.files.models import ChatFile
from api.files.storage import SAFE_KEY, FileStore
from api.identity.end_users import EndUser
from api.tickets.models import Ticket
from api.tickets.service import Forbidden, IdentityRequired, NotFound

# Files sent in a conversation join the ticket opened there within this time.
CONVERSATION_HOURS = 24
FILENAME_CHARS = 255


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int
    types: frozenset[str]  # MIME types accepted (lower case)


class FileRefused(Exception):
    """A file the API does not keep: ``status`` 413 (too large), 415 (type), 422 (damaged or unnamed)."""

    def __init__(self, status: int, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.status, self.field, self.rule = status, field, rule


def clean_filename(name: str) -> str:
    """The name without folders, control characters or leading dots, at most 255 characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip().lstrip(".")
    return re.sub(r"\s+", " ", name)[:FILENAME_CHARS]


def store_file(
    session: Session, store: FileStore, limits: FileLimits, principal: Principal, conversation: str | None,
    filename: str, mime_type: str, content: bytes, declared_sha256: str | None, now: datetime,
) -> ChatFile:  # fmt: skip
    """Check and keep a file a channel received in ``conversation``."""
    if not (principal.is_service or principal.is_admin):
        raise Forbidden("only the chat channels' service keys store chat files")
    if not conversation:
        raise FileRefused(
            422, "x-end-user", "missing", "X-End-User must name the conversation the file came in"
        )
    name = clean_filename(filename)
    if not name:
        raise FileRefused(422, "x-file-name", "missing", "X-File-Name must give the file's name")
    kind = mime_type.split(";", 1)[0].strip().lower()
    if kind not in limits.types:
        raise FileRefused(415, "content-type", "type", f"files of type {kind or 'unknown'} are not accepted")
    if len(content) > limits.max_bytes:
        raise FileRefused(413, "body", "size", f"files are accepted up to {limits.max_bytes} bytes")
    if not content:
        raise FileRefused(422, "body", "empty", "the file is empty")
    digest = hashlib.sha256(content).hexdigest()
    if declared_sha256 and declared_sha256.strip().lower() != digest:
        raise FileRefused(422, "x-file-sha256", "mismatch", "the file's SHA-256 differs from X-File-SHA256")
    row = ChatFile(
        id=uuid.uuid4().hex, conversation=conversation, filename=name, mime_type=kind, size=len(content),
        sha256=digest, uploaded_by_key=principal.key_id, created_at=now,
    )  # fmt: skip
    store.put(row.id, content)  # the content first: a row never points at nothing
    session.add(row)
    session.commit()
    return row


def attach_conversation_files(session: Session, ticket: Ticket, conversation: str, now: datetime) -> None:
    """The conversation's recent files not yet on a ticket join ``ticket``."""
    since = now - timedelta(hours=CONVERSATION_HOURS)
    files = session.scalars(
        select(ChatFile).where(
            ChatFile.conversation == conversation,
            ChatFile.ticket_number.is_(None),
            ChatFile.created_at >= since,
        )
    ).all()
    for row in files:
        row.ticket_number = ticket.number
    session.commit()


def files_of(session: Session, ticket_number: int) -> list[ChatFile]:
    return list(
        session.scalars(
            select(ChatFile).where(ChatFile.ticket_number == ticket_number).order_by(ChatFile.created_at)
        )
    )


def readable_file(session: Session, principal: Principal, end_user: EndUser | None, file_id: str) -> ChatFile:
    """The file, for support staff (admin keys) and for its ticket's verified contact only."""
    row = session.get(ChatFile, file_id) if SAFE_KEY.fullmatch(file_id) else None
    if principal.is_admin:
        if row is None:
            raise NotFound(f"file {file_id} not found")
        return row
    if not principal.is_service:
        raise Forbidden("chat files are served to support staff and to the ticket's verified contact only")
    if end_user is None:
        raise IdentityRequired(
            "a service key reads a file only for its ticket's verified contact: send the X-End-User-Token"
        )
    ticket = session.get(Ticket, row.ticket_number) if row is not None and row.ticket_number else None
    if row is None or ticket is None or not end_user.owns(ticket):
        raise NotFound(f"file {file_id} not found among your tickets' files")
    return row
