"""The real API in a uvicorn process on a free port, for benchmarks that measure it over HTTP."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from core.settings import ROOT


class ApiDidNotStart(RuntimeError):
    """The API exited or did not answer /health in time; the message names its log."""


@contextmanager
def api_process(port: int, env: dict[str, str], workdir: Path, startup_seconds: float) -> Iterator[str]:
    """Start the API with ``env`` and yield its base URL once /health answers; stop it after."""
    log = workdir / "api.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("w"),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_seconds
        while True:
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise ApiDidNotStart(f"the API did not start; see {log}")
            time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
