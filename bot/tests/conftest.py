"""Fixtures of the WhatsApp channel tests (the helpers they use are in whatsapp_harness.py)."""

from typing import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web
from channel_harness import serve_channel
from sanic import Sanic
from whatsapp_harness import SENT_AT, Agent, Clock, GraphApi, Rasa, free_socket, make_config

from channels.whatsapp import WhatsAppInput


@pytest.fixture(autouse=True)
def memory_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their channel memory: never the one `make test` exports for the running bot."""
    monkeypatch.delenv("WHATSAPP_MEMORY_URL", raising=False)


async def mask_nothing(request: web.Request) -> web.Response:
    """The support API's masking endpoint, for messages that hold no secret."""
    return web.json_response({"text": (await request.json())["text"], "kinds": []})


@pytest_asyncio.fixture
async def graph(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[GraphApi]:
    api = GraphApi()
    app = web.Application()
    app.router.add_post("/api/v1/privacy/mask", mask_nothing)
    app.router.add_post("/{path:.*}", api.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = free_socket()
    await web.SockSite(runner, sock).start()
    api.base = f"http://127.0.0.1:{sock.getsockname()[1]}/v21.0"
    # The same local server answers the channel's masking calls to the support API.
    monkeypatch.setenv("SUPPORT_API_URL", f"http://127.0.0.1:{sock.getsockname()[1]}")
    yield api
    await runner.cleanup()


@pytest_asyncio.fixture
async def rasa(graph: GraphApi, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Rasa]:
    # Sanic's test mode lets one process start several apps (it otherwise rewrites its protocol only once).
    monkeypatch.setattr(Sanic, "test_mode", True)
    clock = Clock(SENT_AT + 60)
    channel = WhatsAppInput(make_config(graph), clock=clock)
    agent = Agent()
    async with serve_channel(channel, agent) as base:
        yield Rasa(f"{base}/webhooks/whatsapp/webhook", channel, agent, clock)
