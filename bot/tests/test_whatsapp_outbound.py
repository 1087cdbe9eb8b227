"""The bot's replies out through the Graph API, within Meta's limits (channels/whatsapp/outbound.py)."""

import logging
from typing import Dict, List

import pytest
from whatsapp_harness import (
    ACCESS_TOKEN,
    PHONE_NUMBER_ID,
    WA_ID,
    GraphApi,
    Rasa,
    first_message,
    fixture,
)

from channels.whatsapp.wording import BUTTON_ID_LIMIT, TEXT_LIMIT

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
