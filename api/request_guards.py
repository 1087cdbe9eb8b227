"""Guards every request passes before a route sees it (installed by ``api.main``).

Hostile input must end in a 4xx that says why, never in a 500 or a stuck worker:

* a body larger than ``MAX_BODY_BYTES`` is a 413, whether its Content-Length says so or a chunked
  body grows past the limit while it is read (the rest is never read);
* a JSON body (and a body without a content type, which FastAPI reads as JSON too) holding text that
  is not valid Unicode (raw invalid UTF-8, a lone surrogate such as ``"\\ud800"``), an integer beyond
  64 bits or a number JSON has no such thing as (NaN, Infinity, 1e999) is a 422 in FastAPI's error
  shape, naming where in the document the value is. Such values pass FastAPI's parsing and then fail
  deep inside: a surrogate cannot be written to the database or to a JSON answer, a huge integer
  overflows a database column;
* a query value or path segment that decodes to no valid UTF-8 is a 422 (Starlette would silently
  turn it into U+FFFD characters).

A body that passes is handed on to the app byte for byte. A body that is not JSON at all is left to
FastAPI, which answers it as it always did.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Paths whose route reads and caps its own body (chat and ticket-form file uploads, up to
# MAX_ATTACHMENT_BYTES): neither the size cap nor the JSON checks apply to them. The URL checks still do.
EXEMPT_PREFIXES: tuple[str, ...] = ("/api/v1/files", "/api/v1/portal/files")
# Integers are stored in 64-bit signed database columns at most.
MAX_INTEGER = 2**63 - 1
# A document with thousands of bad values needs only the first few named to be fixed.
MAX_REPORTED = 20
_SURROGATE = re.compile("[\ud800-\udfff]")

Loc = tuple[str | int, ...]

TEXT_RULE = "string_unicode"
TEXT_MESSAGE = (
    "Text must be valid Unicode: a lone surrogate (\\ud800 to \\udfff without its pair) is not allowed"
)
INTEGER_RULE = "int_out_of_range"
INTEGER_MESSAGE = f"Integers must lie between -{MAX_INTEGER} and {MAX_INTEGER} (2**63-1, a 64-bit integer)"
NUMBER_RULE = "finite_number"
NUMBER_MESSAGE = "Numbers must be finite: NaN, Infinity and numbers beyond the float range are not allowed"


@dataclass(frozen=True)
class Violation:
    """One bad value, as one item of FastAPI's 422 ``detail`` list."""

    loc: Loc
    msg: str
    type: str

    def as_detail(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "msg": self.msg, "type": self.type}


class _Rejected:
    """What the JSON hooks return instead of a number that must not reach the app."""

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        self.message = message


_TOO_BIG = _Rejected(INTEGER_RULE, INTEGER_MESSAGE)
_NOT_FINITE = _Rejected(NUMBER_RULE, NUMBER_MESSAGE)
_BAD_NAME = _Rejected(TEXT_RULE, f"Field name: {TEXT_MESSAGE}")


def install_request_guards(app: FastAPI, max_body_bytes: int) -> None:
    """Body size cap and hostile-input checks, innermost of the app's middleware.

    Innermost (rather than outermost, where ``add_middleware`` would put it), so that the CORS headers
    and the request id are on its 413 and 422 answers too, and the access log counts them.
    """
    app.user_middleware.append(Middleware(RequestGuards, max_body_bytes=max_body_bytes))


class RequestGuards:
    """Pure ASGI middleware: reads the body once, checks it, replays it to the app unchanged."""

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, exempt_prefixes: tuple[str, ...] = EXEMPT_PREFIXES
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.exempt_prefixes = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if problems := url_violations(scope):
            await _unprocessable(problems)(scope, receive, send)
            return
        if self.exempt_prefixes and str(scope["path"]).startswith(self.exempt_prefixes):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large()(scope, receive, send)
            return
        try:
            body = await _read_body(receive, self.max_body_bytes)
        except _ClientGone:
            return  # nobody is left to answer
        if body is None:
            await self._too_large()(scope, receive, send)
            return
        if body and reads_as_json(headers.get("content-type")) and (problems := body_violations(body)):
            await _unprocessable(problems)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self) -> JSONResponse:
        limit = self.max_body_bytes
        size = f"{limit} bytes" + (f" ({limit // 1024} KB)" if limit % 1024 == 0 else "")
        detail = f"The request body is larger than {size}, the most this API accepts"
        # The rest of the body stays unread: the connection cannot carry another request.
        return JSONResponse({"detail": detail}, status_code=413, headers={"Connection": "close"})


class _ClientGone(Exception):
    """The client disconnected before its body was complete."""


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it grows past ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        chunk = bytes(message.get("body", b""))
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the app the body already read, then whatever the server sends next."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _unprocessable(problems: list[Violation]) -> JSONResponse:
    return JSONResponse({"detail": [p.as_detail() for p in problems[:MAX_REPORTED]]}, status_code=422)


def reads_as_json(content_type: str | None) -> bool:
    """Whether FastAPI would parse a body of this content type as JSON (it does without any)."""
    if not content_type:
        return True
    main, _, sub = content_type.split(";", 1)[0].strip().lower().partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


def url_violations(scope: Scope) -> list[Violation]:
    """Path segments and query names or values that are not UTF-8 once percent-decoded."""
    problems: list[Violation] = []
    raw_path = scope.get("raw_path")
    if isinstance(raw_path, bytes):
        for number, segment in enumerate(raw_path.split(b"?", 1)[0].split(b"/")):
            if _decoded(segment) is None:
                message = f"Path segment {number} is not valid UTF-8 once percent-decoded"
                problems.append(Violation(("path",), message, TEXT_RULE))
    for field in bytes(scope.get("query_string", b"")).split(b"&"):
        raw_name, _, raw_value = field.partition(b"=")
        name = _decoded(raw_name)
        if name is None:
            problems.append(Violation(("query",), "A query parameter name is not valid UTF-8", TEXT_RULE))
        elif _decoded(raw_value) is None:
            message = "Query value is not valid UTF-8 once percent-decoded (a lone surrogate is not allowed)"
            problems.append(Violation(("query", name), message, TEXT_RULE))
    return problems


def _decoded(component: bytes) -> str | None:
    """A percent-encoded URL component as text, or None when its bytes are not UTF-8."""
    try:
        return unquote_to_bytes(component.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return None


def body_violations(body: bytes) -> list[Violation]:
    """Every value of a JSON body that must not reach the app (the first ones, in document order)."""
    try:
        # json.loads picks UTF-8, -16 or -32 the same way; strict decoding refuses encoded surrogates.
        text = body.decode(json.detect_encoding(body))
    except UnicodeDecodeError as error:
        message = (
            f"The body must be UTF-8 encoded JSON: the bytes at offset {error.start} are not valid UTF-8"
        )
        return [Violation(("body",), message, TEXT_RULE)]
    try:
        document = json.loads(text, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except (ValueError, RecursionError):
        return []  # not JSON: FastAPI's own answer says so
    problems: list[Violation] = []
    for problem in _walk(document):
        problems.append(problem)
        if len(problems) == MAX_REPORTED:
            break
    return problems


def _integer(digits: str) -> int | _Rejected:
    # JSON has no leading zeros: more than 19 digits is beyond 2**63-1 without converting it (Python
    # refuses to convert more than 4300 digits, a ValueError FastAPI would answer with a vague 400).
    if len(digits.lstrip("-")) > len(str(MAX_INTEGER)):
        return _TOO_BIG
    value = int(digits)
    return value if abs(value) <= MAX_INTEGER else _TOO_BIG


def _float(digits: str) -> float | _Rejected:
    value = float(digits)
    return value if math.isfinite(value) else _NOT_FINITE


def _constant(name: str) -> _Rejected:
    return _NOT_FINITE  # NaN, Infinity, -Infinity: Python's json reads them, JSON has no such numbers


@dataclass(frozen=True)
class _Place:
    """Where a value sits: its key in its parent. Kept as links, so the walk stays linear in depth."""

    parent: _Place | None
    key: str | int

    def loc(self) -> Loc:
        keys: list[str | int] = []
        place: _Place | None = self
        while place is not None:
            keys.append(place.key)
            place = place.parent
        return tuple(reversed(keys))


def _walk(document: Any) -> Iterator[Violation]:
    """The bad values and keys of a parsed document, depth first in document order, without recursion."""
    stack: list[tuple[_Place, Any]] = [(_Place(None, "body"), document)]
    while stack:
        place, value = stack.pop()
        if isinstance(value, dict):
            # A bad name is reported in its place, with the surrogate replaced: the answer must be UTF-8 too.
            children = [
                (_Place(place, _SURROGATE.sub("\ufffd", key)), _BAD_NAME) if _SURROGATE.search(key)
                else (_Place(place, key), item)
                for key, item in value.items()
            ]  # fmt: skip
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend((_Place(place, index), item) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, str) and _SURROGATE.search(value):
            yield Violation(place.loc(), TEXT_MESSAGE, TEXT_RULE)
        elif isinstance(value, _Rejected):
            yield Violation(place.loc(), value.message, value.rule)
