"""The real API application for tests, on its own database, started as uvicorn would start it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth import create_key
from api.clock import Clock
from api.main import create_app
from core.settings import ROOT, Settings


@contextmanager
def running_api(
    database_url: str, index_dir: Path, clock: Clock | None = None, **settings: Any
) -> Iterator[FastAPI]:
    """The API with its lifespan run (migrations, index), background jobs off unless asked for."""
    options: dict[str, Any] = {"jobs_interval_seconds": 0, "index_watch_seconds": 0, **settings}
    # Chat files go to a folder of the test run, never to the repository's var/files.
    options.setdefault("files_dir", Path(tempfile.mkdtemp(prefix="chat-files-")))
    config = Settings(
        database_url=database_url,
        index_dir=index_dir,
        knowledge_dir=ROOT / "knowledge" / "articles",
        **options,
    )
    application = create_app(config, clock=clock)
    with TestClient(application):
        yield application


def keys_of_each_kind(app: FastAPI) -> dict[str, str]:
    """A key of each kind: support staff ("admin"), the bot ("bot"), two companies' portals."""
    with app.state.session_factory() as session:
        return {
            "admin": create_key(session, "support-agent", admin=True),
            "bot": create_key(session, "bot"),
            "acme": create_key(session, "acme-portal", company_code="ACME"),
            "other": create_key(session, "other-portal", company_code="OTHER"),
        }
