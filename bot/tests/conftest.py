"""Fixtures of the WhatsApp channel tests (the helpers they use are in whatsapp_harness.py)."""

from typing import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web
from rasa.core.channels.channel import register
from sanic import Sanic
from whatsapp_harness import SENT_AT, Agent, Clock, GraphApi, Rasa, free_socket, make_config

from channels.whatsapp import WhatsAppInput


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
    app = Sanic("whatsapp_test")
    app.ctx.agent = agent
    register([channel], app, "/webhooks/")
    sock = free_socket()
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    await server.start_serving()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks/whatsapp/webhook"
    yield Rasa(url, channel, agent, clock)
    await server.before_stop()
    await server.close()
    await server.after_stop()
