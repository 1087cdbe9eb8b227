"""What a simulated conversation leaves behind: each customer message, the bot's turn read, the outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.e2e.simulator.personas import Conversation
from tests.e2e.simulator.recognise import Reading

EXPECTED_OUTCOME = {
    "ticket": "created",
    "cancelled": "cancelled",
    "handoff": "handoff",
    "out_of_scope": "out_of_scope",
}


@dataclass(frozen=True)
class Move:
    text: str
    deliberate: str | None = None  # the behaviour this message plays (not a plain answer)
    answered: tuple[str, ...] = ()


@dataclass
class Turn:
    sent: str
    reading: Reading
    deliberate: str | None = None
    answered: tuple[str, ...] = ()


@dataclass
class ConversationResult:
    conversation: Conversation
    sender: str
    turns: list[Turn] = field(default_factory=list)
    outcome: str = "ended"
    ticket_number: int | None = None
    ticket: dict[str, Any] | None = None
    new_tickets: int = 0
    problems: list[str] = field(default_factory=list)
    detours: list[str] = field(default_factory=list)

    @property
    def messages(self) -> int:
        return len(self.turns)

    @property
    def deliberate_messages(self) -> int:
        return sum(1 for turn in self.turns if turn.deliberate)

    @property
    def reached_expected(self) -> bool:
        return self.outcome == EXPECTED_OUTCOME[self.conversation.expect]

    def transcript(self) -> str:
        lines = [
            f"conversation {self.conversation.id} ({self.conversation.persona.language}), "
            f"sender {self.sender}"
        ]
        for number, turn in enumerate(self.turns, 1):
            note = f"  [{turn.deliberate}]" if turn.deliberate else ""
            lines.append(f"{number:>2} customer: {turn.sent}{note}")
            for text in turn.reading.texts:
                lines.append("   bot: " + text.replace("\n", "\n        "))
            if turn.reading.buttons:
                lines.append("   buttons: " + ", ".join(b["payload"] for b in turn.reading.buttons))
            lines.append(f"   (read: asks {list(turn.reading.asked)}, {sorted(turn.reading.signals)})")
        lines.append(f"outcome: {self.outcome}, ticket {self.ticket_number}")
        return "\n".join(lines)
