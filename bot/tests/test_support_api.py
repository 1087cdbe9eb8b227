"""The API client sends an X-Request-ID on every call and quotes it when a call fails; the
channels mask messages through it.

An aiohttp app on 127.0.0.1 plays the support API and records the headers of every request.
"""

import asyncio
import re
import socket
from typing import AsyncIterator, Dict, List

import pytest
import pytest_asyncio
from aiohttp import web

from channels.secret_masking import MaskingUnavailable, mask_secrets
from shared.support_api import MASK_PATH, SupportApi, SupportApiError

GENERATED = re.compile(r"bot-[0-9a-f]{12}")


class FakeApi:
    """Answers every path with an empty JSON object (or ``status``) and records the request headers.

    The masking path answers with the text every secret is masked to.
    """

    def __init__(self) -> None:
        self.headers: List[Dict[str, str]] = []
        self.status = 200
        self.delay = 0.0  # seconds before answering: a slow or hung API
        self.base = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.headers.append(dict(request.headers))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status >= 400:
            return web.json_response({"detail": "Internal error"}, status=self.status)
        if request.path == MASK_PATH:
            return web.json_response({"text": "senha [•••]", "kinds": ["password"]})
        return web.json_response({})


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeApi]:
    fake = FakeApi()
    app = web.Application()
    app.router.add_route("*", "/{path:.*}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    fake.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    yield fake
    await runner.cleanup()


@pytest.mark.asyncio
async def test_every_call_carries_a_fresh_request_id(api: FakeApi) -> None:
    client = SupportApi(base_url=api.base, api_key="key")
    await client.search("nota fiscal")
    await client.create_ticket({"summary": "x"}, idempotency_key="idem-1")
    first, second = (headers["X-Request-ID"] for headers in api.headers)
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second
    assert api.headers[1]["Idempotency-Key"] == "idem-1"
    assert api.headers[1]["X-API-Key"] == "key"


@pytest.mark.asyncio
async def test_a_given_request_id_is_sent_on_every_call(api: FakeApi) -> None:
    client = SupportApi(base_url=api.base, request_id="turn-42")
    await client.search("nota fiscal")
    await client.article("es-soporte")
    assert [headers["X-Request-ID"] for headers in api.headers] == ["turn-42", "turn-42"]


@pytest.mark.asyncio
async def test_a_failed_call_quotes_its_request_id(api: FakeApi) -> None:
    api.status = 500
    with pytest.raises(SupportApiError) as raised:
        await SupportApi(base_url=api.base).ticket(7)
    sent = api.headers[0]["X-Request-ID"]
    assert raised.value.status == 500 and raised.value.request_id == sent
    assert f"request id {sent}" in str(raised.value)


@pytest.mark.asyncio
async def test_masking_goes_through_the_client_with_its_key_and_request_id(api: FakeApi) -> None:
    client = SupportApi(base_url=api.base, api_key="key", request_id="turn-7")
    assert await mask_secrets("senha 1234", client) == "senha [•••]"
    assert [(h["X-Request-ID"], h["X-API-Key"]) for h in api.headers] == [("turn-7", "key")]


@pytest.mark.asyncio
async def test_a_message_that_cannot_be_masked_is_not_handed_on(api: FakeApi) -> None:
    """A failure to mask never lets the raw text reach Rasa's tracker store or logs."""
    api.status = 500
    with pytest.raises(MaskingUnavailable):
        await mask_secrets("senha 1234", SupportApi(base_url=api.base))


@pytest.mark.asyncio
async def test_a_hung_api_is_given_up_within_the_timeout_on_python_3_10(api: FakeApi) -> None:
    """aiohttp raises asyncio.TimeoutError (not the built-in one on 3.10): it must become SupportApiError."""
    api.delay = 2.0
    client = SupportApi(base_url=api.base)
    with pytest.raises(SupportApiError):
        await client._call("GET", "/slow", timeout_seconds=0.2)
