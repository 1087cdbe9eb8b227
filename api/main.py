"""FastAPI application: ``uvicorn api.main:app``.

At start-up the search index is loaded (or built), the database migrated, and a background
task closes tickets whose customer deadline passed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy.orm.exc import StaleDataError

from api.auth import RateLimiter
from api.clock import Clock, SystemClock
from api.db import make_engine, migrate, session_factory
from api.files.service import FileRefused
from api.files.storage import file_store_from
from api.identity.end_users import IdentitySigner
from api.identity.portal_tokens import PortalKeys
from api.index_watch import watch_index
from api.jobs import run_expiry_forever
from api.observability import install_observability
from api.request_guards import install_request_guards
from api.routers import api_v1, health
from api.tickets.lifecycle import InvalidTransition
from api.tickets.service import Conflict, Forbidden, NotFound, Rules
from api.web import web_pages
from core.logs import configure_logging, request_id_var
from core.settings import Settings, get_settings
from pipelines.ingestion import knowledge_sources, open_index
from search.embeddings import load_embedder
from search.searcher import Searcher

log = logging.getLogger("api")


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level)
        migrate(settings.database_url)
        engine = make_engine(settings.database_url)
        app.state.session_factory = session_factory(engine)
        embedder = load_embedder(settings.embedding_model)
        app.state.index_dir = settings.index_dir
        app.state.searcher = Searcher(open_index(settings.index_dir, embedder, knowledge_sources(settings)))
        # The first question pays for lazy loading (language models, encoder graph): pay it before
        # the first customer does, whose bot gives up on the API after a few seconds.
        app.state.searcher.search("horário de atendimento do suporte", k=1)
        tasks = []
        if settings.jobs_interval_seconds > 0:
            tasks.append(asyncio.create_task(run_expiry_forever(app, settings.jobs_interval_seconds)))
        if settings.index_watch_seconds > 0:
            tasks.append(asyncio.create_task(watch_index(app, settings.index_watch_seconds)))
        log.info("api ready", extra={"port": settings.api_port})
        yield
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        engine.dispose()

    app = FastAPI(
        title="ERP Support Assistant API",
        version="0.2.0",
        description="Knowledge-base search, articles and support tickets for the support assistant.",
        lifespan=lifespan,
    )
    app.state.clock = clock or SystemClock()
    app.state.settings = settings
    app.state.rules = Rules.load()
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.end_user_limiter = RateLimiter(settings.end_user_rate_limit_per_minute)
    app.state.client_limiter = RateLimiter(settings.client_rate_limit_per_minute)
    app.state.portal_keys = PortalKeys.from_settings(settings)
    app.state.file_store = file_store_from(settings)
    if not settings.identity_secret:
        log.warning("IDENTITY_SECRET is not set: verified identities end when the API restarts")
    app.state.identity_signer = IdentitySigner(
        settings.identity_secret or secrets.token_urlsafe(32), timedelta(minutes=settings.identity_minutes)
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origin_regex=settings.cors_origin_regex,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    install_observability(app)
    install_request_guards(app, settings.max_body_bytes)

    # Business-rule errors of the ticket service, as HTTP answers that say why.
    for error, status in ((NotFound, 404), (Forbidden, 403), (Conflict, 409), (InvalidTransition, 409)):
        app.add_exception_handler(error, _answer_with(status))

    @app.exception_handler(FileRefused)
    async def file_refused(request: Request, exc: FileRefused) -> JSONResponse:
        # FastAPI's validation shape, naming the header or body and the rule broken.
        problem = {"loc": [_location_of(exc.field), exc.field], "msg": str(exc), "type": exc.rule}
        return JSONResponse({"detail": [problem]}, status_code=exc.status)

    @app.exception_handler(StaleDataError)
    async def lost_race(request: Request, exc: StaleDataError) -> JSONResponse:
        return JSONResponse(
            {"detail": "the ticket was changed by another request at the same time; reload it and try again"},
            status_code=409,
        )

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        # Never a stack trace in the body: log it under a reference the caller can quote.
        reference = uuid.uuid4().hex[:12]
        log.exception("unhandled error", extra={"reference": reference, "path": request.url.path})
        request_id = request_id_var.get()
        return JSONResponse(
            {"detail": f"Internal error; quote reference {reference} to support."},
            status_code=500,
            headers={"X-Request-ID": request_id} if request_id else None,
        )

    for router in (health.router, api_v1, web_pages):
        app.include_router(router)
    return app


def _location_of(field: str) -> str:
    """Where a refused file's field is: a header (x-…, content-type), the path (file_id) or the body."""
    if field.startswith("x-") or field == "content-type":
        return "header"
    return "path" if field == "file_id" else "body"


def _answer_with(status: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handler(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status)

    return handler


app = create_app()
