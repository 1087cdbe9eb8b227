"""`python -m api keys` issues, lists, rotates and revokes keys that are stored only as hashes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from api.__main__ import main
from api.auth import ApiKey, find_principal
from api.db import make_engine, session_factory
from api.tickets.models import IdempotencyRecord, Ticket
from api.tickets.schemas import TicketCreate
from api.tickets.service import Rules, create_ticket
from core.settings import get_settings
from tests.support.tickets import ticket_body


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask of 0, so a key file that followed the umask would be readable by everyone."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def issued(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run a command that prints a key and return the key."""
    assert main(["keys", *args]) == 0
    return capsys.readouterr().out.strip()


def stored(database: str, name: str) -> ApiKey:
    with session_factory(make_engine(database))() as session:
        return session.scalars(select(ApiKey).where(ApiKey.name == name)).one()


def key_id(database: str, key: str) -> int | None:
    """The id of the row the key acts as, or None when the API would refuse it."""
    with session_factory(make_engine(database))() as session:
        principal = find_principal(session, key)
    return None if principal is None else principal.key_id


def ticket_created_with(database: str, key: str) -> int:
    """A ticket made with the key and an Idempotency-Key, so both foreign keys point at its row."""
    with session_factory(make_engine(database))() as session:
        principal = find_principal(session, key)
        assert principal is not None
        ticket, _ = create_ticket(
            session, Rules.load(), principal, TicketCreate.model_validate(ticket_body()),
            datetime.now(UTC), idempotency_key="retry-1",
        )  # fmt: skip
        return ticket.number


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


def test_the_list_shows_each_kind_and_state_in_aligned_columns_and_no_secret(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = [
        issued(capsys, "create", "support-agent", "--admin"),
        issued(capsys, "create", "acme-portal", "--company", "ACME"),
        issued(capsys, "create", "bot"),
    ]
    assert main(["keys", "revoke", "acme-portal"]) == 0
    capsys.readouterr()

    assert main(["keys", "list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "KIND", "CREATED_AT", "REVOKED_AT"]
    rows = {line.split("  ")[0]: line for line in lines[1:]}
    assert list(rows) == ["acme-portal", "bot", "support-agent"]
    assert rows["support-agent"].split()[1:2] == ["admin"]
    assert rows["acme-portal"].split()[1:3] == ["company", "ACME"]
    assert rows["bot"].split()[1:2] == ["service"]
    assert rows["bot"].endswith("  active") and rows["support-agent"].endswith("  active")
    revoked_at = stored(database, "acme-portal").revoked_at
    assert revoked_at is not None and rows["acme-portal"].endswith(revoked_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    for column in ("KIND", "CREATED_AT", "REVOKED_AT"):
        start = lines[0].index(column)
        assert all(line[start - 2 : start] == "  " and line[start] != " " for line in lines[1:]), column
    hashes = [stored(database, name).key_hash for name in rows]
    assert "sk_" not in out and not any(secret in out for secret in keys + hashes)


def test_a_revoked_key_stops_working_and_its_row_and_tickets_stay(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    key = issued(capsys, "create", "bot")
    row_id = key_id(database, key)
    number = ticket_created_with(database, key)

    assert main(["keys", "revoke", "bot"]) == 0
    assert "revoked 'bot'" in capsys.readouterr().out

    assert key_id(database, key) is None
    row = stored(database, "bot")
    assert row.id == row_id and row.revoked_at is not None
    with session_factory(make_engine(database))() as session:
        assert session.get_one(Ticket, number).created_by_key == row_id


def test_rotating_a_key_that_created_tickets_keeps_its_row_and_kind_and_refuses_the_old_key(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old = issued(capsys, "create", "acme-portal", "--company", "ACME")
    row_id = key_id(database, old)
    number = ticket_created_with(database, old)

    new = issued(capsys, "rotate", "acme-portal")

    assert new.startswith("sk_") and new != old
    assert key_id(database, old) is None
    assert key_id(database, new) == row_id
    row = stored(database, "acme-portal")
    assert (row.company_code, row.is_admin, row.revoked_at) == ("ACME", False, None)
    with session_factory(make_engine(database))() as session:
        assert session.get_one(Ticket, number).created_by_key == row_id
        assert session.scalars(select(IdempotencyRecord.api_key_id)).one() == row_id


def test_replace_rotates_the_same_row_so_a_key_that_created_tickets_can_be_replaced(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old = issued(capsys, "create", "bot")
    row_id = key_id(database, old)
    ticket_created_with(database, old)

    new = issued(capsys, "create", "bot", "--replace")

    assert key_id(database, old) is None and key_id(database, new) == row_id


def test_replace_gives_a_revoked_key_a_working_one_again(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old = issued(capsys, "create", "bot")
    assert main(["keys", "revoke", "bot"]) == 0
    capsys.readouterr()

    new = issued(capsys, "create", "bot", "--replace")

    assert key_id(database, new) == stored(database, "bot").id and key_id(database, old) is None
    assert stored(database, "bot").revoked_at is None


@pytest.mark.usefixtures("open_umask")
@pytest.mark.parametrize("command", [["create", "bot", "--replace"], ["rotate", "bot"]])
def test_write_puts_the_key_in_a_file_only_its_owner_can_read_and_prints_no_secret(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    old = issued(capsys, "create", "bot")
    target = tmp_path / "secrets" / "bot-api-key"
    target.parent.mkdir()
    target.write_text("stale\n")
    target.chmod(0o644)

    assert main(["keys", *command, "--write", str(target)]) == 0

    out = capsys.readouterr().out
    key = target.read_text().strip()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert key_id(database, key) == stored(database, "bot").id and key_id(database, old) is None
    assert str(target) in out and key not in out and "sk_" not in out
    assert [path.name for path in target.parent.iterdir()] == ["bot-api-key"]


@pytest.mark.usefixtures("open_umask")
def test_write_on_a_new_key_creates_the_file_with_mode_0600(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "admin-key"

    assert main(["keys", "create", "support-agent", "--admin", "--write", str(target)]) == 0

    assert "sk_" not in capsys.readouterr().out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert key_id(database, target.read_text().strip()) == stored(database, "support-agent").id


def test_a_key_file_that_cannot_be_written_leaves_the_old_key_working(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = issued(capsys, "create", "bot")

    assert main(["keys", "rotate", "bot", "--write", str(tmp_path / "missing" / "bot-api-key")]) == 2
    assert "no key was changed" in capsys.readouterr().err
    assert main(["keys", "rotate", "bot", "--write", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err

    assert key_id(database, old) == stored(database, "bot").id


@pytest.mark.parametrize(
    ("command", "advice"),
    [
        (["revoke", "nobody"], "python -m api keys list"),
        (["rotate", "nobody"], "python -m api keys list"),
        (["revoke", "gone"], "python -m api keys create gone --replace --company ACME"),
        (["rotate", "gone"], "python -m api keys create gone --replace --company ACME"),
    ],
)
def test_unknown_or_revoked_names_exit_2_and_say_what_to_do(
    database: str, capsys: pytest.CaptureFixture[str], command: list[str], advice: str
) -> None:
    issued(capsys, "create", "gone", "--company", "ACME")
    assert main(["keys", "revoke", "gone"]) == 0
    revoked_at = stored(database, "gone").revoked_at
    capsys.readouterr()

    assert main(["keys", *command]) == 2

    captured = capsys.readouterr()
    assert captured.err.startswith("error: ") and advice in captured.err and "sk_" not in captured.out
    assert stored(database, "gone").revoked_at == revoked_at


def test_replace_keeps_the_kind_so_a_forgotten_flag_does_not_widen_a_key(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = issued(capsys, "create", "acme-portal", "--company", "ACME")
    folder = tmp_path / "keys"
    folder.mkdir()

    assert main(["keys", "create", "acme-portal", "--replace", "--write", str(folder / "acme")]) == 2

    assert "python -m api keys create acme-portal --replace --company ACME" in capsys.readouterr().err
    assert key_id(database, old) == stored(database, "acme-portal").id
    assert stored(database, "acme-portal").company_code == "ACME"
    assert list(folder.iterdir()) == []  # the key file written ahead is removed again
