"""Timed transitions: ``python -m api.jobs`` closes tickets whose customer deadline passed.

The API also runs this every JOBS_INTERVAL_SECONDS; running both is harmless (idempotent).
"""

from __future__ import annotations

import asyncio
import logging
import sys

from fastapi import FastAPI

from api.clock import SystemClock
from api.db import make_engine, migrate, session_factory
from api.tickets.service import Rules, expire_overdue
from core.logs import configure_logging
from core.settings import get_settings

log = logging.getLogger("api.jobs")


def expire_once(app: FastAPI) -> list[int]:
    with app.state.session_factory() as session:
        closed = expire_overdue(session, app.state.rules, app.state.clock.now())
    if closed:
        log.info("closed overdue tickets", extra={"tickets": closed})
    return closed


async def run_expiry_forever(app: FastAPI, interval_seconds: int) -> None:
    while True:
        try:
            await asyncio.to_thread(expire_once, app)
        except Exception:
            log.exception("expiry run failed; retrying at the next interval")
        await asyncio.sleep(interval_seconds)


def main() -> int:
    settings = get_settings()
    configure_logging(settings.log_level)
    migrate(settings.database_url)
    factory = session_factory(make_engine(settings.database_url))
    rules = Rules.load()
    with factory() as session:
        closed = expire_overdue(session, rules, SystemClock().now())
    print(f"closed {len(closed)} ticket(s): {closed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
