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


def create_key(
    session: Session, name: str, company_code: str | None = None, admin: bool = False, replace: bool = False
) -> str:
    """Store a new key and return it; it cannot be read back later."""
    existing = session.scalar(select(ApiKey).where(ApiKey.name == name))
    if existing is not None:
        if not replace:
            raise ValueError(f"a key named {name!r} exists; use --replace to issue a new one")
        session.delete(existing)
        session.flush()
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            name=name,
            key_hash=hash_key(key),
            company_code=company_code,
            is_admin=admin,
            created_at=datetime.now(UTC),
        )
    )
    session.commit()
    return key


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
