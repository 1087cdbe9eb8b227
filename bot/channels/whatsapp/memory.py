"""What the channel remembers between deliveries, in this process only and within fixed bounds."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from typing import Callable, Generic, Optional, TypeVar

SERVICE_WINDOW_SECONDS = 24 * 60 * 60

# How much the channel remembers.
RECENT_MESSAGE_IDS = 10_000
KNOWN_CONTACTS = 100_000
LONG_PAYLOADS = 10_000

V = TypeVar("V")


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


class ChannelMemory:
    """What the webhook and the output channels share between deliveries, in this process."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._message_ids: BoundedMap[bool] = BoundedMap(RECENT_MESSAGE_IDS)
        self._last_inbound: BoundedMap[float] = BoundedMap(KNOWN_CONTACTS)
        self._templated: BoundedMap[bool] = BoundedMap(KNOWN_CONTACTS)
        self._payloads: BoundedMap[str] = BoundedMap(LONG_PAYLOADS)

    def is_new(self, message_id: str) -> bool:
        """Whether a message is seen for the first time (Meta redelivers what it thinks was lost)."""
        if not message_id:
            return True
        if message_id in self._message_ids:
            return False
        self._message_ids.put(message_id, True)
        return True

    def inbound(self, wa_id: str, sent_at: float) -> None:
        """A contact wrote: their 24-hour window runs from their latest message."""
        self._last_inbound.put(wa_id, max(sent_at, self._last_inbound.get(wa_id) or 0.0))
        self._templated.discard(wa_id)

    def window_open(self, wa_id: str) -> bool:
        """Whether free-form messages may still be sent to a contact (Meta refuses them after 24 h)."""
        last = self._last_inbound.get(wa_id)
        return last is not None and self.clock() - last < SERVICE_WINDOW_SECONDS

    def template_due(self, wa_id: str) -> bool:
        """Whether a contact outside the window has not had the template since their last message."""
        return wa_id not in self._templated

    def template_sent(self, wa_id: str) -> None:
        self._templated.put(wa_id, True)

    def reply_id(self, payload: str, limit: int) -> str:
        """An id Meta accepts for a button payload: the payload itself, or an alias of a long one."""
        if len(payload) <= limit:
            return payload
        alias = "wa-payload:" + hashlib.sha256(payload.encode()).hexdigest()[:40]
        self._payloads.put(alias, payload)
        return alias

    def payload(self, reply_id: str) -> str:
        """The payload behind the id of a tapped button or row."""
        return self._payloads.get(reply_id) or reply_id
