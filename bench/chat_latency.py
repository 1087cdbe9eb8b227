"""Bot turn latency over Rasa's REST channel: ``python -m bench.chat_latency`` (part of ``make bench``).

Starts the whole stack (API, action server, Rasa server) on the built index, then times each turn
of scripted conversations: knowledge answers in three languages (a custom action calling
/api/v1/search) and plain responses (greetings, no action server) as the baseline.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from core.settings import get_settings
from tests.support.live_stack import LiveStack

ROUNDS = 10
KNOWLEDGE = [
    "¿Cuál es el teléfono de soporte en Argentina?",
    "Quanto tempo tenho para responder um chamado pendente?",
    "What is the official e-mail of Protheus support?",
    "como aplicar um patch no RPO do Protheus",
]
PLAIN = ["oi", "hola", "hello", "obrigado"]


def timed(stack: LiveStack, sender: str, message: str) -> float:
    started = time.perf_counter()
    stack.say(sender, message)
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "turns": len(ordered),
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
    }


def main() -> int:
    index_dir = get_settings().index_dir
    with LiveStack(index_dir, Path(tempfile.mkdtemp(prefix="bench-chat-"))) as stack:
        knowledge = [timed(stack, f"k{r}-{i}", q) for r in range(ROUNDS) for i, q in enumerate(KNOWLEDGE)]
        plain = [timed(stack, f"p{r}-{i}", q) for r in range(ROUNDS) for i, q in enumerate(PLAIN)]
    answers, baseline = summary(knowledge), summary(plain)
    result = {
        "knowledge_answer": answers,
        "plain_response_baseline": baseline,
        "knowledge_vs_baseline_median_ratio": round(answers["median_ms"] / baseline["median_ms"], 2),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
