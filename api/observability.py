"""Operations: Prometheus metrics at ``/metrics``, a request id per request and one access log line each.

The request id comes from the caller's ``X-Request-ID`` (the bot sends one per API call) or is made here,
is echoed in the response and added to every log line written while the request is handled, so a failure
seen in the action server's log can be found in the API's log.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.logs import request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
# Ids are copied into logs and response headers: accept only short, plain ones from callers.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Label values must stay few: a route template, never the raw path; an unknown method is "OTHER".
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"
# The API answers in 5-500 ms; the tail buckets tell a slow request from a stuck one.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0)
SEARCH_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5)

access_log = logging.getLogger("api.access")


class ServiceMetrics:
    """The app's Prometheus metrics, on a registry of its own so that several apps can live in one process."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.request_duration = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            buckets=REQUEST_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "http_errors_total",
            "Requests answered with a server error (status >= 500), by route template and status.",
            ["route", "status"],
            registry=self.registry,
        )
        self.search_duration = Histogram(
            "search_duration_seconds",
            "Time spent in the search engine per /api/v1/search request.",
            buckets=SEARCH_BUCKETS,
            registry=self.registry,
        )
        self.tickets_created = Counter(
            "tickets_created_total",
            "Tickets created (idempotent replays excluded), by channel.",
            ["channel"],
            registry=self.registry,
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in _METHODS else "OTHER"
        self.requests.labels(method, route, str(status)).inc()
        self.request_duration.labels(method, route).observe(seconds)
        if status >= 500:
            self.errors.labels(route, str(status)).inc()

    @contextmanager
    def search_timer(self) -> Iterator[None]:
        """Times the block (a call into the search engine), failed or not."""
        start = perf_counter()
        try:
            yield
        finally:
            self.search_duration.observe(perf_counter() - start)

    def ticket_created(self, channel: str) -> None:
        self.tickets_created.labels(channel).inc()


def accepted_request_id(value: str | None) -> str | None:
    """The caller's id if it is safe to log and echo, else None (and the API makes one)."""
    if value is not None and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return None


def route_template(scope: Scope) -> str:
    """The matched route's template (``/api/v1/tickets/{number}``), prefixes of included routers included.

    FastAPI keeps an included router's routes relative to it (``scope["route"]`` says
    ``/tickets/{number}``) and puts the full, effective route of the request beside it.
    """
    effective = (scope.get("fastapi") or {}).get("effective_route_context")
    route = effective if effective is not None else scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) and template else UNMATCHED_ROUTE


class RequestObservability:
    """Pure ASGI middleware (no extra task per request, unlike ``BaseHTTPMiddleware``): request id,
    metrics and the access log line."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accepted_request_id(Headers(scope=scope).get(REQUEST_ID_HEADER)) or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        status: int | None = None
        start = perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # The app's error handler sits outside this middleware and answers 500. The id stays set (this
            # task's context ends with the request) so that the handler's log line carries it too.
            self._finish(scope, status or 500, perf_counter() - start, request_id)
            raise
        self._finish(scope, status or 500, perf_counter() - start, request_id)
        request_id_var.reset(token)

    def _finish(self, scope: Scope, status: int, seconds: float, request_id: str) -> None:
        method = str(scope["method"])
        route = route_template(scope)
        self.metrics.observe_request(method, route, status, seconds)
        access_log.info(
            "request",
            extra={
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
                "request_id": request_id,
            },
        )


async def metrics_endpoint(request: Request) -> Response:
    """Prometheus text format for scrapers.

    No API key: scrapers usually sit on the internal network; keep /metrics off the public ingress.
    """
    metrics: ServiceMetrics = request.app.state.service_metrics
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


def install_observability(app: FastAPI) -> None:
    """Adds the request-id/metrics middleware and ``GET /metrics``; routers record domain metrics through
    the ``ServiceMetricsDep`` dependency (``app.state.service_metrics``)."""
    metrics = ServiceMetrics()
    app.state.service_metrics = metrics
    app.add_middleware(RequestObservability, metrics=metrics)
    app.add_api_route("/metrics", metrics_endpoint, methods=["GET"], include_in_schema=False)
