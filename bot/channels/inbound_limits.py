"""What a web channel (REST, socket.io) accepts from a client before anything reaches Rasa.

The client is the customer's browser: anything it sends may be forged. So the conversation id must
be given (Rasa would otherwise put every caller without one into the shared conversation
"default"), sizes are capped (Rasa stores what it is handed), and the client's metadata is reduced
to the keys a client may state: ``language`` and ``portal_token``. The keys the actions trust
(``identity``, ``phone``) and the channel's name are set by the channels alone.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, Optional

log = logging.getLogger(__name__)

# A longer message is not handed on; the customer is asked to send it in parts.
MAX_MESSAGE_CHARS = 20_000
MAX_SENDER_CHARS = 128
MAX_METADATA_BYTES = 8 * 1024
MAX_LANGUAGE_CHARS = 16  # "pt-BR", "es-419", "zh-Hant-TW"
MAX_PORTAL_TOKEN_CHARS = 4096
# A REST body above this is refused unread (a message at the cap is at most ~120 KB of JSON).
MAX_BODY_BYTES = 1024 * 1024
# Keys the actions trust, which a client's metadata must never set.
CHANNEL_KEYS = ("identity", "phone", "input_channel")


class Refused(ValueError):
    """A request the channel does not take (HTTP 400); the message says why, never echoing input."""


@dataclass(frozen=True)
class ClientMetadata:
    """The part of a client's metadata a channel keeps."""

    language: Optional[str] = None
    portal_token: Optional[str] = None

    def public(self) -> Dict[str, Any]:
        """What may be stored with the message (the portal token is exchanged, never stored)."""
        return {"language": self.language} if self.language else {}


def checked_sender(value: Any) -> str:
    """The conversation id a client gave: a non-empty string of at most ``MAX_SENDER_CHARS``."""
    if not isinstance(value, str) or not value.strip():
        raise Refused("a non-empty 'sender' (the conversation id) is required")
    if len(value) > MAX_SENDER_CHARS:
        raise Refused(f"'sender' is longer than {MAX_SENDER_CHARS} characters")
    return value


def checked_text(value: Any) -> str:
    """The message text: a string (Rasa fails on any other type, and on none: a widget that opens
    without a first message sends ``null``)."""
    if isinstance(value, str):
        return value
    raise Refused("'message' must be a string" if value is not None else "'message' is missing")


def too_long(text: Optional[str]) -> bool:
    return text is not None and len(text) > MAX_MESSAGE_CHARS


def client_metadata(value: Any) -> ClientMetadata:
    """The allowed keys of a client's metadata (a JSON object, or its text, of at most 8 KB).

    Anything else is dropped: notably ``identity``, ``phone`` and ``input_channel``, which only a
    channel may set.
    """
    if value is None:
        return ClientMetadata()
    if isinstance(value, str):  # the socket.io client may send the object as JSON text
        if len(value.encode("utf-8")) > MAX_METADATA_BYTES:
            raise Refused(f"'metadata' is larger than {MAX_METADATA_BYTES} bytes")
        try:
            value = json.loads(value)
        except ValueError:
            raise Refused("'metadata' must be a JSON object") from None
    if not isinstance(value, dict):
        raise Refused("'metadata' must be a JSON object")
    try:
        size = len(json.dumps(value, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError):
        raise Refused("'metadata' must be a JSON object") from None
    if size > MAX_METADATA_BYTES:
        raise Refused(f"'metadata' is larger than {MAX_METADATA_BYTES} bytes")
    forged = sorted(key for key in CHANNEL_KEYS if key in value)
    if forged:
        log.warning("a client's metadata claimed %s; dropped (only a channel sets them)", ", ".join(forged))
    return ClientMetadata(
        language=_short_string(value.get("language"), MAX_LANGUAGE_CHARS),
        portal_token=_short_string(value.get("portal_token"), MAX_PORTAL_TOKEN_CHARS),
    )


def _short_string(value: Any, limit: int) -> Optional[str]:
    if isinstance(value, str) and 0 < len(value.strip()) <= limit:
        return value.strip()
    return None
