"""HTTP client of the support API, used by the actions and by the channels (masking, files).

SUPPORT_API_URL is the API's base URL; SUPPORT_API_KEY the bot's service key (`make run` makes one).
A client made for one conversation names its end user (``X-End-User``, for per-customer rate limits)
and carries the customer's verified identity (``X-End-User-Token``) when the channel proved one:
without it the API lets the bot search and open unverified tickets, never read one.
Every call carries an X-Request-ID that the API echoes and writes in its log lines, and that failures
here quote, so an error in the bot's log can be found in the API's log.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Dict, List, Optional, cast
from urllib.parse import quote
from uuid import uuid4

import aiohttp

log = logging.getLogger(__name__)

# Shorter than the channels' patience: a slow or hung API gets the customer an answer within seconds
# (the actions say the system is slow and keep what was said) instead of silence.
TIMEOUT_SECONDS = float(os.environ.get("SUPPORT_API_TIMEOUT_SECONDS", "4"))
# Masking holds up every incoming message, so it gives up sooner.
MASK_TIMEOUT_SECONDS = 3
REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_PREFIX = "bot"
MASK_PATH = "/api/v1/privacy/mask"
FILES_PATH = "/api/v1/files"

# Decoded JSON bodies of the API's answers.
JsonObject = Dict[str, Any]
JsonList = List[Dict[str, Any]]


class SupportApiError(RuntimeError):
    """The API could not be reached or answered with an error."""

    def __init__(self, message: str, status: Optional[int] = None, request_id: Optional[str] = None) -> None:
        super().__init__(f"{message} (request id {request_id})" if request_id else message)
        self.status = status
        self.request_id = request_id


class SupportApi:
    def __init__(
        self,
        base_url: Optional[str] = None,
        api_key: Optional[str] = None,
        request_id: Optional[str] = None,
        end_user: Optional[str] = None,
        identity_token: Optional[str] = None,
    ) -> None:
        self.base_url = (base_url or os.environ.get("SUPPORT_API_URL", "http://localhost:8000")).rstrip("/")
        key = api_key or os.environ.get("SUPPORT_API_KEY")
        self.headers = {"X-API-Key": key} if key else {}
        if end_user:
            self.headers["X-End-User"] = end_user[:200]
        if identity_token:
            self.headers["X-End-User-Token"] = identity_token
        # One id for every call of this client when given (e.g. per conversation turn), else one per call.
        self.request_id = request_id

    def as_end_user(self, end_user: str) -> "SupportApi":
        """The same client, calling for one end user (the API limits requests per end user)."""
        client = SupportApi(self.base_url, request_id=self.request_id)
        client.headers = {**self.headers, "X-End-User": end_user[:200]}
        return client

    def _new_request_id(self) -> str:
        return self.request_id or f"{REQUEST_ID_PREFIX}-{uuid4().hex[:12]}"

    async def _call(
        self,
        method: str,
        path: str,
        params: Optional[Dict[str, Any]] = None,
        body: Optional[Dict[str, Any]] = None,
        headers: Optional[Dict[str, str]] = None,
        timeout_seconds: float = TIMEOUT_SECONDS,
        content: Optional[bytes] = None,
    ) -> Any:
        query = {key: value for key, value in (params or {}).items() if value is not None}
        request_id = self._new_request_id()
        sent = {**(headers or {}), REQUEST_ID_HEADER: request_id}
        timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout, headers=self.headers) as session,
                session.request(
                    method, f"{self.base_url}{path}", params=query, json=body, data=content, headers=sent
                ) as response,
            ):
                if response.status >= 400:
                    raise SupportApiError(
                        f"{method} {path} answered {response.status}: {await response.text()}",
                        response.status,
                        request_id,
                    )
                return await response.json()
        # On Python 3.10 aiohttp's timeout is asyncio.TimeoutError, not the built-in TimeoutError.
        except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError) as exc:
            raise SupportApiError(f"{method} {path} failed: {exc}", request_id=request_id) from exc

    async def search(self, question: str, k: int = 3, lang: Optional[str] = None) -> JsonObject:
        found = await self._call("GET", "/api/v1/search", {"q": question, "k": k, "lang": lang})
        return cast(JsonObject, found)

    async def article(self, article_id: str) -> JsonObject:
        return cast(JsonObject, await self._call("GET", f"/api/v1/articles/{article_id}"))

    async def check_field(self, field: str, value: str, language: str) -> JsonObject:
        body = {"field": field, "value": value, "language": language}
        return cast(JsonObject, await self._call("POST", "/api/v1/dialog/check", body=body))

    async def answer(self, field: str, value: str, language: str, filled: List[str]) -> JsonObject:
        """Read one form answer: the field asked and any other detail it states (``values``, ``problem``)."""
        body = {"field": field, "value": value, "language": language, "filled": filled}
        return cast(JsonObject, await self._call("POST", "/api/v1/dialog/answer", body=body))

    async def extract(self, text: str) -> JsonObject:
        return cast(JsonObject, await self._call("POST", "/api/v1/dialog/extract", body={"text": text}))

    async def priority(self, impact: str, urgency: str, language: str) -> JsonObject:
        params = {"impact": impact, "urgency": urgency, "language": language}
        return cast(JsonObject, await self._call("GET", "/api/v1/priority", params))

    async def similar(self, company_code: str, product: str, text: str) -> JsonList:
        params = {"company_code": company_code, "product": product, "text": text}
        return cast(JsonList, await self._call("GET", "/api/v1/tickets/similar", params))

    async def create_ticket(self, body: JsonObject, idempotency_key: str) -> JsonObject:
        headers = {"Idempotency-Key": idempotency_key}
        return cast(JsonObject, await self._call("POST", "/api/v1/tickets", body=body, headers=headers))

    async def add_comment(self, number: int, text: str) -> JsonObject:
        found = await self._call("POST", f"/api/v1/tickets/{number}/comments", body={"body": text})
        return cast(JsonObject, found)

    async def ticket(self, number: int) -> JsonObject:
        return cast(JsonObject, await self._call("GET", f"/api/v1/tickets/{number}"))

    async def notices(self, product: Optional[str], language: str) -> JsonList:
        params = {"product": product, "language": language}
        return cast(JsonList, await self._call("GET", "/api/v1/notices", params))

    async def contacts(self, language: str, country: Optional[str] = None) -> JsonObject:
        params = {"language": language, "country": country}
        return cast(JsonObject, await self._call("GET", "/api/v1/contacts", params))

    async def verify_portal_user(self, token: str) -> JsonObject:
        """The portal's signed token exchanged for the API's identity (``token``, ``name``, ``email``…)."""
        body = {"token": token}
        return cast(JsonObject, await self._call("POST", "/api/v1/identity/portal", body=body))

    async def verify_phone_user(self, phone: str) -> JsonObject:
        """The known contact behind a number the platform verified; 404 for an unknown number."""
        body = {"phone": phone}
        return cast(JsonObject, await self._call("POST", "/api/v1/identity/phone", body=body))

    async def mask(self, text: str) -> JsonObject:
        """The text with secrets replaced (``text``) and what kinds were found (``kinds``)."""
        found = await self._call("POST", MASK_PATH, body={"text": text}, timeout_seconds=MASK_TIMEOUT_SECONDS)
        return cast(JsonObject, found)

    async def upload_file(self, content: bytes, filename: str, mime_type: str, sha256: str) -> JsonObject:
        """Stores a file a customer sent, linked to this client's end user (their conversation).

        The bytes go as the raw body; the API checks them against ``sha256`` (hex) and answers the
        stored file (``id``, ``filename``, ``mime_type``, ``size``, ``sha256``, ``url``), or 413 (too
        large), 415 (type not allowed) or 422 (hash mismatch) as a SupportApiError.
        """
        headers = {
            "Content-Type": mime_type,
            "X-File-Name": quote(filename, safe=""),
            "X-File-SHA256": sha256,
        }
        stored = await self._call("POST", FILES_PATH, headers=headers, content=content)
        return cast(JsonObject, stored)

    async def record_event(self, event: JsonObject) -> None:
        """Report what happened in the conversation (insights); never lets a failure reach the user."""
        try:
            await self._call("POST", "/api/v1/events", body=event)
        except SupportApiError as exc:
            log.warning("event not recorded: %s", exc)
