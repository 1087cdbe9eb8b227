"""Load and safety check of the ticket API: ``make bench`` (or ``python -m bench.tickets_load``).

Starts the real API (uvicorn) on a fresh database, then measures, in one run:
- the baseline: ``GET /health`` requests per second;
- ticket creates with distinct idempotency keys: requests per second, and that every create
  became exactly one ticket (no lost writes);
- concurrent creates that all carry the same idempotency key: exactly one ticket results.

DATABASE_URL selects the database (a temporary SQLite file by default).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.api_process import ApiDidNotStart, api_process
from tests.support.live_stack import free_port

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 16
HEALTH_REQUESTS = 600
CREATES = 300
SAME_KEY_CREATES = 100


def ticket(company: str) -> dict[str, Any]:
    return {
        "contact_name": "Bench Bot",
        "contact_email": "bench@example.com",
        "company_code": company,
        "product": "Protheus",
        "module": "Faturamento",
        "version": "12.1.2410",
        "environment": "test",
        "summary": "Carga de teste do benchmark",
        "description": "Chamado criado pelo benchmark de carga da API de chamados.",
        "impact": "medium",
        "urgency": "medium",
        "language": "pt-BR",
    }


async def run_requests(count: int, send: Any) -> tuple[float, list[httpx.Response]]:
    """Send ``count`` requests, at most CONCURRENCY at a time; return seconds taken and responses."""
    semaphore = asyncio.Semaphore(CONCURRENCY)

    async def one(index: int) -> httpx.Response:
        async with semaphore:
            response: httpx.Response = await send(index)
            return response

    started = time.perf_counter()
    responses = await asyncio.gather(*(one(i) for i in range(count)))
    return time.perf_counter() - started, list(responses)


async def measure(base: str, key: str) -> dict[str, Any]:
    headers = {"X-API-Key": key}
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        seconds, _ = await run_requests(HEALTH_REQUESTS, lambda i: client.get("/health"))
        health_rps = HEALTH_REQUESTS / seconds

        company = f"BENCH{uuid.uuid4().hex[:6]}"
        body = ticket(company)
        seconds, created = await run_requests(
            CREATES,
            lambda i: client.post(
                "/api/v1/tickets", json=body, headers={**headers, "Idempotency-Key": f"k{i}"}
            ),
        )
        create_rps = CREATES / seconds
        listed = await client.get("/api/v1/tickets", params={"company_code": company}, headers=headers)

        same_company = f"SAME{uuid.uuid4().hex[:6]}"
        same_headers = {**headers, "Idempotency-Key": str(uuid.uuid4())}
        same_body = ticket(same_company)
        _, replays = await run_requests(
            SAME_KEY_CREATES, lambda i: client.post("/api/v1/tickets", json=same_body, headers=same_headers)
        )
        same_listed = await client.get(
            "/api/v1/tickets", params={"company_code": same_company}, headers=headers
        )

    return {
        "health_requests_per_second": round(health_rps, 1),
        "create_requests_per_second": round(create_rps, 1),
        "create_vs_health_ratio": round(create_rps / health_rps, 3),
        "creates_sent": CREATES,
        "creates_answered_201": sum(r.status_code == 201 for r in created),
        "distinct_ticket_numbers": len({r.json()["number"] for r in created if r.status_code == 201}),
        "tickets_stored": listed.json()["total"],
        "same_key_creates_sent": SAME_KEY_CREATES,
        "same_key_answered_201": sum(r.status_code == 201 for r in replays),
        "same_key_distinct_numbers": len({r.json()["number"] for r in replays if r.status_code == 201}),
        "same_key_tickets_stored": same_listed.json()["total"],
        "concurrency": CONCURRENCY,
    }


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "JOBS_INTERVAL_SECONDS": "0",
           "RATE_LIMIT_PER_MINUTE": "0", "LOG_LEVEL": "WARNING"}  # fmt: skip
    python = sys.executable
    # Support staff's key: it may open tickets and list them (a channel's key lists none without the
    # verified customer).
    key = subprocess.run(
        [python, "-m", "api", "keys", "create", f"bench-{port}", "--admin"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    try:
        with api_process(port, env, workdir, 120) as base:
            results = asyncio.run(measure(base, key))
    except ApiDidNotStart as exc:
        print(exc, file=sys.stderr)
        return 1
    results["database"] = database_url.split(":", 1)[0]
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
