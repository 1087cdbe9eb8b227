"""How `make run` starts the services: on the loopback interface, with browser origins matched whole."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.settings import ROOT, Settings

PROCFILE = {
    name: command.strip()
    for name, command in (line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line)
}


def make_default(variable: str) -> str:
    """The value `make` gives a variable when the environment does not set it."""
    listing = subprocess.run(
        ["make", "-s", "-f", "-", "show"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        input=f"include Makefile\nshow:\n\t@printf '%s' \"$${variable}\"\n",
        env={"PATH": "/usr/bin:/bin"},
    )
    return listing.stdout


@pytest.mark.parametrize("variable", ["API_HOST", "ACTIONS_HOST", "RASA_HOST"])
def test_every_service_listens_on_the_loopback_interface_by_default(variable: str) -> None:
    assert make_default(variable) == "127.0.0.1"


def test_the_procfile_passes_each_host_to_its_service() -> None:
    assert "--host $API_HOST" in PROCFILE["api"]
    assert "SANIC_HOST=$ACTIONS_HOST" in PROCFILE["actions"]  # rasa_sdk reads the interface from SANIC_HOST
    assert "-i $RASA_HOST" in PROCFILE["rasa"]
    assert '--cors "$RASA_CORS"' in PROCFILE["rasa"]


@pytest.fixture(scope="module")
def api(api_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings)) as client:
        yield client


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://localhost:8000", True),
        ("https://127.0.0.1", True),
        ("http://localhost.evil.example", False),
        ("http://localhost:8000.evil.example", False),
        ("http://evil.example/?http://localhost", False),
    ],
)
def test_browser_origins_are_matched_whole(origin: str, allowed: bool, api: TestClient) -> None:
    # Sanic-CORS matches Rasa's pattern with re.match, so the pattern itself must be anchored at the end.
    assert bool(re.match(make_default("RASA_CORS"), origin)) is allowed
    answer = api.get("/health", headers={"Origin": origin})
    assert (answer.headers.get("access-control-allow-origin") == origin) is allowed
