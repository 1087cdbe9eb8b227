"""Administration commands.

Usage::

    python -m api keys create NAME [--company CODE] [--admin] [--replace] [--write FILE]
    python -m api keys rotate NAME [--write FILE]
    python -m api keys revoke NAME
    python -m api keys list

``create`` prints the new key once (only its hash is stored). Without --company and --admin the key
is a service key (the bot, a channel): it acts for the company named in each request. ``--replace``
issues a new key for an existing name on the same row, so its tickets keep their creator; the kind
must match, and a revoked key becomes active again. ``rotate`` does the same for an active key only.
``--write FILE`` saves the key to FILE (mode 0600) instead of printing it. ``revoke`` stops a key
working but keeps its row. ``list`` shows names, kinds and dates, never keys or hashes. Errors exit
with status 2.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from api.auth import create_key, key_kind, list_keys, new_key, revoke_key, rotate_key
from api.db import make_engine, migrate, session_factory
from core.settings import get_settings


class CliError(Exception):
    """A failure to report in one line (exit status 2), like the ValueErrors of ``api.auth``."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m api", description="Administration commands.")
    groups = parser.add_subparsers(dest="group", required=True)
    keys = groups.add_parser("keys", help="API keys").add_subparsers(dest="command", required=True)
    write_help = "save the key to FILE with mode 0600 instead of printing it"
    create = keys.add_parser("create", help="create a key and print it once")
    create.add_argument("name")
    create.add_argument("--company", help="the key sees only this company's tickets")
    create.add_argument("--admin", action="store_true", help="support staff: every ticket and transition")
    create.add_argument(
        "--replace",
        action="store_true",
        help="replace an existing key with this name (same kind; its tickets keep their creator)",
    )
    create.add_argument("--write", type=Path, metavar="FILE", help=write_help)
    rotate = keys.add_parser("rotate", help="give an active key a new secret; the old one stops working")
    rotate.add_argument("name")
    rotate.add_argument("--write", type=Path, metavar="FILE", help=write_help)
    revoke = keys.add_parser("revoke", help="stop a key working; its row and tickets stay")
    revoke.add_argument("name")
    keys.add_parser("list", help="names, kinds and dates of all keys (never the keys)")
    return parser


def _stamp(moment: datetime | None) -> str:
    return "active" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _list(session: Session) -> int:
    """Columns padded to the widest entry so they line up; the keys and hashes are never shown."""
    rows = [("NAME", "KIND", "CREATED_AT", "REVOKED_AT")]
    rows += [
        (row.name, key_kind(row.company_code, row.is_admin), _stamp(row.created_at), _stamp(row.revoked_at))
        for row in list_keys(session)
    ]
    if len(rows) == 1:
        print("no API keys yet; make one with `python -m api keys create NAME`", file=sys.stderr)
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        padded = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
        print("  ".join([*padded, row[3]]))
    return 0


def _private_temp_file(path: Path, key: str) -> Path:
    """Write the key beside ``path`` in a file created 0600, so it is never readable by others."""
    if path.is_dir():
        raise CliError(f"{path} is a directory; give --write a file name; no key was changed")
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}; no key was changed") from exc
    try:
        with os.fdopen(fd, "w") as file:
            file.write(key + "\n")
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _issue(name: str, write: Path | None, store: Callable[[str], object]) -> int:
    """Store a new key and hand it over once; with a file, it is written before it is stored.

    Writing first means a full disk or a bad path leaves the old key working instead of storing a new
    key nobody has.
    """
    key = new_key()
    if write is None:
        store(key)
        print(key)
        return 0
    temp = _private_temp_file(write, key)
    try:
        store(key)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    try:
        os.replace(temp, write)
    except OSError as exc:
        raise CliError(
            f"the new key for {name!r} is stored (the old one no longer works) but {temp} could not be "
            f"renamed to {write}: {exc.strerror}; move it there by hand"
        ) from exc
    print(f"key {name!r} written to {write} (mode 0600)")
    return 0


def _run(session: Session, args: argparse.Namespace) -> int:
    if args.command == "list":
        return _list(session)
    if args.command == "revoke":
        revoke_key(session, args.name)
        print(f"revoked {args.name!r}: it no longer works; its tickets keep it as their creator")
        return 0
    if args.command == "rotate":
        return _issue(args.name, args.write, lambda key: rotate_key(session, args.name, key=key))
    return _issue(
        args.name,
        args.write,
        lambda key: create_key(session, args.name, args.company, args.admin, args.replace, key=key),
    )


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "create" and args.admin and args.company:
        parser.error("a key is either --admin or for one --company, not both")
    settings = get_settings()
    migrate(settings.database_url)
    factory = session_factory(make_engine(settings.database_url))
    with factory() as session:
        try:
            return _run(session, args)
        except (ValueError, CliError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
