"""What the channel remembers between deliveries, in a store (``memory_store.py``): in this process
within fixed bounds, or in the SQL database or Redis of WHATSAPP_MEMORY_URL so that it survives a restart.

Four kinds of memory, plus the messages taken in and not yet handled: the ids of messages handled
(Meta redelivers what it thinks was lost), each contact's last message (the 24-hour customer-service
window), whether the re-engagement template went out since, and the payloads behind long button ids.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import time
from typing import Any, Callable, Dict, List, Optional

from channels.whatsapp.memory_store import InProcessStore, MemoryStore, SqlStore
from channels.whatsapp.redis_store import SCHEMES as REDIS_SCHEMES
from channels.whatsapp.redis_store import RedisStore

log = logging.getLogger(__name__)

SERVICE_WINDOW_SECONDS = 24 * 60 * 60
DAY = 24 * 60 * 60

SEEN = "seen"  # message ids handled
PENDING = "pending"  # message id → its delivery, from its arrival until it is handled
WINDOW = "window"  # contact → time of their latest message
TEMPLATED = "templated"  # contacts sent the template since their latest message
PAYLOAD = "payload"  # alias → long button payload

# How much the channel remembers in this process (entries per kind)…
RECENT_MESSAGE_IDS = 10_000
KNOWN_CONTACTS = 100_000
LONG_PAYLOADS = 10_000
SIZES = {
    SEEN: RECENT_MESSAGE_IDS,
    PENDING: RECENT_MESSAGE_IDS,
    WINDOW: KNOWN_CONTACTS,
    TEMPLATED: KNOWN_CONTACTS,
    PAYLOAD: LONG_PAYLOADS,
}
# …and for how long a database keeps each kind (seconds): Meta stops redelivering after 7 days, the
# window lasts a day, a button may be tapped weeks after it was sent.
RETENTION = {SEEN: 7 * DAY, PENDING: 7 * DAY, WINDOW: 2 * DAY, TEMPLATED: 2 * DAY, PAYLOAD: 30 * DAY}

# A message left pending is handled again at most this often after the first try, so that one
# which crashes the server every time cannot keep it crashing.
MAX_REPLAYS = 3
ALIAS_PREFIX = "wa-payload:"


def open_store(url: str, clock: Callable[[], float] = time.time) -> MemoryStore:
    """The Redis or SQL store at ``url`` (WHATSAPP_MEMORY_URL), or the in-process one when it is empty."""
    if not url:
        return InProcessStore(SIZES, clock)
    if url.startswith(REDIS_SCHEMES):
        return RedisStore(url, RETENTION, clock)
    return SqlStore(url, RETENTION, clock)


class ChannelMemory:
    """What the webhook and the output channels share between deliveries.

    Only taking in a message (``claim``, ``unfinished``) lets a failing store raise: Meta is then
    asked to deliver again. Everything else logs the failure and carries on, since a lost entry
    costs a template too many or a tap unmapped, never a message.
    """

    def __init__(self, clock: Callable[[], float] = time.time, store: Optional[MemoryStore] = None) -> None:
        self.clock = clock
        self.store = store or InProcessStore(SIZES, clock)
        self._arrivals = itertools.count()  # orders the messages of one delivery, taken in at one time

    def claim(self, message_id: str, delivery: Dict[str, Any]) -> bool:
        """Whether a message is new (neither handled nor pending); a new one is kept as pending, with
        the delivery it came in, until ``processed``, so that a crash leaves it to handle again."""
        if not message_id:
            return True
        if self.store.get(SEEN, message_id) is not None or self.store.get(PENDING, message_id) is not None:
            return False
        kept = {
            "received_at": self.clock(),
            "order": next(self._arrivals),
            "replays": 0,
            "delivery": delivery,
        }
        self.store.put(PENDING, message_id, json.dumps(kept))
        return True

    def processed(self, message_id: str) -> None:
        """A message was handled: its id is seen (a redelivery is ignored) and it is no longer pending."""
        if message_id:
            self._put(SEEN, message_id, "1")
            self._delete(PENDING, message_id)

    def unfinished(self, before: float) -> List[Dict[str, Any]]:
        """The deliveries of the messages taken in before ``before`` and never handled, in order of
        arrival, each counted as replayed once more; one replayed MAX_REPLAYS times is given up."""
        left = []
        for entry in self.store.older_than(PENDING, before):
            kept = json.loads(entry.value)
            if self.store.get(SEEN, entry.key) is not None:  # handled, the crash came before its cleanup
                self.store.delete(PENDING, entry.key)
            elif kept["replays"] >= MAX_REPLAYS:
                log.error(
                    "WhatsApp message %s given up: its handling failed %d times", entry.key, 1 + MAX_REPLAYS
                )
                self.processed(entry.key)
            else:
                kept["replays"] += 1
                self.store.put(PENDING, entry.key, json.dumps(kept))
                left.append(kept)
        left.sort(key=lambda kept: (kept["received_at"], kept["order"]))
        return [kept["delivery"] for kept in left]

    def inbound(self, wa_id: str, sent_at: float) -> None:
        """A contact wrote: their 24-hour window runs from their latest message."""
        last = float(self._get(WINDOW, wa_id) or 0.0)
        self._put(WINDOW, wa_id, str(max(sent_at, last)))
        self._delete(TEMPLATED, wa_id)

    def window_open(self, wa_id: str) -> bool:
        """Whether free-form messages may still be sent to a contact (Meta refuses them after 24 h)."""
        last = self._get(WINDOW, wa_id)
        return last is not None and self.clock() - float(last) < SERVICE_WINDOW_SECONDS

    def template_due(self, wa_id: str) -> bool:
        """Whether a contact outside the window has not had the template since their last message."""
        return self._get(TEMPLATED, wa_id) is None

    def template_sent(self, wa_id: str) -> None:
        self._put(TEMPLATED, wa_id, "1")

    def reply_id(self, payload: str, limit: int) -> str:
        """An id Meta accepts for a button payload: the payload itself, or an alias of a long one."""
        if len(payload) <= limit:
            return payload
        alias = ALIAS_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:40]
        self._put(PAYLOAD, alias, payload)
        return alias

    def payload(self, reply_id: str) -> str:
        """The payload behind the id of a tapped button or row."""
        if not reply_id.startswith(ALIAS_PREFIX):
            return reply_id
        return self._get(PAYLOAD, reply_id) or reply_id

    def _get(self, kind: str, key: str) -> Optional[str]:
        try:
            return self.store.get(kind, key)
        except Exception:
            log.exception("WhatsApp channel memory: a %s entry could not be read", kind)
            return None

    def _put(self, kind: str, key: str, value: str) -> None:
        try:
            self.store.put(kind, key, value)
        except Exception:
            log.exception("WhatsApp channel memory: a %s entry could not be written", kind)

    def _delete(self, kind: str, key: str) -> None:
        try:
            self.store.delete(kind, key)
        except Exception:
            log.exception("WhatsApp channel memory: a %s entry could not be deleted", kind)
