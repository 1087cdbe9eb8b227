"""Files sent in chats: the channels store them, support staff and the ticket's contact read them."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import APIRouter, Header, Request, Response
from pydantic import Field

from api.deps import EndUserDep, EndUserHeader, NowDep, PrincipalDep, SessionDep, SettingsDep
from api.files.service import FileLimits, FileRefused, readable_file, store_file
from api.files.storage import FileStore
from api.tickets.schemas import FileOut

router = APIRouter(prefix="/files", tags=["files"])


class StoredFile(FileOut):
    conversation: str = Field(description="The conversation (X-End-User) the file joins.")


def limits_of(settings: SettingsDep) -> FileLimits:
    return FileLimits(settings.max_attachment_bytes, settings.accepted_attachment_types)


@router.post("", status_code=201, response_model=StoredFile, responses={413: {}, 415: {}, 422: {}})
async def upload_file(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    now: NowDep,
    x_end_user: EndUserHeader = None,
    content_type: Annotated[str, Header(max_length=200)] = "",
    x_file_name: Annotated[
        str, Header(max_length=1000, description="The file's name, percent-encoded.")
    ] = "",
    x_file_sha256: Annotated[
        str | None, Header(max_length=64, description="The sender's SHA-256 (Meta's); checked.")
    ] = None,
) -> StoredFile:
    """Keep a file a customer sent in a chat; it joins the ticket opened in that conversation.

    The body is the file itself (not JSON, not multipart), its type in Content-Type."""
    limits = limits_of(settings)
    content = await read_capped(request, limits.max_bytes)
    store: FileStore = request.app.state.file_store
    row = store_file(
        session, store, limits, principal, x_end_user, unquote(x_file_name), content_type, content,
        x_file_sha256, now,
    )  # fmt: skip
    return StoredFile.model_validate(row, from_attributes=True)


@router.get("/{file_id}", responses={200: {"content": {"application/octet-stream": {}}}})
def download_file(
    file_id: str, request: Request, session: SessionDep, principal: PrincipalDep, end_user: EndUserDep
) -> Response:
    """The file, for support staff (admin keys) and the ticket's verified contact; always as a download."""
    row = readable_file(session, principal, end_user, file_id)
    content = request.app.state.file_store.get(row.id)
    if content is None:
        raise FileRefused(410, "file_id", "gone", "the file's content is no longer kept")
    return Response(
        content,
        media_type=row.mime_type,
        headers={
            # Never rendered by the browser at the API's origin: a customer's file could be HTML or SVG.
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Cache-Control": "private, no-store",
        },
    )


async def read_capped(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FileRefused(413, "body", "size", f"files are accepted up to {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise FileRefused(413, "body", "size", f"files are accepted up to {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
