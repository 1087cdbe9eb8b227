"""Rasa's REST channel, with secrets masked before Rasa stores or logs the message.

Registered in credentials.yml under its module path; its name stays ``rest``, so the webhook is
still ``POST /webhooks/rest/webhook``. The masking rules live in the API (/api/v1/privacy/mask).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.request import Request

from channels.privacy import mask_sync, needs_masking


class MaskingRestInput(RestInput):
    def __init__(self, api_url: Optional[str] = None) -> None:
        self.api_url = api_url

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MaskingRestInput":
        return cls((credentials or {}).get("api_url"))

    def _extract_message(self, req: Request) -> Optional[Text]:
        text = super()._extract_message(req)
        return mask_sync(text, self.api_url) if text and needs_masking(text) else text
