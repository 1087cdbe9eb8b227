"""The socket.io channel (channels/masking_socketio.py) through a real python-socketio client against
the Sanic server, with a stand-in support API: the REST channel's rules on Rasa's socket.io events.
"""

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Dict, Optional

import pytest
import pytest_asyncio
import socketio
from channel_harness import (
    MASK,
    PORTAL_JWT,
    Agent,
    SupportApiStandIn,
    serve_channel,
    support_api_stand_in,
)
from rasa.core.channels.channel import UserMessage
from rasa.core.run import create_http_input_channels
from sanic import Sanic

from channels.inbound_limits import MAX_MESSAGE_CHARS, MAX_METADATA_BYTES
from channels.masking_rest import MaskingRestInput
from channels.masking_socketio import MaskingSocketIOInput

BOT = Path(__file__).parents[1]
SESSION = "b7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5"
WAIT = 5.0
# engine.io pings often here, so that its ping task is over when a test ends (25 s by default).
PING_SECONDS = 0.1


@dataclass
class Browser:
    """A socket.io client as the chat widget uses it: asks for a session, then talks in it."""

    client: socketio.AsyncClient
    agent: Agent
    api: SupportApiStandIn
    said: "asyncio.Queue[Dict[str, Any]]" = field(default_factory=asyncio.Queue)
    confirmed: "asyncio.Queue[str]" = field(default_factory=asyncio.Queue)

    async def session(self, session_id: Optional[str] = SESSION) -> str:
        await self.client.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), WAIT)

    async def say(self, data: Any) -> Any:
        """Emits a ``user_uttered`` and waits until the channel has handled it (its acknowledgement)."""
        return await self.client.call("user_uttered", data, timeout=WAIT)

    async def bot_said(self) -> Dict[str, Any]:
        return await asyncio.wait_for(self.said.get(), WAIT)


async def connect(url: str, agent: Agent, api: SupportApiStandIn) -> Browser:
    client = socketio.AsyncClient(reconnection=False)
    browser = Browser(client, agent, api)
    client.on("bot_uttered", browser.said.put_nowait)
    client.on("session_confirm", browser.confirmed.put_nowait)
    await client.connect(url, socketio_path="/socket.io", transports=["polling"], wait_timeout=WAIT)
    return browser


@pytest_asyncio.fixture
async def browser(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Browser]:
    monkeypatch.setattr(Sanic, "test_mode", True)
    async with support_api_stand_in() as api:
        monkeypatch.setenv("SUPPORT_API_URL", api.url)
        agent = Agent()
        options = {
            "user_message_evt": "user_uttered",
            "bot_message_evt": "bot_uttered",
            "session_persistence": True,
        }
        channel = MaskingSocketIOInput.from_credentials(options)
        async with serve_channel(channel, agent) as url:
            channel.sio.eio.ping_interval = PING_SECONDS
            browser = await connect(url, agent, api)
            try:
                yield browser
            finally:
                # Closed by the server first: a polling client's own disconnect waits ~45 s for its poll.
                await channel.sio.disconnect(browser.client.get_sid())
                await browser.client.disconnect()
                await asyncio.sleep(2 * PING_SECONDS)  # engine.io's last ping task ends


def in_session(message: Any, metadata: Any = None, session_id: Any = SESSION) -> Dict[str, Any]:
    data: Dict[str, Any] = {"message": message, "session_id": session_id}
    if metadata is not None:
        data["metadata"] = metadata
    return data


# Sessions and who may send


@pytest.mark.asyncio
async def test_a_message_in_a_session_reaches_the_bot_and_its_reply_comes_back(browser: Browser) -> None:
    assert await browser.session() == SESSION
    assert await browser.say(in_session("oi", {"language": "pt-BR"})) is None
    [message] = browser.agent.messages
    assert message.sender_id == SESSION
    assert message.input_channel == "socketio"
    assert message.metadata == {"language": "pt-BR"}
    # Rasa's own handler never awaited enter_room, so with persistence nothing came back.
    assert await browser.bot_said() == {"text": "Olá! Como posso ajudar?"}


@pytest.mark.asyncio
async def test_an_unusable_session_request_gets_a_new_session(browser: Browser) -> None:
    session_id = await browser.session("x" * 500)
    assert len(session_id) == 32 and session_id != "x" * 500


@pytest.mark.parametrize(
    "session_id", [None, "", "   ", 42, "s" * 129], ids=["none", "empty", "blank", "number", "long"]
)
@pytest.mark.asyncio
async def test_a_message_without_a_usable_session_is_refused_and_not_handed_on(
    browser: Browser, session_id: Any
) -> None:
    await browser.session()
    answer = await browser.say(in_session("oi", session_id=session_id))
    assert "session_id" in answer["error"]
    assert browser.agent.messages == []


@pytest.mark.asyncio
async def test_a_widget_opening_without_a_first_message_is_refused_not_crashed(browser: Browser) -> None:
    """rasa-webchat with no initPayload sends ``message: null`` on opening; Rasa would fail on it."""
    await browser.session()
    answer = await browser.say({"message": None, "customData": {"language": "es"}, "session_id": SESSION})
    assert answer == {"error": "'message' is missing"}
    assert browser.agent.messages == []


@pytest.mark.asyncio
async def test_a_message_that_is_not_an_object_is_refused(browser: Browser) -> None:
    answer = await browser.say("oi")
    assert "error" in answer
    assert browser.agent.messages == []


# Metadata and identity


@pytest.mark.parametrize("as_text", [False, True], ids=["object", "json text"])
@pytest.mark.asyncio
async def test_forged_identity_phone_and_channel_never_reach_rasa(browser: Browser, as_text: bool) -> None:
    forged = {
        "language": "en",
        "identity": {"token": "forged", "email": "boss@acme.com.br"},
        "phone": "+5511999990000",
        "input_channel": "whatsapp",
    }
    await browser.session()
    await browser.say(in_session("ticket 32 status?", json.dumps(forged) if as_text else forged))
    [message] = browser.agent.messages
    assert message.metadata == {"language": "en"}
    assert message.input_channel == "socketio"


@pytest.mark.asyncio
async def test_the_metadata_rasa_webchat_sends_as_custom_data_is_read(browser: Browser) -> None:
    await browser.session()
    await browser.say({"message": "hola", "customData": {"language": "es"}, "session_id": SESSION})
    [message] = browser.agent.messages
    assert message.metadata == {"language": "es"}


@pytest.mark.asyncio
async def test_a_portal_token_is_exchanged_for_the_apis_identity_and_not_stored(browser: Browser) -> None:
    await browser.session()
    await browser.say(in_session("meu chamado", {"portal_token": PORTAL_JWT}))
    [message] = browser.agent.messages
    assert message.metadata["identity"]["token"] == "api-identity-1"
    assert message.metadata["identity"]["email"] == "ana@acme.com.br"
    assert PORTAL_JWT not in json.dumps(message.metadata)


@pytest.mark.asyncio
async def test_an_invalid_portal_token_leaves_the_customer_anonymous(browser: Browser) -> None:
    await browser.session()
    await browser.say(in_session("oi", {"portal_token": "eyJ.not-the-portals.token"}))
    [message] = browser.agent.messages
    assert message.metadata == {}
    assert browser.api.paths("/api/v1/identity/portal") == [{"token": "eyJ.not-the-portals.token"}]


@pytest.mark.asyncio
async def test_metadata_over_8_kb_is_refused(browser: Browser) -> None:
    await browser.session()
    padding = json.dumps({"language": "pt", "padding": "p" * MAX_METADATA_BYTES})
    answer = await browser.say(in_session("oi", padding))
    assert "metadata" in answer["error"]
    assert browser.agent.messages == []


# Caps and masking


@pytest.mark.asyncio
async def test_an_over_long_message_gets_a_polite_reply_and_nothing_is_handed_on(browser: Browser) -> None:
    await browser.session()
    await browser.say(in_session("b" * (MAX_MESSAGE_CHARS + 1), {"language": "en-GB"}))
    assert browser.agent.messages == []
    assert browser.api.calls == []
    assert "smaller parts" in (await browser.bot_said())["text"]


@pytest.mark.asyncio
async def test_a_password_in_a_payloads_entity_is_masked_and_the_payload_still_parses(
    browser: Browser,
) -> None:
    await browser.session()
    await browser.say(in_session('/inform{"contact_name": "password: abc123"}'))
    [message] = browser.agent.messages
    assert json.loads(message.text[len("/inform") :]) == {"contact_name": f"password: {MASK}"}


@pytest.mark.asyncio
async def test_a_message_that_cannot_be_masked_is_not_handed_on_and_the_customer_is_told(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORT_API_URL", "http://127.0.0.1:9")
    await browser.session()
    await browser.say(in_session("minha senha: abc123", {"language": "pt-BR"}))
    assert browser.agent.messages == []
    assert "envie de novo" in (await browser.bot_said())["text"]


@pytest.mark.asyncio
async def test_a_bot_that_hangs_gets_the_customer_a_slow_notice_and_the_reply_follows(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = browser.agent.handle_message

    async def slow_bot(message: UserMessage) -> None:
        await asyncio.sleep(0.5)
        await record(message)

    monkeypatch.setattr("channels.bounded_reply.REPLY_SECONDS", 0.1)
    monkeypatch.setattr(browser.agent, "handle_message", slow_bot)
    await browser.session()
    await browser.say(in_session("oi", {"language": "es"}))
    assert "lento" in (await browser.bot_said())["text"]
    assert await browser.bot_said() == {"text": "Olá! Como posso ajudar?"}


# Registration


@pytest.mark.parametrize("credentials", ["credentials.yml", "credentials-whatsapp.yml"])
def test_the_credentials_register_the_safe_channels_in_place_of_rasas(credentials: str) -> None:
    channels = create_http_input_channels(None, str(BOT / credentials))
    [socket_channel] = [c for c in channels if c.name() == "socketio"]
    [rest_channel] = [c for c in channels if c.name() == "rest"]
    assert type(socket_channel) is MaskingSocketIOInput
    assert type(rest_channel) is MaskingRestInput
    assert socket_channel.session_persistence is True
    assert (socket_channel.user_message_evt, socket_channel.bot_message_evt) == (
        "user_uttered",
        "bot_uttered",
    )
