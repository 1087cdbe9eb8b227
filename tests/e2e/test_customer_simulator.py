"""The ticket dialog judged by a simulated customer: every scripted conversation, and the targets.

Each conversation runs once against the end-to-end stack (tests/e2e/conftest.py); the
per-conversation tests and the aggregate test read the results.
"""

from __future__ import annotations

import pytest

from tests.e2e.simulator import ConversationResult, load_conversations, run_all
from tests.e2e.simulator.metrics import first_try_rate, ticket_turns
from tests.support.live_stack import LiveStack

pytestmark = pytest.mark.e2e

CONVERSATIONS = load_conversations()
PLAIN_TARGET = 12
RICH_TARGET = 8
FIRST_TRY_TARGET = 0.95


@pytest.fixture(scope="module")
def results(chat: LiveStack) -> dict[str, ConversationResult]:
    return {result.conversation.id: result for result in run_all(chat, CONVERSATIONS)}


@pytest.mark.parametrize("conversation_id", [c.id for c in CONVERSATIONS])
def test_conversation_reaches_its_outcome(
    results: dict[str, ConversationResult], conversation_id: str
) -> None:
    result = results[conversation_id]
    failures = [*result.problems]
    if result.outcome in ("stuck", "limit"):
        failures.append(f"the conversation never ends ({result.outcome})")
    assert not failures, "\n".join(["", *failures, "", result.transcript()])


def test_aggregate_targets(results: dict[str, ConversationResult]) -> None:
    items = list(results.values())
    plain, rich, rate = ticket_turns(items, "plain"), ticket_turns(items, "rich"), first_try_rate(items)
    not_first = [
        f"{r.conversation.id}: {r.detours[:2] or r.outcome}"
        for r in items
        if r.detours or not r.reached_expected
    ]
    per_language = [
        f"{lang}: plain {ticket_turns(rs, 'plain')}; rich {ticket_turns(rs, 'rich')}; "
        f"first-try {first_try_rate(rs):.0%}"
        for lang in ("pt-BR", "es", "en")
        for rs in [[r for r in items if r.conversation.persona.language == lang]]
    ]
    report = "\n".join([f"plain {plain}; rich {rich}; first-try {rate:.0%}", *per_language, *not_first])
    assert plain.count and plain.mean <= PLAIN_TARGET, report
    assert rich.count and rich.mean <= RICH_TARGET, report
    assert rate >= FIRST_TRY_TARGET, report
