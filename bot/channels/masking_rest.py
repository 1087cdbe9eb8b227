"""Rasa's REST channel, with secrets masked before Rasa stores the message and a reply within seconds.

Registered in credentials.yml under its module path; its name stays ``rest``, so the webhook is
still ``POST /webhooks/rest/webhook``. The masking rules live in the API (/api/v1/privacy/mask).
A message that cannot be masked is not handed on; one the bot does not answer within
``CHANNEL_REPLY_SECONDS`` gets the channel's "the system is slow" reply (``channels/bounded_reply.py``).
Rasa's streaming variant of the webhook (``?stream=true``) is not offered; the widget does not use it.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.bounded_reply import channel_text, conversation_language, finished_within
from channels.secret_masking import MaskingUnavailable, mask_secrets, needs_masking
from shared.languages import channel_language
from shared.support_api import SupportApi

log = logging.getLogger(__name__)


class MaskingRestInput(RestInput):
    def __init__(self, api_url: Optional[str] = None) -> None:
        self.api_url = api_url

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MaskingRestInput":
        return cls((credentials or {}).get("api_url"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            metadata = self.get_metadata(request)
            try:
                if text and needs_masking(text):
                    text = await mask_secrets(text, SupportApi(base_url=self.api_url))
            except MaskingUnavailable:
                language = await self._language(request, sender_id, metadata)
                return response.json([self._reply(sender_id, channel_text("not_kept", language))])
            collector = CollectingOutputChannel()
            message = UserMessage(
                text,
                collector,
                sender_id,
                input_channel=self._extract_input_channel(request),
                metadata=metadata,
            )
            try:
                finished = await finished_within(on_new_message(message))
            except Exception:  # as Rasa's own REST channel: log, and answer with what was said so far
                log.exception("the message from %s could not be handled", sender_id)
                finished = True
            if not finished:
                language = await self._language(request, sender_id, metadata)
                return response.json(
                    [*collector.messages, self._reply(sender_id, channel_text("slow", language))]
                )
            return response.json(collector.messages)

        webhook.add_route(health, "/", methods=["GET"])
        webhook.add_route(receive, "/webhook", methods=["POST"])
        return webhook

    @staticmethod
    async def _language(
        request: Request, sender_id: str, metadata: Optional[Dict[str, Any]]
    ) -> Optional[str]:
        return await conversation_language(request.app, sender_id) or channel_language(metadata)

    @staticmethod
    def _reply(sender_id: str, text: str) -> Dict[str, Any]:
        return {"recipient_id": sender_id, "text": text}
