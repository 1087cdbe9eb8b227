"""Operations: Prometheus metrics at /metrics, request ids carried through responses and log lines."""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any, cast

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.auth import create_key
from api.main import create_app
from api.observability import install_observability
from core.logs import JsonFormatter, RequestIdFilter
from core.settings import Settings
from tests.support.tickets import ticket_body

GENERATED_ID = re.compile(r"[0-9a-f]{32}")


def sample(client: TestClient, name: str, **labels: str) -> float:
    """The value of one sample on /metrics, 0 when it is not there yet."""
    response = client.get("/metrics")
    assert response.status_code == 200
    for family in text_string_to_metric_families(response.text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0


class JsonLines(logging.Handler):
    """Keeps the JSON lines the API would write, through its formatter and request-id filter."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestIdFilter())
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines() -> Iterator[JsonLines]:
    handler = JsonLines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="module")
def bot_key(client: TestClient) -> str:
    app = cast(FastAPI, client.app)
    with app.state.session_factory() as session:
        return create_key(session, f"observability-bot-{uuid.uuid4().hex[:8]}")


def small_app() -> FastAPI:
    """An app with the observability installed and routes that log and fail, beside the real one."""
    app = FastAPI()
    install_observability(app)
    log = logging.getLogger("api.test")

    @app.get("/hello")
    def hello() -> dict[str, str]:
        log.info("inside the handler")
        return {"hello": "world"}

    @app.get("/boom/{n}")
    def boom(n: int) -> None:
        raise RuntimeError("boom")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error")
        return JSONResponse({"detail": "internal error"}, status_code=500)

    return app


def test_metrics_are_prometheus_text_labelled_by_route_template(client: TestClient) -> None:
    assert client.get("/api/v1/articles/es-soporte-contacto-telefonos").status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "http_request_duration_seconds_bucket" in response.text
    assert 'route="/api/v1/articles/{article_id}"' in response.text
    assert "es-soporte-contacto-telefonos" not in response.text
    assert sample(client, "http_requests_total", route="/api/v1/articles/{article_id}", status="200") >= 1


def test_metrics_need_no_api_key_and_stay_out_of_the_openapi_schema(client: TestClient) -> None:
    assert client.get("/metrics", headers={"X-API-Key": ""}).status_code == 200
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_a_search_is_timed(client: TestClient) -> None:
    before = sample(client, "search_duration_seconds_count")
    assert client.get("/api/v1/search", params={"q": "horario de atención"}).status_code == 200
    assert sample(client, "search_duration_seconds_count") == before + 1


def test_a_created_ticket_is_counted_by_channel_but_not_its_replay(client: TestClient, bot_key: str) -> None:
    before = sample(client, "tickets_created_total", channel="whatsapp")
    headers = {"X-API-Key": bot_key, "Idempotency-Key": uuid.uuid4().hex}
    for _ in range(2):
        response = client.post("/api/v1/tickets", json=ticket_body(channel="whatsapp"), headers=headers)
        assert response.status_code == 201, response.text
    assert response.headers.get("Idempotent-Replayed") == "true"
    assert sample(client, "tickets_created_total", channel="whatsapp") == before + 1


def test_a_404_is_not_a_server_error(client: TestClient) -> None:
    route = "/api/v1/articles/{article_id}"
    before = sample(client, "http_requests_total", route=route, status="404")
    assert client.get("/api/v1/articles/no-such-article").status_code == 404
    assert sample(client, "http_requests_total", route=route, status="404") == before + 1
    assert sample(client, "http_errors_total", route=route) == 0
    assert client.get("/no/such/page").status_code == 404
    assert sample(client, "http_requests_total", route="unmatched", status="404") >= 1


def test_a_500_is_a_server_error_and_its_log_line_carries_the_request_id(log_lines: JsonLines) -> None:
    client = TestClient(small_app(), raise_server_exceptions=False)
    response = client.get("/boom/7", headers={"X-Request-ID": "bot-boom-1"})
    assert response.status_code == 500
    assert sample(client, "http_errors_total", route="/boom/{n}", status="500") == 1
    assert sample(client, "http_requests_total", method="GET", route="/boom/{n}", status="500") == 1
    [error] = [line for line in log_lines.lines if line["message"] == "unhandled error"]
    assert error["request_id"] == "bot-boom-1"


def test_each_app_has_its_own_registry() -> None:
    first, second = TestClient(small_app()), TestClient(small_app())
    first.get("/hello")
    assert sample(first, "http_requests_total", route="/hello") == 1
    assert sample(second, "http_requests_total", route="/hello") == 0


@pytest.mark.parametrize("sent", ["bot-1a2b3c4d5e6f", "x" * 64, "rasa:turn.7_b-2"])
def test_the_callers_request_id_is_echoed(client: TestClient, sent: str) -> None:
    assert client.get("/health", headers={"X-Request-ID": sent}).headers["X-Request-ID"] == sent


@pytest.mark.parametrize("sent", ["x" * 65, "has spaces", "", "tab\tbed", "café", "<script>"])
def test_an_unsafe_request_id_is_replaced_by_a_generated_one(client: TestClient, sent: str) -> None:
    response = client.get("/health", headers={b"X-Request-ID": sent.encode()})
    assert GENERATED_ID.fullmatch(response.headers["X-Request-ID"])


def test_without_a_request_id_one_is_generated_per_request(client: TestClient) -> None:
    first, second = (client.get("/health").headers["X-Request-ID"] for _ in range(2))
    assert GENERATED_ID.fullmatch(first) and GENERATED_ID.fullmatch(second) and first != second


def test_log_lines_written_during_a_request_carry_its_id(log_lines: JsonLines) -> None:
    client = TestClient(small_app())
    client.get("/hello", headers={"X-Request-ID": "turn-42"})
    [inside] = [line for line in log_lines.lines if line["message"] == "inside the handler"]
    assert inside["request_id"] == "turn-42"
    logging.getLogger("api.test").info("outside any request")
    [outside] = [line for line in log_lines.lines if line["message"] == "outside any request"]
    assert "request_id" not in outside


def test_each_request_writes_one_structured_access_line(client: TestClient, log_lines: JsonLines) -> None:
    client.get("/api/v1/articles/no-such-article", headers={"X-Request-ID": "bot-access-1"})
    [access] = [line for line in log_lines.lines if line["logger"] == "api.access"]
    assert access["message"] == "request"
    assert access["method"] == "GET"
    assert access["route"] == "/api/v1/articles/{article_id}"
    assert access["status"] == 404
    assert access["request_id"] == "bot-access-1"
    assert isinstance(access["duration_ms"], int | float)


def test_the_api_logging_adds_the_request_id(client: TestClient) -> None:
    # The app's start-up configured logging; its handler carries the filter.
    filters = [f for handler in logging.getLogger().handlers for f in handler.filters]
    assert any(isinstance(f, RequestIdFilter) for f in filters)


def test_the_500_answer_of_the_real_app_quotes_the_request_id(api_settings: Settings) -> None:
    app = create_app(api_settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/boom", headers={"X-Request-ID": "bot-turn-42"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "bot-turn-42"
    assert "Traceback" not in response.text
