"""Customer messages per ticket: ``python -m bench.dialog_turns``.

Runs every simulated conversation (tests/e2e/simulator/conversations.yaml) against a LiveStack on
the built index and prints, per language and overall, the customer messages per created ticket
(mean, p95; deliberate detours of the script left out) for plain and rich openings, and the
first-try completion rate: once as anonymous visitors, once as customers signed in to the portal
(the widget's portal token: no name, e-mail or company questions). Prints numbers only.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from core.settings import get_settings
from tests.e2e.simulator import ConversationResult, load_conversations, run_all
from tests.e2e.simulator.metrics import first_try_rate, ticket_turns
from tests.support.live_stack import LiveStack


def line(label: str, results: list[ConversationResult]) -> str:
    plain, rich = ticket_turns(results, "plain"), ticket_turns(results, "rich")
    created = sum(r.outcome == "created" for r in results)
    return (
        f"{label:<8} conversations={len(results):>3} tickets={created:>3}  plain: {plain}  rich: {rich}  "
        f"first-try={first_try_rate(results):.1%}  passed={sum(not r.problems for r in results)}"
    )


def main() -> int:
    conversations = load_conversations()
    with LiveStack(get_settings().index_dir, Path(tempfile.mkdtemp(prefix="bench-dialog-"))) as stack:
        runs = {"anonymous": run_all(stack, conversations), "signed in": run_all(stack, conversations, True)}
    for visitor, results in runs.items():
        print(f"-- {visitor}")
        for language in ("pt-BR", "es", "en"):
            print(line(language, [r for r in results if r.conversation.persona.language == language]))
        print(line("overall", results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
