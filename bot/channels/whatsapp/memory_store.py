"""Where the WhatsApp channel keeps what it remembers: in this process, or in a SQL database (or in
Redis: redis_store.py).

A store holds string values under (kind, key), each with the time it was written, so that the
channel can list one kind's entries written before a time (the messages a crash left half-handled).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Dict, Generic, List, Mapping, NamedTuple, Optional, Protocol, TypeVar

from sqlalchemy import Column, Float, Index, MetaData, String, Table, Text, create_engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url

TABLE = "whatsapp_channel_memory"
PRUNE_EVERY_SECONDS = 60 * 60
# How long a call may wait for a database another connection holds, or for a PostgreSQL or Redis server.
WAIT_SECONDS = 2

# The two databases whose upsert (INSERT … ON CONFLICT DO UPDATE) SQLAlchemy offers alike.
UPSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}

V = TypeVar("V")


class Entry(NamedTuple):
    key: str
    value: str
    updated_at: float  # seconds since the epoch, by the store's clock


class MemoryStore(Protocol):
    """String values under (kind, key). Calls are synchronous and short (see SqlStore)."""

    def get(self, kind: str, key: str) -> Optional[str]: ...

    def put(self, kind: str, key: str, value: str) -> None: ...

    def delete(self, kind: str, key: str) -> None: ...

    def older_than(self, kind: str, before: float) -> List[Entry]:
        """The entries of ``kind`` last written before ``before``, oldest first."""
        ...


class BoundedMap(Generic[V]):
    """A map that forgets its least recently written keys beyond ``size``, so memory stays bounded."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, V] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: str) -> Optional[V]:
        return self._items.get(key)

    def put(self, key: str, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.size:
            self._items.popitem(last=False)

    def discard(self, key: str) -> None:
        self._items.pop(key, None)

    def values(self) -> List[V]:
        return list(self._items.values())


class InProcessStore:
    """One bounded map per kind (``sizes``): forgotten at a restart, never larger than its size."""

    def __init__(self, sizes: Mapping[str, int], clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._maps: Dict[str, BoundedMap[Entry]] = {kind: BoundedMap(size) for kind, size in sizes.items()}

    def get(self, kind: str, key: str) -> Optional[str]:
        entry = self._maps[kind].get(key)
        return entry.value if entry else None

    def put(self, kind: str, key: str, value: str) -> None:
        self._maps[kind].put(key, Entry(key, value, self.clock()))

    def delete(self, kind: str, key: str) -> None:
        self._maps[kind].discard(key)

    def older_than(self, kind: str, before: float) -> List[Entry]:
        entries = [entry for entry in self._maps[kind].values() if entry.updated_at < before]
        return sorted(entries, key=lambda entry: entry.updated_at)


class Retention:
    """How long a lasting store keeps each kind (seconds); what is older is dropped at most once an
    hour, so that pruning costs one statement per kind an hour rather than one per write."""

    def __init__(self, seconds: Mapping[str, float]) -> None:
        self.seconds = dict(seconds)
        self._pruned_at = float("-inf")

    def due(self, now: float) -> Dict[str, float]:
        """Each kind with the time before which its entries go, if the last pruning is an hour old."""
        if now - self._pruned_at < PRUNE_EVERY_SECONDS:
            return {}
        self._pruned_at = now
        return {kind: now - seconds for kind, seconds in self.seconds.items()}


def _engine_options(url: URL) -> Dict[str, Any]:
    """Waits bounded by WAIT_SECONDS, so a busy database fails a call instead of stalling the loop."""
    if url.get_backend_name() == "sqlite":
        return {"connect_args": {"timeout": WAIT_SECONDS}}
    options: Dict[str, Any] = {"pool_pre_ping": True, "pool_timeout": WAIT_SECONDS}
    if url.get_driver_name() == "psycopg2":
        timeout = f"-c statement_timeout={WAIT_SECONDS * 1000}"
        options["connect_args"] = {"connect_timeout": WAIT_SECONDS, "options": timeout}
    return options


class SqlStore:
    """One table in a SQLite or PostgreSQL database; entries older than their kind's ``retention``
    (seconds) are deleted at most once an hour.

    Calls run synchronously on the event loop, not in a thread: the output channel asks its memory
    from synchronous methods (Rasa's OutputChannel API), a message is claimed in the webhook with no
    await between the check and the write (so two deliveries cannot both take it), and each call is
    one statement on the primary key, well under a millisecond on SQLite (Rasa's SQL tracker store
    works the same way on the same file). Waits are bounded by WAIT_SECONDS.
    """

    def __init__(
        self, url: str, retention: Mapping[str, float], clock: Callable[[], float] = time.time
    ) -> None:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend not in UPSERTS:
            raise ValueError(
                f"WHATSAPP_MEMORY_URL: a SQLite, PostgreSQL or Redis URL is expected, not {backend}"
            )
        self._upsert = UPSERTS[backend]
        if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
            # A fresh checkout has no var/ yet: SQLite makes the file, not its folder.
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        self.retention = Retention(retention)
        self.clock = clock
        self.engine = create_engine(parsed, future=True, **_engine_options(parsed))
        self.table = Table(
            TABLE,
            MetaData(),
            Column("kind", String(32), primary_key=True),
            Column("key", String(255), primary_key=True),
            Column("value", Text, nullable=False),
            Column("updated_at", Float, nullable=False),
            Index(f"ix_{TABLE}_updated_at", "kind", "updated_at"),
        )
        self.table.metadata.create_all(self.engine)

    def get(self, kind: str, key: str) -> Optional[str]:
        query = select(self.table.c.value).where(self.table.c.kind == kind, self.table.c.key == key)
        with self.engine.connect() as connection:
            value = connection.execute(query).scalar_one_or_none()
        return None if value is None else str(value)

    def put(self, kind: str, key: str, value: str) -> None:
        now = self.clock()
        insert = self._upsert(self.table).values(kind=kind, key=key, value=value, updated_at=now)
        upsert = insert.on_conflict_do_update(
            index_elements=[self.table.c.kind, self.table.c.key],
            set_={"value": insert.excluded.value, "updated_at": insert.excluded.updated_at},
        )
        with self.engine.begin() as connection:
            connection.execute(upsert)
            for pruned, before in self.retention.due(now).items():
                old = self.table.c.updated_at < before
                connection.execute(delete(self.table).where(self.table.c.kind == pruned, old))

    def delete(self, kind: str, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(self.table).where(self.table.c.kind == kind, self.table.c.key == key))

    def older_than(self, kind: str, before: float) -> List[Entry]:
        columns = self.table.c
        query = (
            select(columns.key, columns.value, columns.updated_at)
            .where(columns.kind == kind, columns.updated_at < before)
            .order_by(columns.updated_at, columns.key)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [Entry(str(key), str(value), float(updated_at)) for key, value, updated_at in rows]
