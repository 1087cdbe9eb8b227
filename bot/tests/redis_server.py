"""A private Redis server (Debian's redis-server, `make redis`) for the tests of the memory in Redis."""

import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
import redis
from channel_harness import free_socket

STARTUP_SECONDS = 10


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """The URL of a Redis server of its own on a free local port, keeping nothing on disk, stopped on
    exit; the test is skipped where redis-server is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("install redis-server (make redis)")
    with free_socket() as sock:
        port = sock.getsockname()[1]
    options = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    log = folder / "redis.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [binary, *options, "--dir", str(folder)], stdout=output, stderr=subprocess.STDOUT
        )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_for(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(STARTUP_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(url: str, server: "subprocess.Popen[bytes]", log: Path) -> None:
    """Returns once the server answers PING; fails with its log if it exits or takes too long."""
    deadline = time.monotonic() + STARTUP_SECONDS
    with redis.Redis.from_url(url, socket_connect_timeout=1) as client:
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start:\n{log.read_text()}") from None
                time.sleep(0.01)
