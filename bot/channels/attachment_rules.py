"""What every chat channel checks of a file before handing it to the support API: one set of rules.

The API is the judge (``POST /api/v1/files``: size, type, hash); the channels check the size first so
an oversized file is neither downloaded nor sent, and shape the type and name as the API takes them.
"""

from __future__ import annotations

import logging
import os
from typing import Optional
from urllib.parse import quote

log = logging.getLogger(__name__)

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 16 * MIB  # the API's default MAX_ATTACHMENT_BYTES
DEFAULT_MIME_TYPE = "application/octet-stream"
MAX_MIME_CHARS = 100
MAX_FILENAME_CHARS = 255
# The API takes X-File-Name up to 1000 characters once percent-encoded (9 per CJK character).
MAX_ENCODED_NAME_CHARS = 1000


def max_attachment_bytes() -> int:
    """The largest file taken: ``MAX_ATTACHMENT_BYTES`` as the API reads it (read at each file)."""
    try:
        value = int(os.environ.get("MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES))
    except ValueError:
        log.error("MAX_ATTACHMENT_BYTES is not a number of bytes; %d is used", DEFAULT_MAX_BYTES)
        return DEFAULT_MAX_BYTES
    return value if value > 0 else DEFAULT_MAX_BYTES


def base_type(content_type: Optional[str]) -> str:
    """The MIME type without parameters ("audio/ogg; codecs=opus" is "audio/ogg")."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    return kind if kind and len(kind) <= MAX_MIME_CHARS else DEFAULT_MIME_TYPE


def fitting_name(name: str) -> str:
    """``name`` shortened, its extension kept, until the API takes it (length and encoded length)."""
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        stem, dot, extension = name, "", ""
    while stem and (len(name) > MAX_FILENAME_CHARS or len(quote(name, safe="")) > MAX_ENCODED_NAME_CHARS):
        stem = stem[:-1]
        name = stem + dot + extension
    return name if stem else name[:MAX_FILENAME_CHARS]
