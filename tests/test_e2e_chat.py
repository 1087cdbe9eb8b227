"""End to end: the real API, Rasa action server and Rasa server, talked to over Rasa's REST channel."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.settings import ROOT

pytestmark = pytest.mark.e2e

BOT_DIR = ROOT / "bot"
BOT_BIN = ROOT / ".venv-bot" / "bin"
MODEL = BOT_DIR / "models" / "support.tar.gz"
STARTUP_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(
    ready: Callable[[], bool], what: str, processes: dict[str, subprocess.Popen[bytes]], logs: Path
) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                log = (logs / f"{name}.log").read_text(errors="replace")[-3000:]
                pytest.fail(f"{name} exited with {process.returncode} while waiting for {what}:\n{log}")
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"{what} not ready after {STARTUP_SECONDS}s; logs in {logs}")


class Chat:
    def __init__(self, url: str) -> None:
        self.url = url

    def say(self, sender: str, message: str) -> list[dict[str, Any]]:
        response = httpx.post(self.url, json={"sender": sender, "message": message}, timeout=60)
        response.raise_for_status()
        replies: list[dict[str, Any]] = response.json()
        return replies


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


@pytest.fixture(scope="module")
def chat(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chat]:
    if not MODEL.exists():
        pytest.fail(f"no trained Rasa model at {MODEL}: run `make train` (make test does it)")
    logs = tmp_path_factory.mktemp("e2e-logs")
    api_port, actions_port, rasa_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "INDEX_DIR": str(index_dir),
        "API_PORT": str(api_port),
        "SUPPORT_API_URL": f"http://127.0.0.1:{api_port}",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "HF_HUB_OFFLINE": "1",
    }
    commands = {
        "api": ([str(ROOT / ".venv" / "bin" / "uvicorn"), "api.main:app", "--port", str(api_port)], ROOT),
        "actions": ([str(BOT_BIN / "rasa"), "run", "actions", "--port", str(actions_port)], BOT_DIR),
        "rasa": (
            [str(BOT_BIN / "rasa"), "run", "--model", str(MODEL), "--port", str(rasa_port),
             "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
            BOT_DIR,
        ),
    }  # fmt: skip
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, (command, cwd) in commands.items():
            log = (logs / f"{name}.log").open("wb")
            processes[name] = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        chat = Chat(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook")
        wait_until(
            lambda: httpx.get(f"http://127.0.0.1:{api_port}/health").status_code == 200,
            "API",
            processes,
            logs,
        )
        wait_until(
            lambda: httpx.get(f"http://127.0.0.1:{actions_port}/health").status_code == 200,
            "action server",
            processes,
            logs,
        )
        wait_until(lambda: bool(chat.say("warm-up", "oi")), "Rasa server", processes, logs)
        yield chat
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_spanish_question_gets_the_phone_number_in_spanish_with_link_and_buttons(chat: Chat) -> None:
    replies = chat.say("cliente-ar", "¿Cuál es el teléfono de soporte en Argentina?")
    text = text_of(replies)
    assert "+54 11 5295 9300" in text
    assert "Encontré esto" in text
    assert "https://kb.example.com/es/" in text
    payloads = [button["payload"] for reply in replies for button in reply.get("buttons", [])]
    assert "/affirm" in payloads and "/deny" in payloads
    assert any(payload.startswith("/open_article") for payload in payloads)


def test_a_suggested_article_opens_when_its_button_is_clicked(chat: Chat) -> None:
    replies = chat.say("cliente-clica", "¿En qué países atiende el soporte Protheus?")
    article_button = next(
        button
        for reply in replies
        for button in reply.get("buttons", [])
        if button["payload"].startswith("/open_article")
    )
    opened = text_of(chat.say("cliente-clica", article_button["payload"]))
    assert article_button["title"].rstrip("…") in opened
    assert "Encontré esto" in opened


def test_a_portuguese_question_gets_the_five_business_day_deadline(chat: Chat) -> None:
    text = text_of(chat.say("cliente-br", "Quanto tempo tenho para responder um chamado pendente?"))
    assert "5 dias úteis" in text
    assert "Encontrei isto" in text


def test_when_the_answer_did_not_help_the_bot_says_a_ticket_can_be_opened(chat: Chat) -> None:
    chat.say("cliente-nao", "Qual é o horário de atendimento do suporte?")
    text = text_of(chat.say("cliente-nao", "não resolveu"))
    assert "abrir um chamado" in text


def test_an_english_question_gets_the_support_email_in_english(chat: Chat) -> None:
    text = text_of(chat.say("customer-en", "What is the official e-mail address of Protheus support?"))
    assert "soporteprotheusmi@totvs.com.br" in text
    assert "I found this" in text


def test_a_question_outside_support_is_not_answered_from_the_knowledge_base(chat: Chat) -> None:
    text = text_of(chat.say("curioso", "quem ganhou a copa do mundo de futebol?"))
    assert "Encontrei isto" not in text
    assert text  # the bot still says something: out of scope or nothing reliable found
