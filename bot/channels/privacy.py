"""Secrets masked by the API (/api/v1/privacy/mask) before a channel hands a message to Rasa."""

from __future__ import annotations

import logging
import os
from typing import Optional

import aiohttp
import requests

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 3


def mask_url(api_url: Optional[str] = None) -> str:
    base = (api_url or os.environ.get("SUPPORT_API_URL", "http://localhost:8000")).rstrip("/")
    return f"{base}/api/v1/privacy/mask"


def needs_masking(text: Optional[str]) -> bool:
    return bool(text) and not str(text).startswith("/")  # button payloads carry no secrets


def mask_sync(text: str, api_url: Optional[str] = None) -> str:
    """For channels whose hooks are synchronous (Rasa's REST channel)."""
    try:
        response = requests.post(mask_url(api_url), json={"text": text}, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        return str(response.json()["text"])
    except requests.RequestException as exc:
        # Never drop the customer's message; say loudly that it went through unmasked.
        log.error("could not mask a message (API unreachable): %s", exc)
        return text


async def mask(text: str, api_url: Optional[str] = None) -> str:
    try:
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(mask_url(api_url), json={"text": text}) as response,
        ):
            response.raise_for_status()
            return str((await response.json())["text"])
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.error("could not mask a message (API unreachable): %s", exc)
        return text
