"""The REST channel (channels/masking_rest.py) through a real Sanic server and a stand-in support API:
who may send, what metadata reaches Rasa, the portal identity, caps, and masking of button payloads.
"""

import json
import logging
from dataclasses import dataclass
from typing import Any, AsyncIterator, Dict, List, Optional, Tuple

import aiohttp
import pytest
import pytest_asyncio
from channel_harness import (
    MASK,
    PORTAL_JWT,
    PORTAL_USER,
    Agent,
    SupportApiStandIn,
    serve_channel,
    support_api_stand_in,
)
from sanic import Sanic

from channels.inbound_limits import MAX_MESSAGE_CHARS, MAX_METADATA_BYTES
from channels.masking_rest import MaskingRestInput

IDENTITY_PATH = "/api/v1/identity/portal"
MASK_PATH = "/api/v1/privacy/mask"


@dataclass
class Rest:
    url: str
    agent: Agent
    api: SupportApiStandIn

    async def post(self, body: Any, raw: Optional[bytes] = None) -> Tuple[int, Any]:
        """POSTs ``body`` as JSON (or ``raw`` bytes); the status and the decoded answer."""
        data = raw if raw is not None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=data, headers=headers) as r,
        ):
            return r.status, await r.json(content_type=None)

    async def say(self, text: str, metadata: Optional[Dict[str, Any]] = None, **extra: Any) -> List[Any]:
        body: Dict[str, Any] = {"sender": "customer-1", "message": text, **extra}
        if metadata is not None:
            body["metadata"] = metadata
        status, replies = await self.post(body)
        assert status == 200, replies
        return list(replies)


@pytest_asyncio.fixture
async def rest(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Rest]:
    monkeypatch.setattr(Sanic, "test_mode", True)
    async with support_api_stand_in() as api:
        monkeypatch.setenv("SUPPORT_API_URL", api.url)
        agent = Agent()
        async with serve_channel(MaskingRestInput(), agent) as base:
            yield Rest(f"{base}/webhooks/rest/webhook", agent, api)


# Who may send


@pytest.mark.parametrize(
    "body",
    [
        {"message": "oi"},
        {"sender": "", "message": "oi"},
        {"sender": "   ", "message": "oi"},
        {"sender": None, "message": "oi"},
        {"sender": 42, "message": "oi"},
        {"sender": "x" * 129, "message": "oi"},
    ],
    ids=["missing", "empty", "blank", "null", "not a string", "too long"],
)
@pytest.mark.asyncio
async def test_a_message_without_a_usable_sender_is_refused_and_not_handed_on(
    rest: Rest, body: Dict[str, Any]
) -> None:
    status, answer = await rest.post(body)
    assert status == 400
    assert isinstance(answer["error"], str) and "sender" in answer["error"]
    assert rest.agent.messages == []  # never the shared conversation "default"


@pytest.mark.asyncio
async def test_a_sender_of_128_characters_is_accepted(rest: Rest) -> None:
    status, _ = await rest.post({"sender": "s" * 128, "message": "oi"})
    assert status == 200
    assert [m.sender_id for m in rest.agent.messages] == ["s" * 128]


@pytest.mark.parametrize(
    "raw", [b"[not json", b'["sender", "message"]', b'"text"'], ids=["broken", "array", "string"]
)
@pytest.mark.asyncio
async def test_a_body_that_is_not_a_json_object_is_a_bad_request(rest: Rest, raw: bytes) -> None:
    status, answer = await rest.post(None, raw=raw)
    assert status == 400 and "error" in answer
    assert rest.agent.messages == []


# What metadata reaches Rasa


@pytest.mark.asyncio
async def test_forged_identity_phone_and_channel_never_reach_rasa(rest: Rest) -> None:
    forged = {
        "language": "es",
        "identity": {"token": "forged", "email": "boss@acme.com.br", "company_code": "ACME"},
        "phone": "+5511999990000",
        "input_channel": "whatsapp",
        "anything": "else",
    }
    await rest.say("¿cuál es el estado del ticket 32?", forged, input_channel="whatsapp")
    [message] = rest.agent.messages
    assert message.metadata == {"language": "es"}
    assert message.input_channel == "rest"
    assert rest.api.paths(IDENTITY_PATH) == []


@pytest.mark.asyncio
async def test_a_portal_token_is_exchanged_for_the_apis_identity_and_not_stored(rest: Rest) -> None:
    await rest.say("quero ver meu chamado", {"language": "pt-BR", "portal_token": PORTAL_JWT})
    [message] = rest.agent.messages
    identity = message.metadata["identity"]
    assert identity["token"] == "api-identity-1"  # the API's signed identity, not the portal's JWT
    assert {key: identity[key] for key in PORTAL_USER} == PORTAL_USER
    assert identity["proof"] == "portal" and identity["expires_at"]
    assert message.metadata["language"] == "pt-BR"
    assert "portal_token" not in message.metadata
    assert PORTAL_JWT not in json.dumps(message.metadata)
    assert rest.api.paths(IDENTITY_PATH) == [{"token": PORTAL_JWT}]


@pytest.mark.asyncio
async def test_a_verified_portal_token_is_not_exchanged_again_on_every_message(rest: Rest) -> None:
    for text in ("oi", "meu chamado 32", "obrigado"):
        await rest.say(text, {"portal_token": PORTAL_JWT})
    assert len(rest.api.paths(IDENTITY_PATH)) == 1
    assert [m.metadata["identity"]["token"] for m in rest.agent.messages] == ["api-identity-1"] * 3


@pytest.mark.asyncio
async def test_an_invalid_portal_token_leaves_the_customer_anonymous_and_is_not_logged(
    rest: Rest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await rest.say("oi", {"language": "en", "portal_token": "eyJ.expired-or-forged.token"})
    [message] = rest.agent.messages
    assert message.metadata == {"language": "en"}
    assert any("portal token" in record.getMessage() for record in caplog.records)
    assert all("expired-or-forged" not in record.getMessage() for record in caplog.records)


@pytest.mark.asyncio
async def test_with_the_identity_service_down_the_customer_goes_on_anonymously(rest: Rest) -> None:
    rest.api.identity_status = 503
    replies = await rest.say("oi", {"portal_token": PORTAL_JWT})
    [message] = rest.agent.messages
    assert "identity" not in message.metadata
    assert replies == [{"recipient_id": "customer-1", "text": "Olá! Como posso ajudar?"}]


@pytest.mark.asyncio
async def test_with_the_api_unreachable_a_button_tap_still_reaches_the_bot_anonymously(
    rest: Rest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORT_API_URL", "http://127.0.0.1:9")
    await rest.say("/affirm", {"portal_token": PORTAL_JWT})
    [message] = rest.agent.messages
    assert message.text == "/affirm" and message.metadata == {}


@pytest.mark.asyncio
async def test_an_over_long_portal_token_is_dropped_unsent(rest: Rest) -> None:
    await rest.say("oi", {"portal_token": "e" * 4097})
    assert rest.agent.messages[0].metadata == {}
    assert rest.api.paths(IDENTITY_PATH) == []


# Caps


@pytest.mark.asyncio
async def test_an_over_long_message_gets_a_polite_reply_and_nothing_is_handed_on(rest: Rest) -> None:
    replies = await rest.say("a" * (MAX_MESSAGE_CHARS + 1), {"language": "es-MX"})
    assert rest.agent.messages == []
    assert rest.api.calls == []  # not even sent to be masked
    [reply] = replies
    assert reply["recipient_id"] == "customer-1"
    assert "partes más pequeñas" in reply["text"]  # in the client's language


@pytest.mark.asyncio
async def test_a_message_at_the_cap_is_masked_whole_and_handed_on(rest: Rest) -> None:
    head, tail = "senha: abc123 ", " senha: zz9"
    text = head + "x" * (MAX_MESSAGE_CHARS - len(head) - len(tail)) + tail
    assert len(text) == MAX_MESSAGE_CHARS
    await rest.say(text)
    [message] = rest.agent.messages
    assert "abc123" not in message.text and "zz9" not in message.text
    assert [len(call["text"]) for call in rest.api.paths(MASK_PATH)] == [len(text)]


@pytest.mark.parametrize(
    "metadata",
    [["language", "pt"], "language=pt", {"language": "pt", "padding": "p" * MAX_METADATA_BYTES}],
    ids=["array", "string", "over 8 KB"],
)
@pytest.mark.asyncio
async def test_metadata_that_is_not_a_small_json_object_is_a_bad_request(rest: Rest, metadata: Any) -> None:
    status, answer = await rest.post({"sender": "customer-1", "message": "oi", "metadata": metadata})
    assert status == 400 and "metadata" in answer["error"]
    assert rest.agent.messages == []


@pytest.mark.parametrize("message", [{"text": "oi"}, None], ids=["object", "null"])
@pytest.mark.asyncio
async def test_a_message_that_is_not_a_string_is_a_bad_request(rest: Rest, message: Any) -> None:
    status, answer = await rest.post({"sender": "customer-1", "message": message})
    assert status == 400 and "'message'" in answer["error"]
    assert rest.agent.messages == []


# Masking


@pytest.mark.asyncio
async def test_typed_text_is_masked_before_rasa_sees_it(rest: Rest) -> None:
    await rest.say("minha senha: abc123 não entra")
    assert rest.agent.messages[0].text == f"minha senha: {MASK} não entra"


@pytest.mark.asyncio
async def test_a_password_in_a_payloads_entity_is_masked_and_the_payload_still_parses(rest: Rest) -> None:
    await rest.say('/inform{"contact_name": "senha: abc123", "contact_email": "ana@acme.com.br"}')
    [message] = rest.agent.messages
    assert "abc123" not in message.text
    assert message.text.startswith("/inform{")
    entities = json.loads(message.text[len("/inform") :])
    assert entities == {"contact_name": f"senha: {MASK}", "contact_email": "ana@acme.com.br"}


@pytest.mark.asyncio
async def test_a_payload_without_secrets_reaches_rasa_exactly_as_sent(rest: Rest) -> None:
    await rest.say('/add_to_ticket{"ticket_number":"32"}')
    assert rest.agent.messages[0].text == '/add_to_ticket{"ticket_number":"32"}'
    assert rest.api.paths(MASK_PATH) == [{"text": "32"}]  # the value was masked, the intent not sent


@pytest.mark.parametrize(
    "text",
    ['/inform{"contact_name": "senha: abc123"', "/inform{senha: abc123}", '/inform{"a": "b"} senha: abc123'],
    ids=["unclosed", "not json", "text after the json"],
)
@pytest.mark.asyncio
async def test_text_that_only_looks_like_a_payload_is_masked_whole(rest: Rest, text: str) -> None:
    await rest.say(text)
    [message] = rest.agent.messages
    assert "abc123" not in message.text and MASK in message.text


@pytest.mark.asyncio
async def test_a_message_that_cannot_be_masked_is_not_handed_on_and_the_customer_is_told(
    rest: Rest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORT_API_URL", "http://127.0.0.1:9")
    [reply] = await rest.say("my password: hunter2", {"language": "en"})
    assert rest.agent.messages == []
    assert "send it again" in reply["text"]


@pytest.mark.asyncio
async def test_each_string_in_a_payloads_list_value_is_masked(rest: Rest) -> None:
    await rest.say('/inform{"notes": ["senha: abc123", "ok"], "count": 2}')
    entities = json.loads(rest.agent.messages[0].text[len("/inform") :])
    assert entities == {"notes": [f"senha: {MASK}", "ok"], "count": 2}


@pytest.mark.asyncio
async def test_a_payload_with_very_many_values_is_masked_in_one_call(rest: Rest) -> None:
    values = {f"v{n}": "x" for n in range(30)}
    values["v0"] = "senha: abc123"
    await rest.say("/inform" + json.dumps(values))
    assert len(rest.api.paths(MASK_PATH)) == 1
    assert "abc123" not in rest.agent.messages[0].text


@pytest.mark.asyncio
async def test_masking_is_asked_for_the_customer_so_the_api_limits_each_customer(rest: Rest) -> None:
    await rest.say("minha senha é abc123")
    [call] = [call for call in rest.api.calls if call["path"] == MASK_PATH]
    assert call["headers"]["X-End-User"] == "customer-1"
