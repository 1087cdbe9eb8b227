"""Detours in a conversation, first-try completion, and aggregates (turns per ticket, rates)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from tests.e2e.simulator.results import ConversationResult, Turn

CANCEL_PLAYS = ("cancel_resume", "cancel_restart", "give_up")
NOT_QUESTIONS = ("change_mind", "correction", "handoff_midform", *CANCEL_PLAYS)


def turn_detours(turn: Turn) -> list[str]:
    """What went wrong in the bot's reply to one customer message (deliberate moves excused)."""
    reading, said = turn.reading, repr(turn.sent[:60])
    found: list[str] = []
    if reading.silent:
        found.append(f"silence after {said}")
    if reading.has("not_understood"):
        found.append(f"didn't understand {said}")
    if reading.has("explanation") and not turn.deliberate:
        found.append(f"explained a field nobody asked about after {said}")
    if turn.deliberate is None and turn.answered:
        again = [f for f in turn.answered if f in reading.asked]
        if again:
            found.append(f"re-asked {again} after the answer {said}")
    if reading.has("kb_answer", "kb_not_found") and (turn.answered or turn.deliberate in NOT_QUESTIONS):
        found.append(f"took {said} as a knowledge question")
    if reading.has("cancel_confirm") and turn.deliberate == "cancel_answer":
        found.append(f"asked to confirm the cancel again after {said}")
    elif reading.has("cancel_confirm") and turn.deliberate not in CANCEL_PLAYS:
        found.append(f"asked to confirm a cancel nobody asked for after {said}")
    if turn.deliberate in CANCEL_PLAYS and not reading.has("cancel_confirm", "cancelled", "created"):
        found.append(f"went on as if {said} had not been said")
    if turn.deliberate in ("kb_question", "handoff_midform", "correction") and not (
        reading.asked or reading.has("summary", "solved_question")
    ):
        found.append(f"the ticket dialog did not resume after {said}")
    return found


def detours(result: ConversationResult) -> list[str]:
    found = [f"turn {n}: {d}" for n, turn in enumerate(result.turns, 1) for d in turn_detours(turn)]
    if result.outcome in ("stuck", "limit"):
        found.append(f"never ends: {result.outcome} after {result.messages} messages")
    return found


def first_try(result: ConversationResult) -> bool:
    return result.reached_expected and not result.detours


def net_messages(result: ConversationResult) -> int:
    """Customer messages to the ticket, without the ones the script spent on deliberate detours."""
    return result.messages - result.deliberate_messages


@dataclass(frozen=True)
class Stats:
    count: int
    mean: float
    p95: float

    def __str__(self) -> str:
        return f"n={self.count} mean={self.mean:.1f} p95={self.p95:.1f}" if self.count else "n=0"


def stats(values: Iterable[int]) -> Stats:
    ordered = sorted(values)
    if not ordered:
        return Stats(0, 0.0, 0.0)
    return Stats(len(ordered), statistics.fmean(ordered), float(ordered[round(0.95 * (len(ordered) - 1))]))


def ticket_turns(results: Iterable[ConversationResult], opening: str) -> Stats:
    """Net customer messages per created ticket, for one kind of opening (restarts left out)."""
    return stats(
        net_messages(r)
        for r in results
        if r.outcome == "created"
        and r.conversation.opening == opening
        and not r.conversation.has("cancel_restart")
    )


def first_try_rate(results: Iterable[ConversationResult]) -> float:
    items = list(results)
    return sum(first_try(r) for r in items) / len(items) if items else 0.0
