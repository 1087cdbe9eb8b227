"""`python -m api keys create` issues keys that work and are stored only as hashes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from api.__main__ import main
from api.auth import ApiKey, find_principal
from api.db import make_engine, session_factory
from core.settings import get_settings


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_a_created_key_is_printed_once_and_stored_hashed(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "create", "acme-portal", "--company", "ACME"]) == 0
    key = capsys.readouterr().out.strip()
    with session_factory(make_engine(database))() as session:
        stored = session.scalars(select(ApiKey)).one()
        principal = find_principal(session, key)
    assert key.startswith("sk_") and key not in stored.key_hash
    assert principal is not None and principal.company_code == "ACME" and not principal.is_admin


def test_a_second_key_with_the_same_name_needs_replace(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "create", "bot"]) == 0
    first = capsys.readouterr().out.strip()
    assert main(["keys", "create", "bot"]) == 2
    assert "--replace" in capsys.readouterr().err
    assert main(["keys", "create", "bot", "--replace"]) == 0
    with session_factory(make_engine(database))() as session:
        assert find_principal(session, first) is None
