"""Secrets masked by the API (/api/v1/privacy/mask) before a channel hands a message to Rasa.

When masking fails the message is not handed on (Rasa would store and log it as typed): the
channel tells the customer to send it again (``bounded_reply.yml``, ``not_kept``).
"""

from __future__ import annotations

import logging
from typing import Optional

from shared.support_api import SupportApi, SupportApiError

log = logging.getLogger(__name__)


class MaskingUnavailable(RuntimeError):
    """The message could not be masked; it must not be stored."""


def needs_masking(text: Optional[str]) -> bool:
    return bool(text) and not str(text).startswith("/")  # button payloads carry no secrets


async def mask_secrets(text: str, api: Optional[SupportApi] = None) -> str:
    try:
        return str((await (api or SupportApi()).mask(text))["text"])
    except SupportApiError as exc:
        log.error("could not mask a message, so it is not kept (API unreachable): %s", exc)
        raise MaskingUnavailable(str(exc)) from exc
