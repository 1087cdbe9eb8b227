"""Secrets masked by the API (/api/v1/privacy/mask) before a channel hands a message to Rasa.

Typed text is masked whole (up to ``MAX_MESSAGE_CHARS``; longer messages are not handed on at all).
A button payload (``/inform{"contact_name": "senha: abc123"}``) carries what the customer typed in
its entity values, and Rasa stores it as sent: each string value is masked and the JSON written
again, so the payload still parses. Text that only looks like a payload (its JSON does not parse,
or something follows it) is masked whole, as Rasa then reads it as typed text. A bare intent
(``/affirm``) holds nothing typed and is not sent to the API.

When masking fails the message is not handed on (Rasa would store and log it as typed): the
channel tells the customer to send it again (``bounded_reply.yml``, ``not_kept``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Dict, List, Optional

from shared.support_api import SupportApi, SupportApiError

log = logging.getLogger(__name__)

# Rasa's payload: "/" intent, optional "@confidence", optional JSON object of entities.
PAYLOAD = re.compile(
    r"/(?P<intent>[A-Za-z_][\w.\-]*)(?P<confidence>@[0-9.]+)?(?P<entities>\{.*\})?", re.DOTALL
)
# A payload with more string values than this is masked whole (one API call, not one per value).
MAX_MASKED_VALUES = 20


class MaskingUnavailable(RuntimeError):
    """The message could not be masked; it must not be stored."""


def needs_masking(text: Optional[str]) -> bool:
    """Whether ``text`` may hold something typed: anything but a bare intent like ``/affirm``."""
    if not text:
        return False
    payload = PAYLOAD.fullmatch(text.strip())
    return payload is None or payload.group("entities") is not None


async def mask_secrets(text: str, api: Optional[SupportApi] = None) -> str:
    """``text`` with its secrets masked; raises MaskingUnavailable when the API cannot do it."""
    client = api or SupportApi()
    payload = PAYLOAD.fullmatch(text.strip())
    entities = _entities(payload.group("entities")) if payload else None
    if payload is None or entities is None or _count_strings(entities) > MAX_MASKED_VALUES:
        return await _mask(text, client)
    masked = await _mask_values(entities, client)
    if masked == entities:
        return text  # unchanged: the payload exactly as the button sent it
    head = f"/{payload.group('intent')}{payload.group('confidence') or ''}"
    return head + json.dumps(masked, ensure_ascii=False)


def _entities(text: Optional[str]) -> Optional[Dict[str, Any]]:
    """The payload's entities; None when there are none or they are not a JSON object."""
    if text is None:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _count_strings(value: Any) -> int:
    if isinstance(value, str):
        return 1
    if isinstance(value, dict):
        return sum(_count_strings(item) for item in value.values())
    if isinstance(value, list):
        return sum(_count_strings(item) for item in value)
    return 0


async def _mask_values(value: Any, api: SupportApi) -> Any:
    """``value`` with each string in it (entity values, lists of them) masked; keys are kept."""
    if isinstance(value, str):
        return await _mask(value, api) if value else value
    if isinstance(value, dict):
        keys: List[str] = list(value)
        masked = await asyncio.gather(*(_mask_values(value[key], api) for key in keys))
        return dict(zip(keys, masked, strict=True))
    if isinstance(value, list):
        return list(await asyncio.gather(*(_mask_values(item, api) for item in value)))
    return value


async def _mask(text: str, api: SupportApi) -> str:
    try:
        return str((await api.mask(text))["text"])
    except (SupportApiError, KeyError, TypeError) as exc:
        log.error("could not mask a message, so it is not kept (API unreachable): %s", exc)
        raise MaskingUnavailable(str(exc)) from exc
