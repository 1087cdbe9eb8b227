"""End to end over socket.io: python-socketio's own client, by long-polling and by WebSocket, asks a
question and opens a ticket with the real Rasa server, action server and API."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import socketio

from tests.e2e.test_chat import ANSWERS
from tests.support.live_stack import LiveStack

pytestmark = pytest.mark.e2e

FIRST_REPLY_SECONDS = 60.0  # the first message of a run waits for the models to warm up
QUIET_SECONDS = 2.0  # the bot has said all it will say for this message


class Widget:
    """What a Rasa chat widget does over socket.io: ask for a session, send, collect what comes back."""

    def __init__(self, url: str, transport: str) -> None:
        self.client = socketio.Client(reconnection=False)
        self.replies: list[dict[str, Any]] = []
        self.changed = threading.Condition()
        self.session_id = uuid.uuid4().hex
        self.confirmed = threading.Event()
        self.client.on("session_confirm", lambda *_: self.confirmed.set())
        self.client.on("bot_uttered", self._uttered)
        self.client.connect(url, transports=[transport], socketio_path="socket.io", wait_timeout=20)
        self.client.emit("session_request", {"session_id": self.session_id})
        assert self.confirmed.wait(20), "no session_confirm"

    def _uttered(self, message: dict[str, Any]) -> None:
        with self.changed:
            self.replies.append(message)
            self.changed.notify_all()

    def say(self, text: str) -> str:
        """Send ``text`` and return the bot's replies to it, once it has gone quiet."""
        start = len(self.replies)
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        deadline = time.monotonic() + FIRST_REPLY_SECONDS
        with self.changed:
            while len(self.replies) == start and time.monotonic() < deadline:
                self.changed.wait(0.5)
            seen = -1
            while seen != len(self.replies):
                seen = len(self.replies)
                self.changed.wait(QUIET_SECONDS)
        new = self.replies[start:]
        assert new, f"no bot_uttered for {text!r}"
        return "\n".join(str(reply.get("text", "")) for reply in new)


@pytest.fixture(params=["polling", "websocket"])
def widget(chat: LiveStack, request: pytest.FixtureRequest) -> Iterator[Widget]:
    client = Widget(chat.chat_url.split("/webhooks/")[0], request.param)
    yield client
    client.client.disconnect()


def test_a_question_over_socketio_gets_its_answer_pushed_back(widget: Widget) -> None:
    text = widget.say("¿a qué número llamo en México para hablar con soporte de Protheus?")
    assert "442 1-03-06-00" in text


def test_a_ticket_dialog_over_socketio_ends_with_the_ticket_in_the_api(
    chat: LiveStack, widget: Widget
) -> None:
    text = widget.say("o faturamento parou em produção desde ontem, quero abrir um chamado")
    if "Isso resolve?" in text:  # deflection first: the article did not help
        text = widget.say("/open_ticket")
    pending = {question: list(answers) for question, answers in ANSWERS}
    for _ in range(30):
        if "Confira o chamado" in text:
            break
        question = next(q for q in pending if q in text)
        answer = pending[question].pop(0) if len(pending[question]) > 1 else pending[question][0]
        text = widget.say(answer)
    created = widget.say("/affirm")
    number = int(re.search(r"#(\d+)", created).group(1))  # type: ignore[union-attr]
    support = {"X-API-Key": chat.create_key(f"socketio-agent-{uuid.uuid4().hex[:6]}", "--admin")}
    ticket = httpx.get(f"{chat.api_url}/api/v1/tickets/{number}", headers=support).json()
    assert ticket["module"] == "Faturamento" and ticket["contact_email"] == "ana@acme.com.br"
    assert ticket["channel"] == "web"
