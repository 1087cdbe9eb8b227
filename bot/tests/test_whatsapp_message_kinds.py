"""Every kind of WhatsApp message, as Meta's webhook delivers it (fixtures/whatsapp): what reaches the
bot and what the contact is sent (channels/whatsapp/message_kinds.py, inbound.py).
"""

import hashlib
from typing import AsyncIterator, Optional

import pytest
import pytest_asyncio
from whatsapp_harness import (
    BSUID,
    MEDIA,
    WA_ID,
    GraphApi,
    Rasa,
    first_message,
    fixture,
    meta_sha256,
    serve_graph_with_media,
)


@pytest_asyncio.fixture
async def graph(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[GraphApi]:
    """Replaces conftest.py's: files need Meta's media endpoints and the support API's files."""
    async with serve_graph_with_media(monkeypatch) as api:
        yield api


def short_id(payload_name: str) -> str:
    """The part of a generated file name that comes from the message id."""
    return hashlib.sha256(first_message(fixture(payload_name))["id"].encode()).hexdigest()[:8]


def test_each_media_fixture_states_the_hash_of_its_file() -> None:
    for name in ("image", "document", "document_exe", "audio", "video", "sticker"):
        media = first_message(fixture(name))
        body = media[media["type"]]
        assert body["sha256"] == meta_sha256(MEDIA[body["id"]][0]), name


# Files: kept, acknowledged in the contact's language, the caption handed on as text


@pytest.mark.parametrize(
    ("name", "filename", "caption", "acknowledgment"),
    [
        ("image", f"imagem-{short_id('image')}.jpg", "Tela do erro ao transmitir a NF-e", "Recebi o arquivo"),
        (
            "document",
            "factura-rechazada-539.pdf",
            "Este es el PDF de la factura rechazada",
            "Recibí el archivo",
        ),
        ("audio", f"mensagem-de-voz-{short_id('audio')}.ogg", None, "Recebi o arquivo"),
        ("video", f"video-{short_id('video')}.mp4", "Screen recording of the error", "I received the file"),
        ("sticker", f"figurinha-{short_id('sticker')}.webp", None, "Recebi o arquivo"),
    ],
)
@pytest.mark.asyncio
async def test_a_file_is_kept_and_acknowledged_and_its_caption_reaches_the_bot(
    rasa: Rasa,
    graph: GraphApi,
    name: str,
    filename: str,
    caption: Optional[str],
    acknowledgment: str,
) -> None:
    payload = fixture(name)
    message = first_message(payload)
    media_id = message[message["type"]]["id"]
    assert await rasa.deliver(payload) == 200

    assert graph.downloads == [media_id]
    [upload] = graph.uploads
    assert upload["content"] == MEDIA[media_id][0]
    assert upload["filename"] == filename
    assert upload["headers"]["X-End-User"] == message["from"]
    [acknowledged] = graph.texts
    assert acknowledged.startswith(f"{acknowledgment} {filename}.")
    if caption is None:
        assert rasa.agent.messages == []
        return
    [said] = rasa.agent.messages
    assert said.text == caption
    assert said.sender_id == message["from"]
    assert said.metadata["attachment"] == {"id": "file-1", "filename": filename}
    assert said.metadata["phone"] == f"+{message['from']}"


@pytest.mark.asyncio
async def test_a_location_is_kept_and_acknowledged(rasa: Rasa, graph: GraphApi) -> None:
    assert await rasa.deliver(fixture("location")) == 200
    assert rasa.agent.messages == []
    [upload] = graph.uploads
    assert upload["filename"] == "localizacao.txt"
    assert graph.texts == [
        "Recebi a localização. Ela vai junto com o chamado aberto nesta conversa; "
        "se quiser abrir um chamado agora, é só dizer."
    ]


@pytest.mark.asyncio
async def test_a_contact_card_is_acknowledged_and_not_stored(rasa: Rasa, graph: GraphApi) -> None:
    assert await rasa.deliver(fixture("contacts")) == 200
    assert rasa.agent.messages == []
    assert graph.uploads == []
    [said] = graph.texts
    assert said.startswith("Recebi o contato João Pereira (+55 11 98888-7777), mas cartões de contato")


# Edits


@pytest.mark.asyncio
async def test_an_edited_text_reaches_the_bot_as_new_text_marked_as_an_edit(rasa: Rasa) -> None:
    payload = fixture("edit")
    assert await rasa.deliver(payload) == 200
    [said] = rasa.agent.messages
    edit = first_message(payload)
    assert said.text == "Não consigo transmitir a NF-e, dá rejeição 204"
    assert said.message_id == edit["id"]
    assert said.metadata["edits"] == edit["edit"]["original_message_id"]
    assert said.metadata["phone"] == f"+{WA_ID}"


# What needs no answer, and what the channel cannot read


@pytest.mark.parametrize("name", ["reaction", "revoke", "system", "edit_image", "unsupported_edit"])
@pytest.mark.asyncio
async def test_a_message_that_needs_no_answer_gets_none(rasa: Rasa, graph: GraphApi, name: str) -> None:
    assert await rasa.deliver(fixture(name)) == 200
    assert rasa.agent.messages == []
    assert graph.requests == [] and graph.fetched == [] and graph.uploads == []


@pytest.mark.parametrize("name", ["unsupported", "order"])
@pytest.mark.asyncio
async def test_a_kind_of_message_the_channel_cannot_read_gets_a_polite_line(
    rasa: Rasa, graph: GraphApi, name: str
) -> None:
    assert await rasa.deliver(fixture(name)) == 200
    assert rasa.agent.messages == []
    [body] = graph.bodies
    assert body["to"] == WA_ID
    assert body["text"]["body"].startswith("Ainda não consigo abrir este tipo de mensagem")


# Senders known only by their business-scoped user id


@pytest.mark.asyncio
async def test_a_sender_without_a_phone_number_is_answered_by_user_id(rasa: Rasa, graph: GraphApi) -> None:
    rasa.agent.replies = [{"text": "Vou verificar a rejeição 204."}]
    payload = fixture("bsuid_text")
    assert await rasa.deliver(payload) == 200

    [said] = rasa.agent.messages
    assert said.sender_id == BSUID
    assert said.metadata == {
        "wa_message_id": first_message(payload)["id"],
        "contact_name": "Lucas Andrade",
        "language": "pt",  # BR: from the user id's country
    }
    assert graph.lookups == []  # a user id proves no one: no known-contact lookup
    [body] = graph.bodies
    assert body["recipient"] == BSUID
    assert "to" not in body
    assert body["text"]["body"] == "Vou verificar a rejeição 204."


@pytest.mark.asyncio
async def test_the_user_id_may_come_only_with_the_contact(rasa: Rasa) -> None:
    payload = fixture("bsuid_text")
    del first_message(payload)["from_user_id"]
    assert await rasa.deliver(payload) == 200
    assert [m.sender_id for m in rasa.agent.messages] == [BSUID]


@pytest.mark.asyncio
async def test_buttons_for_a_user_id_go_to_the_recipient(rasa: Rasa, graph: GraphApi) -> None:
    buttons = [{"title": "Sim", "payload": "/affirm"}, {"title": "Não", "payload": "/deny"}]
    template = {"type": "template", "template": {"name": "chamado_aberto", "language": {"code": "pt_BR"}}}
    rasa.agent.replies = [{"text": "Resolveu?", "buttons": buttons}, {"custom": template}]
    assert await rasa.deliver(fixture("bsuid_text")) == 200
    assert [(body.get("recipient"), "to" in body) for body in graph.bodies] == [(BSUID, False)] * 2
