"""FastAPI application: ``uvicorn api.main:app`` (the index is loaded, or built, at start-up)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.logs import configure_logging
from api.routers import articles, chat_page, health, search
from api.settings import Settings, get_settings
from knowledge.markdown import load_folder
from search.embeddings import SentenceTransformerEmbedder
from search.loader import load_or_build

log = logging.getLogger("api")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level)
        embedder = SentenceTransformerEmbedder(settings.embedding_model)
        app.state.engine = load_or_build(load_folder(settings.knowledge_dir), embedder, settings.index_dir)
        log.info("api ready", extra={"port": settings.api_port})
        yield

    app = FastAPI(
        title="ERP Support Assistant API",
        version="0.1.0",
        description="Knowledge-base search and articles for the support assistant.",
        lifespan=lifespan,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origin_regex=settings.cors_origin_regex,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    for router in (health.router, search.router, articles.router, chat_page.router):
        app.include_router(router)
    return app


app = create_app()
