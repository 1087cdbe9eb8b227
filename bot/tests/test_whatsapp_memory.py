"""What the channel remembers: the 24-hour customer-service window (channels/whatsapp/memory.py)."""

import logging

import pytest
from whatsapp_harness import (
    HOUR,
    SENT_AT,
    WA_ID,
    Clock,
    GraphApi,
    Rasa,
    first_message,
    fixture,
    make_config,
)

from channels.whatsapp import WhatsAppInput
from channels.whatsapp.memory import BoundedMap

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


def test_the_memory_forgets_the_oldest_entries_beyond_its_size() -> None:
    remembered: BoundedMap[int] = BoundedMap(2)
    for number, key in enumerate("abc"):
        remembered.put(key, number)
    assert "a" not in remembered
    assert remembered.get("b") == 1 and remembered.get("c") == 2
