"""Administration commands.

Usage::

    python -m api keys create NAME [--company CODE] [--admin] [--replace]

prints the new key once (only its hash is stored). Without --company and --admin the key is a
service key (the bot, a channel): it acts for the company named in each request.
"""

from __future__ import annotations

import argparse
import sys

from api.auth import create_key
from api.db import make_engine, migrate, session_factory
from core.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api", description="Administration commands.")
    groups = parser.add_subparsers(dest="group", required=True)
    keys = groups.add_parser("keys", help="API keys").add_subparsers(dest="command", required=True)
    create = keys.add_parser("create", help="create a key and print it once")
    create.add_argument("name")
    create.add_argument("--company", help="the key sees only this company's tickets")
    create.add_argument("--admin", action="store_true", help="support staff: every ticket and transition")
    create.add_argument("--replace", action="store_true", help="replace an existing key with this name")
    args = parser.parse_args(argv)

    if args.admin and args.company:
        parser.error("a key is either --admin or for one --company, not both")
    settings = get_settings()
    migrate(settings.database_url)
    factory = session_factory(make_engine(settings.database_url))
    with factory() as session:
        try:
            key = create_key(session, args.name, args.company, args.admin, args.replace)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print(key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
