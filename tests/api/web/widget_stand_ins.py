"""Stand-ins for the widget's file tests: a customer portal that embeds the widget, and Rasa's REST channel.

``Portal`` serves a page with the widget's one script tag and the widget's own assets (the bundles
the API serves, read from ``api/web/widget.py``), so no API, index or model is needed. ``RasaStandIn``
answers ``POST /webhooks/rest/files`` as ``bot/channels/masking_rest.py`` does (``{"file",
"messages"}``, 201, or 415 for an ``.exe``) from another origin, with CORS as Rasa's ``--cors``
gives it, and records every request, preflights included.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from api.web.widget import SCRIPT, STATIC, STYLESHEET, script_text
from core.settings import Settings

PORTAL_TOKEN = "portal-jwt-for-the-widget-test"
KEPT_TEXT = "I received the file {name}. It goes with the ticket opened in this conversation."
REFUSED_TEXT = "This type of file is not accepted, so I didn't keep it."


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class RasaStandIn:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)

    def answer(self, request: Recorded) -> tuple[int, Any]:
        if request.path != "/webhooks/rest/files":
            return 404, {"error": "not found"}
        [sender] = request.query["sender"]
        name = unquote(request.headers.get("x-file-name", ""))
        if name.endswith(".exe"):
            return 415, {"file": None, "messages": [{"recipient_id": sender, "text": REFUSED_TEXT}]}
        stored = {"id": "f" * 32, "filename": name, "size": len(request.body),
                  "sha256": hashlib.sha256(request.body).hexdigest()}  # fmt: skip
        text = KEPT_TEXT.format(name=name)
        return 201, {"file": stored, "messages": [{"recipient_id": sender, "text": text}]}


def portal_page(rasa_url: str, script: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Portal</title></head>
<body><h1>Customer portal</h1>
<script src="{script}" data-rasa-url="{rasa_url}" data-portal-token="{PORTAL_TOKEN}" defer></script>
</body></html>"""


def _handler(respond: Callable[[BaseHTTPRequestHandler, str], None]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            respond(self, "GET")

        def do_POST(self) -> None:
            respond(self, "POST")

        def do_OPTIONS(self) -> None:
            respond(self, "OPTIONS")

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    return Handler


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, kind: str, **headers: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


@contextmanager
def _serving(respond: Callable[[BaseHTTPRequestHandler, str], None]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(respond))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def rasa_stand_in() -> Iterator[RasaStandIn]:
    rasa = RasaStandIn()

    def respond(handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in handler.headers.items()}
        request = Recorded(method, parts.path, parse_qs(parts.query), headers, body)
        rasa.requests.append(request)
        cors = {"Access_Control_Allow_Origin": headers.get("origin", "*"), "Vary": "Origin"}
        if method == "OPTIONS":
            allowed = headers.get("access-control-request-headers", "")
            _send(handler, 204, b"", "text/plain", Access_Control_Allow_Methods="POST",
                  Access_Control_Allow_Headers=allowed, **cors)  # fmt: skip
            return
        status, answer = rasa.answer(request)
        _send(handler, status, json.dumps(answer).encode(), "application/json", **cors)

    with _serving(respond) as url:
        rasa.url = url
        yield rasa


@contextmanager
def portal(rasa_url: str) -> Iterator[str]:
    """The portal's base URL: ``/`` embeds the widget of an API that accepts files up to 1 MiB,
    ``/default`` the widget of an API with the default settings (16 MiB)."""
    pages = {
        "/": portal_page(rasa_url, "/small/widget.js"),
        "/default": portal_page(rasa_url, "/static/widget.js"),
    }
    scripts = {
        "/small/widget.js": script_text(Settings(max_attachment_bytes=1024 * 1024)),
        "/static/widget.js": script_text(Settings()),
    }

    def respond(handler: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(handler.path).path
        if path in pages:
            _send(handler, 200, pages[path].encode(), "text/html; charset=utf-8")
        elif path in scripts:
            _send(handler, 200, scripts[path].encode(), SCRIPT.media_type)
        elif path.endswith("/widget.css"):
            _send(handler, 200, STYLESHEET.text().encode(), STYLESHEET.media_type)
        elif path.endswith("/widget-i18n.json"):
            _send(handler, 200, (STATIC / "widget-i18n.json").read_bytes(), "application/json")
        else:
            _send(handler, 404, b"not found", "text/plain")

    with _serving(respond) as url:
        yield url
