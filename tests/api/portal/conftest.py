"""The portal's ticket form on the real API: a database, a clock tests move, a portal that signs tokens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.clock import ManualClock
from tests.api.portal.form_client import IDENTITY_SECRET, NOW, PORTAL_SECRET
from tests.support.api_app import keys_of_each_kind, running_api


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('portal') / 'support.db'}"


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture(scope="module")
def app(database_url: str, index_dir: Path, clock: ManualClock) -> Iterator[FastAPI]:
    # No limit per address: every request of a test module comes from the same test client.
    with running_api(
        database_url, index_dir, clock, portal_token_secret=PORTAL_SECRET, identity_secret=IDENTITY_SECRET,
        client_rate_limit_per_minute=0,
    ) as application:  # fmt: skip
        yield application


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture(scope="module")
def keys(app: FastAPI) -> dict[str, str]:
    return keys_of_each_kind(app)


@pytest.fixture(autouse=True)
def monday(clock: ManualClock) -> None:
    clock.set(NOW)
