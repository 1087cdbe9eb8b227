"""Fixtures of the insights dashboard's browser tests: the real API with seeded events, a browser.

The API runs under uvicorn on a free port with a fresh SQLite database, once per test module; the
bot's events are seeded through ``POST /api/v1/events`` with a service key: six conversations,
three answered and solved, one answered, not solved and followed by a real ticket, two unanswered
questions (pt-BR and es) about one missing topic.

``test_widget_browser.py`` brings its own stack and browser (its ``driver`` replaces the one here).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.chrome.webdriver import WebDriver

from core.settings import ROOT
from tests.api.web.dashboard_page import GAP_QUESTIONS, SOLVED_ARTICLE, UNSOLVED_ARTICLE, LiveApi
from tests.conftest import ARTICLES_DIR
from tests.support.browser import headless_chromium, require_browser
from tests.support.live_stack import free_port

STARTUP_SECONDS = 90


@pytest.fixture(scope="module")
def api(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    workdir = tmp_path_factory.mktemp("insights")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'support.db'}",
        "INDEX_DIR": str(index_dir),
        "KNOWLEDGE_DIR": str(ARTICLES_DIR),
        "API_PORT": str(port),
        "INDEX_WATCH_SECONDS": "0",
        "JOBS_INTERVAL_SECONDS": "0",
        "RATE_LIMIT_PER_MINUTE": "0",
        "LOG_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
        "PYTHONWARNINGS": "ignore",
    }

    def new_key(*arguments: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "api", "keys", "create", *arguments],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip

    admin_key, bot_key = new_key("support-lead", "--admin"), new_key("bot")
    log_path = workdir / "api.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
    live = LiveApi(f"http://127.0.0.1:{port}", admin_key, bot_key)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"{live.url}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                pytest.fail(f"the API did not start within {STARTUP_SECONDS} s; its log ends with:\n{tail}")
            time.sleep(0.3)
        yield live
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def ticket_body() -> dict[str, Any]:
    return {
        "contact_name": "Ana Souza",
        "contact_email": "ana.souza@acme.com.br",
        "company_code": "ACME",
        "product": "Protheus",
        "module": "Faturamento",
        "version": "12.1.2410",
        "environment": "production",
        "summary": "Erro de licença ao abrir o Protheus",
        "description": "Ao abrir o SIGAFAT aparece erro de licença desde hoje cedo, em todas as estações.",
        "error_message": "Não foi possível conectar ao License Server na porta 5555",
        "impact": "high",
        "urgency": "medium",
        "channel": "web",
        "language": "pt-BR",
        "country": "BR",
    }


@pytest.fixture(scope="module")
def seeded(api: LiveApi) -> int:
    """Six conversations through the events API, as the bot reports them; returns the ticket number."""
    run = uuid.uuid4().hex[:8]

    def event(kind: str, conversation: str, lang: str, channel: str = "web", **fields: Any) -> None:
        body = {"kind": kind, "conversation": f"{run}-{conversation}", "channel": channel, "lang": lang,
                "product": "Protheus", **fields}  # fmt: skip
        response = api.post("/api/v1/events", body)
        assert response.status_code == 201, (
            f"POST /api/v1/events {body}: {response.status_code} {response.text}"
        )
        assert isinstance(response.json()["id"], int)

    answered = [("c1", "pt-BR", "web"), ("c2", "es", "whatsapp"), ("c3", "pt-BR", "api")]
    for conversation, lang, channel in answered:
        event("question", conversation, lang, channel, question="Como é calculada a prioridade do chamado?",
              articles=[{"article_id": SOLVED_ARTICLE, "score": 0.91}], confident=True)  # fmt: skip
        event("feedback", conversation, lang, channel, article_id=SOLVED_ARTICLE, solved=True)

    event("question", "c4", "pt-BR", question="Erro de licença no Protheus, porta 5555",
          articles=[{"article_id": UNSOLVED_ARTICLE, "score": 0.88}], confident=True)  # fmt: skip
    event("feedback", "c4", "pt-BR", article_id=UNSOLVED_ARTICLE, solved=False)
    created = httpx.post(
        f"{api.url}/api/v1/tickets",
        json=ticket_body(),
        headers={"X-API-Key": api.bot_key, "Idempotency-Key": f"insights-{run}"},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    number = int(created.json()["number"])
    event("ticket_opened", "c4", "pt-BR", ticket_number=number)

    for index, (lang, question) in enumerate(GAP_QUESTIONS):
        event("question", f"gap{index}", lang, question=question, articles=[], confident=False)
    return number


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[WebDriver]:
    require_browser()
    browser = headless_chromium(tmp_path_factory.mktemp("chromium-profile"), "1400,1800", "pt-BR")
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield browser
    finally:
        browser.quit()
