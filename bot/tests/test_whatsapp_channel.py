"""The WhatsApp channel end to end: Meta's webhooks into a real Sanic server, replies into a local Graph API.

The channel is mounted the way Rasa mounts it (``register`` under /webhooks/) with a stand-in agent that
records each UserMessage and answers through its output channel. An aiohttp app on 127.0.0.1 plays
graph.facebook.com and records every request. Payloads in fixtures/whatsapp follow Meta's webhook reference.
"""

import asyncio
import copy
import hashlib
import hmac
import json
import logging
import socket
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List, Optional, Tuple

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from channels.whatsapp import (
    BUTTON_ID_LIMIT,
    TEXT_LIMIT,
    WhatsAppConfig,
    WhatsAppInput,
    split_text,
)

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


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


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

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
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


@pytest_asyncio.fixture
async def graph() -> AsyncIterator[GraphApi]:
    api = GraphApi()
    app = web.Application()
    app.router.add_post("/{path:.*}", api.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = free_socket()
    await web.SockSite(runner, sock).start()
    api.base = f"http://127.0.0.1:{sock.getsockname()[1]}/v21.0"
    yield api
    await runner.cleanup()


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


# Subscription verification


@pytest.mark.asyncio
async def test_verification_answers_the_challenge_as_plain_text(rasa: Rasa) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    assert await rasa.verify(params) == (200, "text/plain", "1158201444")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
    ids=["wrong token", "wrong mode", "no token"],
)
@pytest.mark.asyncio
async def test_verification_without_our_token_is_forbidden(rasa: Rasa, params: Dict[str, str]) -> None:
    status, _, _ = await rasa.verify(params)
    assert status == 403


# Deliveries


@pytest.mark.asyncio
async def test_a_signed_text_message_reaches_the_bot_with_the_phone(rasa: Rasa) -> None:
    payload = fixture("text_message")
    assert await rasa.deliver(payload) == 200

    [message] = rasa.agent.messages
    assert message.text == "Não consigo transmitir a NF-e, dá rejeição 539"
    assert message.sender_id == WA_ID
    assert message.input_channel == "whatsapp"
    assert message.message_id == first_message(payload)["id"]
    assert message.metadata == {
        "phone": "+5511987654321",
        "wa_message_id": first_message(payload)["id"],
        "contact_name": "Maria Souza",
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        {"X-Hub-Signature-256": signature(b"{}")},
        {"X-Hub-Signature-256": "SIGNED"},
    ],
    ids=["missing", "zeros", "signature of another body", "malformed"],
)
@pytest.mark.asyncio
async def test_unsigned_or_wrongly_signed_deliveries_are_forbidden_and_dropped(
    rasa: Rasa, graph: GraphApi, headers: Dict[str, str]
) -> None:
    assert await rasa.deliver(fixture("text_message"), headers=headers) == 403
    assert rasa.agent.messages == []
    assert graph.requests == []


@pytest.mark.asyncio
async def test_a_delivery_signed_with_another_secret_is_forbidden(rasa: Rasa) -> None:
    payload = fixture("text_message")
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"X-Hub-Signature-256": signature(body, secret="someone-else")}
    assert await rasa.deliver(payload, headers=headers) == 403
    assert rasa.agent.messages == []


@pytest.mark.asyncio
async def test_meta_gets_its_200_before_the_bot_has_answered(rasa: Rasa) -> None:
    answer = asyncio.Event()
    record = rasa.agent.handle_message

    async def slow_bot(message: UserMessage) -> None:
        await answer.wait()
        await record(message)

    rasa.agent.handle_message = slow_bot  # type: ignore[method-assign]
    assert await rasa.deliver(fixture("text_message"), wait=False) == 200
    assert rasa.agent.messages == []

    answer.set()
    await rasa.channel.drain()
    assert len(rasa.agent.messages) == 1


@pytest.mark.asyncio
async def test_a_reply_button_tap_sends_its_id_as_the_text(rasa: Rasa) -> None:
    assert await rasa.deliver(fixture("button_reply")) == 200
    assert [m.text for m in rasa.agent.messages] == ["/affirm"]


@pytest.mark.asyncio
async def test_a_list_row_tap_sends_its_id_as_the_text(rasa: Rasa) -> None:
    assert await rasa.deliver(fixture("list_reply")) == 200
    [message] = rasa.agent.messages
    assert message.text == '/open_article{"article_id": "pt-nfe-rejeicao-539", "section_id": "como-corrigir"}'
    assert message.metadata["phone"] == "+5511987654321"


@pytest.mark.asyncio
async def test_a_template_quick_reply_sends_its_payload_as_the_text(rasa: Rasa) -> None:
    payload = fixture("button_reply")
    message = first_message(payload)
    del message["interactive"]
    message.update(
        type="button", button={"payload": "Falar com um analista", "text": "Falar com um analista"}
    )
    assert await rasa.deliver(payload) == 200
    assert [m.text for m in rasa.agent.messages] == ["Falar com um analista"]


@pytest.mark.asyncio
async def test_status_updates_are_acknowledged_and_ignored(rasa: Rasa, graph: GraphApi) -> None:
    assert await rasa.deliver(fixture("status_delivered")) == 200
    assert rasa.agent.messages == []
    assert graph.requests == []


@pytest.mark.asyncio
async def test_a_redelivered_message_is_handled_once(rasa: Rasa) -> None:
    payload = fixture("text_message")
    assert await rasa.deliver(payload) == 200
    assert await rasa.deliver(payload) == 200
    assert len(rasa.agent.messages) == 1


@pytest.mark.asyncio
async def test_an_image_gets_a_text_only_notice_in_the_contacts_language(rasa: Rasa, graph: GraphApi) -> None:
    assert await rasa.deliver(fixture("image_message")) == 200
    assert rasa.agent.messages == []
    [body] = graph.bodies
    assert body["to"] == "5491155556666"
    assert body["type"] == "text"
    assert body["text"]["body"].startswith("Por ahora solo entiendo mensajes de texto")


@pytest.mark.asyncio
async def test_a_delivery_for_another_phone_number_is_ignored(rasa: Rasa) -> None:
    payload = fixture("text_message")
    payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999999999999999"
    assert await rasa.deliver(payload) == 200
    assert rasa.agent.messages == []


@pytest.mark.asyncio
async def test_a_body_that_is_not_a_json_object_is_a_bad_request(rasa: Rasa) -> None:
    body = b"[not json"
    async with (
        aiohttp.ClientSession() as session,
        session.post(rasa.url, data=body, headers={"X-Hub-Signature-256": signature(body)}) as r,
    ):
        assert r.status == 400
    assert rasa.agent.messages == []


# Replies


@pytest.mark.asyncio
async def test_replies_go_to_the_phone_numbers_messages_endpoint_with_the_token(
    rasa: Rasa, graph: GraphApi
) -> None:
    rasa.agent.replies = [{"text": "Vou verificar a rejeição 539."}]
    await rasa.deliver(fixture("text_message"))

    [request] = graph.requests
    assert request["path"] == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert request["headers"]["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request["json"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": WA_ID,
        "type": "text",
        "text": {"preview_url": True, "body": "Vou verificar a rejeição 539."},
    }


@pytest.mark.asyncio
async def test_text_longer_than_4096_characters_is_split_at_word_boundaries(
    rasa: Rasa, graph: GraphApi
) -> None:
    words = [f"palavra{i}" for i in range(800)]
    text = " ".join(words)
    assert len(text) > 2 * TEXT_LIMIT
    rasa.agent.replies = [{"text": text}]
    await rasa.deliver(fixture("text_message"))

    parts = [body["text"]["body"] for body in graph.bodies]
    assert len(parts) == 3
    assert all(len(part) <= TEXT_LIMIT for part in parts)
    assert " ".join(parts).split() == words


def test_splitting_prefers_line_breaks() -> None:
    text = "a" * 3000 + "\n" + "b " * 1000
    parts = split_text(text)
    assert parts[0] == "a" * 3000
    assert all(len(part) <= TEXT_LIMIT for part in parts)


@pytest.mark.asyncio
async def test_two_buttons_become_reply_buttons_with_short_titles(rasa: Rasa, graph: GraphApi) -> None:
    rasa.agent.replies = [
        {
            "text": "Isso resolveu o seu problema?",
            "buttons": [
                {"title": "Sim, resolveu", "payload": "/affirm"},
                {"title": "Não, quero abrir um chamado", "payload": "/deny"},
            ],
        }
    ]
    await rasa.deliver(fixture("text_message"))

    [body] = graph.bodies
    assert body["type"] == "interactive"
    interactive = body["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"] == {"text": "Isso resolveu o seu problema?"}
    buttons = interactive["action"]["buttons"]
    assert [b["type"] for b in buttons] == ["reply", "reply"]
    assert [b["reply"]["id"] for b in buttons] == ["/affirm", "/deny"]
    assert [b["reply"]["title"] for b in buttons] == ["Sim, resolveu", "Não, quero abrir um…"]
    assert all(len(b["reply"]["title"]) <= 20 for b in buttons)


@pytest.mark.asyncio
async def test_quick_replies_are_sent_as_reply_buttons(rasa: Rasa, graph: GraphApi) -> None:
    quick_replies = [{"title": "Produção", "payload": "produção"}, {"title": "Teste", "payload": "teste"}]
    rasa.agent.replies = [{"text": "Em qual ambiente?", "quick_replies": quick_replies}]
    await rasa.deliver(fixture("text_message"))

    [body] = graph.bodies
    assert body["interactive"]["type"] == "button"
    assert [b["reply"]["id"] for b in body["interactive"]["action"]["buttons"]] == ["produção", "teste"]


def article_buttons(count: int) -> List[Dict[str, str]]:
    return [
        {
            "title": f"Artigo {i}: rejeição de NF-e por duplicidade na chave",
            "payload": f'/open_article{{"article_id": "pt-nfe-{i}", "section_id": "s{i}"}}',
        }
        for i in range(count)
    ]


@pytest.mark.asyncio
async def test_five_buttons_become_a_list_with_short_rows(rasa: Rasa, graph: GraphApi) -> None:
    rasa.agent.replies = [{"text": "Encontrei estes artigos:", "buttons": article_buttons(5)}]
    await rasa.deliver(fixture("text_message"))

    [body] = graph.bodies
    interactive = body["interactive"]
    assert interactive["type"] == "list"
    assert interactive["body"] == {"text": "Encontrei estes artigos:"}
    assert interactive["action"]["button"] == "Opções"
    [section] = interactive["action"]["sections"]
    rows = section["rows"]
    assert len(rows) == 5
    assert rows[0]["id"] == '/open_article{"article_id": "pt-nfe-0", "section_id": "s0"}'
    assert all(len(row["title"]) <= 24 and row["title"].endswith("…") for row in rows)
    assert rows[0]["description"] == "Artigo 0: rejeição de NF-e por duplicidade na chave"
    assert all(len(row["description"]) <= 72 for row in rows)


@pytest.mark.asyncio
async def test_more_than_ten_buttons_keep_the_first_ten_rows(
    rasa: Rasa, graph: GraphApi, caplog: pytest.LogCaptureFixture
) -> None:
    rasa.agent.replies = [{"text": "Encontrei estes artigos:", "buttons": article_buttons(12)}]
    with caplog.at_level(logging.WARNING, logger="channels.whatsapp"):
        await rasa.deliver(fixture("text_message"))

    [body] = graph.bodies
    rows = body["interactive"]["action"]["sections"][0]["rows"]
    assert [row["id"] for row in rows] == [button["payload"] for button in article_buttons(10)]
    assert "2 options were dropped" in caplog.text


@pytest.mark.asyncio
async def test_a_body_longer_than_1024_characters_goes_first_as_text(rasa: Rasa, graph: GraphApi) -> None:
    long_text = "Passo a passo para corrigir a rejeição. " * 40
    buttons = [{"title": "Sim", "payload": "/affirm"}, {"title": "Não", "payload": "/deny"}]
    rasa.agent.replies = [{"text": long_text, "buttons": buttons}]
    await rasa.deliver(fixture("text_message"))

    text, interactive = graph.bodies
    assert text["type"] == "text"
    assert text["text"]["body"] == long_text.strip()
    assert interactive["type"] == "interactive"
    assert interactive["interactive"]["body"] == {"text": "Escolha uma opção:"}


@pytest.mark.asyncio
async def test_a_payload_too_long_for_an_id_is_aliased_and_comes_back_whole(
    rasa: Rasa, graph: GraphApi
) -> None:
    payload = '/open_article{"article_id": "pt-' + "x" * 300 + '", "section_id": "s"}'
    rasa.agent.replies = [{"text": "Abrir?", "buttons": [{"title": "Abrir", "payload": payload}]}]
    await rasa.deliver(fixture("text_message"))
    [button] = graph.bodies[0]["interactive"]["action"]["buttons"]
    assert len(button["reply"]["id"]) <= BUTTON_ID_LIMIT

    rasa.agent.replies = []
    tap = fixture("button_reply")
    first_message(tap)["interactive"]["button_reply"]["id"] = button["reply"]["id"]
    await rasa.deliver(tap)
    assert rasa.agent.messages[-1].text == payload


@pytest.mark.asyncio
async def test_images_are_sent_as_links_and_custom_json_as_given(rasa: Rasa, graph: GraphApi) -> None:
    custom = {
        "type": "template",
        "template": {"name": "chamado_aberto", "language": {"code": "pt_BR"}},
    }
    rasa.agent.replies = [{"image": "https://kb.example.com/img/nfe.png"}, {"custom": custom}]
    await rasa.deliver(fixture("text_message"))

    image, template = graph.bodies
    assert image["text"]["body"] == "https://kb.example.com/img/nfe.png"
    assert template == {"messaging_product": "whatsapp", "to": WA_ID, **custom}


@pytest.mark.asyncio
async def test_graph_api_errors_are_logged_not_raised(
    rasa: Rasa, graph: GraphApi, caplog: pytest.LogCaptureFixture
) -> None:
    graph.status = 400
    rasa.agent.replies = [{"text": "Olá"}]
    with caplog.at_level(logging.ERROR, logger="channels.whatsapp"):
        await rasa.deliver(fixture("text_message"))

    assert len(rasa.agent.messages) == 1
    assert len(graph.requests) == 1
    assert "WhatsApp refused a text message to …4321 (400)" in caplog.text
    assert "could not be handled" not in caplog.text


# The 24-hour customer-service window


TEMPLATE = {
    "messaging_product": "whatsapp",
    "recipient_type": "individual",
    "to": WA_ID,
    "type": "template",
    "template": {"name": "retomar_atendimento", "language": {"code": "pt_BR"}},
}


@pytest.mark.asyncio
async def test_a_message_older_than_24_hours_is_answered_with_the_template_once(
    rasa: Rasa, graph: GraphApi
) -> None:
    rasa.clock.now = SENT_AT + 25 * HOUR
    rasa.agent.replies = [{"text": "Resposta atrasada"}, {"text": "Mais uma"}]
    await rasa.deliver(fixture("text_message"))

    assert graph.bodies == [TEMPLATE]


@pytest.mark.asyncio
async def test_the_window_closes_24_hours_after_the_last_message_and_reopens_with_the_next(
    rasa: Rasa, graph: GraphApi
) -> None:
    await rasa.deliver(fixture("text_message"))
    output = rasa.channel.get_output_channel()

    rasa.clock.now = SENT_AT + 23 * HOUR
    await output.send_text_message(WA_ID, "Seu chamado foi atualizado.")
    rasa.clock.now = SENT_AT + 24 * HOUR + 1
    await output.send_text_message(WA_ID, "Seu chamado foi resolvido.")
    await output.send_text_message(WA_ID, "Avalie o atendimento.")
    assert [body["type"] for body in graph.bodies] == ["text", "template"]
    assert graph.bodies[1] == TEMPLATE

    answer = fixture("button_reply")
    first_message(answer)["timestamp"] = str(int(rasa.clock.now))
    await rasa.deliver(answer)
    await output.send_text_message(WA_ID, "Obrigado!")
    assert graph.bodies[-1]["text"]["body"] == "Obrigado!"


@pytest.mark.asyncio
async def test_without_a_template_nothing_is_sent_outside_the_window(
    graph: GraphApi, caplog: pytest.LogCaptureFixture
) -> None:
    channel = WhatsAppInput(make_config(graph, template_name=""), clock=Clock(SENT_AT))
    with caplog.at_level(logging.WARNING, logger="channels.whatsapp"):
        await channel.get_output_channel().send_text_message(WA_ID, "Olá")

    assert graph.requests == []
    assert "WHATSAPP_TEMPLATE_NAME is unset" in caplog.text


# Configuration


def test_the_environment_wins_over_credentials_yml(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "VERIFY_TOKEN",
        "APP_SECRET",
        "ACCESS_TOKEN",
        "PHONE_NUMBER_ID",
        "API_BASE",
        "TEMPLATE_NAME",
    ):
        monkeypatch.delenv(f"WHATSAPP_{name}", raising=False)
    monkeypatch.delenv("WHATSAPP_TEMPLATE_LANGUAGE", raising=False)
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "from-env")
    channel = WhatsAppInput.from_credentials({"access_token": "from-yml", "phone_number_id": "42"})

    assert channel.name() == "whatsapp"
    assert channel.config.access_token == "from-env"
    assert channel.config.phone_number_id == "42"
    assert channel.config.messages_url == "https://graph.facebook.com/v21.0/42/messages"
    assert channel.config.template_language == "pt_BR"
