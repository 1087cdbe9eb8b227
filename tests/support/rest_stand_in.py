"""What the REST stand-ins share: a real HTTP server on 127.0.0.1 in a thread, and scripted faults.

A fault answers the requests it matches with a status (e.g. 429 with ``Retry-After: 1``, 503, 500),
a given number of times or forever, or drops the connection without answering; every request is
recorded, so a test can say which pages were asked for and how often.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Query = dict[str, str]
Matcher = Callable[[str, Query], bool]


@dataclass
class Fault:
    matches: Matcher
    status: int  # 0: drop the connection without an answer
    times: int | None  # None: forever
    retry_after: str | None = None


class RestStandIn:
    """Subclasses answer ``route(path, query, headers)`` with (status, JSON body)."""

    def __init__(self) -> None:
        self.url = ""
        self.requests: list[tuple[str, Query]] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()

    def fail(
        self, matches: Matcher, status: int, times: int | None = None, retry_after: str | None = None
    ) -> None:
        """Answer matching requests with ``status`` (0: drop the connection), ``times`` times or forever."""
        self.faults.append(Fault(matches, status, times, retry_after))

    def route(self, path: str, query: Query, headers: Any) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def _fault(self, path: str, query: Query) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(path, query) and (fault.times is None or fault.times > 0):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query))
                stand_in.requests.append((parts.path, query))
                fault = stand_in._fault(parts.path, query)
                if fault is not None and fault.status == 0:
                    self.close_connection = True
                    return
                if fault is not None:
                    headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                    self._json(fault.status, {"error": "stand-in fault"}, headers)
                    return
                status, body = stand_in.route(parts.path, query, self.headers)
                self._json(status, body, {})

            def _json(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler

    @contextmanager
    def running(self) -> Iterator[None]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
