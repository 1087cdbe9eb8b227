"""Files from Meta into the support API (channels/whatsapp/media.py, SupportApi.upload_file): what is
downloaded and uploaded, and what the contact is told when a file cannot be kept.
"""

import base64
import hashlib
from typing import AsyncIterator
from urllib.parse import quote

import pytest
import pytest_asyncio
from channel_harness import PHONE_USER
from whatsapp_harness import (
    BSUID,
    JPEG,
    MIB,
    WA_ID,
    GraphApi,
    Rasa,
    first_message,
    fixture,
    serve_graph_with_media,
)

from channels.attachment_rules import MAX_ENCODED_NAME_CHARS, fitting_name
from channels.whatsapp.media import generated_name, same_digest
from channels.whatsapp.message_kinds import Media

IMAGE_ID = "1043896757290841"  # fixtures/whatsapp/image.json


@pytest_asyncio.fixture
async def graph(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[GraphApi]:
    """Replaces conftest.py's: files need Meta's media endpoints and the support API's files."""
    async with serve_graph_with_media(monkeypatch) as api:
        yield api


# A file kept


@pytest.mark.asyncio
async def test_an_image_during_a_conversation_is_uploaded_as_sent_and_acknowledged(
    rasa: Rasa, graph: GraphApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORT_API_KEY", "bot-service-key")
    graph.contacts[f"+{WA_ID}"] = PHONE_USER  # a known contact: the upload carries their identity
    rasa.agent.replies = [{"text": "Pode mandar um print do erro?"}]
    assert await rasa.deliver(fixture("text_message")) == 200
    rasa.agent.replies = [{"text": "Obrigado, vou analisar a tela."}]
    payload = fixture("image")
    assert await rasa.deliver(payload) == 200

    assert graph.fetched == [IMAGE_ID] and graph.downloads == [IMAGE_ID]
    [upload] = graph.uploads
    filename = upload["filename"]
    assert filename.startswith("imagem-") and filename.endswith(".jpg")
    assert upload["content"] == JPEG
    headers = upload["headers"]
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["X-File-Name"] == quote(filename, safe="")
    assert headers["X-File-SHA256"] == hashlib.sha256(JPEG).hexdigest()
    assert headers["X-End-User"] == WA_ID
    assert headers["X-API-Key"] == "bot-service-key"
    assert headers["X-End-User-Token"] == "api-identity-1"

    assert graph.texts[1:] == [
        f"Recebi o arquivo {filename}. Ele vai junto com o chamado aberto nesta conversa; "
        "se quiser abrir um chamado agora, é só dizer.",
        "Obrigado, vou analisar a tela.",
    ]
    caption = rasa.agent.messages[-1]
    assert caption.text == "Tela do erro ao transmitir a NF-e"
    assert caption.message_id == first_message(payload)["id"]
    assert caption.metadata == {
        "wa_message_id": first_message(payload)["id"],
        "language": "pt",
        "phone": f"+{WA_ID}",
        "contact_name": "Maria Souza",
        "identity": rasa.agent.messages[0].metadata["identity"],
        "attachment": {"id": "file-1", "filename": filename},
    }


@pytest.mark.asyncio
async def test_a_caption_is_masked_like_any_text(rasa: Rasa, graph: GraphApi) -> None:
    payload = fixture("image")
    first_message(payload)["image"]["caption"] = "Erro no login, senha: Acme#2024"
    assert await rasa.deliver(payload) == 200
    assert [m.text for m in rasa.agent.messages] == ["Erro no login, senha: [•••]"]


@pytest.mark.asyncio
async def test_a_file_from_a_user_id_is_kept_for_that_user_id(rasa: Rasa, graph: GraphApi) -> None:
    payload = fixture("image")
    message = first_message(payload)
    message["from_user_id"] = BSUID
    del message["from"]
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"] = [{"profile": {"name": "Lucas Andrade"}, "user_id": BSUID}]
    assert await rasa.deliver(payload) == 200

    [upload] = graph.uploads
    assert upload["headers"]["X-End-User"] == BSUID
    assert "X-End-User-Token" not in upload["headers"]
    assert graph.lookups == []
    acknowledgment = graph.bodies[0]
    assert acknowledgment["recipient"] == BSUID and "to" not in acknowledgment
    [caption] = rasa.agent.messages
    assert caption.sender_id == BSUID and "phone" not in caption.metadata


@pytest.mark.asyncio
async def test_a_location_is_uploaded_as_a_text_file_with_a_map_link(rasa: Rasa, graph: GraphApi) -> None:
    assert await rasa.deliver(fixture("location")) == 200
    [upload] = graph.uploads
    assert upload["headers"]["Content-Type"] == "text/plain"
    assert upload["filename"] == "localizacao.txt"
    assert upload["content"].decode("utf-8") == (
        "Filial Paulista\n"
        "Av. Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200\n"
        "-23.5613991,-46.6565712\n"
        "https://www.google.com/maps?q=-23.5613991,-46.6565712\n"
        "https://acme.com.br/filiais/paulista\n"
    )
    assert upload["headers"]["X-File-SHA256"] == hashlib.sha256(upload["content"]).hexdigest()
    assert graph.fetched == []  # nothing to fetch from Meta


# Files not kept


@pytest.mark.asyncio
async def test_a_file_declared_over_the_limit_is_refused_without_downloading(
    rasa: Rasa, graph: GraphApi
) -> None:
    graph.declared_size = 16 * MIB + 1
    assert await rasa.deliver(fixture("image")) == 200
    assert graph.fetched == [IMAGE_ID]
    assert graph.downloads == [] and graph.uploads == []
    [said] = graph.texts
    assert said.startswith("Este arquivo passa do limite de 16 MB")
    assert rasa.agent.messages == []  # nor its caption: it went with a file that was not kept


@pytest.mark.asyncio
async def test_a_download_is_cut_off_past_the_limit(
    rasa: Rasa, graph: GraphApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_ATTACHMENT_BYTES", str(len(JPEG) - 1))
    graph.declared_size = 1024  # Meta's size may be wrong; the bytes read are what count
    assert await rasa.deliver(fixture("image")) == 200
    assert graph.downloads == [IMAGE_ID] and graph.uploads == []
    assert "passa do limite" in graph.texts[0]


@pytest.mark.asyncio
async def test_a_file_that_does_not_match_metas_hash_is_refused(rasa: Rasa, graph: GraphApi) -> None:
    # image_message.json states a hash (hex) of another file than the one Meta serves for its id.
    assert await rasa.deliver(fixture("image_message")) == 200
    assert graph.downloads == ["2754859441498128"]
    assert graph.uploads == []
    [said] = graph.texts
    assert said == "El archivo llegó dañado y no se guardó. ¿Puede enviarlo de nuevo?"
    assert rasa.agent.messages == []


@pytest.mark.asyncio
async def test_a_type_the_api_does_not_accept_is_refused(rasa: Rasa, graph: GraphApi) -> None:
    assert await rasa.deliver(fixture("document_exe")) == 200
    [upload] = graph.uploads  # tried, and answered 415
    assert upload["headers"]["Content-Type"] == "application/x-msdownload"
    assert upload["filename"] == "instalador-certificado.exe"
    [said] = graph.texts
    assert said.startswith("Este tipo de archivo no se acepta")


@pytest.mark.parametrize("failure", ["media endpoint fails", "media URL unreachable"])
@pytest.mark.asyncio
async def test_with_metas_media_unavailable_the_contact_is_asked_to_try_again(
    rasa: Rasa, graph: GraphApi, failure: str
) -> None:
    if failure == "media endpoint fails":
        graph.media_status = 500
    else:
        graph.download_root = "http://127.0.0.1:9"
    assert await rasa.deliver(fixture("video")) == 200
    assert graph.uploads == []
    [said] = graph.texts
    assert said.startswith("I couldn't keep this right now") and "in a few minutes" in said
    assert rasa.agent.messages == []


@pytest.mark.asyncio
async def test_with_the_support_api_down_the_contact_is_asked_to_try_again(
    rasa: Rasa, graph: GraphApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORT_API_URL", "http://127.0.0.1:9")
    assert await rasa.deliver(fixture("audio")) == 200
    assert graph.downloads == ["3092113774378802"]
    [said] = graph.texts
    assert said.startswith("Não consegui guardar isto agora")


@pytest.mark.asyncio
async def test_a_redelivered_file_is_kept_once(rasa: Rasa, graph: GraphApi) -> None:
    payload = fixture("sticker")
    assert await rasa.deliver(payload) == 200
    assert await rasa.deliver(payload) == 200
    assert len(graph.uploads) == 1 and len(graph.texts) == 1


# The pieces


def test_metas_hash_is_read_as_hex_or_base64() -> None:
    digest = hashlib.sha256(JPEG).digest()
    assert same_digest(digest, digest.hex())
    assert same_digest(digest, base64.b64encode(digest).decode())
    assert not same_digest(digest, hashlib.sha256(b"other").hexdigest())
    assert not same_digest(digest, "not a hash")


def test_a_file_without_a_name_is_named_by_kind_message_and_type() -> None:
    media = Media("document", "618294377162538", "application/pdf", None)
    short = hashlib.sha256(b"wamid.X").hexdigest()[:8]
    assert generated_name(media, "wamid.X", "application/pdf", "es") == f"documento-{short}.pdf"
    assert generated_name(media, "wamid.X", "application/x-unknown", "en") == f"document-{short}"


def test_a_long_document_name_is_shortened_to_what_the_api_takes() -> None:
    name = fitting_name("relatório fiscal " * 100 + ".pdf")
    assert name.endswith(".pdf") and len(quote(name, safe="")) <= MAX_ENCODED_NAME_CHARS
    assert fitting_name("nota-539.xml") == "nota-539.xml"
