"""What the WhatsApp channel tests share: Meta's webhooks into a real Sanic server, replies into a
local Graph API.

The channel is mounted the way Rasa mounts it (``register`` under /webhooks/) with a stand-in agent that
records each UserMessage and answers through its output channel. An aiohttp app on 127.0.0.1 plays
graph.facebook.com and records every request; the same server plays the support API's masking
(conftest.py) and known-contact lookup (``POST /api/v1/identity/phone``, answered from
``GraphApi.contacts`` in the API's shapes: the identity, or 404). Payloads in fixtures/whatsapp
follow Meta's webhook reference. The ``graph`` and ``rasa`` fixtures are in conftest.py.

``serve_graph_with_media`` serves more of both, for the tests of files: Meta's media endpoint
(``GET /v21.0/<media id>`` → ``url``, ``mime_type``, ``sha256`` (hex), ``file_size``) and media URLs
(``GET /whatsapp_business/attachments/?mid=…`` → the bytes), both wanting the access token, with the
files of ``MEDIA``; and the support API's ``POST /api/v1/files`` (raw body, ``Content-Type``,
``X-File-Name``, ``X-File-SHA256`` → 201 with the stored file, or 413 / 415 / 422), recording each
upload in ``GraphApi.uploads``. Its masking hides a password after "senha:" as the real API does.

``serve_whatsapp`` mounts a given channel on a server of its own: a restart is another channel instance
(over the same memory) on another server.
"""

import base64
import copy
import hashlib
import hmac
import json
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List, Optional, Set, Tuple
from urllib.parse import unquote

import aiohttp
import pytest
from aiohttp import web
from channel_harness import MASK, PASSWORD, identity_answer, serve_channel
from channel_harness import free_socket as free_socket  # conftest.py takes it from here
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
MIB = 1024 * 1024
BSUID = "BR.1502576394655843"  # the sender of fixtures/whatsapp/bsuid_text.json, who hides their number

# The files behind the fixtures' media ids (content, MIME type); each fixture states its file's SHA-256
# as Meta's webhooks do (base64).
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"rejeicao 539 " * 300
    + b"\xff\xd9"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + b"factura 539 " * 200 + b"\n%%EOF\n"
OGG = b"OggS\x00\x02" + bytes(20) + b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00" + b"voz " * 500
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"frame " * 800
WEBP = b"RIFF\x24\x0c\x00\x00WEBPVP8 " + b"sticker " * 100
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"This program cannot be run in DOS mode."
MEDIA: Dict[str, Tuple[bytes, str]] = {
    "1043896757290841": (JPEG, "image/jpeg"),  # image.json
    "2754859441498128": (JPEG, "image/jpeg"),  # image_message.json, whose stated hash is another file's
    "618294377162538": (PDF, "application/pdf"),  # document.json
    "3092113774378802": (OGG, "audio/ogg"),  # audio.json
    "1287615092456318": (MP4, "video/mp4"),  # video.json
    "904722415817344": (WEBP, "image/webp"),  # sticker.json
    "772519046311093": (EXE, "application/x-msdownload"),  # document_exe.json
}
# What the support API stand-in takes (the real one's list is its own setting).
ACCEPTED_TYPES = {
    "image/jpeg", "image/png", "image/webp", "application/pdf", "audio/ogg", "video/mp4", "text/plain",
}  # fmt: skip


def fixture(name: str) -> Dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def first_message(payload: Dict[str, Any]) -> Dict[str, Any]:
    return payload["entry"][0]["changes"][0]["value"]["messages"][0]


def meta_sha256(content: bytes) -> str:
    """A file's SHA-256 as Meta's webhooks state it."""
    return base64.b64encode(hashlib.sha256(content).digest()).decode()


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
        # Media (serve_graph_with_media): the files, what was asked for, and what the support API stored.
        self.root = ""
        self.media: Dict[str, Tuple[bytes, str]] = dict(MEDIA)
        self.media_status = 200  # e.g. 500: Meta's media endpoint fails
        self.declared_size: Optional[int] = None  # a file_size Meta states instead of the real one
        self.download_root = ""  # where media URLs point, when not this server (e.g. a closed port)
        self.fetched: List[str] = []  # media ids looked up
        self.downloads: List[str] = []  # media ids whose bytes were fetched
        self.uploads: List[Dict[str, Any]] = []  # {"headers", "content", "filename"} per POST /api/v1/files
        self.accepted_types: Set[str] = set(ACCEPTED_TYPES)

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
        # Meta names the contact as it was addressed: a phone number (to) or a user id (recipient).
        contact = {"input": body["to"], "wa_id": body["to"]} if "to" in body else {}
        if "recipient" in body:
            contact = {"input": body["recipient"], "user_id": body["recipient"]}
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [contact],
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

    @property
    def texts(self) -> List[str]:
        """The text messages the contacts were sent."""
        return [body["text"]["body"] for body in self.bodies if body.get("type") == "text"]

    def authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {ACCESS_TOKEN}"

    def graph_error(self, status: int, message: str) -> web.Response:
        return web.json_response({"error": {"message": message, "type": "OAuthException"}}, status=status)

    async def media_info(self, request: web.Request) -> web.Response:
        """``GET /<media id>``: where Meta keeps a file, and what it is."""
        media_id = request.match_info["media_id"]
        self.fetched.append(media_id)
        if not self.authorized(request):
            return self.graph_error(401, "Invalid OAuth access token.")
        if self.media_status >= 400:
            return self.graph_error(self.media_status, "An unexpected error has occurred.")
        if media_id not in self.media:
            return self.graph_error(404, "Unsupported get request.")
        content, mime_type = self.media[media_id]
        where = self.download_root or self.root
        url = f"{where}/whatsapp_business/attachments/?mid={media_id}&ext=1749416600&hash=ATsN4uQ"
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": url,
                "mime_type": mime_type,
                "sha256": hashlib.sha256(content).hexdigest(),
                "file_size": len(content) if self.declared_size is None else self.declared_size,
                "id": media_id,
            }
        )

    async def download(self, request: web.Request) -> web.Response:
        """A media URL: the file's bytes, for the access token only."""
        media_id = request.query.get("mid", "")
        if not self.authorized(request) or media_id not in self.media:
            return web.Response(status=404)
        self.downloads.append(media_id)
        content, mime_type = self.media[media_id]
        return web.Response(body=content, content_type=mime_type)

    async def upload(self, request: web.Request) -> web.Response:
        """The support API's ``POST /api/v1/files``."""
        content = await request.read()
        filename = unquote(request.headers.get("X-File-Name", ""))
        self.uploads.append({"headers": dict(request.headers), "content": content, "filename": filename})
        if len(content) > 16 * MIB:
            return web.json_response({"detail": "the file is larger than 16777216 bytes"}, status=413)
        if request.content_type not in self.accepted_types:
            detail = f"files of type {request.content_type} are not accepted"
            return web.json_response({"detail": detail}, status=415)
        sha256 = hashlib.sha256(content).hexdigest()
        if request.headers.get("X-File-SHA256") != sha256:
            return web.json_response({"detail": "the content does not match X-File-SHA256"}, status=422)
        file_id = f"file-{len(self.uploads)}"
        stored = {
            "id": file_id,
            "filename": filename,
            "mime_type": request.content_type,
            "size": len(content),
            "sha256": sha256,
            "url": f"/api/v1/files/{file_id}",
        }
        return web.json_response(stored, status=201)

    async def mask(self, request: web.Request) -> web.Response:
        """The support API's masking: a password after "senha:" becomes [•••]."""
        text = (await request.json())["text"]
        masked = PASSWORD.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
        return web.json_response({"text": masked, "kinds": ["password"] if masked != text else []})


@asynccontextmanager
async def serve_graph_with_media(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[GraphApi]:
    """The Graph API with its media endpoints, and the support API with its files endpoint."""
    api = GraphApi()
    app = web.Application(client_max_size=32 * MIB)
    app.router.add_post("/api/v1/privacy/mask", api.mask)
    app.router.add_post("/api/v1/files", api.upload)
    app.router.add_get("/whatsapp_business/attachments/", api.download)
    app.router.add_get("/v21.0/{media_id}", api.media_info)
    app.router.add_post("/{path:.*}", api.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = free_socket()
    await web.SockSite(runner, sock).start()
    api.root = f"http://127.0.0.1:{sock.getsockname()[1]}"
    api.base = f"{api.root}/v21.0"
    monkeypatch.setenv("SUPPORT_API_URL", api.root)
    try:
        yield api
    finally:
        await runner.cleanup()


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


@asynccontextmanager
async def serve_whatsapp(
    channel: WhatsAppInput, clock: Clock, agent: Optional[Agent] = None
) -> AsyncIterator[Rasa]:
    """``channel`` on a Sanic server of its own, as Rasa mounts it (Sanic.test_mode must be set)."""
    agent = agent or Agent()
    async with serve_channel(channel, agent) as base:
        yield Rasa(f"{base}/webhooks/whatsapp/webhook", channel, agent, clock)


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
