"""The API client sends an X-Request-ID on every call and quotes it when a call fails.

An aiohttp app on 127.0.0.1 plays the support API and records the headers of every request.
"""

import re
import socket
from typing import AsyncIterator, Dict, List

import pytest
import pytest_asyncio
from aiohttp import web

from actions.api_client import SupportApi, SupportApiError

GENERATED = re.compile(r"bot-[0-9a-f]{12}")


class FakeApi:
    """Answers every path with an empty JSON object (or ``status``) and records the request headers."""

    def __init__(self) -> None:
        self.headers: List[Dict[str, str]] = []
        self.status = 200
        self.base = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.headers.append(dict(request.headers))
        if self.status >= 400:
            return web.json_response({"detail": "Internal error"}, status=self.status)
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
