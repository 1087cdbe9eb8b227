"""Files a customer sends from the web widget, kept in the support API with their conversation.

The browser never holds the service key, so the widget posts the raw file to the REST channel
(``POST /webhooks/rest/files?sender=…``, name in ``X-File-Name``, percent-encoded), which hands it
to ``POST /api/v1/files`` as the conversation's end user, and as the verified customer when an
``X-Portal-Token`` proves one; the file then joins the next ticket opened in that conversation. The
body is read no further than ``MAX_ATTACHMENT_BYTES`` (the API's own limit), so an oversized file
never reaches the API. What the customer is told is the channel's own words (``bounded_reply.yml``),
never an error page: the API's refusals (413, 415, 422) and its silence each have their line.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional
from urllib.parse import unquote

from sanic.request import Request

from channels.attachment_rules import MIB, base_type, fitting_name, max_attachment_bytes
from channels.bounded_reply import channel_text
from channels.inbound_limits import ClientMetadata, checked_sender, client_metadata
from shared.support_api import SupportApi, SupportApiError

log = logging.getLogger(__name__)

# The API's refusals as what the customer is told (wording keys); anything else is "file_not_kept".
REFUSALS = {413: "file_too_large", 415: "file_type_refused", 422: "file_damaged"}
# The channel's answer to the browser for each outcome (the body always holds the words to show).
STATUS = {
    "file_kept": 201,
    "file_too_large": 413,
    "file_type_refused": 415,
    "file_damaged": 422,
    "file_empty": 422,
    "file_not_kept": 503,
}


class TooLarge(Exception):
    """A body over the limit: refused before the API is called."""


@dataclass(frozen=True)
class WebFile:
    """What the browser said about a file it sends (its bytes are read afterwards)."""

    sender_id: str
    filename: str
    mime_type: str
    client: ClientMetadata


@dataclass(frozen=True)
class Outcome:
    """What became of a file: the wording key of what the customer is told, and the stored file."""

    key: str
    stored: Optional[Dict[str, Any]] = None

    @property
    def status(self) -> int:
        return STATUS[self.key]

    def told(self, language: Optional[str], filename: str) -> str:
        """The customer's line, in a bot language code, with the name and the limit where they matter."""
        limit_mb = f"{max_attachment_bytes() / MIB:.1f}".rstrip("0").rstrip(".")
        name = str((self.stored or {}).get("filename") or filename)
        return channel_text(self.key, language).format(filename=name, limit_mb=limit_mb)

    def file(self) -> Optional[Dict[str, Any]]:
        """The stored file as the browser may see it (no URL: only the service key may read it)."""
        if self.stored is None:
            return None
        return {key: self.stored.get(key) for key in ("id", "filename", "size", "sha256")}


def web_file(query: Mapping[str, Any], headers: Mapping[str, str]) -> WebFile:
    """The file's sender, name, type and client metadata; raises ``Refused`` (HTTP 400).

    The portal token and language are checked as a message's metadata would be.
    """
    sender = checked_sender(query.get("sender"))
    client = client_metadata(
        {"portal_token": headers.get("x-portal-token"), "language": headers.get("x-language")}
    )
    mime_type = base_type(headers.get("content-type"))
    return WebFile(sender, usable_name(headers.get("x-file-name"), mime_type), mime_type, client)


def usable_name(header: Optional[str], mime_type: str) -> str:
    """The decoded name without folders or control characters, short enough for the API.

    A file without a usable name gets one from its type ("file.png"), so it is still kept.
    """
    name = unicodedata.normalize("NFC", unquote(header or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if not name:
        return "file" + (mimetypes.guess_extension(mime_type) or "")
    return fitting_name(name)


async def read_capped(request: Request, limit: int) -> bytes:
    """The streamed body, read no further than ``limit`` bytes; raises ``TooLarge``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"{declared} bytes declared")
    if request.stream is None:  # a route that is not streamed: Sanic has read the body already
        content = bytes(request.body or b"")
    else:
        chunks, size = [], 0
        async for chunk in request.stream:
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"more than {limit} bytes")
            chunks.append(chunk)
        content = b"".join(chunks)
    if len(content) > limit:
        raise TooLarge(f"{len(content)} bytes")
    return content


async def keep_file(upload: WebFile, content: bytes, api: SupportApi) -> Outcome:
    """Stores the file in the support API as the conversation's end user; never raises."""
    if not content:
        return Outcome("file_empty")
    sha256 = hashlib.sha256(content).hexdigest()
    try:
        stored = await api.upload_file(content, upload.filename, upload.mime_type, sha256)
    except SupportApiError as exc:
        key = REFUSALS.get(exc.status or 0, "file_not_kept")
        if key == "file_not_kept":
            log.error("a file from %s was not kept: %s", upload.sender_id, exc)
        else:
            log.info("a file from %s was refused (%s): %s", upload.sender_id, exc.status, upload.mime_type)
        return Outcome(key)
    if not isinstance(stored, dict) or not stored.get("id"):
        log.error("the support API's answer to a file from %s holds no file id", upload.sender_id)
        return Outcome("file_not_kept")
    log.info("file %s (%d bytes) kept for %s", stored["id"], len(content), upload.sender_id)
    return Outcome("file_kept", stored)
