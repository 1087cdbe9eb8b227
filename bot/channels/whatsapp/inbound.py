"""Meta's webhook in: subscription check, signature check, delivery parsing, hand-off to Rasa.

Meta has verified the sender's number, so once the signature proves the delivery is Meta's, a
number the support API knows as a customer's contact gets that customer's ``identity`` in the
message's metadata (``channels/end_user_identity.py``); any other number only its ``phone``, which
the actions put on an unverified ticket.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Coroutine, Dict, Iterator, List, Optional, Set, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.bounded_reply import channel_text, finished_within
from channels.end_user_identity import PhoneIdentities
from channels.inbound_limits import too_long
from channels.secret_masking import MaskingUnavailable, mask_secrets, needs_masking
from channels.whatsapp.config import WhatsAppConfig
from channels.whatsapp.memory import ChannelMemory
from channels.whatsapp.outbound import WhatsAppOutput
from channels.whatsapp.wording import language_of_number, wording
from shared.support_api import SupportApi

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 10.0

# Message types that need no answer at all (a reaction is not a question).
SILENT_TYPES = {"reaction", "system"}


@dataclass(frozen=True)
class Inbound:
    """One message of a delivery, reduced to what the bot needs."""

    wa_id: str
    message_id: str
    sent_at: float
    text: Optional[str]  # None: a kind of message the bot cannot read
    contact_name: Optional[str]


def message_text(message: Dict[str, Any]) -> Optional[str]:
    """What the contact said: typed text, or the id of the button or list row they tapped."""
    kind = message.get("type")
    if kind == "text":
        return (message.get("text") or {}).get("body")
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        if interactive.get("type") in ("button_reply", "list_reply"):
            return (interactive.get(interactive["type"]) or {}).get("id")
    if kind == "button":  # a quick-reply button of a template message
        button = message.get("button") or {}
        return button.get("payload") or button.get("text")
    return None


def inbound_messages(
    payload: Dict[str, Any], phone_number_id: str, clock: Callable[[], float]
) -> Iterator[Inbound]:
    """The contacts' messages in a webhook delivery; statuses and other notifications are skipped."""
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            if change.get("field") != "messages":
                continue
            number = (value.get("metadata") or {}).get("phone_number_id")
            if phone_number_id and number and number != phone_number_id:
                log.warning(
                    "WhatsApp delivery for phone number id %s ignored (this channel serves %s)",
                    number,
                    phone_number_id,
                )
                continue
            contacts = value.get("contacts") or [{}]
            for message in value.get("messages") or []:
                wa_id = str(message.get("from") or "")
                if not wa_id or message.get("type") in SILENT_TYPES:
                    continue
                contact = next((c for c in contacts if c.get("wa_id") == wa_id), contacts[0])
                try:
                    sent_at = float(message["timestamp"])
                except (KeyError, TypeError, ValueError):
                    sent_at = clock()
                yield Inbound(
                    wa_id=wa_id,
                    message_id=str(message.get("id") or ""),
                    sent_at=sent_at,
                    text=message_text(message),
                    contact_name=(contact.get("profile") or {}).get("name"),
                )


class WhatsAppInput(InputChannel):
    """Meta's webhook for one WhatsApp business phone number."""

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> WhatsAppInput:
        return cls(WhatsAppConfig.load(credentials))

    def __init__(self, config: WhatsAppConfig, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.memory = ChannelMemory(clock)
        self.identities = PhoneIdentities(clock=clock)
        self._tasks: Set[asyncio.Task[None]] = set()
        missing = config.missing()
        if missing:
            log.warning("WhatsApp channel settings missing: %s", ", ".join(missing))

    def get_output_channel(self) -> WhatsAppOutput:
        """Lets Rasa message a contact unprompted (reminders, /trigger_intent?output_channel=whatsapp)."""
        return WhatsAppOutput(self.config, self.memory)

    def signed(self, body: bytes, signature: Optional[str]) -> bool:
        """Whether ``body`` carries Meta's HMAC-SHA256 signature made with the app secret."""
        if not self.config.app_secret or not signature or not signature.startswith("sha256="):
            return False
        expected = hmac.new(self.config.app_secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature[len("sha256=") :].encode(), expected.encode())

    def verified(self, mode: Optional[str], token: Optional[str]) -> bool:
        """Whether a subscription request comes with our verify token."""
        expected = self.config.verify_token
        return (
            mode == "subscribe"
            and bool(expected)
            and hmac.compare_digest((token or "").encode(), expected.encode())
        )

    async def drain(self, timeout: Optional[float] = None) -> None:
        """Waits for the deliveries still being handed to Rasa, so that stopping cuts none short."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("whatsapp_webhook")

        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def verify(request: Request) -> HTTPResponse:
            if self.verified(request.args.get("hub.mode"), request.args.get("hub.verify_token")):
                return response.text(request.args.get("hub.challenge") or "")
            log.warning("WhatsApp webhook verification refused: wrong mode or verify token")
            return response.text("forbidden", status=403)

        async def receive(request: Request) -> HTTPResponse:
            if not self.signed(request.body, request.headers.get("X-Hub-Signature-256")):
                log.warning("WhatsApp delivery refused: missing or wrong X-Hub-Signature-256")
                return response.text("forbidden", status=403)
            try:
                payload = json.loads(request.body)
            except ValueError:
                payload = None
            if not isinstance(payload, dict):
                return response.text("a JSON object was expected", status=400)
            messages = [
                message
                for message in inbound_messages(payload, self.config.phone_number_id, self.memory.clock)
                if self.memory.is_new(message.message_id)
            ]
            if messages:
                self._spawn(self._deliver(messages, on_new_message))
            return response.text("ok")

        async def finish_deliveries(app: Any, loop: Any) -> None:
            await self.drain(SHUTDOWN_GRACE_SECONDS)

        webhook.add_route(health, "/", methods=["GET"])
        webhook.add_route(verify, "/webhook", methods=["GET"])
        webhook.add_route(receive, "/webhook", methods=["POST"])
        webhook.listener(finish_deliveries, "before_server_stop")
        return webhook

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(
        self, messages: List[Inbound], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        """Hands a delivery's messages to Rasa in order; one that fails does not stop the others."""
        output = self.get_output_channel()
        for message in messages:
            self.memory.inbound(message.wa_id, message.sent_at)
            try:
                if message.text is None:
                    await output.send_text_message(message.wa_id, wording(message.wa_id)["only_text"])
                    continue
                # The number's country is the channel's hint of the language, until the customer's words say.
                language = language_of_number(message.wa_id)
                metadata: Dict[str, Any] = {
                    "phone": f"+{message.wa_id}",
                    "wa_message_id": message.message_id,
                    "language": language,
                }
                if message.contact_name:
                    metadata["contact_name"] = message.contact_name
                text = self.memory.payload(message.text)
                if too_long(text):  # never handed on, so never stored
                    await output.send_text_message(message.wa_id, channel_text("too_long", language))
                    continue
                identity = await self.identities.lookup(f"+{message.wa_id}")
                if identity is not None:
                    metadata["identity"] = identity
                try:
                    if needs_masking(text):
                        text = await mask_secrets(text, SupportApi().as_end_user(message.wa_id))
                except MaskingUnavailable:
                    await output.send_text_message(message.wa_id, channel_text("not_kept", language))
                    continue
                handling = on_new_message(
                    UserMessage(
                        text,
                        output,
                        message.wa_id,
                        input_channel=self.name(),
                        message_id=message.message_id or None,
                        metadata=metadata,
                    )
                )
                if not await finished_within(handling):  # the late replies still go out when ready
                    await output.send_text_message(message.wa_id, channel_text("slow", language))
            except Exception:
                log.exception("WhatsApp message %s could not be handled", message.message_id)
