"""WhatsApp Cloud API channel: Meta's webhook in, the Graph API's messages endpoint out.

Registered in credentials.yml as ``channels.whatsapp.WhatsAppInput:``. Its name is ``whatsapp``, so the
callback URL to give Meta is ``https://<rasa host>/webhooks/whatsapp/webhook`` (GET verifies the
subscription, POST delivers messages). Settings come from WHATSAPP_VERIFY_TOKEN, WHATSAPP_APP_SECRET,
WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_API_BASE, WHATSAPP_TEMPLATE_NAME and
WHATSAPP_TEMPLATE_LANGUAGE; the same keys in lower case under the channel in credentials.yml are used
only where the variable is unset.

Deliveries are acknowledged at once and handed to Rasa in the background, because Meta redelivers
what it does not see answered quickly; redeliveries are recognised by message id. Typed text and
taps on reply buttons or list rows reach the bot; other media get a short notice that only text is
understood, reactions are ignored. What the channel remembers (recent message ids, each contact's
last message for the 24-hour customer-service window, long button payloads) lives in this process
only: after a restart a proactive message gets the template even if the contact wrote recently.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import time
from collections import OrderedDict
from dataclasses import dataclass, fields
from typing import (
    Any,
    Awaitable,
    Callable,
    Coroutine,
    Dict,
    Generic,
    Iterator,
    List,
    Optional,
    Set,
    Text,
    Tuple,
    TypeVar,
)

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.privacy import mask, needs_masking

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://graph.facebook.com/v21.0"
TIMEOUT = aiohttp.ClientTimeout(total=15)
SERVICE_WINDOW_SECONDS = 24 * 60 * 60
SHUTDOWN_GRACE_SECONDS = 10.0

# Meta's limits, in characters unless said otherwise.
TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024
REPLY_BUTTONS_MAX = 3
BUTTON_TITLE_LIMIT = 20
BUTTON_ID_LIMIT = 256
LIST_BUTTON_LIMIT = 20
SECTION_TITLE_LIMIT = 24
LIST_ROWS_MAX = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
ROW_ID_LIMIT = 200

# How much the channel remembers.
RECENT_MESSAGE_IDS = 10_000
KNOWN_CONTACTS = 100_000
LONG_PAYLOADS = 10_000

# Message types that need no answer at all (a reaction is not a question).
SILENT_TYPES = {"reaction", "system"}

# The channel never sees the bot's language slot, so its own few words follow the number's country code.
WORDING: Dict[str, Dict[str, str]] = {
    "pt": {
        "only_text": "Por enquanto eu só entendo mensagens de texto. Pode escrever a sua dúvida?",
        "options": "Opções",
        "choose": "Escolha uma opção:",
    },
    "es": {
        "only_text": "Por ahora solo entiendo mensajes de texto. ¿Puede escribir su consulta?",
        "options": "Opciones",
        "choose": "Elija una opción:",
    },
    "en": {
        "only_text": "For now I only understand text messages. Could you type your question?",
        "options": "Options",
        "choose": "Choose an option:",
    },
}
PORTUGUESE_CALLING_CODES = ("55", "351", "244", "258")
SPANISH_CALLING_CODES = (
    "34", "51", "52", "53", "54", "56", "57", "58", "591", "593", "595", "598",
    "502", "503", "504", "505", "506", "507",
)  # fmt: skip

V = TypeVar("V")


def wording(wa_id: str) -> Dict[str, str]:
    """The channel's own words for a contact, in the language of their number's country."""
    if wa_id.startswith(PORTUGUESE_CALLING_CODES):
        return WORDING["pt"]
    if wa_id.startswith(SPANISH_CALLING_CODES):
        return WORDING["es"]
    return WORDING["en"]


def masked(wa_id: str) -> str:
    """A phone number as logs show it: enough to correlate, not to identify."""
    return f"…{wa_id[-4:]}"


def shorten(text: str, limit: int) -> str:
    """``text`` on one line and at most ``limit`` characters, marked with "…" when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int = TEXT_LIMIT) -> List[str]:
    """Pieces of at most ``limit`` characters, cut at a line break, else at a space, else anywhere."""
    pieces = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


class BoundedMap(Generic[V]):
    """A map that forgets its least recently written keys beyond ``size``, so memory stays bounded."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, V] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: str) -> Optional[V]:
        return self._items.get(key)

    def put(self, key: str, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.size:
            self._items.popitem(last=False)

    def discard(self, key: str) -> None:
        self._items.pop(key, None)


class ChannelMemory:
    """What the webhook and the output channels share between deliveries, in this process."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._message_ids: BoundedMap[bool] = BoundedMap(RECENT_MESSAGE_IDS)
        self._last_inbound: BoundedMap[float] = BoundedMap(KNOWN_CONTACTS)
        self._templated: BoundedMap[bool] = BoundedMap(KNOWN_CONTACTS)
        self._payloads: BoundedMap[str] = BoundedMap(LONG_PAYLOADS)

    def is_new(self, message_id: str) -> bool:
        """Whether a message is seen for the first time (Meta redelivers what it thinks was lost)."""
        if not message_id:
            return True
        if message_id in self._message_ids:
            return False
        self._message_ids.put(message_id, True)
        return True

    def inbound(self, wa_id: str, sent_at: float) -> None:
        """A contact wrote: their 24-hour window runs from their latest message."""
        self._last_inbound.put(wa_id, max(sent_at, self._last_inbound.get(wa_id) or 0.0))
        self._templated.discard(wa_id)

    def window_open(self, wa_id: str) -> bool:
        """Whether free-form messages may still be sent to a contact (Meta refuses them after 24 h)."""
        last = self._last_inbound.get(wa_id)
        return last is not None and self.clock() - last < SERVICE_WINDOW_SECONDS

    def template_due(self, wa_id: str) -> bool:
        """Whether a contact outside the window has not had the template since their last message."""
        return wa_id not in self._templated

    def template_sent(self, wa_id: str) -> None:
        self._templated.put(wa_id, True)

    def reply_id(self, payload: str, limit: int) -> str:
        """An id Meta accepts for a button payload: the payload itself, or an alias of a long one."""
        if len(payload) <= limit:
            return payload
        alias = "wa-payload:" + hashlib.sha256(payload.encode()).hexdigest()[:40]
        self._payloads.put(alias, payload)
        return alias

    def payload(self, reply_id: str) -> str:
        """The payload behind the id of a tapped button or row."""
        return self._payloads.get(reply_id) or reply_id


@dataclass(frozen=True)
class WhatsAppConfig:
    """Credentials and settings of one WhatsApp business phone number."""

    verify_token: str = ""
    app_secret: str = ""
    access_token: str = ""
    phone_number_id: str = ""
    api_base: str = DEFAULT_API_BASE
    template_name: str = ""
    template_language: str = "pt_BR"

    @classmethod
    def load(cls, credentials: Optional[Dict[Text, Any]] = None) -> WhatsAppConfig:
        """WHATSAPP_* variables, falling back to the lower-case keys given in credentials.yml."""
        given = credentials or {}
        values = {}
        for field in fields(cls):
            value = os.environ.get(f"WHATSAPP_{field.name.upper()}") or given.get(field.name)
            if value:
                values[field.name] = str(value)
        return cls(**values)

    @property
    def messages_url(self) -> str:
        return f"{self.api_base.rstrip('/')}/{self.phone_number_id}/messages"


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


class WhatsAppOutput(OutputChannel):
    """Sends the bot's messages through the Graph API's messages endpoint."""

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    def __init__(self, config: WhatsAppConfig, memory: ChannelMemory) -> None:
        self.config = config
        self.memory = memory

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in split_text(text):
            await self._send(self._body(recipient_id, "text", {"preview_url": True, "body": part}))

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        """As a link: Meta would have to fetch or be sent the file, and the link previews anyway."""
        await self.send_text_message(recipient_id, image)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """1-3 buttons become reply buttons, more a list message: WhatsApp's only ways to offer choices."""
        choices = [
            (
                str(button.get("title") or button.get("payload")),
                str(button.get("payload") or button.get("title")),
            )
            for button in buttons
            if button.get("title") or button.get("payload")
        ]
        if not choices:
            await self.send_text_message(recipient_id, text)
            return
        words = wording(recipient_id)
        body = (text or "").strip()
        if not body or len(body) > INTERACTIVE_BODY_LIMIT:
            await self.send_text_message(recipient_id, body)
            body = words["choose"]
        interactive = self._reply_buttons(body, choices) or self._list(body, choices, words["options"])
        await self._send(self._body(recipient_id, "interactive", interactive))

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        """A message Rasa cannot describe (a template with parameters, say), posted as the domain gives it."""
        await self._send({"messaging_product": "whatsapp", "to": recipient_id, **json_message})

    def _body(self, recipient_id: str, kind: str, content: Dict[str, Any]) -> Dict[str, Any]:
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": recipient_id,
            "type": kind,
            kind: content,
        }

    def _reply_buttons(self, body: str, choices: List[Tuple[str, str]]) -> Optional[Dict[str, Any]]:
        """Reply buttons, if there are at most three and their shortened titles stay distinct."""
        titles = [shorten(title, BUTTON_TITLE_LIMIT) for title, _ in choices]
        if len(choices) > REPLY_BUTTONS_MAX or len(set(titles)) < len(titles):
            return None
        buttons = [
            {"type": "reply", "reply": {"id": self.memory.reply_id(payload, BUTTON_ID_LIMIT), "title": title}}
            for title, (_, payload) in zip(titles, choices, strict=True)
        ]
        return {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}}

    def _list(self, body: str, choices: List[Tuple[str, str]], label: str) -> Dict[str, Any]:
        """A list message; a shortened row title is shown whole as the row's description."""
        if len(choices) > LIST_ROWS_MAX:
            log.warning(
                "WhatsApp lists hold %d rows: the last %d options were dropped",
                LIST_ROWS_MAX,
                len(choices) - LIST_ROWS_MAX,
            )
        rows = []
        for title, payload in choices[:LIST_ROWS_MAX]:
            row = {
                "id": self.memory.reply_id(payload, ROW_ID_LIMIT),
                "title": shorten(title, ROW_TITLE_LIMIT),
            }
            if len(" ".join(title.split())) > ROW_TITLE_LIMIT:
                row["description"] = shorten(title, ROW_DESCRIPTION_LIMIT)
            rows.append(row)
        return {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": shorten(label, LIST_BUTTON_LIMIT),
                "sections": [{"title": shorten(label, SECTION_TITLE_LIMIT), "rows": rows}],
            },
        }

    async def _send(self, body: Dict[str, Any]) -> None:
        """Posts a message, or the template instead once the contact's 24-hour window has closed."""
        recipient_id = str(body["to"])
        if body.get("type") == "template" or self.memory.window_open(recipient_id):
            await self._post(body)
            return
        if not self.config.template_name:
            log.warning(
                "WhatsApp contact %s is outside the 24-hour window and WHATSAPP_TEMPLATE_NAME is unset: "
                "%s message not sent",
                masked(recipient_id),
                body.get("type"),
            )
        elif self.memory.template_due(recipient_id):
            template = {
                "name": self.config.template_name,
                "language": {"code": self.config.template_language},
            }
            if await self._post(self._body(recipient_id, "template", template)):
                self.memory.template_sent(recipient_id)
        else:
            log.info(
                "WhatsApp contact %s already got the template since writing: %s message not sent",
                masked(recipient_id),
                body.get("type"),
            )

    async def _post(self, body: Dict[str, Any]) -> bool:
        """POSTs to the messages endpoint; Graph API errors are logged, never raised into Rasa."""
        headers = {"Authorization": f"Bearer {self.config.access_token}"}
        recipient = masked(str(body.get("to")))
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as session,
                session.post(self.config.messages_url, json=body, headers=headers) as reply,
            ):
                if reply.status >= 400:
                    log.error(
                        "WhatsApp refused a %s message to %s (%s): %s",
                        body.get("type"),
                        recipient,
                        reply.status,
                        await reply.text(),
                    )
                    return False
                return True
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.error("WhatsApp %s message to %s not sent: %r", body.get("type"), recipient, exc)
            return False


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
        self._tasks: Set[asyncio.Task[None]] = set()
        missing = [field.name for field in fields(config) if not getattr(config, field.name)]
        if missing:
            log.warning(
                "WhatsApp channel settings missing: %s", ", ".join(f"WHATSAPP_{m.upper()}" for m in missing)
            )

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
                metadata = {"phone": f"+{message.wa_id}", "wa_message_id": message.message_id}
                if message.contact_name:
                    metadata["contact_name"] = message.contact_name
                text = self.memory.payload(message.text)
                if needs_masking(text):
                    text = await mask(text)
                await on_new_message(
                    UserMessage(
                        text,
                        output,
                        message.wa_id,
                        input_channel=self.name(),
                        message_id=message.message_id or None,
                        metadata=metadata,
                    )
                )
            except Exception:
                log.exception("WhatsApp message %s could not be handled", message.message_id)
