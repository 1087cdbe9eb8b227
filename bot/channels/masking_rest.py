"""Rasa's REST channel, with secrets masked before Rasa stores or logs the message.

Registered in credentials.yml under its module path; its name stays ``rest``, so the webhook is
still ``POST /webhooks/rest/webhook``. The masking rules live in the API (/api/v1/privacy/mask).
"""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, Optional, Text

import requests
from rasa.core.channels.rest import RestInput
from sanic.request import Request

log = logging.getLogger(__name__)


class MaskingRestInput(RestInput):
    def __init__(self, api_url: Optional[str] = None) -> None:
        self.api_url = (api_url or os.environ.get("SUPPORT_API_URL", "http://localhost:8000")).rstrip("/")

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MaskingRestInput":
        return cls((credentials or {}).get("api_url"))

    def _extract_message(self, req: Request) -> Optional[Text]:
        text = super()._extract_message(req)
        if not text or text.startswith("/"):
            return text
        try:
            response = requests.post(f"{self.api_url}/api/v1/privacy/mask", json={"text": text}, timeout=3)
            response.raise_for_status()
            return str(response.json()["text"])
        except requests.RequestException as exc:
            # Never drop the customer's message; say loudly that it went through unmasked.
            log.error("could not mask a message (API unreachable): %s", exc)
            return text
