"""What the WhatsApp channel tests share: Meta's webhooks into a real Sanic server, replies into a
local Graph API.

The channel is mounted the way Rasa mounts it (``register`` under /webhooks/) with a stand-in agent that
records each UserMessage and answers through its output channel. An aiohttp app on 127.0.0.1 plays
graph.facebook.com and records every request; the same server plays the support API's masking
(conftest.py) and known-contact lookup (``POST /api/v1/identity/phone``, answered from
``GraphApi.contacts`` in the API's shapes: the identity, or 404). Payloads in fixtures/whatsapp
follow Meta's webhook reference. The ``graph`` and ``rasa`` fixtures are in conftest.py.
"""

import copy
import hashlib
import hmac
import json
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import aiohttp
from aiohttp import web
from channel_harness import free_socket as free_socket  # conftest.py takes it from here
from channel_harness import identity_answer
from rasa.core.channels.channel import UserMessage

from channels.whatsapp import WhatsAppConfig, WhatsAppInput

FIXTURES = Path(__file__).parent / "fixtures" / "whatsapp"
VERIFY_TOKEN = "verify-me"
APP_SECRET = "app-secret"
ACCESS_TOKEN = "EAAG-test-token"
PHONE_NUMBER_ID = "106540352242922"
WA_ID = "5511987654321"
SENT_AT = 1749416383.0  # timestamp of fixtures/whatsapp/text_message.json
HOUR = 3600.0


def fixture(name: str) -> Dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def first_message(payload: Dict[str, Any]) -> Dict[str, Any]:
    return payload["entry"][0]["changes"][0]["value"]["messages"][0]


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class GraphApi:
    """Plays the Graph API's messages endpoint and records every request."""

    def __init__(self) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.status = 200
        self.base = ""
        # The support API's known contacts ("+<digits>" → name, e-mail, company…) and its lookups.
        self.contacts: Dict[str, Dict[str, Any]] = {}
        self.lookups: List[str] = []
        self.lookup_status = 200  # e.g. 503: the lookup fails while masking still works

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        if request.path == "/api/v1/identity/phone":
            return self.known_contact(body["phone"])
        self.requests.append({"path": request.path, "headers": dict(request.headers), "json": body})
        if self.status >= 400:
            error = {
                "message": "(#131009) Parameter value is not valid",
                "type": "OAuthException",
                "code": 131009,
            }
            return web.json_response({"error": error}, status=self.status)
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                "messages": [{"id": f"wamid.sent{len(self.requests)}"}],
            }
        )

    def known_contact(self, phone: str) -> web.Response:
        self.lookups.append(phone)
        if self.lookup_status >= 500:
            return web.json_response({"detail": "Service Unavailable"}, status=self.lookup_status)
        user = self.contacts.get(phone)
        if user is None:
            detail = "not a known contact's number; it may open unverified tickets only"
            return web.json_response({"detail": detail}, status=404)
        token = f"api-identity-{len(self.lookups)}"
        return web.json_response(identity_answer(user, "whatsapp", token, timedelta(hours=1)))

    @property
    def bodies(self) -> List[Dict[str, Any]]:
        return [request["json"] for request in self.requests]


class Agent:
    """Stands in for Rasa's agent: records each message and sends ``replies`` back through its channel."""

    def __init__(self) -> None:
        self.messages: List[UserMessage] = []
        self.replies: List[Dict[str, Any]] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        for reply in self.replies:
            await message.output_channel.send_response(message.sender_id, copy.deepcopy(reply))


class Rasa:
    """A Sanic server with the channel mounted as Rasa mounts it."""

    def __init__(self, url: str, channel: WhatsAppInput, agent: Agent, clock: Clock) -> None:
        self.url = url
        self.channel = channel
        self.agent = agent
        self.clock = clock

    async def deliver(
        self, payload: Dict[str, Any], headers: Optional[Dict[str, str]] = None, wait: bool = True
    ) -> int:
        """POSTs a delivery (signed unless ``headers`` say otherwise); ``wait`` lets it be handled."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        sent_headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature(body)}
        if headers is not None:
            sent_headers = {"Content-Type": "application/json", **headers}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body, headers=sent_headers) as r,
        ):
            status = r.status
        if wait:
            await self.channel.drain()
        return status

    async def verify(self, params: Dict[str, str]) -> Tuple[int, str, str]:
        """GETs the webhook as Meta does when subscribing: status, content type and body."""
        async with aiohttp.ClientSession() as session, session.get(self.url, params=params) as r:
            return r.status, r.content_type, await r.text()


def make_config(graph: GraphApi, **overrides: str) -> WhatsAppConfig:
    settings = {
        "verify_token": VERIFY_TOKEN,
        "app_secret": APP_SECRET,
        "access_token": ACCESS_TOKEN,
        "phone_number_id": PHONE_NUMBER_ID,
        "api_base": graph.base,
        "template_name": "retomar_atendimento",
        **overrides,
    }
    return WhatsAppConfig(**settings)
