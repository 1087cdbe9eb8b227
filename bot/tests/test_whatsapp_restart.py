"""The channel's memory in a SQL database outlives the server, and a message counts as done only once
handled (channels/whatsapp/inbound.py, memory.py, memory_store.py).

A restart is a new channel instance, on a new server, over the same SQLite file under tmp_path.
"""

import copy
from pathlib import Path
from typing import Any, AsyncContextManager, Callable, Dict, Optional

import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from whatsapp_harness import (
    HOUR,
    SENT_AT,
    WA_ID,
    Agent,
    Clock,
    GraphApi,
    Rasa,
    first_message,
    fixture,
    make_config,
    serve_whatsapp,
)

from channels.whatsapp import WhatsAppInput
from channels.whatsapp.inbound import PENDING_GRACE_SECONDS
from channels.whatsapp.memory import PENDING, SEEN
from channels.whatsapp.wording import BUTTON_ID_LIMIT

TEXT = "Não consigo transmitir a NF-e, dá rejeição 539"
LATER = SENT_AT + 60 + PENDING_GRACE_SECONDS + 1  # the restarted server's time: past the grace


@pytest.fixture(autouse=True)
def several_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Sanic's test mode lets one process start several apps (it otherwise rewrites its protocol only once).
    monkeypatch.setattr(Sanic, "test_mode", True)


Start = Callable[..., AsyncContextManager[Rasa]]


@pytest.fixture
def start(graph: GraphApi, tmp_path: Path) -> Start:
    """Starts the channel over the memory in tmp_path/tracker.db: each call is a (re)start."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"

    def started(now: float = SENT_AT + 60, agent: Optional[Agent] = None) -> AsyncContextManager[Rasa]:
        clock = Clock(now)
        channel = WhatsAppInput(make_config(graph, memory_url=url), clock=clock)
        return serve_whatsapp(channel, clock, agent)

    return started


def text_from(message_id: str, text: str) -> Dict[str, Any]:
    payload = fixture("text_message")
    first_message(payload).update(id=message_id, text={"body": text})
    return payload


class CrashingAgent(Agent):
    """Takes the message, then fails in the middle of handling it (an action server that died)."""

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        raise RuntimeError("the action server went away")


@pytest.mark.asyncio
async def test_a_message_whose_handling_failed_stays_pending_and_the_next_start_handles_it_once(
    start: Start, graph: GraphApi
) -> None:
    payload = fixture("text_message")
    message_id = first_message(payload)["id"]
    before: Rasa
    async with start(agent=CrashingAgent()) as before:
        assert await before.deliver(payload) == 200
        assert before.channel.memory.store.get(PENDING, message_id) is not None
        assert before.channel.memory.store.get(SEEN, message_id) is None

    agent = Agent()
    agent.replies = [{"text": "Vamos ver a rejeição 539."}]
    after: Rasa
    async with start(LATER, agent) as after:
        await after.channel.drain()  # the leftovers are handled once the server has started
        assert [m.text for m in agent.messages] == [TEXT]
        assert await after.deliver(payload) == 200  # a redelivery after all
        assert after.channel.memory.store.get(PENDING, message_id) is None

    async with start(LATER + HOUR, agent) as again:
        await again.channel.drain()
    assert [m.text for m in agent.messages] == [TEXT]
    assert graph.texts == ["Vamos ver a rejeição 539."]


@pytest.mark.asyncio
async def test_messages_a_crash_left_pending_are_handled_again_in_order_once_past_the_grace(
    start: Start,
) -> None:
    first, second = text_from("wamid.first", "primeira"), text_from("wamid.second", "segunda")
    crashed: Rasa
    async with start() as crashed:  # taken in, then the server died before handling them
        for payload in (first, second):
            assert crashed.channel.memory.claim(first_message(payload)["id"], payload)

    agent = Agent()
    async with start(SENT_AT + 60, agent) as too_soon:  # they may still be another server's
        await too_soon.channel.drain()
    assert agent.messages == []

    async with start(LATER, agent) as after:
        await after.channel.drain()
    assert [m.text for m in agent.messages] == ["primeira", "segunda"]


@pytest.mark.asyncio
async def test_a_message_answered_before_a_restart_is_not_answered_again_when_redelivered(
    start: Start, graph: GraphApi
) -> None:
    payload = fixture("text_message")
    agent = Agent()
    agent.replies = [{"text": "Olá!"}]
    async with start(agent=agent) as before:
        await before.deliver(payload)
    async with start(LATER, agent) as after:
        assert await after.deliver(payload) == 200
    assert len(agent.messages) == 1
    assert graph.texts == ["Olá!"]


@pytest.mark.asyncio
async def test_a_long_button_payload_still_maps_to_its_payload_after_a_restart(
    start: Start, graph: GraphApi
) -> None:
    payload = '/open_article{"article_id": "pt-' + "x" * 300 + '", "section_id": "s"}'
    agent = Agent()
    agent.replies = [{"text": "Abrir?", "buttons": [{"title": "Abrir", "payload": payload}]}]
    async with start(agent=agent) as before:
        await before.deliver(fixture("text_message"))
    [button] = graph.bodies[0]["interactive"]["action"]["buttons"]
    assert len(button["reply"]["id"]) <= BUTTON_ID_LIMIT

    agent.replies = []
    tap = fixture("button_reply")
    first_message(tap)["interactive"]["button_reply"]["id"] = button["reply"]["id"]
    async with start(LATER, agent) as after:
        await after.deliver(tap)
    assert agent.messages[-1].text == payload


@pytest.mark.asyncio
async def test_the_24_hour_window_and_the_template_sent_are_remembered_across_a_restart(
    start: Start, graph: GraphApi
) -> None:
    async with start() as before:
        await before.deliver(fixture("text_message"))

    async with start(SENT_AT + 23 * HOUR) as within:
        await within.channel.get_output_channel().send_text_message(WA_ID, "Seu chamado foi atualizado.")
    assert graph.texts == ["Seu chamado foi atualizado."]

    async with start(SENT_AT + 25 * HOUR) as outside:
        await outside.channel.get_output_channel().send_text_message(WA_ID, "Seu chamado foi resolvido.")
    async with start(SENT_AT + 26 * HOUR) as later:  # the template went out already: nothing more
        await later.channel.get_output_channel().send_text_message(WA_ID, "Avalie o atendimento.")
    assert [body["type"] for body in graph.bodies] == ["text", "template"]


@pytest.mark.asyncio
async def test_a_message_the_memory_cannot_keep_gets_a_503_and_its_redelivery_is_handled(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = fixture("text_message")
    server: Rasa
    async with start() as server:
        store = server.channel.memory.store

        def disk_full(kind: str, key: str, value: str) -> None:
            raise OSError("database or disk is full")

        with monkeypatch.context() as broken:
            broken.setattr(store, "put", disk_full)
            assert await server.deliver(payload) == 503  # Meta delivers it again later
        assert server.agent.messages == []

        assert await server.deliver(copy.deepcopy(payload)) == 200
        assert [m.text for m in server.agent.messages] == [TEXT]
