"""Meta's webhook in: subscription check, signature check, and each kind of message handled.

Text (typed, a tapped button or row, an edited text) goes to Rasa; files are kept in the support API
with the conversation (``media.py``) and acknowledged, a file's caption then going to Rasa as text;
a location is kept too, contact cards only acknowledged, and what the channel cannot read gets a
polite line. What needs no answer (reactions, revocations, system notices) was dropped in parsing
(``message_kinds.py``).

Meta has verified the sender's number, so once the signature proves the delivery is Meta's, a
number the support API knows as a customer's contact gets that customer's ``identity`` in the
message's metadata (``channels/end_user_identity.py``); any other number only its ``phone``, which
the actions put on an unverified ticket. A sender known only by a business-scoped user id has
neither: the conversation is theirs (its id is the user id), the customer unverified.

Meta gets its 200 before a message is handled (it redelivers what is not answered quickly), so no
message may be lost after it: each new message is first kept as *pending* in the channel's memory,
and only once handled (answered, or told something in the channel's own words) is it marked
processed. A message seen or pending is not handled again; one the memory could not keep gets a 503,
for Meta to deliver it again. When the server starts, the messages a crash left pending are handled
again, in order (with WHATSAPP_MEMORY_URL set; an in-process memory dies with the crash).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from typing import (
    Any,
    Awaitable,
    Callable,
    Coroutine,
    Dict,
    Iterator,
    List,
    Optional,
    Set,
    Text,
    Tuple,
    Union,
)

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.bounded_reply import channel_text, finished_within
from channels.end_user_identity import Identity, PhoneIdentities
from channels.inbound_limits import too_long
from channels.secret_masking import MaskingUnavailable, mask_secrets, needs_masking
from channels.whatsapp.config import WhatsAppConfig
from channels.whatsapp.media import NotKept, keep_location, keep_media
from channels.whatsapp.memory import ChannelMemory, open_store
from channels.whatsapp.message_kinds import (
    Inbound,
    Location,
    Media,
    Said,
    SharedContacts,
    inbound_messages,
)
from channels.whatsapp.outbound import WhatsAppOutput
from channels.whatsapp.wording import WORDING, language_of_sender
from shared.support_api import SupportApi

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 10.0
# A pending message younger than this may still be in the hands of a server stopping as this one
# starts. A crashed server's are older by then: Rasa loads its model for longer before it serves.
PENDING_GRACE_SECONDS = 5.0

# Rasa's callback that takes a message into the conversation.
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def one_by_one(payload: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    """Each message of a delivery as a delivery of its own (with its contacts and metadata), as it is
    kept while pending: parsed again as it came, it needs no format of its own."""
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            for message in value.get("messages") or []:
                alone = {
                    "metadata": value.get("metadata"),
                    "contacts": value.get("contacts"),
                    "messages": [message],
                }
                yield {"entry": [{"changes": [{"field": change.get("field"), "value": alone}]}]}


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
        self.memory = ChannelMemory(clock, open_store(config.memory_url, clock))
        log.info("WhatsApp channel memory: %s", type(self.memory.store).__name__)
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

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
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
            messages, all_kept = self._take_in(payload)
            if messages:
                self._spawn(self._deliver(messages, on_new_message))
            if not all_kept:
                return response.text("not kept: deliver again", status=503)
            return response.text("ok")

        async def handle_leftovers(app: Any, loop: Any) -> None:
            # After the server started: Rasa loads its agent in a before_server_start listener of its own.
            self._spawn(self._replay(on_new_message))

        async def finish_deliveries(app: Any, loop: Any) -> None:
            await self.drain(SHUTDOWN_GRACE_SECONDS)

        webhook.add_route(health, "/", methods=["GET"])
        webhook.add_route(verify, "/webhook", methods=["GET"])
        webhook.add_route(receive, "/webhook", methods=["POST"])
        webhook.listener(handle_leftovers, "after_server_start")
        webhook.listener(finish_deliveries, "before_server_stop")
        return webhook

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _take_in(self, payload: Dict[str, Any]) -> Tuple[List[Inbound], bool]:
        """The delivery's new messages, each kept as pending first, and whether all could be kept.

        Synchronous, so that no other delivery of a message can claim it between check and write.
        """
        messages = []
        for delivery in one_by_one(payload):
            for message in inbound_messages(delivery, self.config.phone_number_id, self.memory.clock):
                try:
                    if self.memory.claim(message.message_id, delivery):
                        messages.append(message)
                except Exception:  # those kept are recognised when Meta delivers again
                    log.exception(
                        "WhatsApp message %s not kept: Meta will deliver it again", message.message_id
                    )
                    return messages, False
        return messages, True

    async def _replay(self, on_new_message: OnNewMessage) -> None:
        """Handles, in order, the messages an earlier run took in but never finished (it crashed)."""
        try:
            left = self.memory.unfinished(self.memory.clock() - PENDING_GRACE_SECONDS)
        except Exception:
            log.exception("WhatsApp messages left pending could not be read")
            return
        messages = [
            message
            for delivery in left
            for message in inbound_messages(delivery, self.config.phone_number_id, self.memory.clock)
        ]
        if messages:
            log.warning("WhatsApp: %d message(s) left pending by an earlier run handled now", len(messages))
            await self._deliver(messages, on_new_message)

    async def _deliver(self, messages: List[Inbound], on_new_message: OnNewMessage) -> None:
        """Handles messages in order, each marked processed once handled; one that fails stays pending
        (for the next start) and does not stop the others."""
        output = self.get_output_channel()
        for message in messages:
            self.memory.inbound(message.sender_id, message.sent_at)
            try:
                await self._handle(message, output, on_new_message)
            except Exception:
                log.exception("WhatsApp message %s could not be handled: left pending", message.message_id)
            else:
                self.memory.processed(message.message_id)

    async def _handle(self, message: Inbound, output: WhatsAppOutput, on_new_message: OnNewMessage) -> None:
        # The sender's country is the channel's hint of the language, until the customer's words say.
        language = language_of_sender(message.sender_id)
        words = WORDING[language]
        content = message.content
        if isinstance(content, Said):
            extra = {"edits": content.edits} if content.edits else {}
            text = self.memory.payload(content.text)
            await self._hand_on(message, text, extra, language, output, on_new_message)
        elif isinstance(content, (Media, Location)):
            await self._keep(message, content, language, output, on_new_message)
        elif isinstance(content, SharedContacts):
            cards = ", ".join(content.cards)
            await output.send_text_message(message.sender_id, words["contacts_received"].format(cards=cards))
        else:
            log.info("WhatsApp message %s of type %s not understood", message.message_id, content.kind)
            await output.send_text_message(message.sender_id, words["not_understood"])

    async def _keep(
        self,
        message: Inbound,
        content: Union[Media, Location],
        language: str,
        output: WhatsAppOutput,
        on_new_message: OnNewMessage,
    ) -> None:
        """Keeps a file or location with the conversation, says so, then hands on a file's caption."""
        identity = await self._identity(message)
        api = SupportApi(
            end_user=message.sender_id, identity_token=identity.get("token") if identity else None
        )
        try:
            if isinstance(content, Media):
                kept = await keep_media(content, message.message_id, language, self.config, api)
            else:
                kept = await keep_location(content, language, api)
        except Exception as exc:  # whatever went wrong, the customer hears that it was not kept
            refused = exc if isinstance(exc, NotKept) else NotKept("attachment_failed", repr(exc))
            log.warning(
                "WhatsApp message %s not kept (%s): %s",
                message.message_id,
                refused.reason,
                refused,
                exc_info=not isinstance(exc, NotKept),
            )
            await output.send_text_message(message.sender_id, refused.told(language))
            return
        if isinstance(content, Location):
            await output.send_text_message(message.sender_id, WORDING[language]["location_kept"])
            return
        said = WORDING[language]["attachment_kept"].format(filename=kept.filename)
        await output.send_text_message(message.sender_id, said)
        if content.caption:
            attachment = {"attachment": {"id": kept.file_id, "filename": kept.filename}}
            await self._hand_on(message, content.caption, attachment, language, output, on_new_message)

    async def _identity(self, message: Inbound) -> Optional[Identity]:
        """The known customer behind a phone number (a user id alone proves no one)."""
        return await self.identities.lookup(f"+{message.phone}") if message.phone else None

    async def _hand_on(
        self,
        message: Inbound,
        text: str,
        extra: Dict[str, Any],
        language: str,
        output: WhatsAppOutput,
        on_new_message: OnNewMessage,
    ) -> None:
        """Hands text to Rasa, masked, with what the channel knows of the sender in the metadata."""
        if too_long(text):  # never handed on, so never stored
            await output.send_text_message(message.sender_id, channel_text("too_long", language))
            return
        metadata: Dict[str, Any] = {"wa_message_id": message.message_id, "language": language, **extra}
        if message.phone:
            metadata["phone"] = f"+{message.phone}"
        if message.contact_name:
            metadata["contact_name"] = message.contact_name
        identity = await self._identity(message)
        if identity is not None:
            metadata["identity"] = identity
        try:
            if needs_masking(text):
                text = await mask_secrets(text, SupportApi().as_end_user(message.sender_id))
        except MaskingUnavailable:
            await output.send_text_message(message.sender_id, channel_text("not_kept", language))
            return
        handling = on_new_message(
            UserMessage(
                text,
                output,
                message.sender_id,
                input_channel=self.name(),
                message_id=message.message_id or None,
                metadata=metadata,
            )
        )
        if not await finished_within(handling):  # the late replies still go out when ready
            await output.send_text_message(message.sender_id, channel_text("slow", language))
