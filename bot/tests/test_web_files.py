"""Files from the web widget (``POST /webhooks/rest/files``, channels/web_files.py) through a real Sanic
server and a stand-in support API: what reaches the API, what the customer is told, what is refused.
"""

import asyncio
import hashlib
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Dict, List, Optional, Tuple
from urllib.parse import quote, unquote

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from channel_harness import PORTAL_JWT, Agent, SupportApiStandIn, free_socket, serve_channel, serve_posts
from rasa.core.channels.channel import register
from rasa.server import configure_cors
from sanic import Sanic

from channels.bounded_reply import channel_text
from channels.masking_rest import MaskingRestInput
from channels.web_files import usable_name

FILES_PATH = "/api/v1/files"
IDENTITY_PATH = "/api/v1/identity/portal"
SERVICE_KEY = "bot-service-key"
# The smallest PNG there is: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
ACCEPTED = {"image/png", "image/jpeg", "application/pdf", "text/plain", "application/zip"}
MIB = 1024 * 1024


class FilesApiStandIn(SupportApiStandIn):
    """The support API with ``POST /api/v1/files`` as the API answers it (201, 413, 415, 422)."""

    def __init__(self) -> None:
        super().__init__()
        self.files: List[Dict[str, Any]] = []
        self.file_status: Optional[int] = None  # forces an answer, e.g. 422 or 500

    async def handle(self, request: web.Request) -> web.Response:
        if request.path != FILES_PATH:
            return await super().handle(request)
        content = await request.read()
        headers = dict(request.headers)
        self.files.append({"content": content, "headers": headers})
        kind = headers.get("Content-Type", "")
        if self.file_status is not None and self.file_status != 201:
            return web.json_response({"detail": "forced"}, status=self.file_status)
        if kind not in ACCEPTED:
            return web.json_response({"detail": f"files of type {kind} are not accepted"}, status=415)
        digest = hashlib.sha256(content).hexdigest()
        if headers.get("X-File-SHA256") != digest:
            detail = [{"loc": ["header", "x-file-sha256"], "msg": "mismatch", "type": "mismatch"}]
            return web.json_response({"detail": detail}, status=422)
        stored = {
            "id": "f" * 32,
            "filename": unquote(headers.get("X-File-Name", "")),
            "mime_type": kind,
            "size": len(content),
            "sha256": digest,
            "url": f"/api/v1/files/{'f' * 32}",
            "created_at": "2025-01-01T00:00:00Z",
            "conversation": headers.get("X-End-User"),
        }
        return web.json_response(stored, status=201)


@asynccontextmanager
async def files_api() -> AsyncIterator[FilesApiStandIn]:
    api = FilesApiStandIn()
    async with serve_posts(api.handle, client_max_size=64 * MIB) as url:
        api.url = url
        yield api


@dataclass
class Upload:
    url: str
    api: FilesApiStandIn

    async def send(
        self,
        content: Any,
        filename: Optional[str] = "captura.png",
        mime_type: str = "image/png",
        sender: Optional[str] = "customer-1",
        **headers: str,
    ) -> Tuple[int, Any]:
        """POSTs the raw file as the widget does; the status and the decoded answer."""
        sent = {"Content-Type": mime_type, **{k.replace("_", "-"): v for k, v in headers.items()}}
        if filename is not None:
            sent["X-File-Name"] = quote(filename, safe="")
        params = {"sender": sender} if sender is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=content, headers=sent, params=params) as r,
        ):
            return r.status, await r.json(content_type=None)


@pytest_asyncio.fixture
async def upload(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Upload]:
    monkeypatch.setattr(Sanic, "test_mode", True)
    monkeypatch.setenv("SUPPORT_API_KEY", SERVICE_KEY)
    monkeypatch.delenv("MAX_ATTACHMENT_BYTES", raising=False)
    async with files_api() as api:
        monkeypatch.setenv("SUPPORT_API_URL", api.url)
        async with serve_channel(MaskingRestInput(), Agent()) as base:
            yield Upload(f"{base}/webhooks/rest/files", api)


def said(answer: Dict[str, Any]) -> str:
    [message] = answer["messages"]
    assert message["recipient_id"] == "customer-1"
    return str(message["text"])


# What reaches the API


@pytest.mark.asyncio
async def test_the_files_bytes_name_type_hash_and_conversation_reach_the_api(upload: Upload) -> None:
    name = "Captura de tela: emissão NF-e (1).png"
    status, answer = await upload.send(PNG, filename=name)
    assert status == 201, answer
    [sent] = upload.api.files
    headers = sent["headers"]
    assert sent["content"] == PNG
    assert unquote(headers["X-File-Name"]) == name
    assert headers["Content-Type"] == "image/png"
    assert headers["X-File-SHA256"] == hashlib.sha256(PNG).hexdigest()
    assert headers["X-End-User"] == "customer-1"
    assert headers["X-API-Key"] == SERVICE_KEY
    assert "X-End-User-Token" not in headers  # no portal token: an unverified customer
    assert answer["file"] == {
        "id": "f" * 32, "filename": name, "size": len(PNG), "sha256": hashlib.sha256(PNG).hexdigest(),
    }  # fmt: skip
    assert said(answer) == channel_text("file_kept", "pt").format(filename=name)
    assert upload.api.paths(IDENTITY_PATH) == []


@pytest.mark.asyncio
async def test_a_portal_token_becomes_the_apis_identity_token_on_the_upload(upload: Upload) -> None:
    for _ in range(2):
        status, _answer = await upload.send(PNG, X_Portal_Token=PORTAL_JWT)
        assert status == 201
    assert [f["headers"]["X-End-User-Token"] for f in upload.api.files] == ["api-identity-1"] * 2
    assert all(PORTAL_JWT not in str(f["headers"]) for f in upload.api.files)  # exchanged, not passed on
    assert upload.api.paths(IDENTITY_PATH) == [{"token": PORTAL_JWT}]  # and cached, as for messages


@pytest.mark.asyncio
async def test_a_refused_portal_token_still_keeps_the_file_for_an_unverified_customer(upload: Upload) -> None:
    status, _answer = await upload.send(PNG, X_Portal_Token="expired-or-forged")
    assert status == 201
    [sent] = upload.api.files
    assert "X-End-User-Token" not in sent["headers"]


@pytest.mark.asyncio
async def test_the_answer_is_in_the_language_the_widget_declares(upload: Upload) -> None:
    status, answer = await upload.send(b"%PDF-1.4\n", filename="factura.pdf", mime_type="application/pdf",
                                       X_Language="es-AR")  # fmt: skip
    assert status == 201
    assert said(answer) == channel_text("file_kept", "es").format(filename="factura.pdf")


@pytest.mark.asyncio
async def test_a_name_with_folders_or_control_characters_reaches_the_api_cleaned(upload: Upload) -> None:
    status, answer = await upload.send(b"log", filename="C:\\Users\\ana\\erro\n.txt", mime_type="text/plain")
    assert status == 201, answer
    assert unquote(upload.api.files[0]["headers"]["X-File-Name"]) == "erro.txt"


def test_a_name_is_kept_short_enough_for_the_api_with_its_extension() -> None:
    long_name = "relatório " * 60 + ".xlsx"
    name = usable_name(quote(long_name), "application/zip")
    assert name.endswith(".xlsx") and len(name) <= 255 and len(quote(name, safe="")) <= 1000
    cjk = usable_name(quote("截图" * 200 + ".png"), "image/png")
    assert cjk.endswith(".png") and len(quote(cjk, safe="")) <= 1000
    assert usable_name(None, "image/png") == "file.png"
    assert usable_name(quote("../.."), "application/pdf") == "file.pdf"


# What is refused before the API


@pytest.mark.parametrize(
    "sender", [None, "", "   ", "x" * 129], ids=["missing", "empty", "blank", "too long"]
)
@pytest.mark.asyncio
async def test_a_file_without_a_usable_sender_is_refused_and_never_reaches_the_api(
    upload: Upload, sender: Optional[str]
) -> None:
    status, answer = await upload.send(PNG, sender=sender)
    assert status == 400
    assert isinstance(answer["error"], str) and "sender" in answer["error"]
    assert upload.api.files == []


@pytest.mark.asyncio
async def test_a_sender_of_128_characters_is_accepted(upload: Upload) -> None:
    status, _answer = await upload.send(PNG, sender="s" * 128)
    assert status == 201
    assert upload.api.files[0]["headers"]["X-End-User"] == "s" * 128


@pytest.mark.asyncio
async def test_a_body_over_the_limit_never_reaches_the_api(
    upload: Upload, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_ATTACHMENT_BYTES", str(MIB))
    status, answer = await upload.send(b"\0" * (MIB + 1), filename="backup.zip", mime_type="application/zip")
    assert status == 413
    assert answer["file"] is None
    assert said(answer) == channel_text("file_too_large", "pt").format(limit_mb="1")
    assert "1 MB" in said(answer)
    # At the limit it is taken.
    status, _answer = await upload.send(b"\0" * MIB, filename="backup.zip", mime_type="application/zip")
    assert status == 201
    assert [len(f["content"]) for f in upload.api.files] == [MIB]


@pytest.mark.asyncio
async def test_a_streamed_body_without_a_length_is_cut_at_the_limit(
    upload: Upload, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_ATTACHMENT_BYTES", str(MIB))

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"\0" * (MIB // 2)
            await asyncio.sleep(0)

    status, answer = await upload.send(chunks(), filename="dump.zip", mime_type="application/zip")
    assert status == 413
    assert "1 MB" in said(answer)
    assert upload.api.files == []


@pytest.mark.asyncio
async def test_the_default_limit_is_16_mb(upload: Upload) -> None:
    status, answer = await upload.send(
        b"\0" * (16 * MIB + 1), filename="big.zip", mime_type="application/zip"
    )
    assert status == 413
    assert "16 MB" in said(answer)
    assert upload.api.files == []


@pytest.mark.asyncio
async def test_an_empty_file_is_not_sent_to_the_api(upload: Upload) -> None:
    status, answer = await upload.send(b"", filename="vazio.txt", mime_type="text/plain")
    assert status == 422
    assert said(answer) == channel_text("file_empty", "pt").format(filename="vazio.txt")
    assert upload.api.files == []


# What the API's refusals and silence become


@pytest.mark.asyncio
async def test_a_type_the_api_does_not_accept_gets_the_type_not_accepted_line(upload: Upload) -> None:
    status, answer = await upload.send(
        b"MZ\x90\x00", filename="setup.exe", mime_type="application/x-msdownload"
    )
    assert status == 415
    assert answer["file"] is None
    assert said(answer) == channel_text("file_type_refused", "pt")
    assert len(upload.api.files) == 1  # the API decides what it accepts


@pytest.mark.asyncio
async def test_a_file_the_api_finds_damaged_gets_the_damaged_line(upload: Upload) -> None:
    upload.api.file_status = 422
    status, answer = await upload.send(PNG, X_Language="en")
    assert status == 422
    assert said(answer) == channel_text("file_damaged", "en").format(filename="captura.png")


@pytest.mark.asyncio
async def test_an_api_error_gets_the_not_kept_line(upload: Upload) -> None:
    upload.api.file_status = 500
    status, answer = await upload.send(PNG)
    assert status == 503
    assert said(answer) == channel_text("file_not_kept", "pt").format(filename="captura.png")


@pytest.mark.asyncio
async def test_with_the_api_down_the_customer_hears_within_seconds_that_the_file_was_not_kept(
    upload: Upload, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORT_API_URL", "http://127.0.0.1:9")
    started = time.monotonic()
    status, answer = await upload.send(PNG, X_Portal_Token=PORTAL_JWT)
    assert time.monotonic() - started < 10
    assert status == 503
    assert answer["file"] is None
    assert said(answer) == channel_text("file_not_kept", "pt").format(filename="captura.png")
    assert "Traceback" not in str(answer)


# The browser may call it from another origin


@pytest.mark.asyncio
async def test_the_browsers_preflight_for_an_upload_is_answered_as_rasa_configures_cors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)
    app = Sanic("web_files_cors")
    app.ctx.agent = Agent()
    configure_cors(app, r"^https?://(localhost|127\.0\.0\.1)(:\d+)?$")
    register([MaskingRestInput()], app, "/webhooks/")
    sock = free_socket()
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    await server.start_serving()
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks/rest/files?sender=c1"
        headers = {
            "Origin": "http://localhost:8000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-file-name,x-language,x-portal-token",
        }
        async with aiohttp.ClientSession() as session, session.options(url, headers=headers) as r:
            assert r.status < 300
            assert r.headers["Access-Control-Allow-Origin"] == "http://localhost:8000"
            allowed = r.headers["Access-Control-Allow-Headers"].lower()
            for name in ("content-type", "x-file-name", "x-language", "x-portal-token"):
                assert name in allowed
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()
