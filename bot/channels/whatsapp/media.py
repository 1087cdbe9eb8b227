"""Files a contact sends, kept in the support API with their conversation.

Meta's webhook carries only a media id: the Graph API gives the file's URL (``GET /<media id>``) and
that URL the bytes, both with the access token and within ``GRAPH_TIMEOUT``, so the customer hears
back in seconds. A file over ``MAX_ATTACHMENT_BYTES`` (the API's own limit) is refused on the size
Meta declares, before downloading, and the download stops past it; the bytes must hash to the
SHA-256 Meta stated, so a truncated or altered file is never kept. ``POST /api/v1/files`` as the
conversation's end user then links the file to the conversation's ticket. A shared location is kept
the same way, as a small text file with a map link.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import mimetypes
from dataclasses import dataclass
from typing import Any, Dict, Optional

import aiohttp

from channels.attachment_rules import MIB, base_type, fitting_name, max_attachment_bytes
from channels.whatsapp.config import WhatsAppConfig
from channels.whatsapp.message_kinds import Location, Media
from channels.whatsapp.wording import WORDING
from shared.support_api import SupportApi, SupportApiError

log = logging.getLogger(__name__)

GRAPH_TIMEOUT = aiohttp.ClientTimeout(total=10)
CHUNK_BYTES = 64 * 1024
# WhatsApp's media types that Python's own table lacks (the host's mime.types may or may not have them).
EXTENSIONS = {
    "audio/ogg": ".ogg",
    "audio/amr": ".amr",
    "audio/mp4": ".m4a",
    "image/webp": ".webp",
    "video/3gpp": ".3gp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
}
# The API's refusals as what the contact is told (wording keys); anything else is "attachment_failed".
REFUSALS = {413: "attachment_too_large", 415: "attachment_type_refused", 422: "attachment_damaged"}
MAPS_URL = "https://www.google.com/maps?q="


class NotKept(Exception):
    """A file that was not kept; ``reason`` is the wording key of what the contact is told."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason

    def told(self, language: str) -> str:
        """What the contact is told, in their language (with the size limit, where it matters)."""
        return WORDING[language][self.reason].format(limit_mb=f"{max_attachment_bytes() / MIB:g}")


@dataclass(frozen=True)
class Kept:
    """A file the support API stored: its id and the name it goes by there."""

    file_id: str
    filename: str


async def keep_media(
    media: Media, message_id: str, language: str, config: WhatsAppConfig, api: SupportApi
) -> Kept:
    """Downloads a contact's file from Meta and stores it in the support API; raises NotKept."""
    headers = {"Authorization": f"Bearer {config.access_token}"}
    try:
        async with aiohttp.ClientSession(timeout=GRAPH_TIMEOUT, headers=headers) as session:
            info = await _media_info(session, f"{config.api_base.rstrip('/')}/{media.media_id}")
            content = await _download(session, str(info["url"]))
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
        raise NotKept("attachment_failed", f"media {media.media_id} not fetched from Meta: {exc!r}") from exc
    digest = hashlib.sha256(content)
    stated = media.sha256 or _string(info.get("sha256"))
    if stated and not same_digest(digest.digest(), stated):
        raise NotKept("attachment_damaged", f"media {media.media_id} does not hash to Meta's SHA-256")
    mime_type = base_type(media.mime_type or _string(info.get("mime_type")))
    if media.filename:
        filename = fitting_name(media.filename)
    else:
        filename = generated_name(media, message_id or media.media_id, mime_type, language)
    return await _upload(api, content, filename, mime_type)


async def keep_location(location: Location, language: str, api: SupportApi) -> Kept:
    """Stores a shared location as a text file (name, address, coordinates, map link); raises NotKept."""
    content = location_text(location).encode("utf-8")
    return await _upload(api, content, WORDING[language]["file_location"], "text/plain")


async def _media_info(session: aiohttp.ClientSession, url: str) -> Dict[str, Any]:
    """Meta's description of a media id (``url``, ``mime_type``, ``sha256``, ``file_size``)."""
    async with session.get(url) as reply:
        if reply.status >= 400:
            raise NotKept("attachment_failed", f"Meta answered {reply.status}: {await reply.text()}")
        info = await reply.json(content_type=None)
    if not isinstance(info, dict) or not _string(info.get("url")):
        raise NotKept("attachment_failed", "Meta's media answer holds no URL")
    declared = _size(info.get("file_size"))
    if declared is not None and declared > max_attachment_bytes():
        raise NotKept("attachment_too_large", f"Meta declares {declared} bytes")
    return info


async def _download(session: aiohttp.ClientSession, url: str) -> bytes:
    """The file's bytes, read no further than the limit."""
    limit = max_attachment_bytes()
    content = bytearray()
    async with session.get(url) as reply:
        if reply.status >= 400:
            raise NotKept("attachment_failed", f"Meta's media URL answered {reply.status}")
        async for chunk in reply.content.iter_chunked(CHUNK_BYTES):
            content.extend(chunk)
            if len(content) > limit:
                raise NotKept("attachment_too_large", f"more than {limit} bytes")
    return bytes(content)


async def _upload(api: SupportApi, content: bytes, filename: str, mime_type: str) -> Kept:
    sha256 = hashlib.sha256(content).hexdigest()
    try:
        stored = await api.upload_file(content, filename, mime_type, sha256)
    except SupportApiError as exc:
        raise NotKept(REFUSALS.get(exc.status or 0, "attachment_failed"), str(exc)) from exc
    if not isinstance(stored, dict) or not stored.get("id"):
        raise NotKept("attachment_failed", "the support API's answer holds no file id")
    return Kept(str(stored["id"]), str(stored.get("filename") or filename))


def same_digest(digest: bytes, stated: str) -> bool:
    """Whether Meta's stated SHA-256 is ``digest``: hex (media endpoint) or base64 (webhooks)."""
    try:
        expected = bytes.fromhex(stated) if len(stated) == 64 else base64.b64decode(stated, validate=True)
    except ValueError:  # binascii.Error included
        return False
    return hmac.compare_digest(expected, digest)


def generated_name(media: Media, message_id: str, mime_type: str, language: str) -> str:
    """A name for a file sent without one: its kind, a short id and its type's extension."""
    stem = WORDING[language]["file_voice" if media.voice else f"file_{media.kind}"]
    short_id = hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:8]
    extension = EXTENSIONS.get(mime_type) or mimetypes.guess_extension(mime_type) or ""
    return f"{stem}-{short_id}{extension}"


def location_text(location: Location) -> str:
    coordinates = f"{location.latitude},{location.longitude}"
    lines = [location.name, location.address, coordinates, MAPS_URL + coordinates, location.url]
    return "\n".join(line for line in lines if line) + "\n"


def _string(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and value else None


def _size(value: Any) -> Optional[int]:
    """Meta's ``file_size`` (a number, in some answers a string); None when unreadable."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
