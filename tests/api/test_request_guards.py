"""Hostile input gets a 4xx that says why, before any route sees it: never a 500, never a stuck worker.

A body is capped at MAX_BODY_BYTES (256 KB by default), whatever its Content-Length says and however it
is chunked; JSON text must be valid Unicode and integers must fit 64 bits, at any depth of the document;
query values and path segments must be valid UTF-8. Everything else reaches the routes as it was sent.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, cast

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from starlette.types import Message

from api.auth import create_key
from api.request_guards import MAX_INTEGER, install_request_guards
from core.settings import Settings

LIMIT = Settings().max_body_bytes
SURROGATE = "\\ud800"  # the JSON escape of half a pair, as a client would send it
SURROGATE_IN_URL = "%ED%A0%80"  # the UTF-8-like bytes of U+D800, which UTF-8 forbids


@pytest.fixture(scope="module")
def bot_key(client: TestClient) -> str:
    app = cast(FastAPI, client.app)
    with app.state.session_factory() as session:
        return create_key(session, f"guards-bot-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="module")
def admin_key(client: TestClient) -> str:
    app = cast(FastAPI, client.app)
    with app.state.session_factory() as session:
        return create_key(session, f"guards-admin-{uuid.uuid4().hex[:8]}", admin=True)


def post_json_text(client: TestClient, path: str, text: str | bytes, key: str = "") -> Any:
    """POST a JSON document written by hand (httpx cannot encode a lone surrogate itself)."""
    headers = {"Content-Type": "application/json", "X-API-Key": key}
    return client.post(path, content=text, headers=headers)


def question_event(**fields: Any) -> dict[str, Any]:
    return {"kind": "question", "conversation": f"guards-{uuid.uuid4().hex}", "question": "prazo do chamado",
            "confident": True, "articles": [{"article_id": "pt-suporte-prazos-chamado", "score": 1.5}],
            **fields}  # fmt: skip


def echo_app(max_body_bytes: int) -> FastAPI:
    """An app with only the guards and a route that answers the body it received, byte for byte."""
    app = FastAPI()
    install_request_guards(app, max_body_bytes)

    @app.post("/echo")
    async def echo(request: Request) -> Response:
        return Response(await request.body(), media_type="application/octet-stream")

    return app


def send_in_chunks(app: FastAPI, chunks: list[bytes]) -> tuple[int, bytes, int]:
    """A chunked POST /echo (no Content-Length) straight through ASGI: status, body, chunks the app read."""
    read = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal read
        if read == len(chunks):
            await asyncio.Event().wait()  # a client waiting for its answer
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/echo", "raw_path": b"/echo", "query_string": b"", "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    status = next(int(m["status"]) for m in sent if m["type"] == "http.response.start")
    body = b"".join(bytes(m.get("body", b"")) for m in sent if m["type"] == "http.response.body")
    return status, body, read


# --- Body size ---


def test_a_body_above_the_limit_is_a_413_naming_the_limit(client: TestClient) -> None:
    body = json.dumps(question_event(question="x" * LIMIT))
    response = post_json_text(client, "/api/v1/events", body)
    assert response.status_code == 413
    assert str(LIMIT) in response.json()["detail"]


def test_the_413_still_carries_the_request_id_for_the_logs(client: TestClient) -> None:
    response = client.post("/api/v1/events", content=b"x" * (LIMIT + 1), headers={"X-Request-ID": "big-1"})
    assert response.status_code == 413 and response.headers["X-Request-ID"] == "big-1"


def test_a_body_of_exactly_the_limit_is_read() -> None:
    body = b"a" * 1000
    response = TestClient(echo_app(1000)).post("/echo", content=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 200 and response.content == body


def test_a_chunked_body_growing_past_the_limit_is_a_413_and_the_rest_is_not_read() -> None:
    status, body, read = send_in_chunks(echo_app(1000), [b" " * 400] * 10)
    assert status == 413 and "1000" in json.loads(body)["detail"]
    assert read == 3  # 1200 bytes: past the limit, the API stops reading


def test_a_chunked_body_within_the_limit_reaches_the_route_unchanged() -> None:
    document = json.dumps({"question": "olá 😀", "n": MAX_INTEGER}).encode()
    chunks = [document[i : i + 7] for i in range(0, len(document), 7)]
    assert send_in_chunks(echo_app(1000), chunks) == (200, document, len(chunks))


# --- JSON bodies ---


def test_a_lone_surrogate_deep_in_the_body_is_a_422_naming_its_place(client: TestClient) -> None:
    body = json.dumps(
        question_event(articles=[{"article_id": "ok", "score": 1}, {"article_id": "X", "score": 1}])
    )
    response = post_json_text(client, "/api/v1/events", body.replace('"X"', f'"a{SURROGATE}b"'))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "articles", 1, "article_id"]
    assert "surrogate" in error["msg"] and error["type"] == "string_unicode"


def test_a_lone_surrogate_in_a_field_name_is_a_422(client: TestClient) -> None:
    response = post_json_text(client, "/api/v1/events", f'{{"kind": "handoff", "k{SURROGATE}": 1}}')
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "k\ufffd"]


def test_raw_bytes_that_are_not_utf8_are_a_422(client: TestClient) -> None:
    body = json.dumps(question_event(question="QUESTION")).encode().replace(b"QUESTION", b"\xed\xa0\x80")
    response = post_json_text(client, "/api/v1/events", body)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body"] and "UTF-8" in error["msg"]


def test_a_body_without_content_type_is_checked_as_fastapi_reads_it_as_json(client: TestClient) -> None:
    response = client.post("/api/v1/events", content=f'{{"question": "{SURROGATE}"}}')
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "question"]


@pytest.mark.parametrize(
    "number",
    [str(MAX_INTEGER + 1), str(-MAX_INTEGER - 1), "1" + "0" * 30, "9" * 5000],
    ids=["2**63", "-2**63", "10**30", "5000 digits"],
)
def test_an_integer_beyond_64_bits_in_the_body_is_a_422(client: TestClient, number: str) -> None:
    body = json.dumps({"kind": "ticket_opened", "conversation": "c", "ticket_number": 1})
    response = post_json_text(
        client, "/api/v1/events", body.replace('"ticket_number": 1', f'"ticket_number": {number}')
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "ticket_number"]
    assert "2**63-1" in error["msg"] and error["type"] == "int_out_of_range"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_number_json_does_not_have_is_a_422(client: TestClient, number: str) -> None:
    body = json.dumps(question_event(articles=[{"article_id": "a", "score": 0}])).replace(
        '"score": 0', f'"score": {number}'
    )
    response = post_json_text(client, "/api/v1/events", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "articles", 0, "score"]


def test_json_that_does_not_parse_is_still_answered_by_fastapi(client: TestClient) -> None:
    response = post_json_text(client, "/api/v1/events", '{"kind": ')
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "json_invalid"


# --- URLs ---


def test_a_huge_ticket_number_in_the_path_is_a_422(client: TestClient, admin_key: str) -> None:
    response = client.get("/api/v1/tickets/99999999999999999999", headers={"X-API-Key": admin_key})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "number"]


def test_a_lone_surrogate_in_a_query_value_is_a_422(client: TestClient) -> None:
    response = client.get(f"/api/v1/search?q={SURROGATE_IN_URL}")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "q"] and error["type"] == "string_unicode"


def test_invalid_utf8_in_a_path_segment_is_a_422(client: TestClient) -> None:
    response = client.get(f"/api/v1/articles/{SURROGATE_IN_URL}")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["path"]


# --- Everything else is untouched ---


def test_normal_requests_reach_their_routes(client: TestClient, bot_key: str) -> None:
    search = client.get("/api/v1/search", params={"q": "horário de atendimento", "k": 2})
    assert search.status_code == 200 and search.json()["results"]
    encoded = client.get("/api/v1/search?q=hor%C3%A1rio+de+atendimento")
    assert encoded.status_code == 200 and encoded.json()["query"] == "horário de atendimento"
    assert client.get("/api/v1/articles/es-soporte-contacto-telefonos").status_code == 200


def test_a_json_body_with_emoji_and_accents_is_accepted(client: TestClient, bot_key: str) -> None:
    body = json.dumps(question_event(question="prazo do chamado? 😀 ção"))
    assert "\\ud83d\\ude00" in body  # the emoji as a pair of escapes: only half a pair is refused
    response = post_json_text(client, "/api/v1/events", body, key=bot_key)
    assert response.status_code == 201, response.text


def test_the_body_reaches_the_route_byte_for_byte() -> None:
    client = TestClient(echo_app(10_000))
    for body, content_type in (
        (json.dumps({"a": [1, -MAX_INTEGER, MAX_INTEGER, 1.5, "ção 😀", None]}).encode(), "application/json"),
        (b"\xff\xfe not json, not text", "application/octet-stream"),
        ("name=ação".encode(), "application/x-www-form-urlencoded"),
    ):
        response = client.post("/echo", content=body, headers={"Content-Type": content_type})
        assert response.status_code == 200 and response.content == body
