"""Where file contents live: a local folder (the default) or an S3 bucket, behind one small interface."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

from core.settings import Settings

SAFE_KEY = re.compile(r"[0-9a-f]{32}")  # used with fullmatch: "$" would let a trailing newline in


class FileStore(Protocol):
    def put(self, key: str, content: bytes) -> None: ...
    def get(self, key: str) -> bytes | None: ...
    def delete(self, key: str) -> None: ...


def checked_key(key: str) -> str:
    """``key`` if it is one of the API's own ids; anything else is a bug, never a path or object name."""
    if not SAFE_KEY.fullmatch(key):
        raise ValueError(f"not a file key: {key!r}")
    return key


def file_store_from(settings: Settings) -> FileStore:
    """The store FILES_STORE names; an incomplete S3 configuration stops the start, naming what is missing."""
    if settings.files_store == "local":
        return LocalFileStore(settings.files_dir)
    from api.files.s3_store import S3FileStore  # boto3 loads only where S3 is used

    return S3FileStore.from_settings(settings)


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

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        return self.folder / checked_key(key)
