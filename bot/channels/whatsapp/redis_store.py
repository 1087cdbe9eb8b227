"""The WhatsApp channel's memory in Redis, for a bot whose tracker or lock store is there already."""

from __future__ import annotations

import time
from typing import Callable, List, Mapping, Optional
from urllib.parse import urlsplit, urlunsplit

import redis

from channels.whatsapp.memory_store import WAIT_SECONDS, Entry, Retention

# The URLs redis-py opens (TCP, TLS, a Unix socket): WHATSAPP_MEMORY_URL selects Redis by them.
SCHEMES = ("redis://", "rediss://", "unix://")
PREFIX = "whatsapp"  # kinds hold no colon, so a kind's sorted set never meets one of its values


def _value_name(kind: str, key: str) -> str:
    return f"{PREFIX}:{kind}:{key}"


def _index_name(kind: str) -> str:
    return f"{PREFIX}:{kind}"


def _before(moment: float) -> str:
    """A sorted-set bound excluding ``moment`` itself, as older_than and SqlStore's ``<`` do."""
    return f"({moment!r}"


def _shown(url: str) -> str:
    """The URL without its password (user info, or a ``password`` query), for an error message."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2], query=""))


class RedisStore:
    """Each value under ``whatsapp:<kind>:<key>``, and per kind a sorted set ``whatsapp:<kind>`` of
    its keys scored by when they were written, which answers ``older_than``.

    The time written comes from the store's clock, not Redis's, as in SqlStore (tests set it). A value
    expires its kind's retention after it is written, Redis dropping it on its own; its key leaves the
    sorted set at most once an hour (Retention), and ``older_than`` skips a key whose value is gone.
    Each write is one MULTI/EXEC transaction. Calls are synchronous for the reasons SqlStore gives,
    each one or two round trips; waits are bounded by WAIT_SECONDS.
    """

    def __init__(
        self, url: str, retention: Mapping[str, float], clock: Callable[[], float] = time.time
    ) -> None:
        self.retention = Retention(retention)
        self.clock = clock
        self.client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=WAIT_SECONDS, socket_connect_timeout=WAIT_SECONDS
        )
        try:
            self.client.ping()
        except redis.RedisError as error:
            reason = str(error).rstrip(".")
            raise ConnectionError(
                f"WHATSAPP_MEMORY_URL: no Redis answers at {_shown(url)} ({reason}). Start Redis there "
                "(`make redis` installs one), correct the URL, or leave WHATSAPP_MEMORY_URL empty to keep "
                "the memory in this process only (a restart then forgets it)."
            ) from error

    def get(self, kind: str, key: str) -> Optional[str]:
        value = self.client.get(_value_name(kind, key))
        return None if value is None else str(value)

    def put(self, kind: str, key: str, value: str) -> None:
        now = self.clock()
        lasts = self.retention.seconds.get(kind)
        with self.client.pipeline(transaction=True) as transaction:
            transaction.set(_value_name(kind, key), value, px=None if lasts is None else int(lasts * 1000))
            transaction.zadd(_index_name(kind), {key: now})
            for pruned, before in self.retention.due(now).items():
                transaction.zremrangebyscore(_index_name(pruned), "-inf", _before(before))
            transaction.execute()

    def delete(self, kind: str, key: str) -> None:
        with self.client.pipeline(transaction=True) as transaction:
            transaction.delete(_value_name(kind, key))
            transaction.zrem(_index_name(kind), key)
            transaction.execute()

    def older_than(self, kind: str, before: float) -> List[Entry]:
        # Members of equal score come in key order, as SqlStore orders them.
        scored = self.client.zrangebyscore(_index_name(kind), "-inf", _before(before), withscores=True)
        if not scored:
            return []
        values = self.client.mget([_value_name(kind, key) for key, _ in scored])
        return [
            Entry(str(key), str(value), float(updated_at))
            for (key, updated_at), value in zip(scored, values, strict=True)
            if value is not None
        ]
