"""Where file contents live: a local folder (the default), behind one small interface."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

SAFE_KEY = re.compile(r"^[0-9a-f]{32}$")


class FileStore(Protocol):
    def put(self, key: str, content: bytes) -> None: ...
    def get(self, key: str) -> bytes | None: ...


class LocalFileStore:
    """One file per key in ``folder`` (created 0700; files 0600: they may hold customers' data)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, key: str, content: bytes) -> None:
        path = self._path(key)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_suffix(".partial")
        # Written aside and renamed, so a reader never sees half a file.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        partial.replace(path)

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path.is_file() else None

    def _path(self, key: str) -> Path:
        if not SAFE_KEY.match(key):  # keys are the API's own ids; anything else is a bug, not a path
            raise ValueError(f"not a file key: {key!r}")
        return self.folder / key
