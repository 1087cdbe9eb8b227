"""Meta's webhook into the channel: subscription, signatures, what reaches the bot (inbound.py)."""

import asyncio
import json
from typing import Dict

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from whatsapp_harness import (
    VERIFY_TOKEN,
    WA_ID,
    GraphApi,
    Rasa,
    first_message,
    fixture,
    signature,
)

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
        "language": "pt",  # a Brazilian number: the hint until the customer's words say otherwise
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


# When a dependency fails


@pytest.mark.asyncio
async def test_a_message_that_cannot_be_masked_is_not_handed_on_and_the_customer_is_told(
    rasa: Rasa, graph: GraphApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORT_API_URL", "http://127.0.0.1:9")  # the support API is down
    assert await rasa.deliver(fixture("text_message")) == 200
    assert rasa.agent.messages == []  # never stored as typed
    [sent] = graph.bodies
    assert "envie de novo" in sent["text"]["body"]  # in Portuguese: a Brazilian number


@pytest.mark.asyncio
async def test_a_bot_that_hangs_gets_the_customer_a_slow_notice(
    rasa: Rasa, graph: GraphApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def hang(message: UserMessage) -> None:
        await asyncio.sleep(1.0)

    monkeypatch.setattr("channels.bounded_reply.REPLY_SECONDS", 0.2)
    monkeypatch.setattr(rasa.agent, "handle_message", hang)
    assert await rasa.deliver(fixture("text_message"), wait=False) == 200
    await asyncio.sleep(1.5)  # the slow notice after 0.2 s; the handling itself ends at 1 s
    assert any("lento" in body["text"]["body"] for body in graph.bodies if body.get("type") == "text")
