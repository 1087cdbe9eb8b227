"""The whole product running for real: API, Rasa action server and Rasa server on free ports.

Used by the end-to-end tests and by the chat latency benchmark.

Usage::

    with LiveStack(index_dir, workdir) as stack:
        stack.say("me", "¿Cuál es el teléfono de soporte en Argentina?")
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import jwt

from core.settings import ROOT
from tests.support.graph_stand_in import ACCESS_TOKEN, PHONE_NUMBER_ID, GraphStandIn

BOT_DIR = ROOT / "bot"
BOT_BIN = ROOT / ".venv-bot" / "bin"
MODEL = BOT_DIR / "models" / "support.tar.gz"
STARTUP_SECONDS = 240
# The browser origins Rasa accepts, anchored at both ends as `make run` passes them.
LOCAL_ORIGINS = r"^https?://(localhost|127\.0\.0\.1)(:\d+)?$"


class StackError(RuntimeError):
    """A service did not start; the message carries the end of its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveStack:
    def __init__(self, index_dir: Path, workdir: Path) -> None:
        if not MODEL.exists():
            raise StackError(f"no trained Rasa model at {MODEL}: run `make train` (make test does it)")
        self.workdir = workdir
        self.ports = {"api": free_port(), "actions": free_port(), "rasa": free_port()}
        self.api_url = f"http://127.0.0.1:{self.ports['api']}"
        self.chat_url = f"http://127.0.0.1:{self.ports['rasa']}/webhooks/rest/webhook"
        self.whatsapp_url = f"http://127.0.0.1:{self.ports['rasa']}/webhooks/whatsapp/webhook"
        # Meta's Graph API, stood in for: the WhatsApp channel sends and downloads there.
        self.graph = GraphStandIn()
        self._graph = self.graph.running()
        self._graph.__enter__()
        self.whatsapp_secret = secrets.token_urlsafe(32)
        self.env = {
            **os.environ,
            "INDEX_DIR": str(index_dir),
            "API_PORT": str(self.ports["api"]),
            "RASA_PORT": str(self.ports["rasa"]),
            "DATABASE_URL": f"sqlite:///{workdir / 'support.db'}",
            "TRACKER_DB": str(workdir / "tracker.db"),
            "WHATSAPP_MEMORY_URL": f"sqlite:///{workdir / 'tracker.db'}",
            "SUPPORT_API_URL": self.api_url,
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.ports['actions']}/webhook",
            "HF_HUB_OFFLINE": "1",
            # Every service on the loopback interface only, as `make run` starts them.
            "SANIC_HOST": "127.0.0.1",
            "PORTAL_TOKEN_SECRET": secrets.token_urlsafe(32),
            "IDENTITY_SECRET": secrets.token_urlsafe(32),
            "PYTHONWARNINGS": "ignore",
            "LOG_LEVEL": "WARNING",
            "FILES_DIR": str(workdir / "files"),
            "WHATSAPP_VERIFY_TOKEN": secrets.token_urlsafe(16),
            "WHATSAPP_APP_SECRET": self.whatsapp_secret,
            "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
            "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "WHATSAPP_API_BASE": self.graph.url,
        }
        self.api_key = self.create_key("bot")
        self.env["SUPPORT_API_KEY"] = self.api_key
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def create_key(self, name: str, *options: str) -> str:
        """A new API key in the stack's database (``--admin`` for a support manager)."""
        return subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "api", "keys", "create", name, *options],
            cwd=ROOT, env=self.env, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip

    def portal_token(self, company_code: str, email: str, name: str, **claims: Any) -> str:
        """What the customer portal embedding the widget signs for its logged-in user (HS256)."""
        expires = datetime.now(UTC) + timedelta(hours=1)
        body = {"name": name, "email": email, "company_code": company_code, "exp": expires, **claims}
        return jwt.encode(body, self.env["PORTAL_TOKEN_SECRET"], algorithm="HS256")

    def _command(self, name: str) -> tuple[list[str], Path]:
        port = str(self.ports[name])
        if name == "api":
            return [str(ROOT / ".venv" / "bin" / "uvicorn"), "api.main:app", "--port", port], ROOT
        if name == "actions":
            return [str(BOT_BIN / "rasa"), "run", "actions", "--port", port], BOT_DIR
        # With the WhatsApp channel, as `make run` starts Rasa when WhatsApp is configured.
        return [str(BOT_BIN / "rasa"), "run", "--model", str(MODEL), "--port", port, "-i", "127.0.0.1",
                "--cors", LOCAL_ORIGINS, "--credentials", "credentials-whatsapp.yml",
                "--endpoints", "endpoints.yml"], BOT_DIR  # fmt: skip

    def start(self, name: str) -> None:
        command, cwd = self._command(name)
        log = (self.workdir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            command, cwd=cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()

    @contextmanager
    def frozen(self, name: str) -> Iterator[None]:
        """The service hangs (stopped, its port still open) until the block ends: a stuck dependency."""
        process = self.processes[name]
        process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            process.send_signal(signal.SIGCONT)

    def wait_until(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    log = (self.workdir / f"{name}.log").read_text(errors="replace")[-3000:]
                    raise StackError(
                        f"{name} exited with {process.returncode} while waiting for {what}:\n{log}"
                    )
            try:
                if ready():
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise StackError(f"{what} not ready after {STARTUP_SECONDS}s; logs in {self.workdir}")

    def wait_for_rasa(self) -> None:
        self.wait_until(lambda: bool(self.say("warm-up", "oi")), "Rasa server")

    def __enter__(self) -> LiveStack:
        for name in ("api", "actions", "rasa"):
            self.start(name)
        self.wait_until(lambda: httpx.get(f"{self.api_url}/health").status_code == 200, "API")
        actions = f"http://127.0.0.1:{self.ports['actions']}/health"
        self.wait_until(lambda: httpx.get(actions).status_code == 200, "action server")
        self.wait_for_rasa()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        for name in list(self.processes):
            self.stop(name)
        self._graph.__exit__(None, None, None)

    def whatsapp(self, wa_id: str, message: dict[str, Any], name: str = "Ana Souza") -> list[str]:
        """Deliver one message from ``wa_id`` as Meta does (signed) and return the texts sent back."""
        already = len(self.graph.texts_to(wa_id))
        message = {
            "from": wa_id,
            "id": f"wamid.{uuid.uuid4().hex}",
            "timestamp": str(int(time.time())),
            **message,
        }
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
            "messages": [message],
        }
        change = {"value": value, "field": "messages"}
        delivery = {
            "object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [change]}],
        }
        body = json.dumps(delivery).encode()
        signature = hmac.new(self.whatsapp_secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={signature}"}
        httpx.post(self.whatsapp_url, content=body, headers=headers, timeout=30).raise_for_status()
        return self.graph.wait_for_replies(wa_id, already)

    def say(self, sender: str, message: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata is not None:
            body["metadata"] = metadata
        response = httpx.post(self.chat_url, json=body, timeout=60)
        response.raise_for_status()
        replies: list[dict[str, Any]] = response.json()
        return replies
