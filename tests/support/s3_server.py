"""A throw-away S3-compatible server (moto's standalone server, a dev dependency) on a free local port."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import httpx

from tests.support.live_stack import free_port

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

REGION = "us-east-1"
# Any keys do for moto; real ones never reach a test.
ACCESS_KEY_ID, SECRET_ACCESS_KEY = "test-key-id", "test-secret"
STARTUP_SECONDS = 30


class S3ServerError(RuntimeError):
    """The server did not start; the message carries the end of its log."""


@contextmanager
def s3_server() -> Iterator[str]:
    """Start the server on 127.0.0.1 and yield its endpoint URL; stop it after."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="s3-server-") as folder:
        log = Path(folder) / "log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_ready(endpoint, process, log)
            yield endpoint
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def s3_client(endpoint: str) -> S3Client:
    """A plain boto3 client of the server, for tests to set up and inspect buckets themselves."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
    )


def _wait_ready(endpoint: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise S3ServerError(f"moto's S3 server exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{endpoint}/moto-api/", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise S3ServerError(f"moto's S3 server did not answer in {STARTUP_SECONDS} s: {log.read_text()[-2000:]}")
