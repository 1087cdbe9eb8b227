"""API keys: creation (the key is shown once, only its hash is kept), lookup and rate limits.

Three kinds of caller:
- admin keys (support staff): every ticket and every transition;
- company keys: only their company's tickets, customer actions only;
- service keys (the bot, channels): search, create tickets (unverified unless the request carries a
  verified end user) and report events; reading or changing a ticket needs the verified end user
  who owns it (``X-End-User-Token``, see ``api/identity``).
"""

from __future__ import annotations

import hashlib
import secrets
import shlex
import threading
import time
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.db import Base, UtcDateTime

KEY_PREFIX = "sk_"


class ApiKey(Base):
    """A caller of the API. Only a hash of the key is stored; the key is shown once at creation."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    company_code: Mapped[str | None] = mapped_column(String(40))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class Principal:
    key_id: int
    name: str
    company_code: str | None
    is_admin: bool

    @property
    def is_service(self) -> bool:
        return not self.is_admin and self.company_code is None

    def may_act_for(self, company_code: str) -> bool:
        return self.is_admin or self.is_service or self.company_code == company_code


def hash_key(key: str) -> str:
    # Keys are 256-bit random tokens, so a plain SHA-256 cannot be brute-forced.
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    """A fresh random key; made apart from storing it so the CLI can save it to a file before committing."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_kind(company_code: str | None, admin: bool) -> str:
    """How a key is described to people: ``admin``, ``company CODE`` or ``service``."""
    if admin:
        return "admin"
    return f"company {company_code}" if company_code is not None else "service"


def _reissue_command(name: str, company_code: str | None, admin: bool) -> str:
    """The command that gives this name a new key of the same kind, for error messages to suggest."""
    command = ["python", "-m", "api", "keys", "create", name, "--replace"]
    if admin:
        command.append("--admin")
    elif company_code is not None:
        command += ["--company", company_code]
    return f"`{shlex.join(command)}`"


def _named(session: Session, name: str) -> ApiKey:
    row = session.scalar(select(ApiKey).where(ApiKey.name == name))
    if row is None:
        raise ValueError(f"no key named {name!r}; `python -m api keys list` shows the names there are")
    return row


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def create_key(
    session: Session,
    name: str,
    company_code: str | None = None,
    admin: bool = False,
    replace: bool = False,
    *,
    key: str | None = None,
) -> str:
    """Store a new key and return it; it cannot be read back later.

    ``replace`` issues the new key on the existing row (a rotation, see ``rotate_key``), so tickets and
    idempotency records made with the old key keep their creator; a revoked key becomes active again,
    since this is how a name is deliberately given a working key once more. The kind must stay the same:
    silently turning a company key into a service key would widen what its holder may do.
    """
    key = new_key() if key is None else key
    existing = session.scalar(select(ApiKey).where(ApiKey.name == name))
    if existing is None:
        session.add(
            ApiKey(
                name=name,
                key_hash=hash_key(key),
                company_code=company_code,
                is_admin=admin,
                created_at=datetime.now(UTC),
            )
        )
    elif not replace:
        raise ValueError(f"a key named {name!r} exists; use --replace to issue a new one")
    elif (existing.company_code, existing.is_admin) != (company_code, admin):
        kind = key_kind(existing.company_code, existing.is_admin)
        raise ValueError(
            f"{name!r} is a {kind} key and --replace keeps the kind: run "
            f"{_reissue_command(name, existing.company_code, existing.is_admin)}, or revoke it and "
            "create a key of the new kind under another name"
        )
    else:
        existing.key_hash = hash_key(key)
        existing.revoked_at = None
    session.commit()
    return key


def rotate_key(session: Session, name: str, *, key: str | None = None) -> str:
    """Give an active key a new secret on the same row, so its tickets keep their creator; return it.

    The old key stops working at once. A revoked key is refused: revocation is a decision, and undoing
    it should take the explicit ``keys create NAME --replace``, not a routine rotation.
    """
    row = _named(session, name)
    if row.revoked_at is not None:
        raise ValueError(
            f"key {name!r} was revoked at {_stamp(row.revoked_at)} and is not rotated; to give it a "
            f"working key again run {_reissue_command(name, row.company_code, row.is_admin)}"
        )
    key = new_key() if key is None else key
    row.key_hash = hash_key(key)
    session.commit()
    return key


def revoke_key(session: Session, name: str) -> ApiKey:
    """Stop a key working while keeping its row, which its tickets and idempotency records point to."""
    row = _named(session, name)
    if row.revoked_at is not None:
        raise ValueError(
            f"key {name!r} was already revoked at {_stamp(row.revoked_at)}, nothing changed; to issue "
            f"a new key under this name run {_reissue_command(name, row.company_code, row.is_admin)}"
        )
    row.revoked_at = datetime.now(UTC)
    session.commit()
    return row


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, revoked ones included, by name; for display only (the rows hold hashes)."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.name)))


def find_principal(session: Session, key: str) -> Principal | None:
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    if row is None or row.revoked_at is not None:
        return None
    return Principal(row.id, row.name, row.company_code, row.is_admin)


class RateLimiter:
    """Sliding one-minute window of requests per caller (a key, an end user, an address), in memory."""

    # Callers idle for a minute are forgotten once this many are tracked, so memory stays bounded.
    SWEEP_AT = 10_000

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, caller: Hashable) -> int:
        """0 when the request may go ahead, else the seconds to wait."""
        if self.per_minute <= 0:
            return 0
        now = time.monotonic()
        with self._lock:
            if len(self._hits) >= self.SWEEP_AT:
                self._hits = {k: v for k, v in self._hits.items() if v and now - v[-1] < 60}
            hits = self._hits.setdefault(caller, deque())
            while hits and now - hits[0] >= 60:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return int(60 - (now - hits[0])) + 1
            hits.append(now)
            return 0
