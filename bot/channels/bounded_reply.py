"""A reply within seconds, whatever hangs behind the channel.

A customer's message is handed to Rasa and waited for at most ``CHANNEL_REPLY_SECONDS``; when the
bot (an action server or API that hangs) takes longer, the channel answers itself that the system is
slow while the message goes on being handled in the background, so nothing is lost. A message whose
secrets could not be masked is not handed on at all: it would be stored as typed.
"""

from __future__ import annotations

import asyncio
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Dict, Optional

import yaml

from shared.languages import language_code

log = logging.getLogger(__name__)

REPLY_SECONDS = float(os.environ.get("CHANNEL_REPLY_SECONDS", "10"))
WORDING_PATH = Path(__file__).with_name("bounded_reply.yml")


@lru_cache(maxsize=1)
def _wording() -> Dict[str, Dict[str, str]]:
    data: Dict[str, Dict[str, str]] = yaml.safe_load(WORDING_PATH.read_text(encoding="utf-8"))
    return data


def channel_text(key: str, language: Optional[str]) -> str:
    """The channel's own words (a key of ``bounded_reply.yml``) in a bot language code."""
    return _wording()[key][language_code(language)]


async def finished_within(handling: Awaitable[Any], seconds: Optional[float] = None) -> bool:
    """Wait for ``handling`` up to ``seconds``; past that it goes on in the background.

    Returns whether it finished in time.
    """
    task = asyncio.ensure_future(handling)
    try:
        await asyncio.wait_for(asyncio.shield(task), REPLY_SECONDS if seconds is None else seconds)
    except asyncio.TimeoutError:
        task.add_done_callback(_log_late_failure)
        return False
    return True


def _log_late_failure(task: "asyncio.Future[Any]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("a message handled in the background failed", exc_info=task.exception())


async def conversation_language(app: Any, sender_id: str) -> Optional[str]:
    """The language the conversation was in, from Rasa's tracker store (None when unknown)."""
    try:
        tracker = await app.ctx.agent.tracker_store.retrieve(sender_id)
    except Exception:  # the store is the one thing we must not fail on while saying we are slow
        log.warning("could not read the conversation's language for %s", sender_id)
        return None
    value = tracker.get_slot("language") if tracker is not None else None
    return str(value) if value else None
