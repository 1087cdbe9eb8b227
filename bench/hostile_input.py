"""What hostile text costs the open endpoints: ``python -m bench.hostile_input``.

For /dialog/extract, /dialog/answer and /privacy/mask, the median time of a request carrying
10 000 characters of ordinary support messages (the baseline, measured in the same run) and of
requests carrying 10 000-character hostile texts (one long word, repeated labels, digit groups),
and their ratio: near 1 means hostile text costs what any text of its length costs.
Before issue 14, 10 000 "a" characters took 40 times an ordinary request on /dialog/extract.
Prints numbers only.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from core.settings import get_settings
from tests.support.api_app import running_api

MESSAGE = "Ao transmitir a NF-e no Protheus 12.1.2410 dá rejeição 539 desde ontem; e-mail ana@acme.com. "
ORDINARY = (MESSAGE * (10_000 // len(MESSAGE) + 1))[:10_000]
HOSTILE = {
    "one long word": "a" * 10_000,
    "almost e-mails": "a@" * 5_000,
    "password labels": "senha " * 1_666,
    "digit groups": "1 " * 5_000,
}
REPEATS = 15


def median_ms(client: TestClient, path: str, body: dict[str, object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        response = client.post(path, json=body)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return statistics.median(times)


def bodies(text: str) -> dict[str, dict[str, object]]:
    return {
        "/api/v1/dialog/extract": {"text": text},
        "/api/v1/dialog/answer": {"field": "contact_name", "value": text, "language": "pt-BR"},
        "/api/v1/privacy/mask": {"text": text},
    }


def main() -> int:
    database = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-hostile-')) / 'support.db'}"
    with running_api(database, get_settings().index_dir, client_rate_limit_per_minute=0) as app:
        client = TestClient(app)
        for path, body in bodies(ORDINARY).items():
            baseline = median_ms(client, path, body)
            print(f"{path:<24} ordinary text   : {baseline:7.1f} ms")
            for label, text in HOSTILE.items():
                hostile = median_ms(client, path, bodies(text)[path])
                print(f"{path:<24} {label:<16}: {hostile:7.1f} ms  ({hostile / baseline:5.1f}x ordinary)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
