"""Secrets masked by the API (/api/v1/privacy/mask) before a channel hands a message to Rasa."""

from __future__ import annotations

import logging
from typing import Optional

from shared.support_api import SupportApi, SupportApiError

log = logging.getLogger(__name__)


def needs_masking(text: Optional[str]) -> bool:
    return bool(text) and not str(text).startswith("/")  # button payloads carry no secrets


def mask_secrets_sync(text: str, api: Optional[SupportApi] = None) -> str:
    """For channels whose hooks are synchronous (Rasa's REST channel)."""
    try:
        return str((api or SupportApi()).mask_sync(text)["text"])
    except SupportApiError as exc:
        # Never drop the customer's message; say loudly that it went through unmasked.
        log.error("could not mask a message (API unreachable): %s", exc)
        return text


async def mask_secrets(text: str, api: Optional[SupportApi] = None) -> str:
    try:
        return str((await (api or SupportApi()).mask(text))["text"])
    except SupportApiError as exc:
        log.error("could not mask a message (API unreachable): %s", exc)
        return text
