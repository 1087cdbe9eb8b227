"""What the web channel tests (REST, socket.io) share: a stand-in support API and a real Sanic server.

``SupportApiStandIn`` answers the support API's endpoints the channels call, in the API's shapes:
``POST /api/v1/privacy/mask`` → ``{"text", "kinds"}`` (a password after "senha:"/"password:" becomes
"[•••]"), ``POST /api/v1/identity/portal`` and ``/identity/phone`` → the identity
(``token``, ``expires_at``, ``name``, ``email``, ``company_code``, ``proof``, ``country``,
``language``, ``phone``), or 401 / 404 with FastAPI's ``{"detail": ...}``. It records every call.
``serve_channel`` mounts a channel the way Rasa does (``register`` under /webhooks/) on a Sanic
server with a stand-in agent that records each UserMessage and answers through its output channel.
"""

import copy
import re
import socket
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Optional

from aiohttp import web
from rasa.core.channels.channel import InputChannel, UserMessage, register
from sanic import Sanic

MASK = "[•••]"
PASSWORD = re.compile(r"(?i)\b(senha|password|contraseña)(\s*[:=]\s*)(\S+)")

# A customer the portal vouches for (what its JWT says) and a known WhatsApp contact.
PORTAL_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbmFAYWNtZS5jb20ifQ.portal-signature"
PORTAL_USER = {
    "name": "Ana Lima",
    "email": "ana@acme.com.br",
    "company_code": "ACME",
    "country": "BR",
    "language": "pt-BR",
    "phone": None,
}
KNOWN_PHONE = "+5511987654321"
PHONE_USER = {
    "name": "Maria Souza",
    "email": "maria@acme.com.br",
    "company_code": "ACME",
    "country": "BR",
    "language": "pt-BR",
    "phone": "5511987654321",
}


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def identity_answer(user: Dict[str, Any], proof: str, token: str, lifetime: timedelta) -> Dict[str, Any]:
    """The API's IdentityOut for ``user``: an expiry as pydantic writes it (ISO 8601, "Z")."""
    expires = (datetime.now(timezone.utc) + lifetime).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {"token": token, "expires_at": expires, "proof": proof, **user}


class SupportApiStandIn:
    """The support API as the channels see it; records every call."""

    def __init__(self) -> None:
        self.calls: List[Dict[str, Any]] = []
        self.portal_tokens: Dict[str, Dict[str, Any]] = {PORTAL_JWT: PORTAL_USER}
        self.contacts: Dict[str, Dict[str, Any]] = {KNOWN_PHONE: PHONE_USER}
        self.lifetime = timedelta(hours=1)
        self.identity_status = 200  # e.g. 503: the identity endpoints fail, masking still works
        self.issued = 0
        self.url = ""

    def paths(self, path: str) -> List[Dict[str, Any]]:
        return [call["json"] for call in self.calls if call["path"] == path]

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append({"path": request.path, "json": body, "headers": dict(request.headers)})
        if request.path == "/api/v1/privacy/mask":
            masked = PASSWORD.sub(lambda m: m.group(1) + m.group(2) + MASK, body["text"])
            kinds = ["password"] if masked != body["text"] else []
            return web.json_response({"text": masked, "kinds": kinds})
        if self.identity_status >= 500:
            return web.json_response({"detail": "Service Unavailable"}, status=self.identity_status)
        if request.path == "/api/v1/identity/portal":
            user = self.portal_tokens.get(body["token"])
            if user is None:
                return web.json_response({"detail": "the portal token is invalid or expired"}, status=401)
            return web.json_response(self._identity(user, "portal"))
        if request.path == "/api/v1/identity/phone":
            user = self.contacts.get(body["phone"])
            if user is None:
                detail = "not a known contact's number; it may open unverified tickets only"
                return web.json_response({"detail": detail}, status=404)
            return web.json_response(self._identity(user, "whatsapp"))
        return web.json_response({"detail": "Not Found"}, status=404)

    def _identity(self, user: Dict[str, Any], proof: str) -> Dict[str, Any]:
        self.issued += 1
        return identity_answer(user, proof, f"api-identity-{self.issued}", self.lifetime)


@asynccontextmanager
async def serve_posts(
    handle: Callable[[web.Request], Awaitable[web.StreamResponse]], client_max_size: int = 1024**2
) -> AsyncIterator[str]:
    """An aiohttp server on a free local port answering every POST with ``handle``; yields its URL."""
    app = web.Application(client_max_size=client_max_size)
    app.router.add_post("/{path:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = free_socket()
    await web.SockSite(runner, sock).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def support_api_stand_in() -> AsyncIterator[SupportApiStandIn]:
    api = SupportApiStandIn()
    async with serve_posts(api.handle) as url:
        api.url = url
        yield api


class Agent:
    """Stands in for Rasa's agent: records each message and sends ``replies`` back through its channel."""

    def __init__(self) -> None:
        self.messages: List[UserMessage] = []
        self.replies: List[Dict[str, Any]] = [{"text": "Olá! Como posso ajudar?"}]
        self.tracker_store = self  # the channels read a conversation's language from it

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        for reply in self.replies:
            await message.output_channel.send_response(message.sender_id, copy.deepcopy(reply))

    async def retrieve(self, sender_id: str) -> Optional[Any]:
        return None  # no stored conversation: the channel falls back on the client's language


@asynccontextmanager
async def serve_channel(channel: InputChannel, agent: Any) -> AsyncIterator[str]:
    """Serves ``channel`` as Rasa does; yields the server's base URL (http://127.0.0.1:port)."""
    app = Sanic(f"channel_test_{id(channel)}")
    app.ctx.agent = agent
    register([channel], app, "/webhooks/")
    sock = free_socket()
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    await server.start_serving()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()
