"""Rasa's REST channel, with secrets masked before Rasa stores or logs the message.

Registered in credentials.yml under its module path; its name stays ``rest``, so the webhook is
still ``POST /webhooks/rest/webhook``. The masking rules live in the API (/api/v1/privacy/mask).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.request import Request

from channels.secret_masking import mask_secrets_sync, needs_masking
from shared.support_api import SupportApi


class MaskingRestInput(RestInput):
    def __init__(self, api_url: Optional[str] = None) -> None:
        self.api_url = api_url

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MaskingRestInput":
        return cls((credentials or {}).get("api_url"))

    def _extract_message(self, req: Request) -> Optional[Text]:
        text = super()._extract_message(req)
        if not text or not needs_masking(text):
            return text
        return mask_secrets_sync(text, SupportApi(base_url=self.api_url))
