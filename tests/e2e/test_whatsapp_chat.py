"""End to end over WhatsApp: signed deliveries shaped as Meta's reach the real Rasa server, whose
replies and media downloads go to a Graph API stand-in; a screenshot sent in the middle of the
ticket dialog ends up in the ticket, checked in the API with its hash."""

from __future__ import annotations

import hashlib
import re
import uuid

import httpx
import pytest

from tests.e2e.test_chat import ANSWERS
from tests.support.live_stack import LiveStack

pytestmark = pytest.mark.e2e

SCREENSHOT = b"\x89PNG\r\n\x1a\n" + b"Falha de chave duplicada SF2 no MATA460 " * 30


def said(text: str) -> dict[str, object]:
    return {"type": "text", "text": {"body": text}}


def test_a_screenshot_sent_during_the_whatsapp_dialog_is_in_the_ticket_with_its_hash(chat: LiveStack) -> None:
    wa_id = f"5511{uuid.uuid4().int % 10**9:09d}"
    text = "\n".join(
        chat.whatsapp(wa_id, said("o faturamento parou em produção desde ontem, quero abrir um chamado"))
    )
    if "Isso resolve?" in text:  # deflection first: the article did not help
        text = "\n".join(chat.whatsapp(wa_id, said("/open_ticket")))
    pending = {question: list(answers) for question, answers in ANSWERS}
    screenshot_sent = False
    for _ in range(30):
        if "Confira o chamado" in text:
            break
        if not screenshot_sent and "Qual produto" in text:  # in the middle of the form, before answering
            media_id, sha256 = chat.graph.add_media(SCREENSHOT, "image/png")
            kept = "\n".join(chat.whatsapp(wa_id, {"type": "image", "image": {
                "mime_type": "image/png", "sha256": sha256, "id": media_id}}))  # fmt: skip
            assert "imagem-" in kept, kept  # the file is acknowledged by name
            screenshot_sent = True
        question = next(q for q in pending if q in text)
        answer = pending[question].pop(0) if len(pending[question]) > 1 else pending[question][0]
        text = "\n".join(chat.whatsapp(wa_id, said(answer)))
    assert screenshot_sent
    created = "\n".join(chat.whatsapp(wa_id, said("/affirm")))
    number = int(re.search(r"#(\d+)", created).group(1))  # type: ignore[union-attr]
    support = {"X-API-Key": chat.create_key(f"whatsapp-agent-{uuid.uuid4().hex[:6]}", "--admin")}
    ticket = httpx.get(f"{chat.api_url}/api/v1/tickets/{number}", headers=support).json()
    assert ticket["channel"] == "whatsapp" and ticket["contact_phone"] == f"+{wa_id}"
    [file] = ticket["files"]
    assert file["mime_type"] == "image/png" and file["sha256"] == hashlib.sha256(SCREENSHOT).hexdigest()
    download = httpx.get(f"{chat.api_url}{file['url']}", headers=support)
    assert download.content == SCREENSHOT
