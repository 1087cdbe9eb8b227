"""Suggestions while typing, over HTTP: ``python -m bench.suggest_latency`` (part of ``make bench``).

Starts the real API (uvicorn, the built index in INDEX_DIR, a fresh database), warms it up as a
server that has been running is (the evaluation questions of ``tests/evalset/queries.jsonl`` searched
once, so the passages' line vectors are made), then replays 40 other real support questions
(``tests/evalset/answers.jsonl``: pt-BR, es and en) as a customer types them into the portal's ticket
form: a request every 2 or 3 words, one form session per question, over one keep-alive connection.
Prints p50 / p95 / max of

- ``cold``: the first time each text is asked (a search each);
- ``repeat``: the same texts again (answered from the cache, as when a customer deletes back);
- ``search_baseline``: the plain ``GET /api/v1/search`` on the same texts in the same run (for each
  text the two are timed in alternating order, so neither gains from the other's work);

and their ratios. The typing budget is a p95 of at most 50 ms; nothing here fails on timings.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.api_process import ApiDidNotStart, api_process
from tests.support.live_stack import free_port

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "evalset" / "answers.jsonl"
WARM_UP = ROOT / "tests" / "evalset" / "queries.jsonl"
PER_LANGUAGE = {"pt-BR": 14, "es": 13, "en": 13}
BUDGET_P95_MS = 50.0
STARTUP_SECONDS = 180


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def questions() -> list[tuple[str, str]]:
    """(text, language) of questions spread evenly over each language's share of the answer set."""
    rows = _rows(QUESTIONS)
    chosen = []
    for language, count in PER_LANGUAGE.items():
        of_language = [row for row in rows if row["lang"] == language]
        step = len(of_language) / count
        chosen += [(of_language[int(i * step)]["text"], language) for i in range(count)]
    return chosen


def typed_prefixes(text: str) -> list[str]:
    """What the form sends while the text is typed: after 3 words, then every 2 or 3 more, and the whole."""
    words = text.split()
    cuts, at, step = [], 3, 2
    while at < len(words):
        cuts.append(at)
        at, step = at + step, 5 - step
    return [" ".join(words[:cut]) for cut in cuts] + [text]


def timed(client: httpx.Client, path: str, params: dict[str, Any]) -> float:
    started = time.perf_counter()
    response = client.get(path, params=params)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "requests": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[round(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def measure(base: str) -> dict[str, Any]:
    cold: list[float] = []
    repeat: list[float] = []
    baseline: list[float] = []
    typed: list[tuple[str, str, str]] = []  # (text, language, session)
    with httpx.Client(base_url=base, timeout=30) as client:
        for row in _rows(WARM_UP):
            timed(client, "/api/v1/search", {"q": row["text"], "k": 3})
        for text, language in questions():
            session = client.post("/api/v1/portal/sessions", json={"language": language}).json()["session"]
            typed += [(prefix, language, session) for prefix in typed_prefixes(text)]
        suggest = "/api/v1/portal/suggestions"
        for number, (text, language, session) in enumerate(typed):
            query = {"q": text, "language": language, "session": session}
            if number % 2:
                baseline.append(timed(client, "/api/v1/search", {"q": text, "k": 3}))
                cold.append(timed(client, suggest, query))
            else:
                cold.append(timed(client, suggest, query))
                baseline.append(timed(client, "/api/v1/search", {"q": text, "k": 3}))
        for text, language, session in typed:
            query = {"q": text, "language": language, "session": session}
            repeat.append(timed(client, suggest, query))
    result: dict[str, Any] = {
        "questions": sum(PER_LANGUAGE.values()),
        "cold": stats(cold),
        "repeat": stats(repeat),
        "search_baseline": stats(baseline),
    }
    for name in ("cold", "repeat"):
        result[f"{name}_vs_search_p95_ratio"] = round(
            result[name]["p95_ms"] / result["search_baseline"]["p95_ms"], 2
        )
    result["budget_p95_ms"] = BUDGET_P95_MS
    return result


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="bench-suggest-"))
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "FILES_DIR": str(workdir / "files"), "JOBS_INTERVAL_SECONDS": "0", "INDEX_WATCH_SECONDS": "0",
        "CLIENT_RATE_LIMIT_PER_MINUTE": "0", "LOG_LEVEL": "WARNING", "HF_HUB_OFFLINE": "1",
    }  # fmt: skip
    try:
        with api_process(port, env, workdir, STARTUP_SECONDS) as base:
            results = measure(base)
    except ApiDidNotStart as exc:
        print(exc, file=sys.stderr)
        return 1
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
