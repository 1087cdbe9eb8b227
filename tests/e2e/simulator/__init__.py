"""A simulated customer that reads each bot message and answers from a persona, then judges the dialog.

Usage::

    from tests.e2e.simulator import load_conversations, run_all

    results = run_all(stack, load_conversations())
"""

from __future__ import annotations

from tests.e2e.simulator.driver import run_conversation
from tests.e2e.simulator.personas import Conversation, Persona, load_conversations
from tests.e2e.simulator.results import ConversationResult
from tests.e2e.simulator.runner import run_all

__all__ = [
    "Conversation",
    "ConversationResult",
    "Persona",
    "load_conversations",
    "run_all",
    "run_conversation",
]
