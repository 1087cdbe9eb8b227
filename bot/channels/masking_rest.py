"""Rasa's REST channel, made safe to face the customer's browser.

Registered in credentials.yml under its module path; its name stays ``rest``, so the webhook is
still ``POST /webhooks/rest/webhook`` with ``{"sender", "message", "metadata"?}``. Unlike Rasa's
RestInput it refuses a request without a sender (HTTP 400; Rasa would file it under the shared
conversation "default"), caps sizes, keeps only the metadata a client may state and sets
``input_channel`` itself (``channels/inbound_limits.py``); a ``portal_token`` in the metadata is
exchanged for the customer's verified ``identity`` (``channels/end_user_identity.py``).
Secrets are masked before Rasa stores the message (``channels/secret_masking.py``): a message that
cannot be masked, or is too long, is not handed on and the customer is told so. One the bot does
not answer within ``CHANNEL_REPLY_SECONDS`` gets the channel's "the system is slow" reply
(``channels/bounded_reply.py``). Rasa's streaming variant (``?stream=true``) is not offered; the
widget does not use it.
``POST /webhooks/rest/files?sender=<id>`` takes a file the customer sends (the raw body) and keeps it
in the support API with the conversation (``channels/web_files.py``): the browser holds no key.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.attachment_rules import max_attachment_bytes
from channels.bounded_reply import channel_text, conversation_language, finished_within
from channels.end_user_identity import PortalIdentities
from channels.inbound_limits import MAX_BODY_BYTES, Refused, too_long
from channels.secret_masking import MaskingUnavailable
from channels.web_files import Outcome, TooLarge, WebFile, keep_file, read_capped, web_file
from channels.web_inbound import WebMessage, made_safe, web_message
from shared.languages import channel_language
from shared.support_api import SupportApi

log = logging.getLogger(__name__)


class MaskingRestInput(RestInput):
    def __init__(self, api_url: Optional[str] = None) -> None:
        self.api_url = api_url
        self.identities = PortalIdentities(self.support_api)

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MaskingRestInput":
        return cls((credentials or {}).get("api_url"))

    def support_api(self) -> SupportApi:
        """A client of the support API (read at call time, so SUPPORT_API_URL may change in tests)."""
        return SupportApi(base_url=self.api_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                error = f"the request body is larger than {MAX_BODY_BYTES} bytes"
                return response.json({"error": error}, status=413)
            try:
                message = self._read(request)
            except Refused as exc:
                return response.json({"error": str(exc)}, status=400)
            sender_id = message.sender_id
            if too_long(message.text):
                log.warning("%d characters from %s: too long, not taken", len(str(message.text)), sender_id)
                return response.json([await self._own_words(request, message, "too_long")])
            try:
                text, metadata = await made_safe(message, self.identities, self.support_api)
            except MaskingUnavailable:
                return response.json([await self._own_words(request, message, "not_kept")])
            collector = CollectingOutputChannel()
            user_message = UserMessage(
                text, collector, sender_id, input_channel=self.name(), metadata=metadata
            )
            try:
                finished = await finished_within(on_new_message(user_message))
            except Exception:  # as Rasa's own REST channel: log, and answer with what was said so far
                log.exception("the message from %s could not be handled", sender_id)
                finished = True
            if not finished:
                slow = await self._own_words(request, message, "slow")
                return response.json([*collector.messages, slow])
            return response.json(collector.messages)

        async def receive_file(request: Request) -> HTTPResponse:
            try:
                upload = web_file(request.args, request.headers)
            except Refused as exc:
                return response.json({"error": str(exc)}, status=400)
            try:
                content = await read_capped(request, max_attachment_bytes())
            except TooLarge as exc:
                log.info("a file from %s was refused unread: %s", upload.sender_id, exc)
                return await self._file_answer(request, upload, Outcome("file_too_large"))
            try:
                outcome = await self._keep(upload, content)
            except Exception:  # never a stack trace to the browser: the customer is told to try later
                log.exception("a file from %s could not be kept", upload.sender_id)
                outcome = Outcome("file_not_kept")
            return await self._file_answer(request, upload, outcome)

        webhook.add_route(health, "/", methods=["GET"])
        webhook.add_route(receive, "/webhook", methods=["POST"])
        # Streamed, so that a body over the limit is refused without being read whole.
        webhook.add_route(receive_file, "/files", methods=["POST"], stream=True)
        return webhook

    async def _keep(self, upload: WebFile, content: bytes) -> Outcome:
        """The file kept as the conversation's end user, and as the verified customer when proved."""
        token = upload.client.portal_token
        identity = await self.identities.verify(token) if token else None
        api = SupportApi(
            base_url=self.api_url,
            end_user=upload.sender_id,
            identity_token=str(identity["token"]) if identity else None,
        )
        return await keep_file(upload, content, api)

    @staticmethod
    async def _file_answer(request: Request, upload: WebFile, outcome: Outcome) -> HTTPResponse:
        """``{"file", "messages"}``: the stored file (or null) and the channel's words about it."""
        language = await conversation_language(request.app, upload.sender_id)
        text = outcome.told(language or channel_language(upload.client.public()), upload.filename)
        messages = [{"recipient_id": upload.sender_id, "text": text}]
        return response.json({"file": outcome.file(), "messages": messages}, status=outcome.status)

    @staticmethod
    def _read(request: Request) -> WebMessage:
        """The client's message from the request body; raises ``Refused``."""
        try:
            body = json.loads(request.body or b"")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise Refused("a JSON object {sender, message, metadata?} was expected")
        return web_message(body.get("sender"), body.get("message"), body.get("metadata"))

    @staticmethod
    async def _own_words(request: Request, message: WebMessage, key: str) -> Dict[str, Any]:
        """A reply in the channel's own words (``bounded_reply.yml``) in the conversation's language."""
        language = await conversation_language(request.app, message.sender_id)
        text = channel_text(key, language or channel_language(message.client.public()))
        return {"recipient_id": message.sender_id, "text": text}
