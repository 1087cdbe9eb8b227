"""A stand-in for Meta's Graph API, shaped as its documentation shows, for the live WhatsApp channel.

It serves media (``GET /{media-id}`` → its URL, then the URL → the bytes, both only with the bearer
token) and records the messages the channel sends (``POST /{phone-number-id}/messages``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ACCESS_TOKEN = "graph-stand-in-token"
PHONE_NUMBER_ID = "106540352242922"


class GraphStandIn:
    def __init__(self) -> None:
        self.media: dict[str, tuple[bytes, str]] = {}  # media id → (bytes, MIME type)
        self.sent: list[dict[str, Any]] = []
        self.changed = threading.Condition()
        self.url = ""

    def add_media(self, content: bytes, mime_type: str) -> tuple[str, str]:
        """A media id for ``content`` and the SHA-256 a webhook states for it (base64)."""
        media_id = str(uuid.uuid4().int % 10**16)
        self.media[media_id] = (content, mime_type)
        return media_id, base64.b64encode(hashlib.sha256(content).digest()).decode()

    def texts_to(self, recipient: str) -> list[str]:
        """What the channel sent ``recipient``: text bodies and interactive bodies, in order."""
        texts = []
        for body in self.sent:
            if body.get("to") != recipient:
                continue
            if body.get("type") == "text":
                texts.append(body["text"]["body"])
            elif body.get("type") == "interactive":
                texts.append(body["interactive"]["body"]["text"])
        return texts

    def wait_for_replies(
        self, recipient: str, already: int, quiet: float = 2.0, limit: float = 90.0
    ) -> list[str]:
        """The texts sent to ``recipient`` after the first ``already``, once the channel goes quiet."""
        deadline = time.monotonic() + limit
        with self.changed:
            while len(self.texts_to(recipient)) == already and time.monotonic() < deadline:
                self.changed.wait(0.5)
            seen = -1
            while seen != len(self.texts_to(recipient)):
                seen = len(self.texts_to(recipient))
                self.changed.wait(quiet)
        return self.texts_to(recipient)[already:]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        graph = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _authorized(self) -> bool:
                if self.headers.get("Authorization") == f"Bearer {ACCESS_TOKEN}":
                    return True
                self._json(
                    401,
                    {
                        "error": {
                            "message": "Invalid OAuth access token.",
                            "type": "OAuthException",
                            "code": 190,
                        }
                    },
                )
                return False

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if not self._authorized():
                    return
                parts = self.path.strip("/").split("/")
                if parts[0] == "download" and parts[-1] in graph.media:
                    content, mime_type = graph.media[parts[-1]]
                    self.send_response(200)
                    self.send_header("Content-Type", mime_type)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                    return
                media_id = parts[-1]
                if media_id not in graph.media:
                    self._json(404, {"error": {"message": "Unsupported get request.", "code": 100}})
                    return
                content, mime_type = graph.media[media_id]
                self._json(200, {
                    "messaging_product": "whatsapp", "url": f"{graph.url}/download/{media_id}",
                    "mime_type": mime_type, "sha256": hashlib.sha256(content).hexdigest(),
                    "file_size": len(content), "id": media_id,
                })  # fmt: skip

            def do_POST(self) -> None:
                if not self._authorized():
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                with graph.changed:
                    graph.sent.append(body)
                    graph.changed.notify_all()
                recipient = body.get("to") or body.get("recipient")
                self._json(200, {
                    "messaging_product": "whatsapp", "contacts": [{"input": recipient, "wa_id": recipient}],
                    "messages": [{"id": f"wamid.{uuid.uuid4().hex}"}],
                })  # fmt: skip

        return Handler

    @contextmanager
    def running(self) -> Iterator[GraphStandIn]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
