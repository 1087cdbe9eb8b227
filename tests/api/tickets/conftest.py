"""The ticket API on a real database (SQLite and PostgreSQL), a clock tests move, and keys of each kind."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.clock import ManualClock
from tests.support.api_app import keys_of_each_kind, running_api
from tests.support.postgres import find_bin_dir, postgres_server

# Monday 2 March 2026, 15:00 UTC = 09:00 in Mexico City, 12:00 in São Paulo.
MONDAY = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'tickets.db'}"
        return
    if find_bin_dir() is None:
        pytest.skip("PostgreSQL is not installed here, so the ticket suite ran on SQLite only; "
                    "`make test` installs it with apt-get where it can")  # fmt: skip
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(MONDAY)


@pytest.fixture(scope="module")
def app(database_url: str, index_dir: Path, clock: ManualClock) -> Iterator[FastAPI]:
    with running_api(database_url, index_dir, clock) as application:
        yield application


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture(scope="module")
def keys(app: FastAPI) -> dict[str, str]:
    return keys_of_each_kind(app)


@pytest.fixture(autouse=True)
def monday(clock: ManualClock) -> None:
    clock.set(MONDAY)
